using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Data.Postgres;

/// <summary>Start-up migrates whichever provider is configured; on PostgreSQL the migrations come from their own assembly.</summary>
public class PostgresMigrationTests
{
    [Fact]
    public async Task StartUpMigratesAnEmptyPostgresDatabaseToTheCurrentModel()
    {
        TestDatabaseServer.SkipWithoutPostgres();
        var name = $"sim_test_{Guid.NewGuid():N}";
        var connection = new NpgsqlConnectionStringBuilder(TestDatabaseServer.PostgresServer) { Database = name }.ConnectionString;
        await using var provider = new ServiceCollection().AddLogging()
            .AddSponsoredInMailData(_ => new DatabaseConnection(connection, DatabaseProvider.Postgres)).BuildServiceProvider();
        var initializer = provider.GetRequiredService<DatabaseInitializer>();
        try
        {
            await initializer.MigrateAsync(TestContext.Current.CancellationToken);

            await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
            (await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken)).ShouldBeEmpty();
            db.Database.HasPendingModelChanges().ShouldBeFalse("the PostgreSQL migrations are generated from the current model");
            (await db.Members.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
        }
        finally
        {
            await initializer.DeleteAsync(TestContext.Current.CancellationToken);
        }
    }
}

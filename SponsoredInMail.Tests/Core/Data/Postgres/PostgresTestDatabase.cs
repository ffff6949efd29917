using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Data.Postgres;
using SponsoredInMail.Core.Seeding;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Data.Postgres;

/// <summary>
/// A fresh PostgreSQL database (sim_test_&lt;guid&gt;) with the Core services around it, the Postgres writer and
/// audience source swapped in for the SQLite ones, and the same fake clock as <see cref="TestDatabase"/>. The schema
/// comes from EnsureCreated (PostgreSQL migrations are made elsewhere). Skips the test when POSTGRES_CONNECTION is unset.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string Variable = "POSTGRES_CONNECTION";

    private readonly string _adminConnection;

    private PostgresTestDatabase(string adminConnection, string name, string connectionString, ServiceProvider services)
    {
        _adminConnection = adminConnection;
        Name = name;
        ConnectionString = connectionString;
        Services = services;
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public ServiceProvider Services { get; }
    public IDbContextFactory<AppDbContext> Factory => Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public AppDbContext CreateContext() => Factory.CreateDbContext();

    /// <summary>The server's connection string, or a skip of the current test.</summary>
    public static string ServerConnectionOrSkip()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } value)
        {
            Assert.Skip($"{Variable} is not set (e.g. Host=127.0.0.1;Port=5432;Username=sim;Password=sim).");
            return "";
        }
        return value;
    }

    public static async Task<PostgresTestDatabase> CreateAsync(int randomSeed = 4242)
    {
        var server = ServerConnectionOrSkip();
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ToString();
        var name = $"sim_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Seed:RandomSeed"] = randomSeed.ToString(), ["Seed:DemoCampaigns"] = "false", ["Delivery:RunInBackground"] = "false" })
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(TestDatabase.Now))
            .AddSponsoredInMailData(connectionString)
            .AddSponsoredInMailCore(configuration);
        services.AddSponsoredInMailIdentity();
        UsePostgres(services);
        var provider = services.BuildServiceProvider();
        var database = new PostgresTestDatabase(admin, name, connectionString, provider);
        await using (var db = database.CreateContext())
        {
            await db.Database.EnsureCreatedAsync();
        }
        return database;
    }

    /// <summary>The test's stand-in for the provider switch (written elsewhere): Npgsql context options, the Postgres seams.</summary>
    private static void UsePostgres(IServiceCollection services)
    {
        services.RemoveAll<IDbContextOptionsConfiguration<AppDbContext>>();
        services.RemoveAll<DbContextOptions<AppDbContext>>();
        services.AddDbContextFactory<AppDbContext>((sp, options) => options
            .UseNpgsql(sp.GetRequiredService<DatabaseConnection>().ConnectionString)
            .AddInterceptors(sp.GetRequiredService<SponsoredInMail.Core.Changes.ChangeRecorder>()));
        services.RemoveAll<IBulkWriter>();
        services.AddSingleton<IBulkWriter>(sp => new PostgresBulkWriter(sp.GetRequiredService<DatabaseConnection>().ConnectionString));
        services.RemoveAll<IAudienceSource>();
        services.AddSingleton<IAudienceSource, PostgresAudienceSource>();
    }

    public async Task SeedAsync(int members, IProgress<SeedProgress>? progress = null)
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<NetworkSeeder>().SeedAsync(members, progress, TestContext.Current.CancellationToken);
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnection);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

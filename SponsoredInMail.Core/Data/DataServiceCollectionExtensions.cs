using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SponsoredInMail.Core.Data.Postgres;
using SponsoredInMail.Core.Data.Sqlite;

namespace SponsoredInMail.Core.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers the data layer for an SQLite connection string (the embedded default).</summary>
    public static IServiceCollection AddSponsoredInMailData(this IServiceCollection services, string connectionString) =>
        services.AddSponsoredInMailData(_ => new DatabaseConnection(connectionString));

    /// <summary>
    /// Registers the context factory and the provider's stores for the connection resolved from the final service
    /// provider (so that test hosts can override configuration after Program.cs has registered its services).
    /// </summary>
    public static IServiceCollection AddSponsoredInMailData(this IServiceCollection services, Func<IServiceProvider, DatabaseConnection> connection)
    {
        services.Configure<IdentityOptions>(options => options.Stores.SchemaVersion = IdentitySchemaVersion);
        services.AddSingleton(connection);
        services.AddSingleton(sp => ServicesFor(sp.GetRequiredService<DatabaseConnection>().Provider));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Changes.ChangeSignal>();
        services.AddSingleton<Changes.ChangeRecorder>();
        services.AddDbContextFactory<AppDbContext>((sp, options) =>
        {
            sp.GetRequiredService<IDatabaseProviderServices>().Configure(options, sp.GetRequiredService<DatabaseConnection>().ConnectionString);
            options.AddInterceptors(sp.GetRequiredService<Changes.ChangeRecorder>());
        });
        services.AddSingleton<DatabaseInitializer>();
        services.AddSingleton(sp => sp.GetRequiredService<IDatabaseProviderServices>().CreateBulkWriter(sp));
        services.AddSingleton(sp => sp.GetRequiredService<IDatabaseProviderServices>().CreateAudienceSource(sp));
        services.AddSingleton(sp => sp.GetRequiredService<IDatabaseProviderServices>().CreateDeliveryStore(sp));
        services.AddSingleton(sp => sp.GetRequiredService<IDatabaseProviderServices>().CreateEngagementStore(sp));
        services.AddSingleton(sp => sp.GetRequiredService<IDatabaseProviderServices>().CreateEngagedMembers(sp));
        services.AddSingleton(sp => sp.GetRequiredService<IDatabaseProviderServices>().CreateChangeNotifications(sp));
        services.AddSingleton<Cluster.Leadership>();
        return services;
    }

    public static IDatabaseProviderServices ServicesFor(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteProviderServices(),
        DatabaseProvider.Postgres => new PostgresProviderServices(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "An unknown database provider."),
    };

    /// <summary>
    /// The connection the app configures: <c>Database:Provider</c> (Sqlite by default) and the <c>DefaultConnection</c>
    /// string; a relative SQLite file is placed under <paramref name="baseDirectory"/>.
    /// </summary>
    public static DatabaseConnection FromConfiguration(string? provider, string? connectionString, string baseDirectory)
    {
        var kind = string.IsNullOrWhiteSpace(provider) ? DatabaseProvider.Sqlite
            : Enum.TryParse<DatabaseProvider>(provider.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
            : throw new InvalidOperationException($"Database:Provider is '{provider}'; use Sqlite or Postgres.");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("Connection string 'DefaultConnection' is missing from appsettings.json.");
        }
        return kind == DatabaseProvider.Sqlite
            ? new DatabaseConnection(SqliteProviderServices.ResolveDataSource(connectionString, baseDirectory))
            : new DatabaseConnection(connectionString, kind);
    }

    /// <summary>The Identity schema the migrations were made with (version 3 adds passkeys).</summary>
    public static readonly Version IdentitySchemaVersion = IdentitySchemaVersions.Version3;
}

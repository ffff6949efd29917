using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SponsoredInMail.Core.Data.Sqlite;

namespace SponsoredInMail.Core.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the context factory and the provider-specific pieces (bulk writer, initializer) for the
    /// given connection string. SQLite is the only provider today; this is the one place a second goes.
    /// </summary>
    public static IServiceCollection AddSponsoredInMailData(this IServiceCollection services, string connectionString) =>
        services.AddSponsoredInMailData(_ => connectionString);

    /// <summary>
    /// As above, with the connection string resolved from the final service provider (so that test hosts
    /// can override configuration after Program.cs has registered its services).
    /// </summary>
    public static IServiceCollection AddSponsoredInMailData(this IServiceCollection services, Func<IServiceProvider, string> connectionString)
    {
        services.Configure<IdentityOptions>(options => options.Stores.SchemaVersion = IdentitySchemaVersion);
        services.AddSingleton(sp => new DatabaseConnection(connectionString(sp)));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Changes.ChangeSignal>();
        services.AddSingleton<Changes.ChangeRecorder>();
        services.AddDbContextFactory<AppDbContext>((sp, options) => options
            .UseSqlite(sp.GetRequiredService<DatabaseConnection>().ConnectionString)
            .AddInterceptors(sp.GetRequiredService<Changes.ChangeRecorder>()));
        services.AddSingleton<IBulkWriter>(sp => new SqliteBulkWriter(sp.GetRequiredService<DatabaseConnection>().ConnectionString));
        services.AddSingleton<DatabaseInitializer>();
        services.AddSingleton<Audiences.IAudienceSource, SqliteAudienceSource>();
        services.AddSingleton<Deliveries.IDeliveryStore, SqliteDeliveryStore>();
        services.AddSingleton<Engagement.IEngagementStore, SqliteEngagementStore>();
        return services;
    }

    /// <summary>The Identity schema the migrations were made with (version 3 adds passkeys).</summary>
    public static readonly Version IdentitySchemaVersion = IdentitySchemaVersions.Version3;

    /// <summary>Makes a relative SQLite data source absolute under <paramref name="baseDirectory"/>.</summary>
    public static string ResolveSqliteDataSource(string connectionString, string baseDirectory)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } source && source != ":memory:" && !Path.IsPathRooted(source)
            && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(baseDirectory, source));
        }
        return builder.ToString();
    }
}

/// <summary>The resolved connection string of the product database.</summary>
public sealed record DatabaseConnection(string ConnectionString);

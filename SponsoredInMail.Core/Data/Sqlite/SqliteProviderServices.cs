using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Core.Data.Sqlite;

/// <summary>The embedded default: a database file beside the app, WAL journal, migrations in <c>Data/Migrations</c>.</summary>
internal sealed class SqliteProviderServices : IDatabaseProviderServices
{
    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public void Configure(DbContextOptionsBuilder options, string connectionString) => options.UseSqlite(connectionString);

    public Task BeforeMigrateAsync(string connectionString, CancellationToken ct)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(source);
        if (!string.IsNullOrEmpty(directory) && source != ":memory:")
        {
            Directory.CreateDirectory(directory);
        }
        return Task.CompletedTask;
    }

    // WAL lets readers (pages, reports) go on while a send run writes; the setting sticks to the file.
    public Task AfterMigrateAsync(AppDbContext db, CancellationToken ct) => db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", ct);

    public async Task DeleteAsync(AppDbContext db, CancellationToken ct)
    {
        SqliteConnection.ClearAllPools();
        await db.Database.EnsureDeletedAsync(ct);
        var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        foreach (var leftover in new[] { source + "-wal", source + "-shm" })
        {
            if (File.Exists(leftover))
            {
                File.Delete(leftover);
            }
        }
    }

    // SQLite has one writer at a time: a position is taken and committed before the next is taken.
    public string AppendChangeSql => """INSERT INTO "Changes" ("Kind", "Payload", "At") VALUES (@kind, @payload, @at) RETURNING "Position" """;

    public IBulkWriter CreateBulkWriter(IServiceProvider services) => new SqliteBulkWriter(services.GetRequiredService<DatabaseConnection>().ConnectionString);
    public IAudienceSource CreateAudienceSource(IServiceProvider services) => ActivatorUtilities.CreateInstance<SqliteAudienceSource>(services);
    public IDeliveryStore CreateDeliveryStore(IServiceProvider services) => ActivatorUtilities.CreateInstance<SqliteDeliveryStore>(services);
    public IEngagementStore CreateEngagementStore(IServiceProvider services) => ActivatorUtilities.CreateInstance<SqliteEngagementStore>(services);
    public IEngagedMembers CreateEngagedMembers(IServiceProvider services) => ActivatorUtilities.CreateInstance<SqliteEngagedMembers>(services);
    public Cluster.ISessionLock CreateSessionLock(DatabaseConnection database, string name) => new SqliteSessionLock();
    public Cluster.IChangeNotifications CreateChangeNotifications(IServiceProvider services) => new SqliteChangeNotifications();

    public Task<InvariantReport> CheckDeliveryInvariantsAsync(string connectionString, int anyCapDays, int sameCapDays, int activeWithinDays, CancellationToken ct = default) =>
        DeliveryInvariantCheck.RunAsync(connectionString, anyCapDays, sameCapDays, activeWithinDays, ct);

    public Task<long> TallyMismatchesAsync(string connectionString, CancellationToken ct = default) => EngagementTallyCheck.MismatchesAsync(connectionString, ct);

    // Every SQLite transaction here is IMMEDIATE: it holds the database's one write lock from its first statement.
    public Task LockRowsAsync(AppDbContext db, IEntityType entity, IReadOnlyCollection<long> keys, CancellationToken ct) => Task.CompletedTask;

    public Task LockNameAsync(AppDbContext db, string name, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Makes a relative data source absolute under <paramref name="baseDirectory"/>.</summary>
    public static string ResolveDataSource(string connectionString, string baseDirectory)
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

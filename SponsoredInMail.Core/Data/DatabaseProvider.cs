using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Core.Data;

/// <summary>The database servers the product runs on (<c>Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>The embedded default: one file, one machine.</summary>
    Sqlite,

    /// <summary>PostgreSQL 15 or later: shared by several app instances.</summary>
    Postgres,
}

/// <summary>The resolved connection of the product database, and which provider it speaks.</summary>
public sealed record DatabaseConnection(string ConnectionString, DatabaseProvider Provider = DatabaseProvider.Sqlite);

/// <summary>
/// Everything that differs between providers, behind one seam: how EF connects and migrates, and the stores that use
/// provider SQL for speed (the send batch, the engagement group commit, bulk writes, the index's source, the report's
/// member sets). One implementation per provider lives in the folder named for it (<c>Data/Sqlite</c>,
/// <c>Data/Postgres</c>); product rules never do.
/// </summary>
public interface IDatabaseProviderServices : IRowLocks
{
    DatabaseProvider Provider { get; }

    /// <summary>Points EF at the database (and at this provider's migrations).</summary>
    void Configure(DbContextOptionsBuilder options, string connectionString);

    /// <summary>Whatever must exist before migrating (a folder for a database file).</summary>
    Task BeforeMigrateAsync(string connectionString, CancellationToken ct);

    /// <summary>Settings applied once the schema is current (SQLite's WAL journal).</summary>
    Task AfterMigrateAsync(AppDbContext db, CancellationToken ct);

    /// <summary>Drops the database and whatever it leaves behind.</summary>
    Task DeleteAsync(AppDbContext db, CancellationToken ct);

    IBulkWriter CreateBulkWriter(IServiceProvider services);
    IAudienceSource CreateAudienceSource(IServiceProvider services);
    IDeliveryStore CreateDeliveryStore(IServiceProvider services);
    IEngagementStore CreateEngagementStore(IServiceProvider services);
    IEngagedMembers CreateEngagedMembers(IServiceProvider services);

    /// <summary>A lock held for as long as this process keeps its connection (leader election, first-run seeding).</summary>
    Cluster.ISessionLock CreateSessionLock(DatabaseConnection database, string name);

    /// <summary>Wakes the change feed when another process commits to it.</summary>
    Cluster.IChangeNotifications CreateChangeNotifications(IServiceProvider services);

    /// <summary>
    /// The change feed's append (parameters @kind, @payload, @at; returns the new position). Positions must commit in
    /// increasing order, or a follower that has read past a position could miss a lower one committed later.
    /// </summary>
    string AppendChangeSql { get; }

    /// <summary>SPEC invariants 1–3 checked with plain SQL over the whole database (tests, benchmarks).</summary>
    Task<Sqlite.InvariantReport> CheckDeliveryInvariantsAsync(string connectionString, int anyCapDays, int sameCapDays, int activeWithinDays, CancellationToken ct = default);

    /// <summary>Invariant 4: tally cells that disagree with the raw events (0 when all agree).</summary>
    Task<long> TallyMismatchesAsync(string connectionString, CancellationToken ct = default);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Core.Data.Postgres;

/// <summary>PostgreSQL 15+: migrations in the <c>SponsoredInMail.Migrations.Postgres</c> assembly.</summary>
internal sealed class PostgresProviderServices : IDatabaseProviderServices
{
    public const string MigrationsAssembly = "SponsoredInMail.Migrations.Postgres";

    public DatabaseProvider Provider => DatabaseProvider.Postgres;

    public void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly));

    public Task BeforeMigrateAsync(string connectionString, CancellationToken ct) => Task.CompletedTask;

    public Task AfterMigrateAsync(AppDbContext db, CancellationToken ct) => Task.CompletedTask;

    public Task DeleteAsync(AppDbContext db, CancellationToken ct) => db.Database.EnsureDeletedAsync(ct);

    /// <summary>
    /// Identity values are handed out at insert time but become visible at commit, so two writers could commit 11
    /// before 10 and a follower at 11 would never see 10. Appends therefore take one advisory transaction lock before
    /// the identity is drawn and hold it to commit: positions commit in order, as under SQLite's single writer. The
    /// lock is held only from a transaction's first append to its commit (appends come last in every transaction).
    /// The append also notifies <see cref="PostgresChangeNotifications.Channel"/>: PostgreSQL delivers it at commit (once
    /// per transaction, however many appends), waking every instance's followers.
    /// </summary>
    public const long FeedAppendLock = 0x5349_4d46_4545_44; // "SIMFEED"

    public string AppendChangeSql => AppendSql;

    internal static readonly string AppendSql = $"""
        WITH feed_lock AS (SELECT pg_advisory_xact_lock({FeedAppendLock}), pg_notify('{PostgresChangeNotifications.Channel}', ''))
        INSERT INTO "Changes" ("Kind", "Payload", "At") SELECT @kind, @payload, @at FROM feed_lock RETURNING "Position"
        """;

    public IBulkWriter CreateBulkWriter(IServiceProvider services) => new PostgresBulkWriter(services.GetRequiredService<DatabaseConnection>().ConnectionString);
    public IAudienceSource CreateAudienceSource(IServiceProvider services) => ActivatorUtilities.CreateInstance<PostgresAudienceSource>(services);
    public IDeliveryStore CreateDeliveryStore(IServiceProvider services) => ActivatorUtilities.CreateInstance<PostgresDeliveryStore>(services);
    public IEngagementStore CreateEngagementStore(IServiceProvider services) => ActivatorUtilities.CreateInstance<PostgresEngagementStore>(services);
    public IEngagedMembers CreateEngagedMembers(IServiceProvider services) => ActivatorUtilities.CreateInstance<PostgresEngagedMembers>(services);
    public Cluster.ISessionLock CreateSessionLock(DatabaseConnection database, string name) => new PostgresSessionLock(database.ConnectionString, name);
    public Cluster.IChangeNotifications CreateChangeNotifications(IServiceProvider services) => ActivatorUtilities.CreateInstance<PostgresChangeNotifications>(services);

    public Task<Sqlite.InvariantReport> CheckDeliveryInvariantsAsync(string connectionString, int anyCapDays, int sameCapDays, int activeWithinDays, CancellationToken ct = default) =>
        PostgresDeliveryInvariantCheck.RunAsync(connectionString, anyCapDays, sameCapDays, activeWithinDays, ct);

    public Task<long> TallyMismatchesAsync(string connectionString, CancellationToken ct = default) => PostgresEngagementTallyCheck.MismatchesAsync(connectionString, ct);

    public async Task LockRowsAsync(AppDbContext db, IEntityType entity, IReadOnlyCollection<long> keys, CancellationToken ct)
    {
        var table = entity.GetTableName() ?? throw new InvalidOperationException($"{entity.DisplayName()} has no table.");
        var key = entity.FindPrimaryKey()?.Properties.Single() ?? throw new InvalidOperationException($"{entity.DisplayName()} has no single-column key.");
        var column = key.GetColumnName(StoreObjectIdentifier.Table(table, entity.GetSchema()));
        var type = key.ClrType == typeof(long) ? "bigint" : "integer";
        // In key order, so two transactions locking overlapping sets cannot deadlock.
        var sql = $"SELECT 1 FROM \"{table}\" WHERE \"{column}\" = ANY(@keys::{type}[]) ORDER BY \"{column}\" FOR UPDATE";
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "keys";
        parameter.Value = keys.Order().ToArray();
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
        }
    }

    public async Task LockNameAsync(AppDbContext db, string name, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = "SELECT pg_advisory_xact_lock(hashtextextended(@name, 0))";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "name";
        parameter.Value = name;
        command.Parameters.Add(parameter);
        await command.ExecuteScalarAsync(ct);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace SponsoredInMail.Core.Data;

/// <summary>
/// Explicit locks for read-check-write transactions, so that they are correct on every provider. On PostgreSQL (READ
/// COMMITTED) two transactions can both read "one credit left" and both spend it; a row lock taken before the read
/// makes the second wait and then read the first one's result. On SQLite every transaction is IMMEDIATE and holds the
/// database's single write lock from its first statement, so these are no-ops there — but callers take them anyway:
/// the rule is written once, in Core, and the provider decides how to honour it.
/// </summary>
public static class RowLocks
{
    /// <summary>Locks the rows of <typeparamref name="T"/> with these primary keys until the transaction ends (in key order).</summary>
    public static Task LockAsync<T>(this AppDbContext db, IReadOnlyCollection<long> keys, CancellationToken ct) where T : class =>
        keys.Count == 0 ? Task.CompletedTask
            : ProviderOf(db).LockRowsAsync(db, db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not an entity."), keys, ct);

    public static Task LockAsync<T>(this AppDbContext db, long key, CancellationToken ct) where T : class => db.LockAsync<T>([key], ct);

    /// <summary>
    /// Locks a name until the transaction ends, for a rule with no row to lock (nothing exists yet, or the rule spans
    /// rows): everyone who takes the same name waits their turn.
    /// </summary>
    public static Task LockNameAsync(this AppDbContext db, string name, CancellationToken ct) => ProviderOf(db).LockNameAsync(db, name, ct);

    private static IDatabaseProviderServices ProviderOf(AppDbContext db)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Locks are taken inside the transaction they protect.");
        }
        return DataServiceCollectionExtensions.ServicesFor(db.Database.IsNpgsql() ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite);
    }
}

/// <summary>What a provider does for <see cref="RowLocks"/>.</summary>
public interface IRowLocks
{
    Task LockRowsAsync(AppDbContext db, IEntityType entity, IReadOnlyCollection<long> keys, CancellationToken ct);
    Task LockNameAsync(AppDbContext db, string name, CancellationToken ct);
}

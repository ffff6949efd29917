using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Accounts;

/// <summary>How refusals name an account's entity: the field, "… not found." and "… can change …".</summary>
public sealed record OwnedNames(string Field, string Singular, string Plural)
{
    public string NotFound => $"{Singular} not found.";
}

/// <summary>
/// A row that belongs to one advertiser account. It is only ever loaded by its id together with the account's id,
/// so another account's row answers exactly like a missing one.
/// </summary>
public interface IAccountOwned<TSelf> where TSelf : class, IAccountOwned<TSelf>
{
    int Id { get; }

    int AdvertiserAccountId { get; }

    static abstract OwnedNames Names { get; }
}

public static class AccountOwnedQueries
{
    /// <summary>The row with this id if it is the account's: the only filter by which account data is found by id.</summary>
    public static IQueryable<T> WhereOwned<T>(this IQueryable<T> rows, int accountId, int id) where T : class, IAccountOwned<T> =>
        rows.Where(e => e.Id == id && e.AdvertiserAccountId == accountId);
}

/// <summary>
/// The one way a command on account data starts: the caller's seat is checked (no seat: the account is "not found";
/// a Viewer where a Manager is needed: one refusal wording), then the row is loaded by id and account.
/// </summary>
public sealed class AccountScope(IDbContextFactory<AppDbContext> factory, AccountService accounts)
{
    public const string AccountNotFound = "Advertiser account not found.";

    /// <summary>The refusal for a caller without a seat: another account looks like no account.</summary>
    public static Result NoAccount { get; } = Result.Fail("account", AccountNotFound);

    /// <summary>The one wording of a Viewer's refusal, e.g. "Only a Manager of this account can change campaigns."</summary>
    public static Result ManagersOnly(string toDoWhat) => Result.Fail("account", $"Only a Manager of this account can {toDoWhat}.");

    public static Result NotFound<T>() where T : class, IAccountOwned<T> => Result.Fail(T.Names.Field, T.Names.NotFound);

    /// <summary>Null when <paramref name="role"/> is Manager; otherwise the refusal (null role: no seat).</summary>
    public static Result? RefuseUnlessManager(AccountRole? role, string toDoWhat) => role switch
    {
        null => NoAccount,
        AccountRole.Manager => null,
        _ => ManagersOnly(toDoWhat),
    };

    /// <summary>Whether the caller has a seat (any role) on the account: what every read asks first.</summary>
    public async Task<bool> HasSeatAsync(string actorUserId, int accountId, CancellationToken ct = default) =>
        await accounts.GetRoleAsync(actorUserId, accountId, ct) is not null;

    /// <summary>Null when the caller has a seat; otherwise <see cref="NoAccount"/>.</summary>
    public async Task<Result?> RequireSeatAsync(string actorUserId, int accountId, CancellationToken ct = default) =>
        await HasSeatAsync(actorUserId, accountId, ct) ? null : NoAccount;

    /// <summary>Null when the caller is a Manager of the account; otherwise the refusal.</summary>
    public async Task<Result?> RequireManagerAsync(string actorUserId, int accountId, string toDoWhat, CancellationToken ct = default) =>
        RefuseUnlessManager(await accounts.GetRoleAsync(actorUserId, accountId, ct), toDoWhat);

    /// <summary>Null when the caller may change the account's <typeparamref name="T"/>s ("… can change campaigns.").</summary>
    public Task<Result?> RequireManagerAsync<T>(string actorUserId, int accountId, CancellationToken ct = default)
        where T : class, IAccountOwned<T> =>
        RequireManagerAsync(actorUserId, accountId, $"change {T.Names.Plural}", ct);

    /// <summary>
    /// The preamble of a change to one row: Manager check, a fresh context (in a write transaction when asked, taken
    /// before the row is read), and the row, tracked, by id and account. Dispose it; commit a transaction yourself.
    /// </summary>
    /// <remarks>
    /// <paramref name="lockFirst"/> (transactions only) takes further locks after the seat's and before the row's, for
    /// locks that others take before this row's (e.g. a sender permission before its ads): the same order everywhere.
    /// </remarks>
    public async Task<OwnedChange<T>> ChangeAsync<T>(string actorUserId, int accountId, int id, CancellationToken ct, bool transaction = false,
        Func<AppDbContext, CancellationToken, Task>? lockFirst = null)
        where T : class, IAccountOwned<T>
    {
        if (await RequireManagerAsync<T>(actorUserId, accountId, ct) is { } refused)
        {
            return new OwnedChange<T>(refused);
        }
        var db = await factory.CreateDbContextAsync(ct);
        var tx = transaction ? await db.Database.BeginTransactionAsync(ct) : null;
        if (tx is not null)
        {
            // Locks before the reads they protect (PostgreSQL READ COMMITTED re-reads only a row it waited for):
            // the caller's seat first, so that a seat removed or demoted meanwhile refuses the change (and a removal
            // waits for a change already under way), then the row itself, so that two changes of it take turns.
            var refusedNow = await LockSeatAsync<T>(db, actorUserId, accountId, ct);
            if (refusedNow is null)
            {
                if (lockFirst is not null)
                {
                    await lockFirst(db, ct);
                }
                await db.LockAsync<T>(id, ct);
            }
            else
            {
                await tx.DisposeAsync();
                await db.DisposeAsync();
                return new OwnedChange<T>(refusedNow);
            }
        }
        var entity = await FindAsync<T>(db, accountId, id, ct);
        if (entity is null)
        {
            if (tx is not null)
            {
                await tx.DisposeAsync();
            }
            await db.DisposeAsync();
            return new OwnedChange<T>(NotFound<T>());
        }
        return new OwnedChange<T>(db, tx, entity);
    }

    /// <summary>
    /// Inside a transaction: locks the caller's seat on the account (its membership row) and checks again, under
    /// the lock, that they are a Manager there. Null when they still are; otherwise the refusal. A seat removed or
    /// demoted concurrently either waits for this transaction or is seen here.
    /// </summary>
    public static async Task<Result?> LockSeatAsync<T>(AppDbContext db, string actorUserId, int accountId, CancellationToken ct)
        where T : class, IAccountOwned<T>
    {
        var seatId = await db.AccountMemberships.AsNoTracking()
            .Where(m => m.UserId == actorUserId && m.AdvertiserAccountId == accountId).Select(m => (int?)m.Id).FirstOrDefaultAsync(ct);
        if (seatId is not { } seat)
        {
            return NoAccount;
        }
        await db.LockAsync<AccountMembership>(seat, ct);
        var role = await db.AccountMemberships.AsNoTracking().Where(m => m.Id == seat).Select(m => (AccountRole?)m.Role).FirstOrDefaultAsync(ct);
        return RefuseUnlessManager(role, $"change {T.Names.Plural}");
    }

    /// <summary>The account's row with this id (tracked unless <paramref name="tracking"/> is false), or null.</summary>
    public static Task<T?> FindAsync<T>(AppDbContext db, int accountId, int id, CancellationToken ct, bool tracking = true)
        where T : class, IAccountOwned<T>
    {
        var rows = tracking ? db.Set<T>() : db.Set<T>().AsNoTracking();
        return rows.WhereOwned(accountId, id).FirstOrDefaultAsync(ct);
    }

    /// <summary>The account's row with this id, untracked, after the seat check; null for a missing row or no seat.</summary>
    public async Task<T?> ReadAsync<T>(string actorUserId, int accountId, int id, CancellationToken ct = default)
        where T : class, IAccountOwned<T>
    {
        if (!await HasSeatAsync(actorUserId, accountId, ct))
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        return await FindAsync<T>(db, accountId, id, ct, tracking: false);
    }
}

/// <summary>
/// A row loaded for a change by <see cref="AccountScope.ChangeAsync{T}"/>: either a <see cref="Refusal"/> (no seat,
/// Viewer, not found) or the context, the tracked <see cref="Entity"/> and, when asked, the open transaction.
/// </summary>
public sealed class OwnedChange<T> : IAsyncDisposable where T : class
{
    private readonly AppDbContext? _db;
    private readonly IDbContextTransaction? _transaction;
    private readonly T? _entity;

    internal OwnedChange(Result refusal) => Refusal = refusal;

    internal OwnedChange(AppDbContext db, IDbContextTransaction? transaction, T entity)
    {
        _db = db;
        _transaction = transaction;
        _entity = entity;
    }

    /// <summary>Why the change cannot go ahead; null when it can.</summary>
    public Result? Refusal { get; }

    public AppDbContext Db => _db ?? throw new InvalidOperationException($"The change was refused: {Refusal}");

    public T Entity => _entity ?? throw new InvalidOperationException($"The change was refused: {Refusal}");

    /// <summary>Commits the transaction <see cref="AccountScope.ChangeAsync{T}"/> began (none: nothing to do).</summary>
    public Task CommitAsync(CancellationToken ct) => _transaction?.CommitAsync(ct) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }
}

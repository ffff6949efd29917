namespace SponsoredInMail.Core.Cluster;

/// <summary>
/// A named lock this process holds on the database server for as long as it keeps a connection open (PostgreSQL: a
/// session advisory lock on a dedicated, unpooled connection). Released by <see cref="IAsyncDisposable.DisposeAsync"/>,
/// or by the server the moment the process dies and its connection closes — which is what lets another instance
/// take over without waiting for a timeout.
/// </summary>
public interface ISessionLock : IAsyncDisposable
{
    /// <summary>Takes the lock if nobody holds it; false (at once) if another session does.</summary>
    Task<bool> TryAcquireAsync(CancellationToken ct);

    /// <summary>True while the lock is held and its connection still answers; false once either is gone.</summary>
    Task<bool> IsHeldAsync(CancellationToken ct);
}

/// <summary>
/// Changes committed by other processes: calls back when the server says the feed has grown (PostgreSQL
/// <c>LISTEN</c>/<c>NOTIFY</c>). The feed's followers then read the table; a missed notice only costs the poll interval.
/// </summary>
public interface IChangeNotifications
{
    /// <summary>Listens until <paramref name="ct"/> ends, reconnecting after failures; <paramref name="changed"/> may be called spuriously.</summary>
    Task ListenAsync(Action changed, CancellationToken ct);
}

using SponsoredInMail.Core.Cluster;

namespace SponsoredInMail.Core.Data.Sqlite;

/// <summary>The embedded database serves one app process: it always leads (there is nobody to compete with).</summary>
internal sealed class SqliteSessionLock : ISessionLock
{
    public Task<bool> TryAcquireAsync(CancellationToken ct) => Task.FromResult(true);
    public Task<bool> IsHeldAsync(CancellationToken ct) => Task.FromResult(true);
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>One process writes the file: its own commits wake its followers directly, so there is nothing to listen to.</summary>
internal sealed class SqliteChangeNotifications : IChangeNotifications
{
    public async Task ListenAsync(Action changed, CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}

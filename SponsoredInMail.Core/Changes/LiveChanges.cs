using Microsoft.Extensions.Logging;

namespace SponsoredInMail.Core.Changes;

/// <summary>
/// Pushes committed changes to what is open right now (a campaign page, a campaign list, an inbox): each watcher says
/// which changes concern it and is called once per batch that holds any. Watchers are in-memory and short-lived (a
/// Blazor circuit); after a restart their pages load afresh, so this follower starts at the head.
/// </summary>
public sealed class LiveChanges(ILogger<LiveChanges> logger) : IChangeSubscriber
{
    private readonly Lock _lock = new();
    private ImmutableWatchers _watchers = ImmutableWatchers.Empty;

    public string Name => "live-pages";

    public async ValueTask<long> StartPositionAsync(ChangeFeed feed, CancellationToken ct) => await feed.HeadAsync(ct);

    /// <summary>Calls <paramref name="onChange"/> whenever a batch holds a change <paramref name="concerns"/> accepts. Dispose to stop.</summary>
    public IDisposable Watch(Func<DataChange, bool> concerns, Func<Task> onChange)
    {
        var watcher = new Watcher(concerns, onChange, this);
        lock (_lock)
        {
            _watchers = _watchers.Add(watcher);
        }
        return watcher;
    }

    public int WatcherCount => _watchers.Items.Length;

    public Task HandleAsync(IReadOnlyList<ChangeEnvelope> changes, CancellationToken ct)
    {
        foreach (var watcher in _watchers.Items)
        {
            if (changes.Any(c => Concerns(watcher, c.Change)))
            {
                _ = NotifyAsync(watcher);
            }
        }
        return Task.CompletedTask;
    }

    private bool Concerns(Watcher watcher, DataChange change)
    {
        try
        {
            return watcher.Concerns(change);
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "A live watcher's filter failed.");
            return false;
        }
    }

    // A watcher's callback runs on its own (a slow or failing page never holds up the feed or another page).
    private async Task NotifyAsync(Watcher watcher)
    {
        try
        {
            await watcher.OnChange();
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "A live page failed to refresh after a change.");
        }
    }

    private void Remove(Watcher watcher)
    {
        lock (_lock)
        {
            _watchers = _watchers.Remove(watcher);
        }
    }

    private sealed class Watcher(Func<DataChange, bool> concerns, Func<Task> onChange, LiveChanges owner) : IDisposable
    {
        public Func<DataChange, bool> Concerns { get; } = concerns;
        public Func<Task> OnChange { get; } = onChange;
        public void Dispose() => owner.Remove(this);
    }

    private sealed record ImmutableWatchers(Watcher[] Items)
    {
        public static readonly ImmutableWatchers Empty = new([]);
        public ImmutableWatchers Add(Watcher w) => new([.. Items, w]);
        public ImmutableWatchers Remove(Watcher w) => new(Array.FindAll(Items, x => !ReferenceEquals(x, w)));
    }
}

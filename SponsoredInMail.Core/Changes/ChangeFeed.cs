using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Changes;

public sealed class ChangeFeedOptions
{
    public const string Section = "ChangeFeed";

    /// <summary>Followers read the table at least this often even without a signal (a safety net, not the path).</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>Most changes handed to a follower at once.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Delivered changes older than this are pruned.</summary>
    public int RetentionHours { get; set; } = 24;

    /// <summary>How often pruning runs.</summary>
    public int PruneEveryMinutes { get; set; } = 10;

    /// <summary>
    /// After a signal, a follower waits this long before reading, so that a burst of commits (hundreds of click group
    /// commits a second) is read as one batch instead of one query each. Readers that need their own writes at once
    /// call <see cref="ChangeFeed.CatchUpAsync"/>, which does not wait.
    /// </summary>
    public int CoalesceMilliseconds { get; set; } = 50;
}

/// <summary>
/// The one dispatcher of committed changes in this process. Each follower (<see cref="IChangeSubscriber"/>) has its
/// own position and reads the <c>Changes</c> table after it, in position order, whenever a commit signals or the poll
/// interval passes — so a missed signal or a restart loses nothing, it only waits. A follower that throws is logged
/// and retried with back-off without holding up the others. Readers that need their own writes reflected at once
/// (the delivery engine's next round, an audience count) call <see cref="CatchUpAsync"/>.
/// </summary>
public sealed class ChangeFeed
{
    private readonly IDbContextFactory<AppDbContext> _factory;
    private readonly ChangeSignal _signal;
    private readonly IOptions<ChangeFeedOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ChangeFeed> _logger;
    private readonly Dictionary<string, Follower> _followers;
    private readonly Cluster.IChangeNotifications? _notifications;
    private readonly Cluster.Leadership? _leadership;

    public ChangeFeed(IDbContextFactory<AppDbContext> factory, IEnumerable<IChangeSubscriber> subscribers, ChangeSignal signal,
        IOptions<ChangeFeedOptions> options, TimeProvider clock, ILogger<ChangeFeed> logger,
        Cluster.IChangeNotifications? notifications = null, Cluster.Leadership? leadership = null)
    {
        _notifications = notifications;
        _leadership = leadership;
        _factory = factory;
        _signal = signal;
        _options = options;
        _clock = clock;
        _logger = logger;
        _followers = subscribers.ToDictionary(s => s.Name, s => new Follower(s));
    }

    /// <summary>The newest committed position (0 for an empty feed).</summary>
    public async Task<long> HeadAsync(CancellationToken ct = default)
    {
        await using var db = await _factory.CreateDbContextAsync(ct);
        return await db.Changes.MaxAsync(c => (long?)c.Position, ct) ?? 0;
    }

    /// <summary>The position a follower has handled (null before its first read).</summary>
    public long? PositionOf(string subscriber) => _followers[subscriber].Position;

    /// <summary>
    /// Hands <paramref name="subscriber"/> everything this process has committed so far, and whatever else the table
    /// holds when the next change is not in memory; false if it failed (logged).
    /// </summary>
    public Task<bool> CatchUpAsync(string subscriber, CancellationToken ct = default) => DeliverAsync(_followers[subscriber], ct);

    /// <summary>
    /// Runs every follower until <paramref name="ct"/> ends, plus pruning (on the leading instance only), plus the
    /// listener that wakes the followers when another instance commits.
    /// </summary>
    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll(_followers.Values.Select(f => FollowAsync(f, ct)).Append(PruneLoopAsync(ct))
            .Append(_notifications?.ListenAsync(_signal.Notify, ct) ?? Task.CompletedTask));

    private async Task FollowAsync(Follower follower, CancellationToken ct)
    {
        var signalled = false; // The first round, and every poll, reads the table too.
        long? wokeAt = null;
        while (!ct.IsCancellationRequested)
        {
            var wake = _signal.Next;
            if (_clock.GetUtcNow() >= follower.RetryAt)
            {
                try
                {
                    await DeliverAsync(follower, ct, tableToo: !signalled, freshSince: signalled ? wokeAt : null);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
            }
            var wait = follower.RetryAt > _clock.GetUtcNow() ? follower.RetryAt - _clock.GetUtcNow() : TimeSpan.FromSeconds(_options.Value.PollSeconds);
            try
            {
                using (var poll = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    await Task.WhenAny(wake, Task.Delay(wait, _clock, poll.Token));
                    await poll.CancelAsync(); // no timer left behind per wake
                }
                ct.ThrowIfCancellationRequested();
                signalled = wake.IsCompleted;
                wokeAt = System.Diagnostics.Stopwatch.GetTimestamp();
                if (signalled && _options.Value.CoalesceMilliseconds > 0)
                {
                    // Real time, not the product clock: this only gathers a burst, it is no time rule.
                    await Task.Delay(_options.Value.CoalesceMilliseconds, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Hands over batches until the follower is up to date: changes this process has just committed come from memory
    /// (<see cref="ChangeSignal.RecentAfter"/>); anything else — a gap, another process's commits, what memory has
    /// dropped — is read from the table until a short batch. <paramref name="tableToo"/> (the poll) always ends with a
    /// read of the table, so nothing committed elsewhere waits longer than the poll interval.
    /// </summary>
    /// <param name="freshSince">
    /// A table read another follower here started at or after this <see cref="System.Diagnostics.Stopwatch"/> timestamp
    /// may be reused (<see cref="ReadTableAsync"/>); null: read the table itself (a catch-up, the poll).
    /// </param>
    private async Task<bool> DeliverAsync(Follower follower, CancellationToken ct, bool tableToo = false, long? freshSince = null)
    {
        var fresh = freshSince ?? System.Diagnostics.Stopwatch.GetTimestamp();
        await follower.Gate.WaitAsync(ct);
        try
        {
            var subscriber = follower.Subscriber;
            follower.Position ??= subscriber.Durable ? await ReadCursorAsync(subscriber.Name, ct) : await subscriber.StartPositionAsync(this, ct);
            var size = _options.Value.BatchSize;
            var readTable = tableToo;
            while (true)
            {
                var batch = _signal.RecentAfter(follower.Position.Value, size);
                var fromTable = batch.Count == 0;
                var tableEnd = false;
                if (fromTable)
                {
                    if (!readTable && follower.Delivered > 0)
                    {
                        break; // Memory had everything up to the last change this process committed.
                    }
                    (batch, tableEnd) = await ReadTableAsync(follower.Position.Value, size, fresh, ct);
                    if (batch.Count == 0)
                    {
                        break;
                    }
                }
                if (!await HandleAsync(follower, batch, ct))
                {
                    return false;
                }
                if (fromTable && tableEnd)
                {
                    break; // The read reached the end of the table: no need to ask again.
                }
                readTable = readTable || fromTable;
            }
            if (tableToo && subscriber.Durable && follower.Position > follower.SavedPosition)
            {
                await SaveDurableCursorAsync(follower, ct);
            }
            return true;
        }
        finally
        {
            follower.Delivered = 0;
            follower.Gate.Release();
        }
    }

    /// <summary>
    /// How often at most a durable follower's cursor is written while changes stream in. Writing it after every batch
    /// cost a write transaction per group commit of the tracking hot path; a cursor a second behind only means that a
    /// restart hands that second's changes again, which a durable follower must handle idempotently anyway. The poll
    /// writes any position still unsaved, and so does the first batch after a quiet second.
    /// </summary>
    public static readonly TimeSpan CursorSaveInterval = TimeSpan.FromSeconds(1);

    private async Task SaveDurableCursorAsync(Follower follower, CancellationToken ct)
    {
        await SaveCursorAsync(follower.Subscriber.Name, follower.Position!.Value, ct);
        follower.SavedPosition = follower.Position.Value;
        // Real time, not the product clock: this only limits how often the cursor is written.
        follower.CursorSaved = System.Diagnostics.Stopwatch.StartNew();
    }

    private async Task<bool> HandleAsync(Follower follower, List<ChangeEnvelope> batch, CancellationToken ct)
    {
        var subscriber = follower.Subscriber;
        try
        {
            await subscriber.HandleAsync(batch, ct);
        }
        catch (Exception error) when (error is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            follower.Failures++;
            var backOff = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(follower.Failures, 6))));
            follower.RetryAt = _clock.GetUtcNow() + backOff;
            _logger.LogError(error, "Change follower {Subscriber} failed at positions {From}–{To} (attempt {Attempt}); retrying in {Seconds} s.",
                subscriber.Name, batch[0].Position, batch[^1].Position, follower.Failures, backOff.TotalSeconds);
            return false;
        }
        follower.Failures = 0;
        follower.RetryAt = default;
        follower.Position = batch[^1].Position;
        follower.Delivered += batch.Count;
        if (subscriber.Durable && (follower.CursorSaved is not { } saved || saved.Elapsed >= CursorSaveInterval))
        {
            await SaveDurableCursorAsync(follower, ct);
        }
        _signal.Forget(_followers.Values.Min(f => f.Position ?? long.MaxValue));
        return true;
    }

    /// <summary>One table read, kept so that this process's other followers woken by the same signal reuse it.</summary>
    private sealed record TableRead(long After, List<ChangeEnvelope> Rows, bool ReachedEnd, long StartedAt);

    private TableRead? _lastRead;

    /// <summary>
    /// The changes after <paramref name="position"/> from the table (at most <paramref name="max"/>), and whether they
    /// reach its end. Every follower of a process wakes at the same signal and would read the same rows: the last read
    /// is reused when it started at or after <paramref name="freshSince"/> (so it holds every commit signalled before
    /// the follower woke) and covers the position — one query and one JSON decode per wake instead of one per follower,
    /// which is what several instances, each reading the others' commits, pay per group commit.
    /// </summary>
    private async Task<(List<ChangeEnvelope> Rows, bool End)> ReadTableAsync(long position, int max, long freshSince, CancellationToken ct)
    {
        if (Volatile.Read(ref _lastRead) is { } read && read.StartedAt >= freshSince && read.After <= position)
        {
            var last = read.Rows.Count > 0 ? read.Rows[^1].Position : read.After;
            if (position < last || (position == last && read.ReachedEnd))
            {
                var rows = read.Rows.Where(r => r.Position > position).Take(max).ToList();
                return (rows, read.ReachedEnd && (rows.Count == 0 || rows[^1].Position == last));
            }
        }
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        var fresh = await ReadAfterAsync(position, max, ct);
        Volatile.Write(ref _lastRead, new TableRead(position, fresh, fresh.Count < max, startedAt));
        return (fresh, fresh.Count < max);
    }

    private async Task<List<ChangeEnvelope>> ReadAfterAsync(long position, int max, CancellationToken ct)
    {
        await using var db = await _factory.CreateDbContextAsync(ct);
        var rows = await db.Changes.AsNoTracking().Where(c => c.Position > position).OrderBy(c => c.Position).Take(max).ToListAsync(ct);
        return rows.ConvertAll(r => new ChangeEnvelope(r.Position, r.At, r.Read()));
    }

    private async Task<long> ReadCursorAsync(string name, CancellationToken ct)
    {
        await using var db = await _factory.CreateDbContextAsync(ct);
        if (await db.ChangeCursors.AsNoTracking().FirstOrDefaultAsync(c => c.Subscriber == name, ct) is { } cursor)
        {
            return cursor.Position;
        }
        // A new durable follower starts at the head: it follows what happens from now on.
        var head = await db.Changes.MaxAsync(c => (long?)c.Position, ct) ?? 0;
        db.ChangeCursors.Add(new ChangeCursor { Subscriber = name, Position = head, UpdatedAt = _clock.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(ct);
        return head;
    }

    private async Task SaveCursorAsync(string name, long position, CancellationToken ct)
    {
        await using var db = await _factory.CreateDbContextAsync(ct);
        var now = _clock.GetUtcNow().UtcDateTime;
        await db.ChangeCursors.Where(c => c.Subscriber == name)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Position, position).SetProperty(c => c.UpdatedAt, now), ct);
    }

    /// <summary>
    /// Deletes changes older than the retention that every durable cursor and every follower here has passed.
    /// Returns how many rows went.
    /// </summary>
    public async Task<int> PruneAsync(CancellationToken ct = default)
    {
        var before = _clock.GetUtcNow().UtcDateTime.AddHours(-_options.Value.RetentionHours);
        await using var db = await _factory.CreateDbContextAsync(ct);
        var durable = await db.ChangeCursors.MinAsync(c => (long?)c.Position, ct) ?? long.MaxValue;
        var local = _followers.Values.Select(f => f.Position ?? 0).DefaultIfEmpty(long.MaxValue).Min();
        var upTo = Math.Min(durable, local);
        // Positions are in time order: the first change young enough to keep bounds the delete, and finding it walks
        // only the rows about to go (the table has no index on At, which every append would pay for).
        var firstKept = await db.Changes.Where(c => c.At >= before).OrderBy(c => c.Position).Select(c => (long?)c.Position).FirstOrDefaultAsync(ct)
            ?? long.MaxValue;
        return await db.Changes.Where(c => c.Position < firstKept && c.Position <= upTo).ExecuteDeleteAsync(ct);
    }

    private async Task PruneLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(_options.Value.PruneEveryMinutes), _clock, ct);
                if (_leadership is { IsLeader: false })
                {
                    continue; // one instance prunes for all
                }
                var pruned = await PruneAsync(ct);
                if (pruned > 0)
                {
                    _logger.LogInformation("Change feed: pruned {Count} delivered changes.", pruned);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                _logger.LogError(error, "Pruning the change feed failed; trying again later.");
            }
        }
    }

    private sealed class Follower(IChangeSubscriber subscriber)
    {
        public IChangeSubscriber Subscriber { get; } = subscriber;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public long? Position { get; set; }
        public int Failures { get; set; }
        public int Delivered { get; set; }
        public DateTimeOffset RetryAt { get; set; }

        /// <summary>Durable followers: the position last written to the cursor table, and since when (null: never here).</summary>
        public long SavedPosition { get; set; } = -1;
        public System.Diagnostics.Stopwatch? CursorSaved { get; set; }
    }
}

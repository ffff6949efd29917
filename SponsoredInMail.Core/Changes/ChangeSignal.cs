namespace SponsoredInMail.Core.Changes;

/// <summary>
/// What this process has just committed to the feed. Writers hand it their changes after the commit
/// (<see cref="Committed"/>); it keeps the most recent ones in memory and wakes the followers. A follower whose next
/// position is here takes it from memory — no read, no JSON — and reads the table for anything else (another
/// process's commits, a restart, a change that has left memory). A missed or spurious signal costs nothing but time.
/// </summary>
public sealed class ChangeSignal
{
    /// <summary>Most changes kept in memory; older ones are read from the table.</summary>
    public const int RecentCapacity = 1_024;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, ChangeEnvelope> _recent = [];
    private readonly Queue<long> _order = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next commit. Take it before reading, then wait on it.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Call after the transaction that appended <paramref name="changes"/> has committed.</summary>
    public void Committed(IReadOnlyCollection<ChangeEnvelope> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }
        lock (_lock)
        {
            foreach (var change in changes)
            {
                if (_recent.TryAdd(change.Position, change))
                {
                    _order.Enqueue(change.Position);
                }
            }
            while (_order.Count > RecentCapacity)
            {
                _recent.Remove(_order.Dequeue());
            }
        }
        Notify();
    }

    /// <summary>Wakes followers without handing over changes (they read the table).</summary>
    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// The changes right after <paramref name="position"/> that are in memory, without a gap: empty when
    /// <paramref name="position"/> + 1 is not here (the table has it, or nobody has committed it yet).
    /// </summary>
    public List<ChangeEnvelope> RecentAfter(long position, int max)
    {
        var run = new List<ChangeEnvelope>();
        lock (_lock)
        {
            while (run.Count < max && _recent.TryGetValue(position + 1, out var next))
            {
                run.Add(next);
                position++;
            }
        }
        return run;
    }

    /// <summary>Drops what every follower here has handled.</summary>
    public void Forget(long upTo)
    {
        lock (_lock)
        {
            while (_order.Count > 0 && _order.Peek() <= upTo)
            {
                _recent.Remove(_order.Dequeue());
            }
        }
    }
}

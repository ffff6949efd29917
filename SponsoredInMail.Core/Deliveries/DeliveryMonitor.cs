using System.Collections.Concurrent;

namespace SponsoredInMail.Core.Deliveries;

/// <summary>Recent send counts per campaign, in memory, for the live progress panel's rate.</summary>
public sealed class DeliveryMonitor(TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<int, Queue<(DateTimeOffset At, int Sends)>> _recent = new();

    public void Record(int campaignId, int sends)
    {
        var queue = _recent.GetOrAdd(campaignId, _ => new Queue<(DateTimeOffset, int)>());
        lock (queue)
        {
            queue.Enqueue((clock.GetUtcNow(), sends));
            Trim(queue);
        }
    }

    /// <summary>Sends per second over the last ten seconds (0 when idle).</summary>
    public double SendsPerSecond(int campaignId)
    {
        if (!_recent.TryGetValue(campaignId, out var queue))
        {
            return 0;
        }
        lock (queue)
        {
            Trim(queue);
            return queue.Sum(e => e.Sends) / Window.TotalSeconds;
        }
    }

    private void Trim(Queue<(DateTimeOffset At, int Sends)> queue)
    {
        var since = clock.GetUtcNow() - Window;
        while (queue.Count > 0 && queue.Peek().At < since)
        {
            queue.Dequeue();
        }
    }
}

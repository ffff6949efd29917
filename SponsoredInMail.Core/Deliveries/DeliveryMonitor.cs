using System.Collections.Concurrent;
using SponsoredInMail.Core.Changes;

namespace SponsoredInMail.Core.Deliveries;

/// <summary>
/// Recent send counts per campaign, in memory, for the live progress panel's rate. It follows the change feed, so it
/// counts the batches of whichever process sends.
/// </summary>
public sealed class DeliveryMonitor(TimeProvider clock) : IChangeSubscriber
{
    public string Name => "delivery-monitor";

    /// <summary>Only sends from now on matter to a rate.</summary>
    public async ValueTask<long> StartPositionAsync(ChangeFeed feed, CancellationToken ct) => await feed.HeadAsync(ct);

    public Task HandleAsync(IReadOnlyList<ChangeEnvelope> changes, CancellationToken ct)
    {
        foreach (var change in changes)
        {
            if (change.Change is DeliveriesSent sent)
            {
                Record(sent.CampaignId, sent.MemberIds.Length, new DateTimeOffset(change.At, TimeSpan.Zero));
            }
        }
        return Task.CompletedTask;
    }

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<int, Queue<(DateTimeOffset At, int Sends)>> _recent = new();

    public void Record(int campaignId, int sends, DateTimeOffset? at = null)
    {
        var queue = _recent.GetOrAdd(campaignId, _ => new Queue<(DateTimeOffset, int)>());
        lock (queue)
        {
            queue.Enqueue((at ?? clock.GetUtcNow(), sends));
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

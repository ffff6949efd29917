using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Tests.Core.Engagement;

/// <summary>The group commit's batching: what goes to the store together, and that every caller gets its own outcome.</summary>
public class EngagementWriterTests
{
    /// <summary>Records the size of every batch it is given and answers each event with its delivery id as campaign.</summary>
    private sealed class RecordingStore : IEngagementStore
    {
        public List<int> Batches { get; } = [];

        public Task<IReadOnlyList<EventOutcome>> WriteAsync(IReadOnlyList<EventRequest> batch, CancellationToken ct)
        {
            lock (Batches)
            {
                Batches.Add(batch.Count);
            }
            return Task.FromResult<IReadOnlyList<EventOutcome>>(batch.Select(r => new EventOutcome(true, CampaignId: (int)r.DeliveryId)).ToList());
        }
    }

    private static EventRequest Click(long delivery) => new(delivery, EventKind.ButtonClick, new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc));

    [Fact]
    public async Task ALingeringWriterGathersEventsArrivingOneByOneIntoOneBatch()
    {
        var store = new RecordingStore();
        // A linger far longer than the test: the batch is written because it reached LingerBelow, not because time passed.
        var options = Options.Create(new TrackingOptions { LingerMilliseconds = 600_000, LingerBelow = 3 });
        await using var writer = new EngagementWriter(store, options, NullLogger<EngagementWriter>.Instance);

        var first = writer.WriteAsync(Click(1));
        await Task.Yield();
        var second = writer.WriteAsync(Click(2));
        await Task.Yield();
        var third = writer.WriteAsync(Click(3));
        var outcomes = await Task.WhenAll(first, second, third).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        outcomes.Select(o => o.CampaignId).ShouldBe([1, 2, 3]);
        store.Batches.ShouldBe([3]);
    }

    [Fact]
    public async Task ALingeringWriterWritesWhatItHasWhenTheLingerEnds()
    {
        var store = new RecordingStore();
        var options = Options.Create(new TrackingOptions { LingerMilliseconds = 5, LingerBelow = 100 });
        await using var writer = new EngagementWriter(store, options, NullLogger<EngagementWriter>.Instance);

        var outcome = await writer.WriteAsync(Click(7)).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        outcome.CampaignId.ShouldBe(7);
        store.Batches.ShouldBe([1]);
    }

    [Fact]
    public async Task WithoutALingerAQueuedBurstStillGoesInOneBatch()
    {
        var store = new RecordingStore();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new GatedStore(store, gate.Task);
        await using var writer = new EngagementWriter(slow, Options.Create(new TrackingOptions()), NullLogger<EngagementWriter>.Instance);

        var first = writer.WriteAsync(Click(1));
        await slow.Entered.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken); // the first batch is in flight
        var burst = Enumerable.Range(2, 5).Select(i => writer.WriteAsync(Click(i))).ToList();
        gate.SetResult();
        await Task.WhenAll(burst.Prepend(first)).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        store.Batches.ShouldBe([1, 5]);
    }

    /// <summary>Holds the first batch until the gate opens, so that the next events queue behind it.</summary>
    private sealed class GatedStore(IEngagementStore inner, Task gate) : IEngagementStore
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public async Task<IReadOnlyList<EventOutcome>> WriteAsync(IReadOnlyList<EventRequest> batch, CancellationToken ct)
        {
            _entered.TrySetResult();
            await gate;
            return await inner.WriteAsync(batch, ct);
        }
    }
}

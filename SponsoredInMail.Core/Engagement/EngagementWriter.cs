using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Engagement;

/// <summary>An event to record; the delivery must belong to <see cref="MemberId"/> when it is given.</summary>
public sealed record EventRequest(
    long DeliveryId, EventKind Kind, DateTime At, int? MemberId = null, int? AdLinkId = null, string? Detail = null,
    LeadPayload? Lead = null, OptOutScope? OptOutScope = null);

public sealed record LeadPayload(int LeadFormId, string AnswersJson);

/// <summary>
/// What happened to an event: <see cref="Stored"/> false when its delivery, member or link did not match (nothing
/// was written). For clicks, the stored URL to redirect to; for opt-outs, what was opted out of.
/// </summary>
public sealed record EventOutcome(
    bool Stored, bool Counted = false, string? RedirectUrl = null, int CampaignId = 0, int MemberId = 0,
    int? OptOutAccountId = null, int? OptOutSenderId = null, int AccountId = 0, EventKind Kind = default)
{
    public static readonly EventOutcome NotFound = new(false);
}

/// <summary>Writes a batch of events, each with its tally update, in one transaction (the provider's fast way).</summary>
public interface IEngagementStore
{
    Task<IReadOnlyList<EventOutcome>> WriteAsync(IReadOnlyList<EventRequest> batch, CancellationToken ct);

    /// <summary>
    /// How long a small group commit should wait for more events by default (<see cref="TrackingOptions.LingerMilliseconds"/>):
    /// worth it where each commit costs a round trip to a server shared by several instances.
    /// </summary>
    int LingerMilliseconds => 0;
}

/// <summary>
/// Group commit: events queue up while the previous batch commits, then go to the database together. Each
/// caller's task completes only after its batch is committed, so nothing is acknowledged before it is durable
/// (invariant 6), and many concurrent clicks cost one transaction instead of one each.
/// </summary>
public sealed class EngagementWriter : IAsyncDisposable
{
    private readonly Channel<(EventRequest Request, TaskCompletionSource<EventOutcome> Done)> _queue =
        Channel.CreateUnbounded<(EventRequest, TaskCompletionSource<EventOutcome>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IEngagementStore _store;
    private readonly IOptions<TrackingOptions> _options;
    private readonly ILogger<EngagementWriter> _logger;
    private readonly Task _loop;

    public EngagementWriter(IEngagementStore store, IOptions<TrackingOptions> options, ILogger<EngagementWriter> logger)
    {
        _store = store;
        _options = options;
        _logger = logger;
        _loop = Task.Run(LoopAsync);
    }

    public Task<EventOutcome> WriteAsync(EventRequest request)
    {
        var done = new TaskCompletionSource<EventOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((request, done)))
        {
            done.SetException(new InvalidOperationException("The event writer has stopped."));
        }
        return done.Task;
    }

    private async Task LoopAsync()
    {
        var batch = new List<(EventRequest Request, TaskCompletionSource<EventOutcome> Done)>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var options = _options.Value;
            Take(batch, options.MaxBatch);
            var linger = options.LingerMilliseconds ?? _store.LingerMilliseconds;
            var enough = Math.Min(options.LingerBelow, options.MaxBatch);
            if (linger > 0 && batch.Count < enough)
            {
                // Real time, not the product clock: this only gathers a batch.
                var until = System.Diagnostics.Stopwatch.GetTimestamp() + linger * System.Diagnostics.Stopwatch.Frequency / 1000;
                while (batch.Count < enough && System.Diagnostics.Stopwatch.GetTimestamp() < until && !_queue.Reader.Completion.IsCompleted)
                {
                    await Task.Delay(1);
                    Take(batch, options.MaxBatch);
                }
            }
            try
            {
                var outcomes = await _store.WriteAsync(batch.Select(b => b.Request).ToList(), CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.SetResult(outcomes[i]);
                }
            }
            catch (Exception error)
            {
                _logger.LogError(error, "Writing {Count} engagement events failed; none of them was acknowledged.", batch.Count);
                foreach (var (_, done) in batch)
                {
                    done.TrySetException(error);
                }
            }
        }
    }

    private void Take(List<(EventRequest Request, TaskCompletionSource<EventOutcome> Done)> batch, int max)
    {
        while (batch.Count < max && _queue.Reader.TryRead(out var item))
        {
            batch.Add(item);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}

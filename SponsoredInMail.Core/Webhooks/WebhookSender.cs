using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Webhooks;

/// <summary>
/// Sends due webhook deliveries (run on the leading instance only): POSTs the stored body, signed, and records each
/// attempt. A 2xx answer delivers it; anything else (another status, an error, a timeout) schedules the next attempt
/// with exponential back-off until <see cref="WebhookOptions.RetryHours"/> after it was queued, then marks it Failed.
/// An endpoint that has failed for that long with no success is disabled, with the reason shown to the account.
/// </summary>
/// <remarks>
/// A delivery is claimed before it is sent, by a conditional update (<c>Status = Pending AND NextAttemptAt &lt;= now</c>)
/// that moves its next attempt out by a lease and marks it in flight (<c>LastAttemptAt</c> set, <c>LastDurationMs</c>
/// null): of two senders (a leader that has not yet noticed it lost the lead, and the new one) exactly one updates the
/// row, so no delivery is sent by two at once. The result is written only while the claim is still ours. A sender that
/// dies mid-request leaves the lease to expire, and the delivery is sent again (at least once, same key).
/// </remarks>
public sealed class WebhookSender : IDisposable
{
    public const int BatchSize = 20;
    private const int ParallelEndpoints = 4;
    private const int ErrorMax = 500;

    private readonly IDbContextFactory<AppDbContext> _factory;
    private readonly IOptions<WebhookOptions> _options;
    private readonly WebhookSignal _signal;
    private readonly TimeProvider _clock;
    private readonly ILogger<WebhookSender> _logger;
    private readonly HttpClient _http;

    public WebhookSender(IDbContextFactory<AppDbContext> factory, IOptions<WebhookOptions> options, WebhookSignal signal, TimeProvider clock,
        ILogger<WebhookSender> logger)
    {
        _factory = factory;
        _options = options;
        _signal = signal;
        _clock = clock;
        _logger = logger;
        _http = new HttpClient(WebhookHttp.CreateHandler(options.Value.AllowPrivateTargets, Timeout)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    private TimeSpan Timeout => TimeSpan.FromSeconds(_options.Value.TimeoutSeconds);

    /// <summary>How long a claim holds a delivery: well past the request timeout, so only a dead sender's claim expires.</summary>
    private TimeSpan Lease => Timeout * 3 + TimeSpan.FromSeconds(30);

    private sealed record Due(long Id, int EndpointId, string Url, string Secret, string Key, string Payload, DateTime CreatedAt, int Attempts,
        DateTime? LastAttemptAt, int? LastDurationMs);

    /// <summary>Sends until <paramref name="ct"/> ends: batches back to back while any are due, then waits for the next due time, a signal or the poll.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var wake = _signal.Next;
            TimeSpan wait;
            try
            {
                if (await SendDueAsync(ct) > 0)
                {
                    continue;
                }
                wait = TimeSpan.FromSeconds(_options.Value.PollSeconds);
                if (await NextDueAsync(ct) is { } next)
                {
                    var untilDue = next - _clock.GetUtcNow().UtcDateTime;
                    wait = untilDue < wait ? (untilDue > TimeSpan.Zero ? untilDue : TimeSpan.FromMilliseconds(1)) : wait;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                _logger.LogError(error, "Sending webhooks failed; retrying shortly.");
                wait = TimeSpan.FromSeconds(_options.Value.PollSeconds);
            }
            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(ct);
            await Task.WhenAny(wake, Task.Delay(wait, _clock, sleep.Token));
            await sleep.CancelAsync(); // no timer left behind per wake
        }
    }

    /// <summary>When the earliest pending delivery of an enabled endpoint is due; null when none is pending.</summary>
    public async Task<DateTime?> NextDueAsync(CancellationToken ct = default)
    {
        await using var db = await _factory.CreateDbContextAsync(ct);
        return await (from d in db.WebhookDeliveries
                      where d.Status == WebhookDeliveryStatus.Pending
                      join e in db.WebhookEndpoints on d.WebhookEndpointId equals e.Id
                      where e.DisabledAt == null
                      select d.NextAttemptAt).MinAsync(ct);
    }

    /// <summary>
    /// Claims and sends one batch of due deliveries (endpoints side by side, one endpoint's in turn); returns how many
    /// it attempted. After a failure, the endpoint's other due deliveries wait for its next attempt instead of
    /// hammering a receiver that is down.
    /// </summary>
    public async Task<int> SendDueAsync(CancellationToken ct = default)
    {
        var now = Now();
        List<Due> candidates;
        await using (var db = await _factory.CreateDbContextAsync(ct))
        {
            candidates = await (from d in db.WebhookDeliveries.AsNoTracking()
                                where d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now
                                join e in db.WebhookEndpoints on d.WebhookEndpointId equals e.Id
                                where e.DisabledAt == null
                                orderby d.NextAttemptAt, d.Id
                                select new Due(d.Id, e.Id, e.Url, e.Secret, d.IdempotencyKey, d.Payload, d.CreatedAt, d.Attempts, d.LastAttemptAt, d.LastDurationMs))
                .Take(BatchSize).ToListAsync(ct);
        }
        var claimed = new List<Due>();
        foreach (var due in candidates)
        {
            if (await ClaimAsync(due.Id, now, ct))
            {
                claimed.Add(due);
            }
        }
        await Parallel.ForEachAsync(claimed.GroupBy(d => d.EndpointId), new ParallelOptions { MaxDegreeOfParallelism = ParallelEndpoints, CancellationToken = ct },
            async (endpoint, token) =>
            {
                var list = endpoint.ToList();
                for (var i = 0; i < list.Count; i++)
                {
                    var next = await AttemptAsync(list[i], now, token);
                    if (next is { Delivered: false, NextAttemptAt: { } retryAt })
                    {
                        await HoldBackAsync(endpoint.Key, list.Skip(i + 1).ToList(), retryAt, token);
                        return;
                    }
                }
            });
        return claimed.Count;
    }

    /// <summary>The claim: one conditional update, which only one of several racing senders can win.</summary>
    private async Task<bool> ClaimAsync(long id, DateTime now, CancellationToken ct)
    {
        var until = now + Lease;
        await using var db = await _factory.CreateDbContextAsync(ct);
        return await db.WebhookDeliveries
            .Where(d => d.Id == id && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, until).SetProperty(d => d.LastAttemptAt, now).SetProperty(d => d.LastDurationMs, (int?)null), ct) == 1;
    }

    private sealed record Outcome(bool Delivered, DateTime? NextAttemptAt);

    private async Task<Outcome> AttemptAsync(Due due, DateTime claimedAt, CancellationToken ct)
    {
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
        int? status = null;
        string? error = null;
        var watch = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, due.Url)
            {
                Content = new StringContent(due.Payload, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Webhook-Id", due.Key);
            request.Headers.Add("Idempotency-Key", due.Key);
            request.Headers.Add("Webhook-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("Webhook-Signature", WebhookRules.Sign(due.Secret, timestamp, due.Payload));
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("SponsoredInMail-Webhooks", "1.0"));
            // Real time, not the product clock: this bounds a network wait, it is no time rule.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                status = (int)response.StatusCode;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                error = $"No answer within {Timeout.TotalSeconds:N0} s.";
            }
        }
        catch (Exception failure) when (failure is HttpRequestException or IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            error = Describe(failure);
        }
        watch.Stop();
        var delivered = status is >= 200 and < 300;
        if (!delivered && error is null)
        {
            error = $"HTTP {status}";
        }
        return await RecordAsync(due, claimedAt, status, delivered ? null : error, (int)Math.Min(int.MaxValue, watch.ElapsedMilliseconds), delivered, ct);
    }

    private async Task<Outcome> RecordAsync(Due due, DateTime claimedAt, int? status, string? error, int durationMs, bool delivered, CancellationToken ct)
    {
        var now = Now();
        var attempts = due.Attempts + 1;
        DateTime? next = null;
        if (!delivered)
        {
            var giveUpAt = due.CreatedAt.AddHours(_options.Value.RetryHours);
            next = WebhookRules.NextAttempt(now, attempts, giveUpAt, Random.Shared.NextDouble());
        }
        var finalStatus = delivered ? WebhookDeliveryStatus.Delivered : next is null ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending;
        await using var db = await _factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (finalStatus == WebhookDeliveryStatus.Failed)
        {
            // A delivery that gives up may disable its endpoint: lock the endpoint before the delivery, the order an
            // endpoint's deletion takes them in (the endpoint, then its deliveries by cascade), so the two cannot deadlock.
            await db.LockAsync<WebhookEndpoint>(due.EndpointId, ct);
        }
        // Only while the claim is still ours (a replay or a new claim after an expired lease would have changed it).
        var updated = await db.WebhookDeliveries
            .Where(d => d.Id == due.Id && d.LastAttemptAt == claimedAt && d.LastDurationMs == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, finalStatus)
                .SetProperty(d => d.Attempts, attempts)
                .SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.LastStatusCode, status)
                .SetProperty(d => d.LastError, error == null ? null : error.Length > ErrorMax ? error.Substring(0, ErrorMax) : error)
                .SetProperty(d => d.LastDurationMs, durationMs)
                .SetProperty(d => d.DeliveredAt, d => delivered ? now : d.DeliveredAt), ct);
        if (updated == 0)
        {
            _logger.LogWarning("Webhook delivery {Id} changed while it was being sent; its attempt is not recorded.", due.Id);
            return new Outcome(delivered, null);
        }
        db.WebhookAttempts.Add(new WebhookAttempt
        {
            WebhookDeliveryId = due.Id, At = claimedAt, StatusCode = status, DurationMs = durationMs,
            Error = error is { Length: > ErrorMax } ? error[..ErrorMax] : error,
        });
        await db.SaveChangesAsync(ct);
        if (finalStatus == WebhookDeliveryStatus.Failed)
        {
            await DisableIfFailingAsync(db, due.EndpointId, now, status, error, ct);
        }
        await transaction.CommitAsync(ct);
        return new Outcome(delivered, next);
    }

    /// <summary>
    /// After a delivery gave up: disables the endpoint when it has been failing for the whole retry window — no
    /// successful attempt since its first failure, and that failure at least <see cref="WebhookOptions.RetryHours"/> ago.
    /// </summary>
    private async Task DisableIfFailingAsync(AppDbContext db, int endpointId, DateTime now, int? status, string? error, CancellationToken ct)
    {
        var attempts = from a in db.WebhookAttempts
                       join d in db.WebhookDeliveries on a.WebhookDeliveryId equals d.Id
                       where d.WebhookEndpointId == endpointId
                       select a;
        var lastSuccess = await attempts.Where(a => a.StatusCode >= 200 && a.StatusCode < 300).MaxAsync(a => (DateTime?)a.At, ct);
        var failingSince = await attempts.Where(a => lastSuccess == null || a.At > lastSuccess).MinAsync(a => (DateTime?)a.At, ct);
        var hours = _options.Value.RetryHours;
        if (failingSince is null || now - failingSince.Value < TimeSpan.FromHours(hours))
        {
            return;
        }
        var last = status is { } code ? $"last answer {code}" : $"last error: {error}";
        var reason = $"Disabled on {WebhookService.Format(now)} after failing for {hours} hours: {last}";
        reason = reason.Length > 499 ? reason[..498] + "…" : reason.TrimEnd('.') + ".";
        var disabled = await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.DisabledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.DisabledAt, now).SetProperty(e => e.DisabledReason, reason).SetProperty(e => e.UpdatedAt, now), ct);
        if (disabled > 0)
        {
            _logger.LogWarning("Webhook endpoint {Id} disabled: {Reason}", endpointId, reason);
        }
    }

    /// <summary>
    /// The endpoint just failed: its other due deliveries (claimed in this batch, or waiting) move to its next
    /// attempt, so a receiver that is down gets one request per back-off step, not one per delivery.
    /// </summary>
    private async Task HoldBackAsync(int endpointId, List<Due> claimedRest, DateTime retryAt, CancellationToken ct)
    {
        await using var db = await _factory.CreateDbContextAsync(ct);
        foreach (var due in claimedRest)
        {
            // Release the claim without an attempt: back to what it showed before, due again with the endpoint's retry.
            await db.WebhookDeliveries.Where(d => d.Id == due.Id && d.LastDurationMs == null && d.Status == WebhookDeliveryStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, retryAt).SetProperty(d => d.LastAttemptAt, due.LastAttemptAt)
                    .SetProperty(d => d.LastDurationMs, due.LastDurationMs), ct);
        }
        await db.WebhookDeliveries
            .Where(d => d.WebhookEndpointId == endpointId && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt < retryAt
                && !(d.LastAttemptAt != null && d.LastDurationMs == null))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, retryAt), ct);
    }

    private static string Describe(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is WebhookTargetRefusedException refused)
            {
                return refused.Message;
            }
        }
        var innermost = failure;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        return innermost == failure ? failure.Message : $"{failure.Message} ({innermost.Message})";
    }

    private DateTime Now() => _clock.GetUtcNow().UtcDateTime;

    public void Dispose() => _http.Dispose();
}

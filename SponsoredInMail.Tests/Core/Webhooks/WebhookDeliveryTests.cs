using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Webhooks;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Webhooks;

/// <summary>
/// Deliveries to a real local receiver that verifies every request with the docs' verifier: at least once, signed,
/// retried with back-off while it is down, given up and the endpoint disabled after 24 hours, replayed by hand, and
/// never sent by two senders at once.
/// </summary>
public class WebhookDeliveryTests : IAsyncLifetime
{
    private WebhookScenario _s = default!;
    private WebhookReceiver _receiver = default!;
    private string _secret = "";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _s = await WebhookScenario.CreateAsync(allowPrivateTargets: true);
        _receiver = await WebhookReceiver.StartAsync(() => _secret, _s.Database.Clock);
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _s.DisposeAsync();
    }

    private async Task<WebhookEndpointView> EndpointAsync()
    {
        var endpoint = await _s.EndpointAsync(_receiver.Url);
        _secret = endpoint.Secret;
        return endpoint;
    }

    /// <summary>Three leads, a status change and a conversion: five events for an endpoint that takes them all.</summary>
    private async Task<List<WebhookDelivery>> FiveEventsAsync()
    {
        var delivery = await _s.LeadAsync(email: "one@example.com");
        await _s.LeadAsync(email: "two@example.com");
        await _s.LeadAsync(email: "three@example.com");
        await _s.MoveCampaignAsync(delivery, CampaignStatus.Archived);
        await _s.ConversionAsync(delivery);
        await _s.CatchUpOutboxAsync();
        var queued = await _s.DeliveriesAsync();
        queued.Count.ShouldBe(5);
        return queued;
    }

    [Fact]
    public async Task WithTheReceiverDownForTenMinutesEveryEventArrivesWithItsKeyNoneLost()
    {
        var endpoint = await EndpointAsync();
        _receiver.Answer = HttpStatusCode.ServiceUnavailable;
        var queued = await FiveEventsAsync();

        await _s.SendWhileTimePassesAsync(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(15));
        var whileDown = _receiver.Requests.ToList();
        _receiver.Answer = HttpStatusCode.NoContent;
        await _s.SendWhileTimePassesAsync(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(15));

        whileDown.Count.ShouldBeGreaterThanOrEqualTo(4, "retried several times while down");
        whileDown.ShouldAllBe(r => r.Answered == 503);
        // Back-off, and one probe per step for a down endpoint: far fewer requests than 5 events × 40 steps.
        whileDown.Count.ShouldBeLessThan(15);
        var all = _receiver.Requests.ToList();
        all.ShouldAllBe(r => r.Verified, "every request carries a valid signature");
        all.ShouldAllBe(r => r.WebhookId == r.IdempotencyKey && r.ContentType.StartsWith("application/json"));
        all.ShouldAllBe(r => JsonDocument.Parse(r.Body, default).RootElement.GetProperty("id").GetString() == r.WebhookId);
        // Every attempt of an event carried the same key and the same body.
        all.GroupBy(r => r.WebhookId).ShouldAllBe(g => g.Select(r => r.Body).Distinct().Count() == 1);
        _receiver.DeliveredKeys.Order().ShouldBe(queued.Select(q => q.IdempotencyKey).Order(), "every event arrived, none lost");
        var rows = await _s.DeliveriesAsync();
        rows.ShouldAllBe(r => r.Status == WebhookDeliveryStatus.Delivered && r.LastStatusCode == 204 && r.DeliveredAt != null);
        await using var db = _s.Database.CreateContext();
        (await db.WebhookAttempts.CountAsync(Ct)).ShouldBe(all.Count, "every request is in the delivery log");
        (await _s.EndpointRowAsync(endpoint.Id)).IsEnabled.ShouldBeTrue();
    }

    [Fact]
    public async Task TheRunningSenderDeliversANewLeadAndKeepsRetryingAsFakeTimePasses()
    {
        await EndpointAsync();
        _receiver.Answer = HttpStatusCode.ServiceUnavailable;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var feed = _s.Database.Get<ChangeFeed>().RunAsync(stop.Token);
        var sender = _s.Sender.RunAsync(stop.Token);
        try
        {
            await _s.LeadAsync();
            // The feed wakes the outbox, the outbox wakes the sender: the first attempt needs no time to pass.
            await Poll.UntilAsync(() => _receiver.Requests.Count >= 1, "the first attempt");
            // Fake time moves on in small steps (each poll) for ten minutes: the sleeping sender wakes at each retry.
            var start = _s.Database.Clock.GetUtcNow();
            await Poll.UntilAsync(() =>
            {
                _s.Database.Clock.Advance(TimeSpan.FromSeconds(15));
                return _s.Database.Clock.GetUtcNow() - start >= TimeSpan.FromMinutes(10) && _receiver.Requests.Count >= 3;
            }, "retries while the receiver is down");
            _receiver.Answer = HttpStatusCode.OK;
            await Poll.UntilAsync(() =>
            {
                _s.Database.Clock.Advance(TimeSpan.FromMinutes(1));
                return _receiver.DeliveredKeys.Count == 1;
            }, "the lead delivered once the receiver is up");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(feed, sender);
        }
        _receiver.Requests.ShouldAllBe(r => r.Verified);
        _receiver.Requests.Select(r => r.WebhookId).Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task AnEndpointFailingFor24HoursIsDisabledWithTheReasonAndItsDeliveriesFail()
    {
        var endpoint = await EndpointAsync();
        _receiver.Answer = HttpStatusCode.ServiceUnavailable;
        await _s.LeadAsync();
        await _s.CatchUpOutboxAsync();

        await _s.SendWhileTimePassesAsync(TimeSpan.FromHours(23), TimeSpan.FromMinutes(10));
        (await _s.EndpointRowAsync(endpoint.Id)).IsEnabled.ShouldBeTrue("not yet 24 hours");
        await _s.SendWhileTimePassesAsync(TimeSpan.FromHours(1.5), TimeSpan.FromMinutes(10));

        var row = await _s.EndpointRowAsync(endpoint.Id);
        row.IsEnabled.ShouldBeFalse();
        row.DisabledReason.ShouldBe($"Disabled on {WebhookService.Format(row.DisabledAt!.Value)} after failing for 24 hours: last answer 503.");
        var delivery = (await _s.DeliveriesAsync()).ShouldHaveSingleItem();
        delivery.Status.ShouldBe(WebhookDeliveryStatus.Failed);
        delivery.LastStatusCode.ShouldBe(503);
        delivery.Attempts.ShouldBeInRange(20, 40);
        (await _s.Service.ListAsync(_s.Maria, _s.Contoso, Ct)).Single().DisabledReason.ShouldBe(row.DisabledReason);

        // Nothing is sent while disabled; a new event is not queued for it.
        var before = _receiver.Requests.Count;
        await _s.LeadAsync();
        await _s.CatchUpOutboxAsync();
        await _s.SendWhileTimePassesAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(10));
        _receiver.Requests.Count.ShouldBe(before);
        (await _s.DeliveriesAsync()).Count.ShouldBe(1);

        // Enabled again, with the receiver fixed, a replay delivers the failed event under its original key.
        _receiver.Answer = HttpStatusCode.OK;
        (await _s.Service.EnableAsync(_s.Maria, _s.Contoso, endpoint.Id, Ct)).Succeeded.ShouldBeTrue();
        (await _s.Service.ReplayAsync(_s.Maria, _s.Contoso, endpoint.Id, delivery.Id, Ct)).Succeeded.ShouldBeTrue();
        await _s.SendAllDueAsync();
        _receiver.DeliveredKeys.ShouldBe([delivery.IdempotencyKey]);
        (await _s.DeliveriesAsync()).Single().Status.ShouldBe(WebhookDeliveryStatus.Delivered);
    }

    [Fact]
    public async Task AnEndpointDeletedWhileItsLastFailureIsBeingRecordedGoesWithoutADeadlock()
    {
        Assert.SkipUnless(TestDatabaseServer.IsPostgres, "PostgreSQL only: SQLite has one writer at a time, so the two cannot interleave.");
        var endpoint = await EndpointAsync();
        _receiver.Answer = HttpStatusCode.ServiceUnavailable;
        await _s.LeadAsync();
        await _s.CatchUpOutboxAsync();
        await _s.SendWhileTimePassesAsync(TimeSpan.FromHours(23), TimeSpan.FromMinutes(10));
        _s.Database.Clock.Advance(TimeSpan.FromHours(2)); // the next attempt gives up, and so disables the endpoint

        // A deletion that has locked the endpoint and is about to cascade to its deliveries, as the sender records the
        // last failure: it must wait for the endpoint before it holds the delivery, or each waits for the other.
        await using var deleter = _s.Database.CreateContext();
        await using var transaction = await deleter.Database.BeginTransactionAsync(Ct);
        await deleter.LockAsync<WebhookEndpoint>(endpoint.Id, Ct);
        var sending = _s.SendAllDueAsync();
        await using (var watcher = _s.Database.CreateContext())
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await watcher.Database.SqlQuery<int>(
                       $"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").SingleAsync(Ct) == 0)
            {
                DateTime.UtcNow.ShouldBeLessThan(deadline, "the sender never waited for the locked endpoint");
                sending.IsCompleted.ShouldBeFalse("the sender recorded the attempt without the endpoint's lock");
                await Task.Delay(20, Ct);
            }
        }
        await deleter.WebhookEndpoints.Where(e => e.Id == endpoint.Id).ExecuteDeleteAsync(Ct);
        await transaction.CommitAsync(Ct);
        await sending;

        (await _s.DeliveriesAsync()).ShouldBeEmpty();
        _receiver.Requests.Count.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task AReplayResendsADeliveredEventWithTheSameKeyAndIsAudited()
    {
        var endpoint = await EndpointAsync();
        await _s.LeadAsync();
        await _s.CatchUpOutboxAsync();
        await _s.SendAllDueAsync();
        var delivered = (await _s.DeliveriesAsync()).Single();
        delivered.Status.ShouldBe(WebhookDeliveryStatus.Delivered);
        _s.Database.Clock.Advance(TimeSpan.FromMinutes(3));

        var replay = await _s.Service.ReplayAsync(_s.Maria, _s.Contoso, endpoint.Id, delivered.Id, Ct);
        await _s.SendAllDueAsync();

        replay.Succeeded.ShouldBeTrue(replay.ToString());
        var requests = _receiver.Requests.ToList();
        requests.Count.ShouldBe(2);
        requests.ShouldAllBe(r => r.WebhookId == delivered.IdempotencyKey && r.Verified && r.Body == delivered.Payload);
        requests[1].Timestamp.ShouldNotBe(requests[0].Timestamp, "signed afresh at each attempt");
        var after = (await _s.DeliveriesAsync()).Single();
        after.Status.ShouldBe(WebhookDeliveryStatus.Delivered);
        after.Attempts.ShouldBe(2);
        (await _s.Service.DeliveriesAsync(_s.Maria, _s.Contoso, endpoint.Id, 0, 10, Ct)).Items.Single().Attempts.ShouldBe(2);
        (await _s.Service.AttemptsAsync(_s.Maria, _s.Contoso, delivered.Id, Ct)).Count.ShouldBe(2);
        await using var db = _s.Database.CreateContext();
        (await db.AuditLog.CountAsync(a => a.Action == "Webhook delivery replayed" && a.EntityId == delivered.Id.ToString(), Ct)).ShouldBe(1);
        // A Viewer may not replay.
        (await _s.Service.ReplayAsync(_s.Ben, _s.Contoso, endpoint.Id, delivered.Id, Ct)).ErrorFor("account").ShouldNotBeNull();
    }

    [Fact]
    public async Task AForgedOrStaleSignatureIsRejectedByTheDocsVerifier()
    {
        await EndpointAsync();
        await _s.LeadAsync();
        await _s.CatchUpOutboxAsync();
        await _s.SendAllDueAsync();
        var genuine = _receiver.Requests.Single();
        genuine.Verified.ShouldBeTrue();
        var now = _s.Database.Clock.GetUtcNow();
        var verify = SponsoredInMail.Webhooks.Example.WebhookVerifier.Verify;

        verify(_secret, genuine.Timestamp, genuine.Signature, genuine.Body, now).ShouldBeTrue();
        verify(_secret, genuine.Timestamp, genuine.Signature, genuine.Body.Replace("CFO", "CEO"), now).ShouldBeFalse("a tampered body");
        verify(_secret, genuine.Timestamp, WebhookRules.Sign("whsec_forged", long.Parse(genuine.Timestamp!), genuine.Body), genuine.Body, now)
            .ShouldBeFalse("signed with a guessed secret");
        verify(_secret, genuine.Timestamp, genuine.Signature, genuine.Body, now.AddMinutes(6)).ShouldBeFalse("replayed six minutes later");

        // The receiver itself refuses a forged request sent to it over HTTP.
        using var http = new HttpClient();
        using var forged = new HttpRequestMessage(HttpMethod.Post, _receiver.Url) { Content = new StringContent(genuine.Body) };
        forged.Headers.Add("Webhook-Id", genuine.WebhookId);
        forged.Headers.Add("Webhook-Timestamp", genuine.Timestamp);
        forged.Headers.Add("Webhook-Signature", "v1=" + new string('a', 64));
        (await http.SendAsync(forged, Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TwoSendersRacingNeverSendADeliveryTwice()
    {
        var endpoint = await EndpointAsync();
        _receiver.Delay = TimeSpan.FromMilliseconds(20); // requests overlap
        var now = _s.Database.Clock.GetUtcNow().UtcDateTime;
        await using (var db = _s.Database.CreateContext())
        {
            for (var i = 0; i < 60; i++)
            {
                var key = $"race:{i}";
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    WebhookEndpointId = endpoint.Id, AdvertiserAccountId = _s.Contoso, EventType = WebhookRules.LeadCreated, IdempotencyKey = key,
                    Payload = $$"""{"id":"{{key}}"}""", CreatedAt = now, NextAttemptAt = now,
                });
            }
            await db.SaveChangesAsync(Ct);
        }
        // Two senders over the same database, as two instances that both believe they lead.
        var a = _s.Sender;
        using var b = ActivatorUtilities.CreateInstance<WebhookSender>(_s.Database.Services);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var sender = i % 2 == 0 ? a : b;
            while (await sender.SendDueAsync(Ct) > 0)
            {
            }
        }, Ct)));
        await _s.SendAllDueAsync();

        var perKey = _receiver.Requests.GroupBy(r => r.WebhookId).ToDictionary(g => g.Key!, g => g.Count());
        perKey.Count.ShouldBe(60, "every delivery was sent");
        perKey.Where(p => p.Value > 1).ShouldBeEmpty("no delivery was sent twice");
        (await _s.DeliveriesAsync()).ShouldAllBe(d => d.Status == WebhookDeliveryStatus.Delivered && d.Attempts == 1);
    }

    [Fact]
    public async Task AReceiverThatIsNotListeningIsAFailedAttemptWithTheError()
    {
        var endpoint = await _s.EndpointAsync("http://127.0.0.1:1/hook"); // nothing listens on port 1
        await _s.LeadAsync();
        await _s.CatchUpOutboxAsync();

        await _s.SendAllDueAsync();

        var delivery = (await _s.DeliveriesAsync()).Single(d => d.WebhookEndpointId == endpoint.Id);
        delivery.Status.ShouldBe(WebhookDeliveryStatus.Pending);
        delivery.Attempts.ShouldBe(1);
        delivery.LastStatusCode.ShouldBeNull();
        delivery.LastError.ShouldNotBeNullOrEmpty();
        delivery.NextAttemptAt.ShouldNotBeNull().ShouldBeGreaterThan(_s.Database.Clock.GetUtcNow().UtcDateTime.AddSeconds(29));
    }
}

/// <summary>The request forgery guard at send time: a host that resolves to a private address is never connected to.</summary>
public class WebhookSendGuardTests : IAsyncLifetime
{
    private WebhookScenario _s = default!;
    private WebhookReceiver _receiver = default!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _s = await WebhookScenario.CreateAsync(allowPrivateTargets: false);
        _receiver = await WebhookReceiver.StartAsync(() => "", _s.Database.Clock);
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _s.DisposeAsync();
    }

    [Fact]
    public async Task AHostThatResolvesToLoopbackIsRefusedAtConnectTime()
    {
        // As if a public name had been re-pointed at this machine after the endpoint was saved (DNS rebinding).
        var port = new Uri(_receiver.Url).Port;
        await using (var db = _s.Database.CreateContext())
        {
            db.WebhookEndpoints.Add(new WebhookEndpoint
            {
                AdvertiserAccountId = _s.Contoso, Url = $"http://localhost:{port}/hook", Secret = WebhookRules.NewSecret(), Events = WebhookRules.AllEvents,
                CreatedAt = _s.Database.Clock.GetUtcNow().UtcDateTime, CreatedBy = _s.Maria,
            });
            await db.SaveChangesAsync(Ct);
        }
        await _s.LeadAsync();
        await _s.CatchUpOutboxAsync();

        await _s.SendAllDueAsync();

        _receiver.Requests.ShouldBeEmpty("no connection was made");
        var delivery = (await _s.DeliveriesAsync()).Single();
        delivery.Status.ShouldBe(WebhookDeliveryStatus.Pending);
        delivery.LastError.ShouldNotBeNull();
        delivery.LastError.ShouldContain("localhost resolves to");
        delivery.LastError.ShouldContain("loopback");
    }
}

using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Webhooks;

namespace SponsoredInMail.Tests.Core.Webhooks;

/// <summary>The outbox: each event becomes one delivery per subscribed, enabled endpoint of its account, exactly once.</summary>
public class WebhookOutboxTests : IAsyncLifetime
{
    private WebhookScenario _s = default!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _s = await WebhookScenario.CreateAsync();

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task EachEventBecomesOneDeliveryPerSubscribedEndpoint()
    {
        var everything = await _s.EndpointAsync("http://127.0.0.1:9/all");
        var leadsOnly = await _s.EndpointAsync("http://127.0.0.1:9/leads", WebhookEvents.LeadCreated);
        var statusOnly = await _s.EndpointAsync("http://127.0.0.1:9/status", WebhookEvents.CampaignStatusChanged);
        var disabled = await _s.EndpointAsync("http://127.0.0.1:9/off");
        (await _s.Service.DisableAsync(_s.Maria, _s.Contoso, disabled.Id, Ct)).Succeeded.ShouldBeTrue();
        var northwind = await _s.EndpointAsync("http://127.0.0.1:9/northwind", account: _s.Northwind);

        var delivery = await _s.LeadAsync();
        await _s.MoveCampaignAsync(delivery, CampaignStatus.Archived);
        var conversion = await _s.ConversionAsync(delivery);
        await _s.CatchUpOutboxAsync();

        var rows = await _s.DeliveriesAsync();
        rows.Where(r => r.WebhookEndpointId == everything.Id).Select(r => r.EventType).Order()
            .ShouldBe([WebhookRules.CampaignStatusChanged, WebhookRules.ConversionAttributed, WebhookRules.LeadCreated]);
        rows.Where(r => r.WebhookEndpointId == leadsOnly.Id).Select(r => r.EventType).ShouldBe([WebhookRules.LeadCreated]);
        rows.Where(r => r.WebhookEndpointId == statusOnly.Id).Select(r => r.EventType).ShouldBe([WebhookRules.CampaignStatusChanged]);
        rows.ShouldNotContain(r => r.WebhookEndpointId == disabled.Id || r.WebhookEndpointId == northwind.Id);
        rows.ShouldAllBe(r => r.Status == WebhookDeliveryStatus.Pending && r.AdvertiserAccountId == _s.Contoso);
        rows.Single(r => r.WebhookEndpointId == everything.Id && r.EventType == WebhookRules.ConversionAttributed).IdempotencyKey
            .ShouldBe($"conversion.attributed:{conversion}");
        // The same event has the same key at every endpoint.
        rows.Where(r => r.EventType == WebhookRules.LeadCreated).Select(r => r.IdempotencyKey).Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task ThePayloadsCarryWhatAReceiverNeeds()
    {
        await _s.EndpointAsync("http://127.0.0.1:9/all");
        var delivery = await _s.LeadAsync(email: "lee.payload@example.com");
        await _s.MoveCampaignAsync(delivery, CampaignStatus.Archived);
        var conversion = await _s.ConversionAsync(delivery, valueCents: 4_200);
        await _s.CatchUpOutboxAsync();
        var rows = await _s.DeliveriesAsync();
        await using var db = _s.Database.CreateContext();
        var lead = await db.Leads.SingleAsync(l => l.DeliveryId == delivery, Ct);
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == lead.CampaignId, Ct);

        using var leadBody = JsonDocument.Parse(rows.Single(r => r.EventType == WebhookRules.LeadCreated).Payload);
        using var statusBody = JsonDocument.Parse(rows.Single(r => r.EventType == WebhookRules.CampaignStatusChanged).Payload);
        using var conversionBody = JsonDocument.Parse(rows.Single(r => r.EventType == WebhookRules.ConversionAttributed).Payload);

        var l = leadBody.RootElement;
        l.GetProperty("id").GetString().ShouldBe($"lead.created:{lead.Id}");
        l.GetProperty("type").GetString().ShouldBe("lead.created");
        l.GetProperty("accountId").GetInt32().ShouldBe(_s.Contoso);
        var data = l.GetProperty("data");
        data.GetProperty("leadId").GetInt64().ShouldBe(lead.Id);
        data.GetProperty("campaign").GetProperty("id").GetInt32().ShouldBe(campaign.Id);
        data.GetProperty("campaign").GetProperty("name").GetString().ShouldBe(campaign.Name);
        data.GetProperty("form").GetProperty("id").GetInt32().ShouldBe(lead.LeadFormId);
        data.GetProperty("answers").GetProperty("E-mail").GetString().ShouldBe("lee.payload@example.com");
        data.GetProperty("answers").EnumerateObject().Select(p => p.Name).First().ShouldBe("First name");
        data.GetProperty("submittedAt").GetDateTime().ShouldBe(lead.SubmittedAt);

        var s = statusBody.RootElement.GetProperty("data");
        s.GetProperty("campaign").GetProperty("id").GetInt32().ShouldBe(campaign.Id);
        s.GetProperty("from").GetString().ShouldBe("Completed");
        s.GetProperty("to").GetString().ShouldBe("Archived");

        var c = conversionBody.RootElement.GetProperty("data");
        c.GetProperty("conversionEventId").GetInt64().ShouldBe(conversion);
        c.GetProperty("definition").GetProperty("name").GetString()!.ShouldStartWith("Demo booked");
        c.GetProperty("campaign").GetProperty("id").GetInt32().ShouldBe(campaign.Id);
        c.GetProperty("adId").GetInt32().ShouldBe(campaign.AdId!.Value);
        c.GetProperty("touch").GetString().ShouldBe("click");
        c.GetProperty("valueCents").GetInt64().ShouldBe(4_200);
    }

    [Fact]
    public async Task TheSameBatchHandedAgainOrByTwoInstancesQueuesEachEventOnce()
    {
        await _s.EndpointAsync("http://127.0.0.1:9/a");
        await _s.EndpointAsync("http://127.0.0.1:9/b", WebhookEvents.LeadCreated);
        var delivery = await _s.LeadAsync();
        await _s.LeadAsync(email: "second@example.com");
        await _s.MoveCampaignAsync(delivery, CampaignStatus.Archived);
        await _s.ConversionAsync(delivery);
        List<ChangeEnvelope> batch;
        await using (var db = _s.Database.CreateContext())
        {
            batch = (await db.Changes.AsNoTracking().OrderBy(c => c.Position).ToListAsync(Ct)).ConvertAll(r => new ChangeEnvelope(r.Position, r.At, r.Read()));
        }
        var outbox = _s.Database.Get<WebhookOutbox>();
        // Another instance's outbox: its own object over the same database.
        var otherInstance = ActivatorUtilities.CreateInstance<WebhookOutbox>(_s.Database.Services);

        await outbox.HandleAsync(batch, Ct);
        var first = await _s.DeliveriesAsync();
        await outbox.HandleAsync(batch, Ct);
        await Task.WhenAll(outbox.HandleAsync(batch, Ct), otherInstance.HandleAsync(batch, Ct));
        await _s.CatchUpOutboxAsync();

        first.Count.ShouldBe(4 + 2); // endpoint a: 2 leads, a status change, a conversion; endpoint b: the 2 leads
        var again = await _s.DeliveriesAsync();
        again.Select(d => (d.WebhookEndpointId, d.IdempotencyKey)).ShouldBe(first.Select(d => (d.WebhookEndpointId, d.IdempotencyKey)));
    }
}

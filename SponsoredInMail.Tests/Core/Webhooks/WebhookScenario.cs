using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Webhooks;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Inbox;

namespace SponsoredInMail.Tests.Core.Webhooks;

/// <summary>
/// A seeded database with the webhook services, and the three kinds of event made the way the product makes them: a
/// lead submitted through <see cref="EngagementService"/>, a campaign's status moved through EF, and an attributed
/// <see cref="ConversionEvent"/> inserted through EF (the change recorder appends each change).
/// </summary>
public sealed class WebhookScenario : IAsyncDisposable
{
    private readonly InboxTestData _data;

    private WebhookScenario(TestDatabase database)
    {
        Database = database;
        _data = new InboxTestData(database);
    }

    public TestDatabase Database { get; }
    public WebhookService Service => Database.Get<WebhookService>();
    public WebhookSender Sender => Database.Get<WebhookSender>();
    public string Maria { get; private set; } = "";
    public string Ben { get; private set; } = "";
    public int Contoso { get; private set; }
    public int Northwind { get; private set; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<WebhookScenario> CreateAsync(bool allowPrivateTargets = true, int members = 200)
    {
        var database = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?>
        {
            ["Webhooks:AllowPrivateTargets"] = allowPrivateTargets ? "true" : "false",
        });
        await database.SeedAsync(members);
        var scenario = new WebhookScenario(database);
        (scenario.Maria, scenario.Ben, scenario.Contoso, scenario.Northwind) = await database.DemoCastAsync();
        // A new durable follower starts at the head: place its cursor before anything the test does.
        await scenario.CatchUpOutboxAsync();
        return scenario;
    }

    /// <summary>Hands the outbox every committed change, as its feed follower does in the app.</summary>
    public async Task CatchUpOutboxAsync() => (await Database.Get<ChangeFeed>().CatchUpAsync("webhooks", Ct)).ShouldBeTrue("the outbox handled the changes");

    public async Task<WebhookEndpointView> EndpointAsync(string url, WebhookEvents events = WebhookRules.AllEvents, int? account = null)
    {
        var created = await Service.CreateAsync(account is null ? Maria : Ben, account ?? Contoso, new WebhookEndpointInput(url, events), Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return created.Value!;
    }

    /// <summary>A member submits a lead form of one of the account's campaigns; returns the delivery it answered.</summary>
    public async Task<long> LeadAsync(string account = "Contoso Cloud", string email = "lee@example.com")
    {
        var member = InboxTestData.NewMember();
        var form = await _data.LeadFormAsync(await Database.AccountIdAsync(account), consent: null);
        var delivery = await _data.MessageAdAsync(member, account, "Report", _data.Now.AddHours(-1), form);
        var result = await Database.Get<EngagementService>().SubmitLeadAsync(member, delivery, form, new Dictionary<string, string>
        {
            ["First name"] = "Lee", ["E-mail"] = email, ["Job title"] = "CFO", ["Team size"] = "51+",
        }, consented: false, Ct);
        result.Succeeded.ShouldBeTrue(result.ToString());
        return delivery;
    }

    /// <summary>The campaign of a delivery moves to <paramref name="status"/> (one CampaignChanged with its previous status).</summary>
    public async Task MoveCampaignAsync(long deliveryId, CampaignStatus status)
    {
        await using var db = Database.CreateContext();
        var campaignId = await db.Deliveries.Where(d => d.Id == deliveryId).Select(d => d.CampaignId).SingleAsync(Ct);
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == campaignId, Ct);
        campaign.Status = status;
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>A conversion credited to a delivery's click (as the conversion recorder will write it).</summary>
    public async Task<long> ConversionAsync(long deliveryId, long valueCents = 12_500)
    {
        await using var db = Database.CreateContext();
        var delivery = await db.Deliveries.AsNoTracking().SingleAsync(d => d.Id == deliveryId, Ct);
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        var definition = new ConversionDefinition
        {
            AdvertiserAccountId = delivery.AdvertiserAccountId, Name = $"Demo booked {Guid.NewGuid():N}"[..20], Category = ConversionCategory.Lead,
            TagKey = $"cv_{Guid.NewGuid():N}"[..19], CreatedAt = now,
        };
        db.ConversionDefinitions.Add(definition);
        await db.SaveChangesAsync(Ct);
        var conversion = new ConversionEvent
        {
            AdvertiserAccountId = delivery.AdvertiserAccountId, ConversionDefinitionId = definition.Id, Source = ConversionSource.Api,
            EventId = Guid.NewGuid().ToString("N"), OccurredAt = now.AddMinutes(-5), ReceivedAt = now, MemberId = delivery.MemberId, ValueCents = valueCents,
            Touch = AttributionTouch.Click, DeliveryId = delivery.Id, CampaignId = delivery.CampaignId, AdId = delivery.AdId, TouchAt = now.AddMinutes(-30),
            Counted = true,
        };
        db.ConversionEvents.Add(conversion);
        await db.SaveChangesAsync(Ct);
        return conversion.Id;
    }

    public async Task<List<WebhookDelivery>> DeliveriesAsync()
    {
        await using var db = Database.CreateContext();
        return await db.WebhookDeliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync(Ct);
    }

    public async Task<WebhookEndpoint> EndpointRowAsync(int id)
    {
        await using var db = Database.CreateContext();
        return await db.WebhookEndpoints.AsNoTracking().SingleAsync(e => e.Id == id, Ct);
    }

    /// <summary>Runs the sender and moves the fake clock on by <paramref name="step"/> until <paramref name="until"/> has passed.</summary>
    public async Task SendWhileTimePassesAsync(TimeSpan until, TimeSpan step, WebhookSender? sender = null)
    {
        var end = Database.Clock.GetUtcNow() + until;
        while (Database.Clock.GetUtcNow() < end)
        {
            await SendAllDueAsync(sender);
            Database.Clock.Advance(step);
        }
        await SendAllDueAsync(sender);
    }

    /// <summary>Sends batches until nothing is due now.</summary>
    public async Task SendAllDueAsync(WebhookSender? sender = null)
    {
        while (await (sender ?? Sender).SendDueAsync(Ct) > 0)
        {
        }
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

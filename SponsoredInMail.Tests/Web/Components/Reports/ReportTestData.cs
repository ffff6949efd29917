using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Inbox;

namespace SponsoredInMail.Tests.Web.Components.Reports;

/// <summary>
/// Campaigns with real history for report pages: launched and sent by the delivery engine (a budget of exactly
/// <c>sends</c> sends), then opened, clicked, pressed and answered through the inbox and engagement services.
/// </summary>
public sealed class ReportTestData(TestDatabase database)
{
    public const long BidCents = 50;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private DeliveryScenario Scenario { get; } = DeliveryScenario.Over(database);

    public InboxService Inbox => database.Get<InboxService>();

    public EngagementService Engagement => database.Get<EngagementService>();

    /// <summary>A Message Ad campaign of the account that has sent to <paramref name="sends"/> members; its CTA opens a lead form.</summary>
    public async Task<SentCampaign> MessageAdAsync(string account, int sends)
    {
        var accountId = await database.AccountIdAsync(account);
        var form = await new InboxTestData(database).LeadFormAsync(accountId, consent: null);
        return await LaunchAsync(accountId, sends, ad =>
        {
            ad.Body = "Hello %FIRSTNAME%, read [the report](https://contoso.example/report).";
            ad.CtaTarget = CtaTarget.LeadForm;
            ad.LeadFormId = form;
            ad.LandingUrl = null;
        }, form);
    }

    /// <summary>A Conversation Ad: m1 → "Tell me more" (m2) / "Not interested"; m2 → "See the site" (URL) / "Done".</summary>
    public async Task<SentCampaign> ConversationAsync(string account, int sends)
    {
        var accountId = await database.AccountIdAsync(account);
        return await LaunchAsync(accountId, sends, ad =>
        {
            ad.Format = AdFormat.ConversationAd;
            ad.CtaTarget = null;
            ad.LandingUrl = null;
            ad.Conversation = new ConversationScript("m1",
            [
                new("m1", "Interested in a demo?", [new("b1", "Tell me more", ButtonAction.NextMessage, "m2"), new("no", AdLimits.NotInterested, ButtonAction.End)]),
                new("m2", "Great. Pick one:", [new("b3", "See the site", ButtonAction.Url, Url: "https://fabrikam.example/demo"), new("b4", "Done", ButtonAction.End)]),
            ]);
        }, null);
    }

    private async Task<SentCampaign> LaunchAsync(int accountId, int sends, Action<Ad> configure, int? form)
    {
        List<string> countries;
        await using (var db = database.CreateContext())
        {
            countries = await db.Members.Select(m => m.CountryCode).Distinct().ToListAsync(Ct);
        }
        var id = await Scenario.LaunchAsync(accountId, new Targeting([new(Facet.Location, countries)], []), BidCents, BidCents * sends, configureAd: configure);
        await Scenario.Engine.RunUntilIdleAsync(Ct);
        var deliveries = await Scenario.DeliveriesAsync(id);
        deliveries.Count.ShouldBe(sends, "the engine sends until the budget of exactly that many sends runs out");
        var campaign = await Scenario.CampaignAsync(id);
        return new SentCampaign(id, campaign.Name, form, deliveries.Select(d => (d.Id, d.MemberId)).ToList());
    }

    /// <summary>
    /// Makes a sent campaign one of <paramref name="ads"/> ads ("Ad A" its own, then copies), its sends carrying them in
    /// turn (A, B, A, B, …): recipient i got ad i mod <paramref name="ads"/>. Returns the ads in order.
    /// </summary>
    public async Task<IReadOnlyList<int>> WithAdsAsync(SentCampaign campaign, int ads, Action<Ad, int>? configure = null)
    {
        var ids = await Core.Reports.MultiAdCampaign.AddAdsAsync(database.Factory, campaign.Id, ads, configure);
        await Core.Reports.MultiAdCampaign.SpreadDeliveriesAsync(database.Factory, campaign.Id, ids);
        return ids;
    }

    public async Task OpenAsync(SentCampaign campaign, int count)
    {
        foreach (var (delivery, member) in campaign.Deliveries.Take(count))
        {
            (await Inbox.OpenSponsoredAsync(member, delivery, ct: Ct)).ShouldNotBeNull();
        }
    }

    /// <summary>The first <paramref name="count"/> recipients open the lead form from the CTA and submit it.</summary>
    public async Task SubmitLeadsAsync(SentCampaign campaign, int count)
    {
        foreach (var (delivery, member) in campaign.Deliveries.Take(count))
        {
            var message = (await Inbox.OpenSponsoredAsync(member, delivery, ct: Ct))!;
            var form = message.LeadForms[campaign.LeadFormId!.Value];
            (await Engagement.LeadFormOpenedAsync(member, delivery, campaign.LeadFormId.Value, Ct)).Succeeded.ShouldBeTrue();
            var answers = form.Fields.ToDictionary(f => f.Label, f => f.Options?.First() ?? (string.IsNullOrEmpty(f.Value) ? "Lee" : f.Value));
            var result = await Engagement.SubmitLeadAsync(member, delivery, campaign.LeadFormId.Value, answers, consented: false, Ct);
            result.Succeeded.ShouldBeTrue(result.ToString());
        }
    }

    /// <summary>The first <paramref name="count"/> recipients click the link in the body (a link click).</summary>
    public async Task ClickLinkAsync(SentCampaign campaign, int count)
    {
        foreach (var (delivery, member) in campaign.Deliveries.Take(count))
        {
            var message = (await Inbox.OpenSponsoredAsync(member, delivery, ct: Ct))!.MessageAd!;
            var link = System.Text.RegularExpressions.Regex.Match(message.BodyHtml, "href=\"(/t/[^\"]+)\"").Groups[1].Value;
            // The landing URL carries the click id (simclid) that conversions are matched by.
            (await Engagement.ClickAsync(link[InboxService.TrackingPath.Length..], Ct)).ShouldStartWith("https://contoso.example/report?simclid=");
        }
    }

    public async Task PressAsync(SentCampaign campaign, int recipient, string messageId, string buttonId)
    {
        var (delivery, member) = campaign.Deliveries[recipient];
        (await Engagement.PressButtonAsync(member, delivery, messageId, buttonId, Ct)).Succeeded.ShouldBeTrue();
    }
}

public sealed record SentCampaign(int Id, string Name, int? LeadFormId, IReadOnlyList<(long Delivery, int Member)> Deliveries);

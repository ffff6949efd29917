using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Reports;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Inbox;

namespace SponsoredInMail.Tests.Core.Reports;

/// <summary>
/// A campaign's report broken down by ad: each ad's figures, daily series and conversation funnel come from the
/// deliveries that carried it, and the ads add up to the campaign, whatever happened on which day.
/// </summary>
public class AdReportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Three Message Ads sent over five days, opened, clicked (some twice), led, dismissed and opted out of at random.</summary>
    private static async Task<(DeliveryScenario S, int Account, int Campaign, IReadOnlyList<int> Ads, DateOnly Start)> StormAsync(int seed)
    {
        var s = await DeliveryScenario.CreateAsync(members: 900, randomSeed: 700 + seed);
        var contoso = await s.AccountAsync("Contoso Cloud");
        var form = await new InboxTestData(s.Database).LeadFormAsync(contoso, consent: null);
        var (campaign, ads) = await MultiAdCampaign.LaunchAsync(s, contoso, DeliveryScenario.Countries("US", "GB", "IN"), ads: 3, 50, 1_000_000, dailyCents: 3_000,
            configureAd: (ad, position) =>
            {
                ad.Body = "Read [more](https://contoso.example/more).";
                if (position == 1)
                {
                    // Ad B's button opens a lead form: leads and lead form opens are B's alone.
                    ad.CtaTarget = CtaTarget.LeadForm;
                    ad.LeadFormId = form;
                    ad.LandingUrl = null;
                }
            });
        var random = new Random(seed);
        var inbox = s.Database.Get<InboxService>();
        var engagement = s.Database.Get<EngagementService>();
        var start = DateOnly.FromDateTime(s.Database.Clock.GetUtcNow().UtcDateTime);
        for (var day = 0; day < 5; day++)
        {
            await s.Engine.RunUntilIdleAsync(Ct);
            foreach (var d in (await s.DeliveriesAsync(campaign)).OrderBy(_ => random.Next()).Take(45))
            {
                var message = (await inbox.OpenSponsoredAsync(d.MemberId, d.Id, ct: Ct))!.MessageAd!;
                if (random.Next(3) == 0)
                {
                    if (message.CtaUrl is { } cta)
                    {
                        await engagement.ClickAsync(cta[InboxService.TrackingPath.Length..], Ct);
                        if (random.Next(2) == 0)
                        {
                            await engagement.ClickAsync(cta[InboxService.TrackingPath.Length..], Ct);
                        }
                    }
                    else
                    {
                        (await engagement.LeadFormOpenedAsync(d.MemberId, d.Id, form, Ct)).Succeeded.ShouldBeTrue();
                        if (random.Next(2) == 0)
                        {
                            var fields = (await inbox.OpenSponsoredAsync(d.MemberId, d.Id, ct: Ct))!.LeadForms[form].Fields;
                            var answers = fields.ToDictionary(f => f.Label, f => f.Options?.First() ?? (string.IsNullOrEmpty(f.Value) ? "Lee" : f.Value));
                            (await engagement.SubmitLeadAsync(d.MemberId, d.Id, form, answers, consented: false, Ct)).Succeeded.ShouldBeTrue();
                        }
                    }
                }
                if (random.Next(4) == 0)
                {
                    var link = System.Text.RegularExpressions.Regex.Match(message.BodyHtml, "href=\"(/t/[^\"]+)\"").Groups[1].Value;
                    await engagement.ClickAsync(link[InboxService.TrackingPath.Length..], Ct);
                }
                if (random.Next(10) == 0)
                {
                    await engagement.NotInterestedAsync(d.MemberId, d.Id, Ct);
                }
                if (random.Next(25) == 0)
                {
                    await engagement.OptOutAsync(d.MemberId, d.Id, OptOutScope.Advertiser, Ct);
                }
            }
            s.Database.Clock.Advance(TimeSpan.FromHours(20 + random.Next(0, 8)));
        }
        return (s, contoso, campaign, ads, start);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task TheAdsAddUpToTheCampaignOverTheRangeAndOnEveryDay(int seed)
    {
        var (s, contoso, campaign, ads, start) = await StormAsync(seed);
        await using var _ = s;
        var maria = await s.Database.UserIdAsync("maria@contoso.example");
        var range = new ReportRange(start, start.AddDays(6));

        var report = (await s.Database.Get<ReportService>().CampaignAsync(maria, contoso, campaign, range, Ct))!;

        report.Ads.Select(a => a.AdId).ShouldBe(ads);
        report.Ads.Select(a => a.Label).ShouldBe(["A · Ad A", "B · Ad B", "C · Ad C"]);
        report.Ads.ShouldAllBe(a => a.Kpis.Sends > 0, "an even rotation sends every ad");
        Kpis.Sum(report.Ads.Select(a => a.Kpis)).ShouldBe(report.Kpis);
        report.Ads.Sum(a => a.ShareOfSends!.Value).ShouldBe(1.0, 1e-9);
        for (var i = 0; i < report.Series.Count; i++)
        {
            report.Ads.ShouldAllBe(a => a.Series[i].Day == report.Series[i].Day);
            Kpis.Sum(report.Ads.Select(a => a.Series[i].Kpis)).ShouldBe(report.Series[i].Kpis, $"day {report.Series[i].Day}");
        }
        report.Kpis.Leads.ShouldBeGreaterThan(0);
        report.Ads[1].Kpis.Leads.ShouldBe(report.Kpis.Leads, "only ad B's button opens the lead form");
        report.Ads[1].Kpis.ButtonClicks.ShouldBe(0);
        report.Ads[0].Kpis.LeadFormOpens.ShouldBe(0);
        (await s.TallyMismatchesAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task EachAdsFiguresAreWhatItsOwnDeliveriesAndEventsSay()
    {
        var (s, contoso, campaign, ads, start) = await StormAsync(3);
        await using var _ = s;
        var maria = await s.Database.UserIdAsync("maria@contoso.example");
        // A range that leaves out the first day: what happened then (sends, opens, clicks) counts in no ad.
        var range = new ReportRange(start.AddDays(1), start.AddDays(6));

        var report = (await s.Database.Get<ReportService>().CampaignAsync(maria, contoso, campaign, range, Ct))!;

        await using var db = s.Database.CreateContext();
        var deliveries = await db.Deliveries.Where(d => d.CampaignId == campaign).ToListAsync(Ct);
        var events = await db.EngagementEvents.Where(e => e.CampaignId == campaign && e.Counted).ToListAsync(Ct);
        var adOf = deliveries.ToDictionary(d => d.Id, d => d.AdId);
        bool InRange(DateTime at) => DateOnly.FromDateTime(at) >= range.From && DateOnly.FromDateTime(at) <= range.To;
        foreach (var ad in report.Ads)
        {
            var mine = deliveries.Where(d => d.AdId == ad.AdId).ToList();
            var myEvents = events.Where(e => adOf[e.DeliveryId] == ad.AdId && InRange(e.At)).ToList();
            ad.Kpis.Sends.ShouldBe(mine.Count(d => InRange(d.DeliveredAt)));
            ad.Kpis.SpendCents.ShouldBe(mine.Where(d => InRange(d.DeliveredAt)).Sum(d => d.PriceCents));
            ad.Kpis.Opens.ShouldBe(mine.Count(d => d.FirstOpenedAt is { } at && InRange(at)));
            ad.Kpis.UniqueClickers.ShouldBe(mine.Count(d => d.FirstClickedAt is { } at && InRange(at)));
            ad.Kpis.ButtonClicks.ShouldBe(myEvents.Count(e => e.Kind == EventKind.ButtonClick));
            ad.Kpis.LinkClicks.ShouldBe(myEvents.Count(e => e.Kind == EventKind.LinkClick));
            ad.Kpis.Leads.ShouldBe(myEvents.Count(e => e.Kind == EventKind.LeadSubmitted));
            ad.Kpis.NotInterested.ShouldBe(myEvents.Count(e => e.Kind == EventKind.NotInterested));
            ad.Kpis.OptOuts.ShouldBe(myEvents.Count(e => e.Kind == EventKind.OptOut));
            foreach (var point in ad.Series)
            {
                point.Kpis.Sends.ShouldBe(mine.Count(d => DateOnly.FromDateTime(d.DeliveredAt) == point.Day));
                point.Kpis.Clicks.ShouldBe(myEvents.Count(e => e.Kind.IsClick() && DateOnly.FromDateTime(e.At) == point.Day));
            }
        }
        Kpis.Sum(report.Ads.Select(a => a.Kpis)).ShouldBe(report.Kpis);
        report.Kpis.Sends.ShouldBeLessThan(deliveries.Count, "the first day's sends are outside the range");
    }

    [Fact]
    public async Task ACampaignWithOneAdHasOneAdRowWithTheCampaignsFigures()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 300);
        var contoso = await s.AccountAsync("Contoso Cloud");
        var campaign = await s.LaunchAsync(contoso, DeliveryScenario.Countries("US"), 50, 500, configureAd: ad => ad.Name = "Only ad");
        await s.Engine.RunUntilIdleAsync(Ct);
        var maria = await s.Database.UserIdAsync("maria@contoso.example");

        var report = (await s.Database.Get<ReportService>().CampaignAsync(maria, contoso, campaign, null, Ct))!;

        report.HasSeveralAds.ShouldBeFalse();
        var only = report.Ads.ShouldHaveSingleItem();
        only.Label.ShouldBe("A · Only ad");
        only.Kpis.ShouldBe(report.Kpis);
        only.Kpis.Sends.ShouldBe(10);
        only.ShareOfSends.ShouldBe(1.0);
        only.Series.ShouldBe(report.Series);
    }

    [Fact]
    public async Task EachConversationAdHasTheFunnelOfItsOwnScriptAndDeliveries()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 900);
        var contoso = await s.AccountAsync("Contoso Cloud");
        var (campaign, ads) = await MultiAdCampaign.LaunchAsync(s, contoso, DeliveryScenario.Countries("US", "GB", "IN"), ads: 2, 50, 1_000_000,
            configureAd: (ad, position) =>
            {
                ad.Format = AdFormat.ConversationAd;
                ad.CtaTarget = null;
                ad.LandingUrl = null;
                ad.Conversation = position == 0
                    ? new ConversationScript("m1",
                    [
                        new("m1", "Interested in a demo?", [new("b1", "Tell me more", ButtonAction.NextMessage, "m2"), new("no", AdLimits.NotInterested, ButtonAction.End)]),
                        new("m2", "Great. Pick one:", [new("b3", "See the site", ButtonAction.Url, Url: "https://fabrikam.example/demo"), new("b4", "Done", ButtonAction.End)]),
                    ])
                    : new ConversationScript("m1",
                    [
                        new("m1", "Coffee next week?", [new("yes", "Sure", ButtonAction.End), new("no", AdLimits.NotInterested, ButtonAction.End)]),
                    ]);
            });
        await s.Engine.RunUntilIdleAsync(Ct);
        var deliveries = await s.DeliveriesAsync(campaign);
        var ofA = deliveries.Where(d => d.AdId == ads[0]).Take(3).ToList();
        var ofB = deliveries.Where(d => d.AdId == ads[1]).Take(4).ToList();
        var inbox = s.Database.Get<InboxService>();
        var engagement = s.Database.Get<EngagementService>();
        foreach (var d in ofA.Concat(ofB))
        {
            (await inbox.OpenSponsoredAsync(d.MemberId, d.Id, ct: Ct)).ShouldNotBeNull();
        }
        async Task Press(SponsoredInMail.Core.Deliveries.Delivery d, string message, string button) =>
            (await engagement.PressButtonAsync(d.MemberId, d.Id, message, button, Ct)).Succeeded.ShouldBeTrue();
        await Press(ofA[0], "m1", "b1");
        await Press(ofA[1], "m1", "b1");
        await Press(ofA[0], "m2", "b4");
        await Press(ofB[0], "m1", "yes");
        await Press(ofB[1], "m1", "yes");
        await Press(ofB[2], "m1", "yes");
        await Press(ofB[3], "m1", "no");
        var maria = await s.Database.UserIdAsync("maria@contoso.example");

        var report = (await s.Database.Get<ReportService>().CampaignAsync(maria, contoso, campaign, null, Ct))!;

        report.IsConversation.ShouldBeTrue();
        report.Funnel.ShouldBeNull("two scripts make no one funnel of the campaign");
        var a = report.Ads[0].Funnel.ShouldNotBeNull();
        a.Select(f => f.MessageId).ShouldBe(["m1", "m2"]);
        a[0].Reached.ShouldBe(3);
        a[0].Buttons.Single(b => b.ButtonId == "b1").Presses.ShouldBe(2);
        a[0].Buttons.Single(b => b.ButtonId == "no").Presses.ShouldBe(0, "B's member who was not interested pressed B's button");
        a[0].Dropped.ShouldBe(1);
        a[1].Reached.ShouldBe(2);
        a[1].Buttons.Single(b => b.ButtonId == "b4").Presses.ShouldBe(1);
        var b = report.Ads[1].Funnel.ShouldNotBeNull().ShouldHaveSingleItem();
        b.Text.ShouldBe("Coffee next week?");
        b.Reached.ShouldBe(4);
        b.Buttons.Single(x => x.ButtonId == "yes").Presses.ShouldBe(3);
        b.Buttons.Single(x => x.ButtonId == "no").Presses.ShouldBe(1);
        b.Dropped.ShouldBe(0);
        Kpis.Sum(report.Ads.Select(x => x.Kpis)).ShouldBe(report.Kpis);
    }

    [Fact]
    public async Task TheAccountsCampaignsByAdListEveryAdOfEveryCampaignAndAddUpToTheTotals()
    {
        var (s, contoso, campaign, ads, start) = await StormAsync(4);
        await using var _ = s;
        var single = await s.LaunchAsync(contoso, DeliveryScenario.Countries("US"), 50, 250, configureAd: ad => ad.Name = "Solo");
        await s.Engine.RunUntilIdleAsync(Ct);
        var maria = await s.Database.UserIdAsync("maria@contoso.example");
        var range = new ReportRange(start, start.AddDays(6));
        var reports = s.Database.Get<ReportService>();

        var byAd = (await reports.AccountAdsAsync(maria, contoso, range, Ct))!;
        var account = (await reports.AccountAsync(maria, contoso, range, Ct))!;
        var expanded = (await reports.CampaignAdsAsync(maria, contoso, campaign, range, Ct))!;

        account.Campaigns.Single(c => c.CampaignId == campaign).AdCount.ShouldBe(3);
        account.Campaigns.Single(c => c.CampaignId == single).AdCount.ShouldBe(1);
        byAd.Select(c => c.Campaign.CampaignId).ShouldBe(account.Campaigns.Select(c => c.CampaignId));
        var multi = byAd.Single(c => c.Campaign.CampaignId == campaign);
        multi.Ads.Select(a => a.AdId).ShouldBe(ads);
        Kpis.Sum(multi.Ads.Select(a => a.Kpis)).ShouldBe(multi.Campaign.Kpis);
        multi.Ads.Select(a => a.Kpis).ShouldBe(expanded.Select(a => a.Kpis));
        var solo = byAd.Single(c => c.Campaign.CampaignId == single).Ads.ShouldHaveSingleItem();
        solo.Name.ShouldBe("Solo");
        solo.Kpis.ShouldBe(account.Campaigns.Single(c => c.CampaignId == single).Kpis);
        Kpis.Sum(byAd.SelectMany(c => c.Ads).Select(a => a.Kpis)).ShouldBe(account.Totals);
    }

    [Fact]
    public async Task AnAdThatSentButIsNoLongerListedStillCountsAfterTheListedOnes()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 600);
        var contoso = await s.AccountAsync("Contoso Cloud");
        var (campaign, ads) = await MultiAdCampaign.LaunchAsync(s, contoso, DeliveryScenario.Countries("US", "GB", "IN"), ads: 3, 50, 1_000_000);
        await s.Engine.RunUntilIdleAsync(Ct);
        await using (var db = s.Database.CreateContext())
        {
            // Data from before ads were listed one by one: B's sends remain, its listing does not.
            await db.CampaignAds.Where(a => a.CampaignId == campaign && a.AdId == ads[1]).ExecuteDeleteAsync(Ct);
        }
        var maria = await s.Database.UserIdAsync("maria@contoso.example");

        var report = (await s.Database.Get<ReportService>().CampaignAsync(maria, contoso, campaign, null, Ct))!;

        report.Ads.Select(a => a.AdId).ShouldBe([ads[0], ads[2], ads[1]]);
        report.Ads.Select(a => a.Label).ShouldBe(["A · Ad A", "C · Ad C", "D · Ad B"], "listed ads keep their position's letter");
        report.Ads[2].Kpis.Sends.ShouldBeGreaterThan(0);
        Kpis.Sum(report.Ads.Select(a => a.Kpis)).ShouldBe(report.Kpis);
    }

    [Fact]
    public async Task AnotherAccountsCampaignHasNoAdsToShow()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 300);
        var contoso = await s.AccountAsync("Contoso Cloud");
        var (campaign, _) = await MultiAdCampaign.LaunchAsync(s, contoso, DeliveryScenario.Countries("US"), ads: 2, 50, 500);
        var ben = await s.Database.UserIdAsync("ben@northwind.example");
        var reports = s.Database.Get<ReportService>();
        var range = reports.RangeOrDefault(null, null);

        (await reports.CampaignAdsAsync(ben, contoso, campaign, range, Ct)).ShouldBeNull();
        (await reports.CampaignAdsAsync(ben, await s.AccountAsync("Northwind Analytics"), campaign, range, Ct)).ShouldBeNull();
        (await reports.AccountAdsAsync(ben, contoso, range, Ct)).ShouldBeNull();
    }
}

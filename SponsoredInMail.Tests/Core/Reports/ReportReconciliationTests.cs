using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Reports;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Reports;

/// <summary>After a randomized event storm over days, every report figure equals what the raw events and deliveries say.</summary>
public class ReportReconciliationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task EveryFigureEqualsTheRawEventsAndDeliveries(int seed)
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 900, randomSeed: 500 + seed);
        var contoso = await s.AccountAsync("Contoso Cloud");
        var campaign = await s.LaunchAsync(contoso, DeliveryScenario.Countries("US", "GB", "IN"), 50, 1_000_000, dailyCents: 3_000,
            configureAd: ad => ad.Body = "Read [more](https://contoso.example/more).");
        var random = new Random(seed);
        var inbox = s.Database.Get<InboxService>();
        var engagement = s.Database.Get<EngagementService>();
        var start = DateOnly.FromDateTime(s.Database.Clock.GetUtcNow().UtcDateTime);
        for (var day = 0; day < 5; day++)
        {
            await s.Engine.RunUntilIdleAsync(Ct);
            foreach (var d in (await s.DeliveriesAsync(campaign)).OrderBy(_ => random.Next()).Take(40))
            {
                var message = await inbox.OpenSponsoredAsync(d.MemberId, d.Id, ct: Ct);
                if (random.Next(3) == 0)
                {
                    await engagement.ClickAsync(message!.MessageAd!.CtaUrl![InboxService.TrackingPath.Length..], Ct);
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
        var maria = await s.Database.UserIdAsync("maria@contoso.example");
        var range = new ReportRange(start, start.AddDays(6));

        var report = (await s.Database.Get<ReportService>().CampaignAsync(maria, contoso, campaign, range, Ct))!;

        await using var db = s.Database.CreateContext();
        var deliveries = await db.Deliveries.Where(d => d.CampaignId == campaign).ToListAsync(Ct);
        var events = await db.EngagementEvents.Where(e => e.CampaignId == campaign).ToListAsync(Ct);
        report.Kpis.Sends.ShouldBe(deliveries.Count);
        report.Kpis.SpendCents.ShouldBe(deliveries.Sum(d => d.PriceCents));
        report.Kpis.Opens.ShouldBe(deliveries.Count(d => d.FirstOpenedAt is not null));
        report.Kpis.ButtonClicks.ShouldBe(events.Count(e => e.Kind == EventKind.ButtonClick));
        report.Kpis.NotInterested.ShouldBe(events.Where(e => e.Kind == EventKind.NotInterested).Select(e => e.DeliveryId).Distinct().Count());
        report.Kpis.OptOuts.ShouldBe(events.Count(e => e.Kind == EventKind.OptOut && e.Counted));
        foreach (var point in report.Series)
        {
            point.Kpis.Sends.ShouldBe(deliveries.Count(d => DateOnly.FromDateTime(d.DeliveredAt) == point.Day));
            point.Kpis.Opens.ShouldBe(deliveries.Count(d => d.FirstOpenedAt is { } at && DateOnly.FromDateTime(at) == point.Day));
            point.Kpis.Clicks.ShouldBe(events.Count(e => e.Counted && DateOnly.FromDateTime(e.At) == point.Day
                && e.Kind is EventKind.ButtonClick or EventKind.LinkClick or EventKind.BannerClick or EventKind.ConversationButton));
        }
        report.Kpis.CostPerSendCents.ShouldBe(50);
        var seniority = report.Demographics.Single(t => t.Facet == Facet.Seniority);
        var openers = events.Where(e => e.Kind == EventKind.Open && e.Counted).Select(e => e.MemberId).ToHashSet();
        var bySeniority = (await db.Members.Where(m => openers.Contains(m.Id)).Select(m => m.Seniority).ToListAsync(Ct))
            .GroupBy(x => x.ToString()).ToDictionary(g => g.Key, g => g.Count());
        foreach (var row in seniority.Rows)
        {
            row.Opens.ShouldBe(bySeniority[row.Value]);
            row.Opens.ShouldBeGreaterThanOrEqualTo(3);
        }
        (seniority.Rows.Count + seniority.HiddenGroups).ShouldBe(bySeniority.Count);
        (await s.TallyMismatchesAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task AnotherAccountsCampaignReportsNothing()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 300);
        var campaign = await s.LaunchAsync(await s.AccountAsync("Contoso Cloud"), DeliveryScenario.Countries("US"), 50, 10_000);
        var ben = await s.Database.UserIdAsync("ben@northwind.example");
        var reports = s.Database.Get<ReportService>();
        var range = reports.RangeOrDefault(null, null);

        (await reports.CampaignAsync(ben, await s.AccountAsync("Northwind Analytics"), campaign, range, Ct)).ShouldBeNull();
        (await reports.CampaignAsync(ben, await s.AccountAsync("Contoso Cloud"), campaign, range, Ct)).ShouldBeNull();
        (await reports.AccountAsync(ben, await s.AccountAsync("Contoso Cloud"), range, Ct)).ShouldBeNull();
    }
}

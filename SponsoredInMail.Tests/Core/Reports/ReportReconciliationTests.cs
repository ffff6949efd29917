using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Reports;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Reports;
using SponsoredInMail.Web.Endpoints;

namespace SponsoredInMail.Tests.Core.Reports;

/// <summary>
/// After a randomized event storm over days, every report figure equals what the raw events and deliveries say, and the
/// report, its CSV, the API's JSON, the account grid and the comparison agree on the unique-member rates.
/// </summary>
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
                    var cta = message!.MessageAd!.CtaUrl![InboxService.TrackingPath.Length..];
                    await engagement.ClickAsync(cta, Ct);
                    if (random.Next(2) == 0)
                    {
                        // The same member clicks again: one more click, not one more member who clicked.
                        await engagement.ClickAsync(cta, Ct);
                    }
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

        // Rates use unique members (SPEC §7), and the report, its CSV, the API, the account grid and the comparison agree.
        var firstOpeners = deliveries.Count(d => d.FirstOpenedAt is not null);
        var clickers = events.Where(e => e.Counted && e.Kind.IsClick()).Select(e => e.DeliveryId).Distinct().Count();
        var leads = await db.Leads.CountAsync(l => l.CampaignId == campaign, Ct);
        report.Kpis.UniqueClickers.ShouldBe(clickers);
        report.Kpis.Clicks.ShouldBeGreaterThan(clickers, "some members clicked more than once");
        report.Kpis.OpenRate.ShouldBe((double)firstOpeners / deliveries.Count);
        report.Kpis.ClickToOpenRate.ShouldBe((double)clickers / firstOpeners);
        report.Kpis.LeadRate.ShouldBe((double)leads / firstOpeners);
        foreach (var point in report.Series)
        {
            point.Kpis.UniqueClickers.ShouldBe(deliveries.Count(d => d.FirstClickedAt is { } at && DateOnly.FromDateTime(at) == point.Day));
        }
        var csv = CsvRow(ReportCsv.Campaign(report, "kpis")!);
        csv["unique_clickers"].ShouldBe(clickers.ToString(CultureInfo.InvariantCulture));
        csv["clicks"].ShouldBe(report.Kpis.Clicks.ToString(CultureInfo.InvariantCulture));
        double.Parse(csv["click_to_open_rate"], CultureInfo.InvariantCulture).ShouldBe((double)clickers / firstOpeners, 0.00005);
        double.Parse(csv["open_rate"], CultureInfo.InvariantCulture).ShouldBe((double)firstOpeners / deliveries.Count, 0.00005);
        double.Parse(csv["lead_rate"], CultureInfo.InvariantCulture).ShouldBe((double)leads / firstOpeners, 0.00005);
        using var api = JsonDocument.Parse(JsonSerializer.Serialize(report, ApiJson));
        var apiKpis = api.RootElement.GetProperty("kpis");
        apiKpis.GetProperty("uniqueClickers").GetInt64().ShouldBe(clickers);
        apiKpis.GetProperty("clickToOpenRate").GetDouble().ShouldBe((double)clickers / firstOpeners);
        apiKpis.GetProperty("openRate").GetDouble().ShouldBe((double)firstOpeners / deliveries.Count);
        apiKpis.GetProperty("leadRate").GetDouble().ShouldBe((double)leads / firstOpeners);
        var account = await s.Database.Get<ReportService>().AccountReportAsync(contoso, range, Ct);
        var accountRow = account.Campaigns.Single(c => c.CampaignId == campaign);
        accountRow.Kpis.ShouldBe(report.Kpis);
        CsvRows(ReportCsv.Account(account)).Single(r => r["campaign_id"] == campaign.ToString(CultureInfo.InvariantCulture))["click_to_open_rate"]
            .ShouldBe(csv["click_to_open_rate"]);
        CompareMetric.All.Single(m => m.Key == "ctr").Value(accountRow.Kpis).ShouldStartWith(ReportDisplay.Percent((double)clickers / firstOpeners));
        CompareMetric.All.Single(m => m.Key == "unique-clickers").Value(accountRow.Kpis).ShouldBe(ReportDisplay.Count(clickers));
        var wholeLife = (await s.Database.Get<ReportService>().CampaignAsync(maria, contoso, campaign, null, Ct))!;
        wholeLife.Kpis.ShouldBe(report.Kpis);
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

    private static readonly JsonSerializerOptions ApiJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static Dictionary<string, string> CsvRow(string csv) => CsvRows(csv).Single();

    /// <summary>The rows of a CSV without quoted commas, keyed by the header.</summary>
    private static List<Dictionary<string, string>> CsvRows(string csv)
    {
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    [Fact]
    public async Task OneMemberWhoOpensOnceAndClicksTheCtaTwiceIsTwoClicksAndAClickToOpenRateOfOneHundredPercent()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 300);
        var contoso = await s.AccountAsync("Contoso Cloud");
        var campaign = await s.LaunchAsync(contoso, DeliveryScenario.Countries("US"), 50, 500);
        await s.Engine.RunUntilIdleAsync(Ct);
        var delivery = (await s.DeliveriesAsync(campaign)).First();
        var message = (await s.Database.Get<InboxService>().OpenSponsoredAsync(delivery.MemberId, delivery.Id, ct: Ct))!;
        var token = message.MessageAd!.CtaUrl![InboxService.TrackingPath.Length..];
        var engagement = s.Database.Get<EngagementService>();
        (await engagement.ClickAsync(token, Ct)).ShouldNotBeNull();
        (await engagement.ClickAsync(token, Ct)).ShouldNotBeNull();
        var maria = await s.Database.UserIdAsync("maria@contoso.example");

        var report = (await s.Database.Get<ReportService>().CampaignAsync(maria, contoso, campaign, null, Ct))!;

        report.Kpis.Opens.ShouldBe(1);
        report.Kpis.ButtonClicks.ShouldBe(2);
        report.Kpis.Clicks.ShouldBe(2);
        report.Kpis.UniqueClickers.ShouldBe(1);
        report.Kpis.ClickToOpenRate.ShouldBe(1.0);
        (await s.TallyMismatchesAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task TheMigrationBackfillsMembersWhoClickedFromTheRawEventsAsTheStoreKeepsThem()
    {
        TestDatabaseServer.SkipOnPostgres("it replays an SQLite migration's backfill; PostgreSQL databases start from the current schema");
        await using var s = await DeliveryScenario.CreateAsync(members: 300);
        var contoso = await s.AccountAsync("Contoso Cloud");
        var campaign = await s.LaunchAsync(contoso, DeliveryScenario.Countries("US"), 50, 1_000, configureAd: ad => ad.Body = "Read [more](https://contoso.example/more).");
        await s.Engine.RunUntilIdleAsync(Ct);
        var engagement = s.Database.Get<EngagementService>();
        var deliveries = (await s.DeliveriesAsync(campaign)).Take(6).ToList();
        for (var day = 0; day < 3; day++)
        {
            foreach (var d in deliveries.Skip(day))
            {
                var message = (await s.Database.Get<InboxService>().OpenSponsoredAsync(d.MemberId, d.Id, ct: Ct))!;
                await engagement.ClickAsync(message.MessageAd!.CtaUrl![InboxService.TrackingPath.Length..], Ct);
            }
            s.Database.Clock.Advance(TimeSpan.FromDays(1));
        }
        await using var db = s.Database.CreateContext();
        var kept = await db.CampaignDailyStats.Where(x => x.CampaignId == campaign).OrderBy(x => x.Day).Select(x => x.UniqueClickers).ToListAsync(Ct);
        await db.Deliveries.ExecuteUpdateAsync(u => u.SetProperty(d => d.FirstClickedAt, (DateTime?)null), Ct);
        await db.CampaignDailyStats.ExecuteUpdateAsync(u => u.SetProperty(x => x.UniqueClickers, 0), Ct);
        (await s.TallyMismatchesAsync()).ShouldBeGreaterThan(0, "the check notices tallies that disagree with the raw events");

        await db.Database.ExecuteSqlRawAsync(SponsoredInMail.Core.Data.Migrations.UniqueClickersTally.BackfillSql, Ct);

        (await db.CampaignDailyStats.Where(x => x.CampaignId == campaign).OrderBy(x => x.Day).Select(x => x.UniqueClickers).ToListAsync(Ct)).ShouldBe(kept);
        kept.Sum().ShouldBe(6);
        (await s.TallyMismatchesAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task WithoutARangeACampaignReportCoversItsWholeLifeAndMatchesTheCampaignList()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 600);
        var contoso = await s.AccountAsync("Contoso Cloud");
        var launched = DateOnly.FromDateTime(s.Database.Clock.GetUtcNow().UtcDateTime);
        var campaign = await s.LaunchAsync(contoso, DeliveryScenario.Countries("US", "GB", "IN"), 50, 50 * 60, dailyCents: 50 * 6);
        for (var week = 0; week < 7; week++)
        {
            await s.EveryoneWasActiveJustNowAsync();
            await s.Engine.RunUntilIdleAsync(Ct);
            s.Database.Clock.Advance(TimeSpan.FromDays(7));
        }
        var maria = await s.Database.UserIdAsync("maria@contoso.example");
        var listed = (await s.Database.Get<CampaignOverview>().ListAsync(maria, contoso, Ct)).Single(c => c.Id == campaign);
        var deliveries = await s.DeliveriesAsync(campaign);
        (deliveries.Max(d => d.DeliveredAt) - deliveries.Min(d => d.DeliveredAt)).TotalDays.ShouldBeGreaterThan(30);

        var report = (await s.Database.Get<ReportService>().CampaignAsync(maria, contoso, campaign, null, Ct))!;

        report.Kpis.Sends.ShouldBe(listed.Sends);
        report.Kpis.SpendCents.ShouldBe(listed.SpentCents);
        report.Range.From.ShouldBe(launched);
        report.Range.To.ShouldBe(DateOnly.FromDateTime(s.Database.Clock.GetUtcNow().UtcDateTime), "a campaign still running is reported up to today");
    }

    [Fact]
    public async Task ADraftIsReportedFromItsCreationToToday()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 300);
        var contoso = await s.AccountAsync("Contoso Cloud");
        var created = DateOnly.FromDateTime(s.Database.Clock.GetUtcNow().UtcDateTime);
        var campaign = await s.LaunchAsync(contoso, DeliveryScenario.Countries("US"), 50, 500);
        await s.SetStatusAsync(campaign, CampaignStatus.Draft);
        s.Database.Clock.Advance(TimeSpan.FromDays(3));
        var maria = await s.Database.UserIdAsync("maria@contoso.example");

        var report = (await s.Database.Get<ReportService>().CampaignAsync(maria, contoso, campaign, null, Ct))!;

        report.Range.ShouldBe(new ReportRange(created, created.AddDays(3)));
        report.Kpis.Sends.ShouldBe(0);
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

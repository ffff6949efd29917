using Microsoft.EntityFrameworkCore;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Reports;

namespace SponsoredInMail.Tests.Web.Components.Reports;

/// <summary>A campaign's report page over real deliveries and engagement: figures, benchmarks, range, funnel, demographics, isolation.</summary>
public class CampaignReportPageTests : BunitTestBase
{
    private const string Maria = "maria@contoso.example";
    private const string Ben = "ben@northwind.example";
    private readonly ReportTestData _data;

    public CampaignReportPageTests(SeededDatabase seeded) : base(seeded)
    {
        _data = new ReportTestData(Database);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private async Task<IRenderedComponent<CampaignReportPage>> RenderReportAsync(string email, string account, int campaignId, string? query = null)
    {
        await SignInAsAsync(email);
        RenderPopoverProvider();
        var accountId = await AccountIdAsync(account);
        if (query is not null)
        {
            Services.GetRequiredService<NavigationManager>().NavigateTo($"/accounts/{accountId}/campaigns/{campaignId}/report?{query}");
        }
        return Render<CampaignReportPage>(p => p.Add(x => x.AccountId, accountId).Add(x => x.CampaignId, campaignId));
    }

    private static string Text(IRenderedComponent<CampaignReportPage> page, string testId) => page.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public async Task TheKpiCardsShowTheSendsOpensClicksAndLeadsThatHappened()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 12);
        await _data.OpenAsync(campaign, 6);
        await _data.ClickLinkAsync(campaign, 2);
        await _data.SubmitLeadsAsync(campaign, 1);

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);

        page.WaitForAssertion(() => Text(page, "kpi-sends").ShouldBe("12"));
        Text(page, "report-title").ShouldBe($"Report: {campaign.Name}");
        Text(page, "kpi-opens").ShouldBe("6");
        Text(page, "kpi-open-rate").ShouldBe("50.0%");
        Text(page, "kpi-link-clicks").ShouldBe("2");
        Text(page, "kpi-clicks").ShouldBe("2");
        Text(page, "kpi-clickers").ShouldBe("2");
        Text(page, "kpi-ctr").ShouldBe("33.3%");
        Text(page, "kpi-lead-form-opens").ShouldBe("1");
        Text(page, "kpi-leads").ShouldBe("1");
        Text(page, "kpi-lead-rate").ShouldBe("16.7%");
        Text(page, "kpi-completion-rate").ShouldBe("100.0%");
        Text(page, "kpi-spend").ShouldBe("$6.00");
        Text(page, "kpi-cost-per-send").ShouldBe("$0.50");
        Text(page, "kpi-cost-per-open").ShouldBe("$1.00");
        Text(page, "kpi-cost-per-click").ShouldBe("$3.00");
        Text(page, "kpi-cost-per-lead").ShouldBe("$6.00");
        page.Find("[data-testid=chart-engagement] svg");
        page.Find("[data-testid=chart-spend] svg");
        page.FindAll("[data-testid=funnel-table]").ShouldBeEmpty("a Message Ad has no conversation funnel");
        page.FindAll("[data-testid=ads-section]").ShouldBeEmpty("one ad has nothing to set side by side");
    }

    [Fact]
    public async Task ACampaignWithSeveralAdsShowsEachAdsFiguresSideBySide()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 10);
        var ads = await _data.WithAdsAsync(campaign, 2);
        // Recipients 0, 2, 4, … got ad A; 1, 3, 5, … ad B.
        await _data.OpenAsync(campaign, 6);
        await _data.ClickLinkAsync(campaign, 3);
        await _data.SubmitLeadsAsync(campaign, 1);

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);

        page.WaitForAssertion(() => page.Find("[data-testid=ads-table]"));
        var section = page.Find("[data-testid=ads-section]");
        section.QuerySelector("h2")!.TextContent.ShouldBe("Ads side by side");
        section.QuerySelector("caption")!.TextContent.ShouldStartWith("Each ad's figures");
        page.FindAll("[data-testid=ad-column]").Select(c => c.TextContent.Trim()).ShouldBe(["A · Ad A", "B · Ad B"]);
        page.FindAll("[data-testid=ad-column]").ShouldAllBe(c => c.GetAttribute("scope") == "col");
        string Cell(string metric, int ad) => page.Find($"[data-testid=ad-row][data-metric={metric}] td[data-ad='{ad}']").TextContent.Trim();
        page.Find("[data-testid=ad-row][data-metric=sends] th").GetAttribute("scope").ShouldBe("row");
        Cell("sends", ads[0]).ShouldBe("5");
        Cell("sends", ads[1]).ShouldBe("5");
        Cell("share-of-sends", ads[0]).ShouldBe("50.0%");
        Cell("spend", ads[1]).ShouldBe("$2.50");
        Cell("opens", ads[0]).ShouldBe("3");
        Cell("open-rate", ads[1]).ShouldBe("60.0% (above)");
        Cell("clicks", ads[0]).ShouldBe("2");
        Cell("clicks", ads[1]).ShouldBe("1");
        Cell("ctr", ads[0]).ShouldStartWith("66.7%");
        Cell("leads", ads[0]).ShouldBe("1");
        Cell("leads", ads[1]).ShouldBe("0");
        Cell("lead-rate", ads[0]).ShouldBe("33.3%");
        Cell("cost-per-lead", ads[0]).ShouldBe("$2.50");
        Cell("cost-per-lead", ads[1]).ShouldBe("—");
        Text(page, "kpi-sends").ShouldBe("10", "the campaign's own figures are the sum");
        page.Find("[data-testid=csv-ads]").GetAttribute("href")!.ShouldContain($"/campaigns/{campaign.Id}/report/ads.csv?from=");
        page.Find("[data-testid=csv-ad-kpis]").GetAttribute("href")!.ShouldContain($"/campaigns/{campaign.Id}/report/ad-kpis.csv?from=");
        page.FindAll("[data-testid=ad-funnel]").ShouldBeEmpty("Message Ads have no funnels");
    }

    [Fact]
    public async Task AnAbTestsReportShowsTheVerdictBesideTheAds()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 10);
        await _data.WithAdsAsync(campaign, 2);
        await _data.OpenAsync(campaign, 6);
        await using (var db = Database.CreateContext())
        {
            await db.Campaigns.Where(c => c.Id == campaign.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.AbTestMetric, SponsoredInMail.Core.Variants.AbTestMetric.OpenRate), Xunit.TestContext.Current.CancellationToken);
        }

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);

        page.WaitForAssertion(() => page.Find("[data-testid=report-ab-test] [data-testid=ab-verdict]").TextContent.ShouldContain("Not enough data yet"));
        page.Find("[data-testid=ads-table]");
    }

    [Fact]
    public async Task ACampaignWithSeveralAdsButNoAbTestShowsNoVerdict()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 10);
        await _data.WithAdsAsync(campaign, 2);

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);

        page.WaitForAssertion(() => page.Find("[data-testid=ads-table]"));
        page.FindAll("[data-testid=report-ab-test]").ShouldBeEmpty();
    }

    [Fact]
    public async Task TheAdsChartDrawsOneLinePerAdOfTheFigurePicked()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 6);
        await _data.WithAdsAsync(campaign, 3);

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);

        page.WaitForAssertion(() => page.Find("[data-testid=chart-ads] svg"));
        Text(page, "ads-chart-title").ShouldBe("Sends per day, one line per ad");
        page.Find("[data-testid=chart-ads]").TextContent.ShouldContain("C · Ad C");
        var clicks = page.FindAll("[data-testid=ads-chart-figure]").Single(b => b.TextContent.Trim() == "Clicks");
        clicks.GetAttribute("aria-pressed").ShouldBe("false");

        await page.InvokeAsync(() => clicks.Click());

        page.WaitForAssertion(() => Text(page, "ads-chart-title").ShouldBe("Clicks per day, one line per ad"));
        page.FindAll("[data-testid=ads-chart-figure]").Single(b => b.TextContent.Trim() == "Clicks").GetAttribute("aria-pressed").ShouldBe("true");
    }

    [Fact]
    public async Task EachConversationAdShowsItsOwnFunnel()
    {
        var campaign = await _data.ConversationAsync("Contoso Cloud", sends: 6);
        var ads = await _data.WithAdsAsync(campaign, 2);
        // A: recipients 0, 2, 4; B: 1, 3, 5.
        await _data.OpenAsync(campaign, 5);
        await _data.PressAsync(campaign, 0, "m1", "b1");
        await _data.PressAsync(campaign, 2, "m1", "b1");
        await _data.PressAsync(campaign, 1, "m1", "no");
        await _data.PressAsync(campaign, 0, "m2", "b4");

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);

        page.WaitForAssertion(() => page.FindAll("[data-testid=ad-funnel]").Count.ShouldBe(2));
        page.FindAll("#funnel-heading").ShouldBeEmpty("two scripts make no one funnel of the campaign");
        string Cell(int ad, string message, string button, string testId) => page.Find(
            $"[data-testid=ad-funnel][data-ad='{ad}'] [data-testid=funnel-row][data-message={message}][data-button={button}] [data-testid={testId}]").TextContent.Trim();
        page.Find($"[data-testid=ad-funnel][data-ad='{ads[0]}'] caption").TextContent.Trim().ShouldBe("Ad A · Ad A");
        Cell(ads[0], "m1", "b1", "funnel-reached").ShouldBe("3");
        Cell(ads[0], "m1", "b1", "funnel-presses").ShouldBe("2");
        Cell(ads[0], "m1", "no", "funnel-presses").ShouldBe("0");
        Cell(ads[0], "m2", "b4", "funnel-presses").ShouldBe("1");
        Cell(ads[1], "m1", "b1", "funnel-reached").ShouldBe("2");
        Cell(ads[1], "m1", "no", "funnel-presses").ShouldBe("1");
        Cell(ads[1], "m1", "b1", "funnel-dropped").ShouldBe("1");
        page.Find("[data-testid=csv-ad-funnels]").GetAttribute("href")!.ShouldContain($"/campaigns/{campaign.Id}/report/ad-funnels.csv?from=");
    }

    [Fact]
    public async Task OpenRateAndClickToOpenRateSayWhereTheyFallAgainstTheBenchmarkBands()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 10);
        await _data.OpenAsync(campaign, 3);

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);

        page.WaitForAssertion(() => Text(page, "kpi-open-rate").ShouldBe("30.0%"));
        Text(page, "kpi-open-rate-band").ShouldStartWith("Benchmark 40–55%");
        Text(page, "kpi-open-rate-status").ShouldBe("below");
        Text(page, "kpi-ctr-band").ShouldStartWith("Benchmark 3–7%");
        Text(page, "kpi-ctr-status").ShouldBe("below");

        await _data.OpenAsync(campaign, 5);
        await _data.ClickLinkAsync(campaign, 1);
        await page.InvokeAsync(() => page.Find("[data-testid=range-from]").Change("2026-11-01"));

        page.WaitForAssertion(() => Text(page, "kpi-open-rate-status").ShouldBe("within"));
        Text(page, "kpi-ctr").ShouldBe("20.0%");
        Text(page, "kpi-ctr-status").ShouldBe("above");
    }

    [Fact]
    public async Task OneMemberClickingTwiceAfterOneOpenShowsTwoClicksAndAClickToOpenRateOfOneHundredPercent()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 4);
        await _data.ClickLinkAsync(campaign, 1);
        await _data.ClickLinkAsync(campaign, 1);

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);

        page.WaitForAssertion(() => Text(page, "kpi-opens").ShouldBe("1"));
        Text(page, "kpi-clicks").ShouldBe("2");
        Text(page, "kpi-link-clicks").ShouldBe("2");
        Text(page, "kpi-clickers").ShouldBe("1");
        Text(page, "kpi-ctr").ShouldBe("100.0%");
    }

    [Fact]
    public async Task ChangingTheRangeReloadsTheFiguresAndPutsTheRangeInTheUrl()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 5);
        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);
        page.WaitForAssertion(() => Text(page, "kpi-sends").ShouldBe("5"));
        // Without a range in the URL: the campaign's whole life, launched and sent today.
        page.Find("[data-testid=range-from]").GetAttribute("value").ShouldBe("2026-11-23");
        page.Find("[data-testid=range-to]").GetAttribute("value").ShouldBe("2026-11-23");

        await page.InvokeAsync(() => page.Find("[data-testid=range-from]").Change("2026-10-01"));
        await page.InvokeAsync(() => page.Find("[data-testid=range-to]").Change("2026-10-31"));

        var account = await AccountIdAsync("Contoso Cloud");
        // Each change loads (awaited: on PostgreSQL the figures, the URL and the links can land in different renders).
        page.WaitForAssertion(() =>
        {
            Text(page, "kpi-sends").ShouldBe("0");
            Text(page, "kpi-open-rate").ShouldBe("—");
            Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith($"/campaigns/{campaign.Id}/report?from=2026-10-01&to=2026-10-31");
            page.Find("[data-testid=csv-kpis]").GetAttribute("href").ShouldBe($"/accounts/{account}/campaigns/{campaign.Id}/report/kpis.csv?from=2026-10-01&to=2026-10-31");
        });
    }

    /// <summary>
    /// Typing a range changes it twice (from, then to); when the first change's load comes back last it is stale: it
    /// neither shows its figures nor puts its range in the URL (which would load it again).
    /// </summary>
    [Fact]
    public async Task ARangeChangeOvertakenByALaterOneNeitherShowsItsFiguresNorPutsItsRangeInTheUrl()
    {
        var loads = new HeldReportLoads(Database);
        Reports = loads.Reports;
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 5);
        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);
        page.WaitForAssertion(() => Text(page, "kpi-sends").ShouldBe("5"));

        await loads.ChangeRangeOvertakingTheFirstLoadAsync(page, "2026-10-01", "2026-10-31");

        page.WaitForAssertion(() =>
        {
            Text(page, "kpi-sends").ShouldBe("0");
            page.Find("[data-testid=range-to]").GetAttribute("value").ShouldBe("2026-10-31");
            Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith($"/campaigns/{campaign.Id}/report?from=2026-10-01&to=2026-10-31");
        });
    }

    [Theory]
    [InlineData("from=0001-01-01&to=9999-12-31", "from must be a day from 2000-01-01")]
    [InlineData("from=9999-12-31&to=9999-12-31", "from must be a day from 2000-01-01")]
    [InlineData("to=0001-01-01", "to must be a day from 2000-01-01")]
    [InlineData("from=2026-11-10&to=2026-11-01", "must not be before from")]
    public async Task ARangeOutsideTheRulesIsExplainedInsteadOfFailing(string query, string message)
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 1);

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id, query);

        page.WaitForAssertion(() => Text(page, "range-error").ShouldContain(message));
        page.FindAll("[data-testid=kpi-sends]").ShouldBeEmpty();
        page.Find("[data-testid=range-reset]").GetAttribute("href").ShouldEndWith($"/campaigns/{campaign.Id}/report");
    }

    [Fact]
    public async Task TheRangeInTheUrlIsTheRangeShown()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 4);

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id, "from=2026-11-20&to=2026-11-23");

        page.WaitForAssertion(() => Text(page, "kpi-sends").ShouldBe("4"));
        page.Find("[data-testid=range-from]").GetAttribute("value").ShouldBe("2026-11-20");
        Text(page, "range-label").ShouldContain("4 days");
    }

    [Fact]
    public async Task AConversationAdShowsHowManyReachedEachMessagePressedEachButtonAndDropped()
    {
        var campaign = await _data.ConversationAsync("Contoso Cloud", sends: 6);
        await _data.OpenAsync(campaign, 3);
        await _data.PressAsync(campaign, 0, "m1", "b1");
        await _data.PressAsync(campaign, 1, "m1", "b1");
        await _data.PressAsync(campaign, 2, "m1", "no");
        await _data.PressAsync(campaign, 0, "m2", "b4");

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);

        page.WaitForAssertion(() => page.Find("[data-testid=funnel-table]"));
        string Cell(string message, string button, string testId) =>
            page.Find($"[data-testid=funnel-row][data-message={message}][data-button={button}] [data-testid={testId}]").TextContent.Trim();
        Cell("m1", "b1", "funnel-reached").ShouldBe("3");
        Cell("m1", "b1", "funnel-presses").ShouldBe("2");
        Cell("m1", "no", "funnel-presses").ShouldBe("1");
        Cell("m1", "b1", "funnel-dropped").ShouldBe("0");
        Cell("m2", "b3", "funnel-reached").ShouldBe("2");
        Cell("m2", "b3", "funnel-presses").ShouldBe("0");
        Cell("m2", "b4", "funnel-presses").ShouldBe("1");
        Cell("m2", "b3", "funnel-dropped").ShouldBe("1");
        page.FindAll("[data-testid=funnel-row]").Count.ShouldBe(4);
        page.Find("[data-testid=csv-funnel]").GetAttribute("href")!.ShouldContain($"/campaigns/{campaign.Id}/report/funnel.csv?from=");
    }

    [Fact]
    public async Task DemographicsShowTheReportsGroupsAndSayHowManySmallGroupsAreHidden()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 9);
        await _data.OpenAsync(campaign, 9);
        var report = (await Database.Get<SponsoredInMail.Core.Reports.ReportService>().CampaignAsync(
            await UserIdAsync(Maria), await AccountIdAsync("Contoso Cloud"), campaign.Id, new(new DateOnly(2026, 10, 25), new DateOnly(2026, 11, 23)),
            Xunit.TestContext.Current.CancellationToken))!;

        var page = await RenderReportAsync(Maria, "Contoso Cloud", campaign.Id);

        page.WaitForAssertion(() => page.Find("[data-testid=demographics-seniority]"));
        report.Demographics.Sum(t => t.HiddenGroups).ShouldBeGreaterThan(0, "nine openers spread over many groups leave some below three");
        foreach (var table in report.Demographics)
        {
            var section = page.Find($"[data-testid=demographics-{SponsoredInMail.Web.Components.Pages.Reports.ReportDisplay.FacetKey(table.Facet)}]");
            section.QuerySelectorAll("[data-testid=demographic-row]").Length.ShouldBe(table.Rows.Count);
            var note = section.QuerySelector("[data-testid=hidden-groups]");
            if (table.HiddenGroups == 0)
            {
                note.ShouldBeNull();
            }
            else
            {
                note!.TextContent.Trim().ShouldBe($"{table.HiddenGroups} {(table.HiddenGroups == 1 ? "group" : "groups")} hidden (fewer than 3 members)");
            }
            table.Rows.ShouldAllBe(r => r.Opens >= 3);
        }
    }

    [Fact]
    public async Task AnotherAccountsCampaignReportIsNotFound()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 3);

        var page = await RenderReportAsync(Ben, "Contoso Cloud", campaign.Id);

        page.WaitForAssertion(() => page.Markup.ShouldContain("Account not found"));
        page.Markup.ShouldNotContain(campaign.Name);
        page.FindAll("[data-testid=kpi-sends]").ShouldBeEmpty();
    }

    [Fact]
    public async Task AnotherAccountsCampaignUnderYourOwnAccountIsNotFound()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 3);

        var page = await RenderReportAsync(Ben, "Northwind Analytics", campaign.Id);

        page.WaitForAssertion(() => page.Find("[data-testid=not-found] h1").TextContent.ShouldBe("Campaign not found"));
        page.Markup.ShouldNotContain(campaign.Name);
    }
}

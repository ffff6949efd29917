using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Reports;

namespace SponsoredInMail.Tests.Web.Components.Reports;

/// <summary>The account's reports page and the campaign comparison, over campaigns sent by the delivery engine.</summary>
public class AccountReportsPageTests : BunitTestBase
{
    private const string Maria = "maria@contoso.example";
    private readonly ReportTestData _data;

    public AccountReportsPageTests(SeededDatabase seeded) : base(seeded)
    {
        _data = new ReportTestData(Database);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private async Task<IRenderedComponent<TPage>> RenderAsync<TPage>(string account, string query = "") where TPage : SponsoredInMail.Web.Accounts.AccountPageBase
    {
        await SignInAsAsync(Maria);
        RenderPopoverProvider();
        var accountId = await AccountIdAsync(account);
        var path = typeof(TPage) == typeof(CompareCampaignsPage) ? "reports/compare" : "reports";
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/accounts/{accountId}/{path}{query}");
        return Render<TPage>(p => p.Add(x => x.AccountId, accountId));
    }

    private static string Text(IRenderedComponent<AccountReportsPage> page, string testId) => page.Find($"[data-testid={testId}]").TextContent.Trim();

    private static AngleSharp.Dom.IElement CompareBox(IRenderedComponent<AccountReportsPage> page, int campaignId) =>
        page.Find($"input[data-testid=compare-{campaignId}], [data-testid=compare-{campaignId}] input");

    [Fact]
    public async Task ChangingTheRangeReloadsTheOverview()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 2);
        var page = await RenderAsync<AccountReportsPage>("Contoso Cloud");
        page.WaitForAssertion(() => page.Find($".report-row-{campaign.Id} [data-testid=row-sends]").TextContent.ShouldBe("2"));

        await page.InvokeAsync(() => page.Find("[data-testid=range-to]").Change("2026-11-01"));

        page.WaitForAssertion(() =>
        {
            page.Find($".report-row-{campaign.Id} [data-testid=row-sends]").TextContent.ShouldBe("0");
            Text(page, "total-sends").ShouldBe("0");
            Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/reports?from=2026-10-25&to=2026-11-01");
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
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 2);
        var page = await RenderAsync<AccountReportsPage>("Contoso Cloud");
        page.WaitForAssertion(() => page.Find($".report-row-{campaign.Id} [data-testid=row-sends]").TextContent.ShouldBe("2"));

        await loads.ChangeRangeOvertakingTheFirstLoadAsync(page, "2026-10-01", "2026-10-31");

        page.WaitForAssertion(() =>
        {
            page.Find($".report-row-{campaign.Id} [data-testid=row-sends]").TextContent.ShouldBe("0");
            page.Find("[data-testid=range-to]").GetAttribute("value").ShouldBe("2026-10-31");
            Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/reports?from=2026-10-01&to=2026-10-31");
        });
    }

    [Fact]
    public async Task AComparisonRangeChangeOvertakenByALaterOneNeitherShowsItsFiguresNorPutsItsRangeInTheUrl()
    {
        var loads = new HeldReportLoads(Database);
        Reports = loads.Reports;
        var first = await _data.MessageAdAsync("Contoso Cloud", sends: 3);
        var second = await _data.MessageAdAsync("Contoso Cloud", sends: 1);
        var page = await RenderAsync<CompareCampaignsPage>("Contoso Cloud", $"?ids={first.Id},{second.Id}");
        string Sends(int campaign) => page.Find($"[data-testid=compare-row][data-metric=sends] td[data-campaign='{campaign}']").TextContent.Trim();
        page.WaitForAssertion(() => Sends(first.Id).ShouldBe("3"));

        await loads.ChangeRangeOvertakingTheFirstLoadAsync(page, "2026-10-01", "2026-10-31");

        page.WaitForAssertion(() =>
        {
            Sends(first.Id).ShouldBe("0");
            Sends(second.Id).ShouldBe("0");
            page.Find("[data-testid=range-to]").GetAttribute("value").ShouldBe("2026-10-31");
            Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith($"/reports/compare?ids={first.Id},{second.Id}&from=2026-10-01&to=2026-10-31");
        });
    }

    [Fact]
    public async Task TheComparisonShowsEachCampaignsFiguresSideBySide()
    {
        var first = await _data.MessageAdAsync("Contoso Cloud", sends: 3);
        var second = await _data.MessageAdAsync("Contoso Cloud", sends: 5);
        await _data.OpenAsync(second, 5);

        var page = await RenderAsync<CompareCampaignsPage>("Contoso Cloud", $"?ids={first.Id},{second.Id}&from=2026-11-01&to=2026-11-23");

        page.WaitForAssertion(() => page.FindAll("[data-testid=compare-campaign]").Count.ShouldBe(2));
        string Cell(string metric, int campaign) => page.Find($"[data-testid=compare-row][data-metric={metric}] td[data-campaign='{campaign}']").TextContent.Trim();
        Cell("sends", first.Id).ShouldBe("3");
        Cell("sends", second.Id).ShouldBe("5");
        Cell("opens", second.Id).ShouldBe("5");
        Cell("open-rate", first.Id).ShouldBe("0.0% (below)");
        Cell("open-rate", second.Id).ShouldBe("100.0% (above)");
        Cell("spend", second.Id).ShouldBe("$2.50");
        page.Find("[data-testid=range-from]").GetAttribute("value").ShouldBe("2026-11-01");
    }

    [Fact]
    public async Task ComparingWithAnotherAccountsCampaignSaysThatCampaignIsNotFound()
    {
        var mine = await _data.MessageAdAsync("Contoso Cloud", sends: 2);
        var theirs = await _data.MessageAdAsync("Fabrikam Health", sends: 2);

        var page = await RenderAsync<CompareCampaignsPage>("Contoso Cloud", $"?ids={mine.Id},{theirs.Id}");

        page.WaitForAssertion(() => page.Find("[data-testid=not-found] h1").TextContent.ShouldBe("Campaign not found"));
        page.Find("[data-testid=not-found]").TextContent.ShouldContain($"Campaign #{theirs.Id} is not one of this account's campaigns");
        page.Markup.ShouldNotContain(theirs.Name);
        page.FindAll("[data-testid=compare-table]").ShouldBeEmpty();
    }

    [Fact]
    public async Task ACampaignWithSeveralAdsExpandsIntoItsAdsLoadedWhenAsked()
    {
        var several = await _data.MessageAdAsync("Contoso Cloud", sends: 5);
        var ads = await _data.WithAdsAsync(several, 2);
        await _data.SubmitLeadsAsync(several, 1);
        var single = await _data.MessageAdAsync("Contoso Cloud", sends: 2);
        var loads = new HeldReportLoads(Database);
        Reports = loads.Reports;
        var page = await RenderAsync<AccountReportsPage>("Contoso Cloud");
        page.WaitForAssertion(() => page.Find($".report-row-{several.Id} [data-testid=row-sends]").TextContent.ShouldBe("5"));
        page.FindAll($"[data-testid=expand-{single.Id}]").ShouldBeEmpty("one ad has nothing to expand into");
        page.FindAll("[data-testid=ad-report-row]").ShouldBeEmpty("ads are loaded only when a campaign is expanded");
        var expand = page.Find($"[data-testid=expand-{several.Id}]");
        expand.GetAttribute("aria-expanded").ShouldBe("false");
        expand.GetAttribute("aria-label").ShouldBe($"Show the 2 ads of {several.Name}");

        var held = loads.HoldNext();
        await page.InvokeAsync(() => page.Find($"[data-testid=expand-{several.Id}]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=ad-rows-loading]"));
        held.Release();
        page.WaitForAssertion(() => page.FindAll($".report-ad-row-{several.Id}").Count.ShouldBe(2));
        string Cell(int ad, string testId) => page.Find($"[data-testid=ad-report-row][data-ad='{ad}'] [data-testid={testId}]").TextContent.Trim();
        Cell(ads[0], "ad-sends").ShouldBe("3");
        Cell(ads[1], "ad-sends").ShouldBe("2");
        Cell(ads[0], "ad-leads").ShouldBe("1");
        Cell(ads[1], "ad-spend").ShouldBe("$1.00");
        page.Find($"[data-testid=ad-report-row][data-ad='{ads[1]}'] th").TextContent.ShouldBe("B · Ad B");
        page.Find("[data-testid=ad-report-table] caption").TextContent.ShouldStartWith($"The ads of {several.Name}");
        page.Find($"[data-testid=expand-{several.Id}]").GetAttribute("aria-expanded").ShouldBe("true");

        await page.InvokeAsync(() => page.Find($"[data-testid=expand-{several.Id}]").Click());

        page.WaitForAssertion(() => page.FindAll("[data-testid=ad-report-row]").ShouldBeEmpty());
        page.Find("[data-testid=csv-campaign-ads]").GetAttribute("href")!.ShouldContain("/reports/ads.csv?from=");
    }

    [Fact]
    public async Task AnotherAccountsReportsAreNotFound()
    {
        await SignInAsAsync("ben@northwind.example");
        var contoso = await AccountIdAsync("Contoso Cloud");

        var page = Render<AccountReportsPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Markup.ShouldContain("Account not found"));
        page.FindAll("[data-testid=account-report-grid]").ShouldBeEmpty();
    }
}

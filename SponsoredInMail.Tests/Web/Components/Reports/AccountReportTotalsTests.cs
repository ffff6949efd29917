using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Reports;

namespace SponsoredInMail.Tests.Web.Components.Reports;

/// <summary>
/// The account's totals, on a database of its own: no other test adds campaigns to the account, so the totals are exactly
/// what this test sent.
/// </summary>
public class AccountReportTotalsTests : BunitTestBase
{
    private const string Maria = "maria@contoso.example";
    private readonly ReportTestData _data;

    public AccountReportTotalsTests(SeededDatabase seeded) : base(seeded)
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
    public async Task TheOverviewListsOnlyTheAccountsCampaignsWithTotalsAndCompareTakesTheChosenOnes()
    {
        var small = await _data.MessageAdAsync("Contoso Cloud", sends: 4);
        var large = await _data.MessageAdAsync("Contoso Cloud", sends: 6);
        await _data.SubmitLeadsAsync(large, 2);
        var theirs = await _data.MessageAdAsync("Northwind Analytics", sends: 3);

        var page = await RenderAsync<AccountReportsPage>("Contoso Cloud");

        page.WaitForAssertion(() => page.FindAll("[data-testid=report-campaign-link]").Count.ShouldBe(2));
        page.Markup.ShouldContain(small.Name);
        page.Markup.ShouldContain(large.Name);
        page.Markup.ShouldNotContain(theirs.Name);
        Text(page, "total-sends").ShouldBe("10");
        Text(page, "total-opens").ShouldBe("2");
        Text(page, "total-leads").ShouldBe("2");
        Text(page, "total-spend").ShouldBe("$5.00");
        Text(page, "total-cost-per-lead").ShouldBe("$2.50");
        page.Find("[data-testid=chart-account-spend] svg");
        var contoso = await AccountIdAsync("Contoso Cloud");
        page.FindAll("[data-testid=report-campaign-link]")[0].GetAttribute("href")!.ShouldStartWith($"/accounts/{contoso}/campaigns/{large.Id}/report?from=");
        page.Find("[data-testid=csv-campaigns]").GetAttribute("href").ShouldBe($"/accounts/{contoso}/reports/campaigns.csv?from=2026-10-25&to=2026-11-23");

        await page.InvokeAsync(() => CompareBox(page, small.Id).Change(true));
        await page.InvokeAsync(() => CompareBox(page, large.Id).Change(true));

        page.WaitForAssertion(() => page.Find("[data-testid=compare-button]").GetAttribute("href")
            .ShouldBe($"/accounts/{contoso}/reports/compare?ids={Math.Min(small.Id, large.Id)},{Math.Max(small.Id, large.Id)}&from=2026-10-25&to=2026-11-23"));
    }
}

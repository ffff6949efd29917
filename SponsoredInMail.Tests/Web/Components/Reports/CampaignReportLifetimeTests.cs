using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Reports;

namespace SponsoredInMail.Tests.Web.Components.Reports;

/// <summary>
/// A campaign that sends for longer than 30 days, on a database of its own (the test moves the clock): opened without a
/// range, its report covers the whole life and shows the totals of the campaign list.
/// </summary>
public class CampaignReportLifetimeTests : BunitTestBase
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public CampaignReportLifetimeTests(SeededDatabase seeded) : base(seeded) => SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    [Fact]
    public async Task WithoutARangeTheReportShowsTheWholeLifeWithTheTotalsOfTheCampaignList()
    {
        var scenario = DeliveryScenario.Over(Database);
        var contoso = await AccountIdAsync("Contoso Cloud");
        var launched = Database.Clock.GetUtcNow().UtcDateTime;
        List<string> countries;
        await using (var db = Database.CreateContext())
        {
            countries = await db.Members.Select(m => m.CountryCode).Distinct().ToListAsync(Ct);
        }
        // Six sends a day, sixty in all, sent week after week for seven weeks.
        var campaign = await scenario.LaunchAsync(contoso, new Targeting([new(Facet.Location, countries)], []), 50, 50 * 60, dailyCents: 50 * 6);
        for (var week = 0; week < 7; week++)
        {
            await scenario.EveryoneWasActiveJustNowAsync();
            await scenario.Engine.RunUntilIdleAsync(Ct);
            Database.Clock.Advance(TimeSpan.FromDays(7));
        }
        var deliveries = await scenario.DeliveriesAsync(campaign);
        (deliveries.Max(d => d.DeliveredAt) - deliveries.Min(d => d.DeliveredAt)).TotalDays.ShouldBeGreaterThan(30);
        await SignInAsAsync("maria@contoso.example");
        var listed = (await Database.Get<CampaignOverview>().ListAsync(await UserIdAsync("maria@contoso.example"), contoso, Ct)).Single(c => c.Id == campaign);
        RenderPopoverProvider();

        var page = Render<CampaignReportPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, campaign));

        page.WaitForAssertion(() => page.Find("[data-testid=kpi-sends]").TextContent.Trim().ShouldBe(ReportDisplay.Count(listed.Sends)));
        page.Find("[data-testid=kpi-spend]").TextContent.Trim().ShouldBe(Money.Format(listed.SpentCents));
        page.Find("[data-testid=range-from]").GetAttribute("value").ShouldBe(ReportDisplay.Date(DateOnly.FromDateTime(launched)));
        page.Find("[data-testid=csv-kpis]").GetAttribute("href")!.ShouldContain($"from={ReportDisplay.Date(DateOnly.FromDateTime(launched))}&");
    }
}

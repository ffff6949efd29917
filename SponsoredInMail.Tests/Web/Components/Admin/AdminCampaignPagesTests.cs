using Bunit;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Campaigns;
using SponsoredInMail.Web.Components.Pages.Admin;

namespace SponsoredInMail.Tests.Web.Components.Admin;

public class AdminCampaignPagesTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private CampaignTestData Data => new(Database);

    [Fact]
    public async Task TheAdminCampaignListShowsEveryAccountsCampaignsLinkedToTheirView()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        var contoso = await Data.CampaignAsync(await AccountIdAsync("Contoso Cloud"), CampaignStatus.Active);
        var northwind = await Data.CampaignAsync(await AccountIdAsync("Northwind Analytics"), CampaignStatus.Approved, email: CampaignTestData.Ben);

        var page = Render<AdminCampaignsPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=admin-campaigns]"));
        var links = page.FindAll("[data-testid=admin-campaign-link]").Select(a => a.GetAttribute("href")).ToList();
        links.ShouldContain($"/admin/review/{contoso}");
        links.ShouldContain($"/admin/review/{northwind}");
    }

    [Fact]
    public async Task AnAdminPausesAnActiveCampaignWithAReasonFromItsView()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var account = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(account, CampaignStatus.Active);
        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=admin-pause]"));

        page.Find("[data-testid=admin-reason]").Input("Landing page is down.");
        await page.InvokeAsync(() => page.Find("[data-testid=admin-pause]").Click());

        page.WaitForAssertion(() =>
        {
            page.Find("[data-testid=admin-resume]");
            page.Find("[data-testid=admin-sending-why]").TextContent.ShouldBe("Paused by an admin: Landing page is down.");
        });
        var campaign = (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), account, id, Ct))!;
        campaign.Status.ShouldBe(CampaignStatus.Paused);
        page.WaitForAssertion(() => page.Find("[data-testid=status-history]").TextContent.ShouldContain("Ada Admin"));
    }

    [Fact]
    public async Task PausingWithoutAReasonIsRefusedBesideTheField()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var account = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(account, CampaignStatus.Active);
        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=admin-pause]"));

        page.Find("[data-testid=admin-reason]").Input("   ");
        await page.InvokeAsync(() => page.Find("[data-testid=admin-pause]").Click());

        page.WaitForAssertion(() => page.Find(".mud-input-control:has([data-testid=admin-reason]) .mud-input-helper-text").TextContent
            .ShouldStartWith("Give a reason: the marketer reads it on the campaign page."));
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), account, id, Ct))!.Status.ShouldBe(CampaignStatus.Active);
    }
}

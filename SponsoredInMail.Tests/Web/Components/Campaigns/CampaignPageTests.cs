using Bunit;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Campaigns;

namespace SponsoredInMail.Tests.Web.Components.Campaigns;

public class CampaignPageTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private CampaignTestData Data => new(Database);

    [Fact]
    public async Task TheProgressPanelShowsDeliveryAndFollowsNewSendsWithoutAReload()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Active);
        await Data.RecordSendsAsync(id, 40, 2_400);

        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=progress-sent]").TextContent.ShouldBe("40"));
        int.Parse(page.Find("[data-testid=progress-eligible]").TextContent.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(300);
        page.Find("[data-testid=progress-spent]").TextContent.ShouldBe("$24.00");
        page.Find("[data-testid=progress-budget]").TextContent.ShouldBe("$500.00");
        page.Find("[data-testid=progress-today]").TextContent.ShouldContain("$24.00 of $50.00 daily budget");
        page.Find("[data-testid=campaign-status]").TextContent.ShouldBe("Active");

        await Data.RecordSendsAsync(id, 10, 600);

        page.WaitForAssertion(() => page.Find("[data-testid=progress-sent]").TextContent.ShouldBe("50"), TimeSpan.FromSeconds(5));
        page.Find("[data-testid=progress-spent]").TextContent.ShouldBe("$30.00");
    }

    [Fact]
    public async Task ARejectedCampaignShowsTheReasonAndALinkToEditAndResubmit()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Rejected);

        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=rejection-reason]").TextContent.ShouldBe("Excessive capitals: The subject shouts."));
        page.Find("[data-testid=edit-and-resubmit]").GetAttribute("href").ShouldBe($"/accounts/{contoso}/campaigns/{id}/edit");
        // The history panel loads on its own, and the names of who moved it after that.
        page.WaitForAssertion(() =>
        {
            page.FindAll("[data-testid=history-row]").Count.ShouldBe(2);
            page.Find("[data-testid=status-history]").TextContent.ShouldContain("Ada Admin");
            page.Find("[data-testid=status-history]").TextContent.ShouldContain("In review → Rejected");
        });
    }

    [Fact]
    public async Task ADraftCanBeSubmittedFromItsPage()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Draft);
        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=action-submit]"));

        await page.InvokeAsync(() => page.Find("[data-testid=action-submit]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=campaign-status]").TextContent.ShouldBe("In review"));
        page.Find("[data-testid=action-withdraw]");
        page.FindAll("[data-testid=action-submit]").ShouldBeEmpty();
    }

    [Fact]
    public async Task RunningSettingsRefuseABidBelowTheFloorBesideTheFieldAndSaveNothing()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Approved);
        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=running-bid]"));

        page.Find("[data-testid=running-bid]").Input("0.10");
        await page.InvokeAsync(() => page.Find("[data-testid=save-running]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=running-settings]").TextContent.ShouldContain("The bid must be at least $0.25 per send; it is $0.10."));
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!.BidCents.ShouldBe(60);
    }

    [Fact]
    public async Task RunningSettingsSaveANewBidAndBudget()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Paused);
        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=running-bid]"));

        page.Find("[data-testid=running-bid]").Input("0.80");
        page.Find("[data-testid=running-lifetime]").Input("750");
        await page.InvokeAsync(() => page.Find("[data-testid=save-running]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=settings-bid]").TextContent.ShouldBe("$0.80"));
        var campaign = (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!;
        (campaign.BidCents, campaign.LifetimeBudgetCents).ShouldBe((80L, 75_000L));
    }

    [Fact]
    public async Task AViewerSeesTheCampaignWithoutActionsOrSettingsForm()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var northwind = await AccountIdAsync("Northwind Analytics");
        var id = await Data.CampaignAsync(northwind, CampaignStatus.Active, email: CampaignTestData.Ben);

        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, northwind).Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=progress-sent]"));
        page.FindAll("[data-testid^=action-]").ShouldBeEmpty();
        page.FindAll("[data-testid=running-settings]").ShouldBeEmpty();
    }

    [Fact]
    public async Task AnotherAccountsCampaignIsNotFound()
    {
        await SignInAsAsync(CampaignTestData.Ben);
        var contoso = await AccountIdAsync("Contoso Cloud");
        var northwind = await AccountIdAsync("Northwind Analytics");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Draft, name: $"Secret {Guid.NewGuid():N}");

        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, northwind).Add(x => x.CampaignId, id));

        // Ben is a Manager of Northwind: the account is there, the campaign is not.
        page.WaitForAssertion(() => page.Find("[data-testid=not-found] h1").TextContent.ShouldBe("Campaign not found"));
        page.Markup.ShouldNotContain("Account not found");
        page.Find("[data-testid=not-found-back]").GetAttribute("href").ShouldBe($"/accounts/{northwind}/campaigns");
        page.Markup.ShouldNotContain("Secret");
    }
}

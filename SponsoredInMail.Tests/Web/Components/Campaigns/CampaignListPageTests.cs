using Bunit;
using MudBlazor;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Campaigns;

namespace SponsoredInMail.Tests.Web.Components.Campaigns;

public class CampaignListPageTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private CampaignTestData Data => new(Database);

    [Fact]
    public async Task EachRowOffersOnlyTheActionsItsStateAllows()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var draft = await Data.CampaignAsync(contoso, CampaignStatus.Draft);
        var approved = await Data.CampaignAsync(contoso, CampaignStatus.Approved);
        var active = await Data.CampaignAsync(contoso, CampaignStatus.Active);
        var paused = await Data.CampaignAsync(contoso, CampaignStatus.Paused);

        var page = Render<CampaignListPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Find($"tr.campaign-row-{paused}"));
        Actions(page, draft).ShouldBe(["action-duplicate", "action-archive"]);
        Actions(page, approved).ShouldBe(["action-launch", "action-cancel", "action-duplicate"]);
        Actions(page, active).ShouldBe(["action-pause", "action-cancel", "action-duplicate"]);
        Actions(page, paused).ShouldBe(["action-resume", "action-cancel", "action-duplicate"]);
        page.Find($"tr.campaign-row-{active} [data-testid=campaign-status]").TextContent.ShouldBe("Active");
        page.FindAll("[data-testid=new-campaign]").Count.ShouldBe(1);
    }

    [Fact]
    public async Task AViewerSeesTheCampaignsButNoActions()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var northwind = await AccountIdAsync("Northwind Analytics");
        var id = await Data.CampaignAsync(northwind, CampaignStatus.Active, email: CampaignTestData.Ben);

        var page = Render<CampaignListPage>(p => p.Add(x => x.AccountId, northwind));

        page.WaitForAssertion(() => page.Find($"tr.campaign-row-{id}"));
        page.FindAll("[data-testid^=action-]").ShouldBeEmpty();
        page.FindAll("[data-testid=new-campaign]").ShouldBeEmpty();
    }

    [Fact]
    public async Task LaunchingAnApprovedCampaignMakesItActive()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Approved);
        var page = Render<CampaignListPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => page.Find($"tr.campaign-row-{id} [data-testid=action-launch]"));

        await page.InvokeAsync(() => page.Find($"tr.campaign-row-{id} [data-testid=action-launch]").Click());

        page.WaitForAssertion(() => page.Find($"tr.campaign-row-{id} [data-testid=campaign-status]").TextContent.ShouldBe("Active"));
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!.Status.ShouldBe(CampaignStatus.Active);
        Actions(page, id).ShouldContain("action-pause");
    }

    [Fact]
    public async Task CancelAsksFirstAndKeepingItChangesNothing()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Active);
        var maria = await UserIdAsync(CampaignTestData.Maria);
        var page = Render<CampaignListPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => page.Find($"tr.campaign-row-{id} [data-testid=action-cancel]"));

        await page.InvokeAsync(() => page.Find($"tr.campaign-row-{id} [data-testid=action-cancel]").Click());
        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("stops sending for good"));
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Keep it").Click());

        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldNotContain("stops sending for good"));
        (await Data.Campaigns.GetAsync(maria, contoso, id, Ct))!.Status.ShouldBe(CampaignStatus.Active);

        await page.InvokeAsync(() => page.Find($"tr.campaign-row-{id} [data-testid=action-cancel]").Click());
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel campaign").Click());

        page.WaitForAssertion(() => page.Find($"tr.campaign-row-{id} [data-testid=campaign-status]").TextContent.ShouldBe("Canceled"));
        (await Data.Campaigns.GetAsync(maria, contoso, id, Ct))!.Status.ShouldBe(CampaignStatus.Canceled);
    }

    [Fact]
    public async Task BudgetUsedShowsSpendOfTheLifetimeBudget()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Active);
        await Data.RecordSendsAsync(id, 25, 1_500);

        var page = Render<CampaignListPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Find($"tr.campaign-row-{id} [data-testid=budget-used]").TextContent.ShouldBe("$15.00 of $500.00"));
        page.Find($"tr.campaign-row-{id}").TextContent.ShouldContain("$0.60");
        page.Find($"tr.campaign-row-{id} [data-testid=audience-size]").TextContent.ShouldEndWith("deliverable now");
    }

    [Fact]
    public async Task ArchivedCampaignsAreHiddenUntilAskedFor()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var archived = await Data.CampaignAsync(contoso, CampaignStatus.Archived);
        var draft = await Data.CampaignAsync(contoso, CampaignStatus.Draft);

        var page = Render<CampaignListPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Find($"tr.campaign-row-{draft}"));
        page.FindAll($"tr.campaign-row-{archived}").ShouldBeEmpty();
        await page.InvokeAsync(() => page.Find("input[type=checkbox]").Change(true));
        page.WaitForAssertion(() => page.Find($"tr.campaign-row-{archived}"));
    }

    private static List<string> Actions(IRenderedComponent<CampaignListPage> page, int id) =>
        page.FindAll($"tr.campaign-row-{id} [data-testid^=action-]").Select(b => b.GetAttribute("data-testid")!).ToList();
}

using Bunit;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Campaigns;

namespace SponsoredInMail.Tests.Web.Components.Campaigns;

/// <summary>Why nothing is sending, where the marketer looks: the list, the progress panel, the campaign page; and the wizard's default start.</summary>
public class SendingStateDisplayTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private CampaignTestData Data => new(Database);

    [Fact]
    public async Task ALaunchedCampaignWaitingForItsStartSaysWhenInTheProgressPanelAndTheList()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        // The test data starts campaigns a day after the clock: launched, it waits.
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Active);

        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));
        var list = Render<CampaignListPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Find("[data-testid=progress-why]").TextContent.ShouldStartWith("Scheduled — starts "));
        page.Find("[data-testid=progress-why]").TextContent.ShouldContain("UTC (in ");
        list.WaitForAssertion(() => list.Find($"tr.campaign-row-{id} [data-testid=sending-why]").TextContent.ShouldStartWith("Scheduled — starts "));
    }

    [Fact]
    public async Task ACampaignAnAdminPausedShowsTheReasonAndNoResumeButton()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Active);
        var admin = await UserIdAsync(CampaignTestData.Admin);
        (await Database.Get<AdminCampaignService>().PauseAsync(admin, id, "The offer in the subject is misleading.", Ct)).Succeeded.ShouldBeTrue();

        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=admin-hold]").TextContent.ShouldBe("Paused by an admin: The offer in the subject is misleading."));
        page.FindAll("[data-testid=action-resume]").ShouldBeEmpty();
        page.WaitForAssertion(() => page.Find("[data-testid=progress-why]").TextContent.ShouldBe("Paused by an admin: The offer in the subject is misleading."));
        var list = Render<CampaignListPage>(p => p.Add(x => x.AccountId, contoso));
        list.WaitForAssertion(() => list.Find($"tr.campaign-row-{id} [data-testid=sending-why]").TextContent.ShouldBe("Paused by an admin: The offer in the subject is misleading."));
        list.FindAll($"tr.campaign-row-{id} [data-testid=action-resume]").ShouldBeEmpty();
    }

    [Fact]
    public async Task ACampaignAnAdminCanceledSaysSoOnItsPage()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Approved);
        var admin = await UserIdAsync(CampaignTestData.Admin);
        (await Database.Get<AdminCampaignService>().CancelAsync(admin, id, "The advertiser's account is suspended.", Ct)).Succeeded.ShouldBeTrue();

        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=admin-hold]").TextContent.ShouldBe("Canceled by an admin: The advertiser's account is suspended."));
    }

    [Fact]
    public void TheScheduleStepStartsAsSoonAsLaunchedByDefault()
    {
        var form = CampaignDraftForm.New(new DateTime(2026, 11, 23, 13, 13, 0, DateTimeKind.Utc), 25);

        var step = Render<ScheduleStep>(p => p.Add(x => x.Form, form).Add(x => x.Errors, Result.Ok));

        step.Find("[data-testid=campaign-start-date]").GetAttribute("value").ShouldBeNullOrEmpty();
        step.Find("[data-testid=start-summary]").TextContent.Trim().ShouldBe("Starts as soon as it is launched.");
        form.Name = "x";
        form.ToInput([])!.StartAt.ShouldBeNull();
    }
}

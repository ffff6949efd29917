using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Variants;
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

        // Each figure is awaited: the panel may show the new send count a render before the new spend.
        page.WaitForAssertion(() =>
        {
            page.Find("[data-testid=progress-sent]").TextContent.ShouldBe("40");
            int.Parse(page.Find("[data-testid=progress-eligible]").TextContent.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(300);
            page.Find("[data-testid=progress-spent]").TextContent.ShouldBe("$24.00");
            page.Find("[data-testid=progress-budget]").TextContent.ShouldBe("$500.00");
            page.Find("[data-testid=progress-today]").TextContent.ShouldContain("$24.00 of $50.00 daily budget");
            page.Find("[data-testid=campaign-status]").TextContent.ShouldBe("Active");
        });

        await Data.RecordSendsAsync(id, 10, 600);

        page.WaitForAssertion(() =>
        {
            page.Find("[data-testid=progress-sent]").TextContent.ShouldBe("50");
            page.Find("[data-testid=progress-spent]").TextContent.ShouldBe("$30.00");
        }, TimeSpan.FromSeconds(5));
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

    [Fact]
    public async Task TheAdsSectionListsEachAdWithItsReviewOutcomesAndShareOfSends()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var maria = await UserIdAsync(CampaignTestData.Maria);
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.InReview, 3);
        (await Database.Get<ReviewService>().ApproveAsync(await UserIdAsync(CampaignTestData.Admin), id,
            new Dictionary<int, string> { [ads[2]] = "The subject shouts." }, Ct)).Succeeded.ShouldBeTrue();
        (await Data.Campaigns.LaunchAsync(maria, contoso, id, Ct)).Succeeded.ShouldBeTrue();
        await Data.DeliverAsync(id, ads[0], sends: 30, opens: 12, clicks: 3);
        await Data.DeliverAsync(id, ads[1], sends: 10, opens: 4, clicks: 1);

        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.FindAll("[data-testid=campaign-ad-row]").Count.ShouldBe(3));
        var rows = page.FindAll("[data-testid=campaign-ad-row]");
        Cells(rows[0]).ShouldBe(("30", "75.0%", "12", "3", "0"));
        Cells(rows[1]).ShouldBe(("10", "25.0%", "4", "1", "0"));
        Cells(rows[2]).ShouldBe(("0", "0.0%", "0", "0", "0"));
        rows[0].QuerySelector("[data-testid=ad-name]")!.TextContent.ShouldStartWith("AAd A ");
        rows[0].QuerySelector("[data-testid=ad-review]")!.TextContent.Trim().ShouldBe("Approved");
        rows[2].QuerySelector("[data-testid=ad-review]")!.TextContent.ShouldContain("Rejected");
        rows[2].QuerySelector("[data-testid=ad-rejection-reason]")!.TextContent.ShouldBe("The subject shouts.");
        page.Find("[data-testid=ads-rotation]").TextContent.ShouldBe("Rotate evenly: each member gets one of the ads, in equal shares.");
        page.Find("[data-testid=settings-ad]").TextContent.ShouldContain("A: Ad A ");
        page.Find("[data-testid=settings-ad]").TextContent.ShouldContain(" · C: Ad C ");
        page.FindAll("[data-testid=ab-test-panel]").ShouldBeEmpty();
    }

    [Fact]
    public async Task AnAbTestShowsEachRateWithItsIntervalTheVerdictAndTheChanceBBeatsA()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.Active, 2, AbTestMetric.OpenRate);
        await Data.DeliverAsync(id, ads[0], sends: 200, opens: 40);
        await Data.DeliverAsync(id, ads[1], sends: 200, opens: 80);
        var expected = AbVerdict.Evaluate(new AdOutcomes(ads[0], 200, 40, 0, 0), new AdOutcomes(ads[1], 200, 80, 0, 0), AbTestMetric.OpenRate);

        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=ab-test-panel]"));
        page.Find("[data-testid=ab-metric]").TextContent.ShouldContain("open rate");
        page.FindAll("[data-testid=ab-rate]").Select(r => r.TextContent).ShouldBe(["20.0%", "40.0%"]);
        page.FindAll("[data-testid=ab-interval]")[0].TextContent.ShouldBe($"{Percent(expected.A.IntervalLow)} – {Percent(expected.A.IntervalHigh)}");
        expected.Winner.ShouldBe(AbWinner.B);
        page.Find("[data-testid=ab-verdict]").TextContent.ShouldBe(expected.Text);
        page.Find("[data-testid=ab-probability]").TextContent.ShouldBe("Probability that B beats A: 99%");
        page.Find("[data-testid=end-ab-test]").TextContent.ShouldBe("End the test and send the winner to the rest of the audience");
        page.Find("[data-testid=ads-rotation]").TextContent.ShouldBe("A/B test on open rate: members are split 50/50 between A and B.");
    }

    [Fact]
    public async Task EndingTheTestOffersTheAdAheadAndSendsTheOneConfirmed()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.Paused, 2, AbTestMetric.OpenRate);
        await Data.DeliverAsync(id, ads[0], sends: 10, opens: 2);
        await Data.DeliverAsync(id, ads[1], sends: 10, opens: 5);
        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=end-ab-test]"));

        await page.InvokeAsync(() => page.Find("[data-testid=end-ab-test]").Click());

        // No winner yet: B is ahead, so B is offered; the marketer may still pick A.
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=end-test-confirm]").TextContent.Trim().ShouldBe("Send ad B"));
        dialogs.Find("[data-testid=end-test-verdict]").TextContent.ShouldStartWith("Not enough data yet");
        await dialogs.InvokeAsync(() => RadioInput(dialogs, "end-test-ad-A").Click());
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=end-test-confirm]").TextContent.Trim().ShouldBe("Send ad A"));
        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=end-test-confirm]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=ab-ended]").TextContent.ShouldContain("ad A (Ad A "));
        page.Find("[data-testid=ab-ended]").TextContent.ShouldContain("goes to the rest of the audience");
        page.FindAll("[data-testid=end-ab-test]").ShouldBeEmpty();
        page.Find("[data-testid=ads-rotation]").TextContent.ShouldBe("A/B test on open rate, ended: ad A goes to the rest of the audience.");
        await using var db = Database.CreateContext();
        (await db.Campaigns.Where(c => c.Id == id).Select(c => c.WinnerAdId).SingleAsync(Ct)).ShouldBe(ads[0]);
    }

    [Fact]
    public async Task AViewerSeesTheAbTestButNoEndButton()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var northwind = await AccountIdAsync("Northwind Analytics");
        var (id, ads) = await Data.CampaignWithAdsAsync(northwind, CampaignStatus.Active, 2, AbTestMetric.ClickToOpenRate, email: CampaignTestData.Ben);
        await Data.DeliverAsync(id, ads[0], sends: 20, opens: 10, clicks: 2);

        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, northwind).Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=ab-verdict]"));
        page.FindAll("[data-testid=campaign-ad-row]").Count.ShouldBe(2);
        page.Find("[data-testid=ab-metric]").TextContent.ShouldContain("click-to-open rate");
        page.FindAll("[data-testid=end-ab-test]").ShouldBeEmpty();
    }

    private static (string Sends, string Share, string Opens, string Clicks, string Leads) Cells(AngleSharp.Dom.IElement row)
    {
        string Text(string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();
        return (Text("ad-sends"), Text("ad-share"), Text("ad-opens"), Text("ad-clicks"), Text("ad-leads"));
    }

    private static string Percent(double share) => SponsoredInMail.Web.Components.Pages.Campaigns.CampaignDisplay.Percent(share);

    private static AngleSharp.Dom.IElement RadioInput(IRenderedComponent<MudDialogProvider> dialogs, string testId)
    {
        var element = dialogs.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}

using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Variants;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Campaigns;

namespace SponsoredInMail.Tests.Web.Components.Campaigns;

public class CampaignWizardTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private CampaignTestData Data => new(Database);

    [Fact]
    public async Task TheFirstNextCreatesTheDraftAndTheUrlBecomesItsEditUrl()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var audience = await Data.AudienceAsync(CampaignTestData.Maria, contoso);
        var name = $"Wizard {Guid.NewGuid():N}";
        var page = Render<CampaignWizardPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-name]"));

        page.Find("[data-testid=campaign-name]").Input(name);
        await ChooseAsync(page, "campaign-audience", (int?)audience);
        page.WaitForAssertion(() => page.Find("[data-testid=deliverable]"));
        Next(page);

        page.WaitForAssertion(() => page.Find("[data-testid=campaign-ad]"));
        page.FindAll("[data-testid=campaign-name]").ShouldBeEmpty();
        await using var db = Database.CreateContext();
        var draft = await db.Campaigns.SingleAsync(c => c.Name == name, Ct);
        (draft.Status, draft.SavedAudienceId, draft.AdvertiserAccountId).ShouldBe((CampaignStatus.Draft, (int?)audience, contoso));
        Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith($"/accounts/{contoso}/campaigns/{draft.Id}/edit");
    }

    [Fact]
    public async Task AnEmptyNameIsRefusedBesideTheFieldAndNothingIsSaved()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var before = await CountAsync(contoso);
        var page = Render<CampaignWizardPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-name]"));

        Next(page);

        page.WaitForAssertion(() => page.Find(".mud-input-control:has([data-testid=campaign-name]) .mud-input-helper-text").TextContent.ShouldStartWith("Campaign name"));
        page.Find(".mud-input-control:has([data-testid=campaign-name])").ClassList.ShouldContain("mud-input-error");
        page.FindAll("[data-testid=campaign-name]").Count.ShouldBe(1);
        (await CountAsync(contoso)).ShouldBe(before);
    }

    [Fact]
    public async Task LaterStepsUpdateTheSameDraft()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Draft);
        var before = await CountAsync(contoso);
        var page = await OpenAtStepAsync(contoso, id, "campaign-bid", nexts: 2);

        page.Find("[data-testid=campaign-bid]").Input("1.10");
        Next(page);
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-lifetime]"));
        page.Find("[data-testid=campaign-daily]").Input("");
        Next(page);
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-start-date]"));

        var campaign = (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!;
        (campaign.BidCents, campaign.DailyBudgetCents).ShouldBe((110L, (long?)null));
        (await CountAsync(contoso)).ShouldBe(before);
        page.Find("[data-testid=utc-note]").TextContent.ShouldContain("UTC");
    }

    [Fact]
    public async Task ABidBelowTheFloorKeepsTheUserOnTheBidStepWithTheMessage()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Draft);
        var page = await OpenAtStepAsync(contoso, id, "campaign-bid", nexts: 2);
        // The bid guidance is computed from the audience once the step opens.
        page.WaitForAssertion(() => page.Find("[data-testid=bid-range]").TextContent.ShouldContain("–"));
        page.Find("[data-testid=bid-reason]").TextContent.ShouldContain("Director or above");

        page.Find("[data-testid=campaign-bid]").Input("0.10");
        Next(page);

        page.WaitForAssertion(() => page.Find(".mud-input-control:has([data-testid=campaign-bid]) .mud-input-helper-text").TextContent
            .ShouldBe("The bid must be at least $0.25 per send; it is $0.10."));
        page.FindAll("[data-testid=campaign-lifetime]").ShouldBeEmpty();
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!.BidCents.ShouldBe(60);
    }

    [Fact]
    public async Task TheForecastShowsRangesFromTheDeliverableAudienceAndBudgets()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Draft);
        var campaign = (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!;
        var audience = (await Database.Get<AudienceService>().GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, campaign.SavedAudienceId!.Value, Ct))!;
        await using var db = Database.CreateContext();
        var sender = await db.Ads.Where(a => a.Id == campaign.AdId).Select(a => a.SenderMemberId).SingleAsync(Ct);
        var deliverable = Database.Get<AudienceIndex>().Count(audience.Targeting, contoso, sender).Deliverable;
        var expected = CampaignForecast.Estimate(deliverable, 60, 50_000, 5_000, 14, CampaignObjective.LeadGeneration);

        var page = await OpenAtStepAsync(contoso, id, "forecast", nexts: 5);

        page.Find("[data-testid=forecast-deliverable]").TextContent.ShouldBe(deliverable.ToString("N0"));
        page.Find("[data-testid=forecast-opens]").TextContent.ShouldBe($"{expected.Opens.Low:N0} – {expected.Opens.High:N0}");
        page.Find("[data-testid=forecast-clicks]").TextContent.ShouldBe($"{expected.Clicks.Low:N0} – {expected.Clicks.High:N0}");
        page.Find("[data-testid=forecast-leads]").TextContent.ShouldContain("–");
        page.Find("[data-testid=forecast-sends]").TextContent.ShouldBe(expected.Sends.Low.ToString("N0"));
    }

    [Fact]
    public async Task SubmittingFromTheLastStepPutsTheCampaignInReviewAndOpensItsPage()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Draft);
        var page = await OpenAtStepAsync(contoso, id, "forecast", nexts: 5);

        await page.InvokeAsync(() => page.Find("[data-testid=wizard-submit]").Click());

        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith($"/accounts/{contoso}/campaigns/{id}"));
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!.Status.ShouldBe(CampaignStatus.InReview);
    }

    [Fact]
    public async Task SubmittingWithoutAnAdSaysSoAndLeavesItADraft()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var audience = await Data.AudienceAsync(CampaignTestData.Maria, contoso);
        var created = await Data.Campaigns.CreateDraftAsync(await UserIdAsync(CampaignTestData.Maria), contoso, CampaignTestData.Input($"No ad {Guid.NewGuid():N}", audience, null), Ct);
        var page = await OpenAtStepAsync(contoso, created.Value, "forecast", nexts: 5);

        await page.InvokeAsync(() => page.Find("[data-testid=wizard-submit]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=wizard-errors]").TextContent.ShouldContain("Choose an ad before submitting. (Ad step)"));
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, created.Value, Ct))!.Status.ShouldBe(CampaignStatus.Draft);
    }

    [Fact]
    public async Task EditingARejectedCampaignShowsTheRejectionReason()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Rejected);

        var page = Render<CampaignWizardPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=rejection-reason]").TextContent.ShouldContain("Excessive capitals: The subject shouts."));
        page.Find("[data-testid=campaign-name]");
    }

    [Fact]
    public async Task AnActiveCampaignCannotBeEditedInTheWizard()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Active);

        var page = Render<CampaignWizardPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=not-editable]").TextContent.ShouldContain("only drafts and rejected campaigns can be edited"));
        page.FindAll("[data-testid=wizard-next]").ShouldBeEmpty();
    }

    [Fact]
    public async Task SeveralAdsAreSavedInTheOrderChosenWithTheRotation()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.Draft, 1);
        var second = await Data.AdAsync(CampaignTestData.Maria, contoso);
        var third = await Data.AdAsync(CampaignTestData.Maria, contoso);
        var page = await OpenAtStepAsync(contoso, id, "campaign-ad", nexts: 1);
        page.FindAll("[data-testid=ad-rotation]").ShouldBeEmpty();

        await ChooseAsync(page, "campaign-ad", (int?)second);
        await ChooseAsync(page, "campaign-ad", (int?)third);
        page.WaitForAssertion(() => ChosenAds(page).ShouldBe([ads[0], second, third]));
        page.FindAll("[data-testid=chosen-ad-letter]").Select(l => l.TextContent.Trim()).ShouldBe(["A", "B", "C"]);
        page.Find("[data-testid=optimize-explained]").TextContent.ShouldContain("more leads");
        page.Find("[data-testid=optimize-explained]").TextContent.ShouldContain("never less than 10% per ad");
        page.FindAll("[data-testid=ab-test]").ShouldBeEmpty();
        await page.InvokeAsync(() => InputOf(page, "rotation-Optimize").Click());
        Next(page);

        page.WaitForAssertion(() => page.Find("[data-testid=campaign-bid]"));
        var campaign = await CampaignAsync(id);
        (campaign.AdId, campaign.Rotation, campaign.AbTestMetric).ShouldBe(((int?)ads[0], AdRotation.Optimize, (AbTestMetric?)null));
        (await SavedAdsAsync(id)).ShouldBe([ads[0], second, third]);
    }

    [Fact]
    public async Task RemovingAndMovingAdsChangesWhichIsFirst()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.Draft, 3);
        var page = await OpenAtStepAsync(contoso, id, "chosen-ads", nexts: 1);
        page.WaitForAssertion(() => ChosenAds(page).ShouldBe(ads));

        await page.InvokeAsync(() => Row(page, ads[1]).QuerySelector("[data-testid=remove-ad]")!.Click());
        await page.InvokeAsync(() => Row(page, ads[2]).QuerySelector("[data-testid=move-ad-up]")!.Click());

        page.WaitForAssertion(() => ChosenAds(page).ShouldBe([ads[2], ads[0]]));
        Next(page);
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-bid]"));
        (await SavedAdsAsync(id)).ShouldBe([ads[2], ads[0]]);
        (await CampaignAsync(id)).AdId.ShouldBe(ads[2]);
    }

    [Fact]
    public async Task OnceAMessageAdIsChosenConversationAdsCannotBeAdded()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        var popovers = RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var chatName = $"Chat {Guid.NewGuid():N}";
        var chat = await Data.ConversationAdAsync(CampaignTestData.Maria, contoso, chatName);
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.Draft, 1);
        var page = await OpenAtStepAsync(contoso, id, "chosen-ads", nexts: 1);

        // The helper text follows the chosen ads once they have loaded.
        page.WaitForAssertion(() => page.Find(".mud-input-control:has([data-testid=campaign-ad]) .mud-input-helper-text").TextContent
            .ShouldBe("A campaign's ads share one format: only Message Ads can be added."));
        var select = page.FindComponents<MudSelect<int?>>().Single(s => s.FindAll("[data-testid=campaign-ad]").Count > 0);
        await page.InvokeAsync(() => select.Instance.OpenMenu());
        popovers.WaitForAssertion(() => popovers.FindAll(".mud-list-item").ShouldNotBeEmpty());
        var chatItem = popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Contains(chatName, StringComparison.Ordinal));
        chatItem.TextContent.ShouldContain("another format");
        chatItem.ClassList.ShouldContain("mud-list-item-disabled");

        await ChooseAsync(page, "campaign-ad", (int?)chat);

        ChosenAds(page).ShouldBe(ads);
        Next(page);
        (await SavedAdsAsync(id)).ShouldBe(ads);
    }

    [Fact]
    public async Task AnAbTestIsOfferedWithExactlyTwoAdsAndSavedWithItsMetric()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.Draft, 1);
        var second = await Data.AdAsync(CampaignTestData.Maria, contoso);
        var page = await OpenAtStepAsync(contoso, id, "chosen-ads", nexts: 1);
        page.FindAll("[data-testid=ab-test]").ShouldBeEmpty();

        await ChooseAsync(page, "campaign-ad", (int?)second);
        page.WaitForAssertion(() => page.Find("[data-testid=ab-test-explained]").TextContent.ShouldContain("Members are split 50/50; the report names a winner with its confidence."));
        await page.InvokeAsync(() => InputOf(page, "ab-test").Change(true));
        page.WaitForAssertion(() => page.Find("[data-testid=ab-metric-ClickToOpenRate]"));
        await page.InvokeAsync(() => InputOf(page, "ab-metric-ClickToOpenRate").Click());
        Next(page);

        page.WaitForAssertion(() => page.Find("[data-testid=campaign-bid]"));
        (await CampaignAsync(id)).AbTestMetric.ShouldBe(AbTestMetric.ClickToOpenRate);
        (await SavedAdsAsync(id)).ShouldBe([ads[0], second]);
    }

    [Fact]
    public async Task ReopeningAnAbTestShowsItsAdsAndAThirdAdEndsTheTest()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.Draft, 2, AbTestMetric.LeadRate);
        var third = await Data.AdAsync(CampaignTestData.Maria, contoso);
        var page = await OpenAtStepAsync(contoso, id, "chosen-ads", nexts: 1);
        page.WaitForAssertion(() => ChosenAds(page).ShouldBe(ads));
        ((AngleSharp.Html.Dom.IHtmlInputElement)InputOf(page, "ab-test")).IsChecked.ShouldBeTrue();
        ((AngleSharp.Html.Dom.IHtmlInputElement)InputOf(page, "ab-metric-LeadRate")).IsChecked.ShouldBeTrue();

        await ChooseAsync(page, "campaign-ad", (int?)third);

        page.WaitForAssertion(() => page.FindAll("[data-testid=ab-test]").ShouldBeEmpty());
        Next(page);
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-bid]"));
        (await CampaignAsync(id)).AbTestMetric.ShouldBeNull();
        (await SavedAdsAsync(id)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task AnAdArchivedMeanwhileIsRefusedBesideTheAdsAndNothingChanges()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.Draft, 1);
        var second = await Data.AdAsync(CampaignTestData.Maria, contoso);
        var page = await OpenAtStepAsync(contoso, id, "chosen-ads", nexts: 1);
        await ChooseAsync(page, "campaign-ad", (int?)second);
        (await Database.Get<AdService>().ArchiveAsync(await UserIdAsync(CampaignTestData.Maria), contoso, second, Ct)).Succeeded.ShouldBeTrue();

        Next(page);

        page.WaitForAssertion(() => page.Find(".mud-input-control:has([data-testid=campaign-ad]) .mud-input-helper-text").TextContent
            .ShouldBe("Every ad must be one of this account's active ads."));
        page.Find("[data-testid=chosen-ads]");
        (await SavedAdsAsync(id)).ShouldBe(ads);
    }

    [Fact]
    public async Task TheForecastSaysHowTheSendsAreSharedBetweenTheAds()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, _) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.Draft, 3, rotation: AdRotation.Optimize);

        var page = await OpenAtStepAsync(contoso, id, "forecast", nexts: 5);

        page.Find("[data-testid=forecast-ads]").TextContent.ShouldBe("The sends are shared between the 3 ads (A, B, C): optimized for performance, starting even.");
    }

    private static List<int> ChosenAds(IRenderedComponent<CampaignWizardPage> page) =>
        [.. page.FindAll("[data-testid=chosen-ad]").Select(li => int.Parse(li.GetAttribute("data-ad-id")!, System.Globalization.CultureInfo.InvariantCulture))];

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<CampaignWizardPage> page, int adId) => page.Find($"[data-testid=chosen-ad][data-ad-id='{adId}']");

    /// <summary>The input of a MudRadio or MudCheckBox, whichever element carries the test id.</summary>
    private static AngleSharp.Dom.IElement InputOf(IRenderedComponent<CampaignWizardPage> page, string testId)
    {
        var element = page.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    private async Task<Campaign> CampaignAsync(int id) => (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), await AccountIdAsync("Contoso Cloud"), id, Ct))!;

    private async Task<IReadOnlyList<int>> SavedAdsAsync(int id)
    {
        await using var db = Database.CreateContext();
        return await CampaignVariants.AdIdsAsync(db, id, Ct);
    }

    private async Task<IRenderedComponent<CampaignWizardPage>> OpenAtStepAsync(int account, int id, string testId, int nexts)
    {
        var page = Render<CampaignWizardPage>(p => p.Add(x => x.AccountId, account).Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-name]"));
        for (var i = 0; i < nexts; i++)
        {
            var step = i;
            Next(page);
            page.WaitForAssertion(() => page.FindAll("[data-testid=wizard-errors]").ShouldBeEmpty($"step {step}"));
        }
        page.WaitForAssertion(() => page.Find($"[data-testid={testId}]"));
        return page;
    }

    /// <summary>Clicks Next and waits until its save has finished (it awaits the database: on PostgreSQL, truly).</summary>
    private static void Next(IRenderedComponent<CampaignWizardPage> page)
    {
        page.InvokeAsync(() => page.Find("[data-testid=wizard-next]").Click()).GetAwaiter().GetResult();
        page.WaitForAssertion(() => page.Find("[data-testid=wizard-actions]").GetAttribute("data-busy").ShouldBe("false"));
    }

    private static async Task ChooseAsync<T>(IRenderedComponent<CampaignWizardPage> page, string testId, T value)
    {
        // The Ad step lists the account's ads once they have loaded; a pick before that would be ignored.
        page.WaitForAssertion(() => page.FindAll($"[data-testid={testId}][data-loaded=false]").ShouldBeEmpty());
        var select = page.FindComponents<MudSelect<T>>().Single(s => s.FindAll($"[data-testid={testId}]").Count > 0);
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value));
    }

    private async Task<int> CountAsync(int account)
    {
        await using var db = Database.CreateContext();
        return await db.Campaigns.CountAsync(c => c.AdvertiserAccountId == account, Ct);
    }
}

using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Variants;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Campaigns;
using SponsoredInMail.Web.Components.Pages.Admin;

namespace SponsoredInMail.Tests.Web.Components.Admin;

public class ReviewPageTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private CampaignTestData Data => new(Database);

    [Fact]
    public async Task TheQueueListsSubmissionsOldestFirstWithTheirAccount()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        var contoso = await AccountIdAsync("Contoso Cloud");
        var northwind = await AccountIdAsync("Northwind Analytics");
        var older = await Data.CampaignAsync(contoso, CampaignStatus.InReview, name: $"Older {Guid.NewGuid():N}");
        Database.Clock.Advance(TimeSpan.FromMinutes(5));
        var newer = await Data.CampaignAsync(northwind, CampaignStatus.InReview, name: $"Newer {Guid.NewGuid():N}", email: CampaignTestData.Ben);

        var page = Render<ReviewQueuePage>();

        page.WaitForAssertion(() => page.Find("[data-testid=review-queue]"));
        var links = page.FindAll("[data-testid=review-link]").Select(a => a.GetAttribute("href")).ToList();
        links.IndexOf($"/admin/review/{older}").ShouldBeLessThan(links.IndexOf($"/admin/review/{newer}"));
        links.IndexOf($"/admin/review/{older}").ShouldBeGreaterThanOrEqualTo(0);
        page.FindAll("tr").Single(r => r.InnerHtml.Contains($"/admin/review/{newer}\"", StringComparison.Ordinal)).TextContent.ShouldContain("Northwind Analytics");
    }

    [Fact]
    public async Task TheReviewPageShowsTheAdAudienceLinksAndSettings()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.InReview);

        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=sponsored-message]"));
        page.Find("[data-testid=message-subject]").TextContent.ShouldStartWith("Hello ");
        page.Find("[data-testid=review-account]").TextContent.ShouldContain("Contoso Cloud");
        page.Find("[data-testid=audience-description]").TextContent.ShouldStartWith("in ");
        page.Find("[data-testid=deliverable]");
        page.FindAll("[data-testid=landing-urls] a").Select(a => a.GetAttribute("href")).ShouldBe(["https://contoso.example/go"]);
        page.Find("[data-testid=settings-bid]").TextContent.ShouldBe("$0.60");
        page.FindAll("[data-testid=history-row]").Count.ShouldBe(1);
    }

    [Fact]
    public async Task ApprovingReturnsToTheQueueAndTheCampaignIsApproved()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.InReview);
        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=approve]"));

        await page.InvokeAsync(() => page.Find("[data-testid=approve]").Click());

        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/admin/review"));
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!.Status.ShouldBe(CampaignStatus.Approved);
    }

    [Fact]
    public async Task RejectingWithOtherAndNoExplanationIsRefusedBesideTheField()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.InReview);
        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=reject]"));

        await ChooseReasonAsync(page, RejectionCode.Other);
        await page.InvokeAsync(() => page.Find("[data-testid=reject]").Click());

        page.WaitForAssertion(() => page.Find(".mud-input-control:has([data-testid=reject-details]) .mud-input-helper-text").TextContent
            .ShouldStartWith("Say what is wrong: the marketer needs it to fix the campaign."));
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!.Status.ShouldBe(CampaignStatus.InReview);
        Services.GetRequiredService<NavigationManager>().Uri.ShouldNotEndWith("/admin/review");
    }

    [Fact]
    public async Task RejectingWithAReasonTellsTheMarketerWhy()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.InReview);
        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=reject]"));

        await ChooseReasonAsync(page, RejectionCode.BrokenLandingPage);
        page.Find("[data-testid=reject-details]").Input("The page returns 404.");
        await page.InvokeAsync(() => page.Find("[data-testid=reject]").Click());

        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/admin/review"));
        var campaign = (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!;
        (campaign.Status, campaign.RejectionReason).ShouldBe((CampaignStatus.Rejected, "Broken landing page: The page returns 404."));
    }

    [Fact]
    public async Task ADecidedCampaignOffersNoDecision()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Approved);

        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=already-decided]"));
        page.FindAll("[data-testid=approve]").ShouldBeEmpty();
    }

    [Fact]
    public async Task ASingleAdCampaignOffersNoPerAdRejection()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.InReview);

        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=approve]").TextContent.Trim().ShouldBe("Approve"));
        page.FindAll("[data-testid=ad-preview]").Count.ShouldBe(1);
        page.Find("[data-testid=ad-preview] h2").TextContent.ShouldStartWith("Ad as members see it: ");
        page.FindAll("[data-testid=reject-ad]").ShouldBeEmpty();
    }

    [Fact]
    public async Task EveryAdIsPreviewedAndOneRejectedWithItsReasonWhileTheOthersAreApproved()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.InReview, 3);
        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.FindAll("[data-testid=ad-preview]").Count.ShouldBe(3));
        page.FindAll("[data-testid=ad-preview] h2").Select(h => h.TextContent[..4]).ShouldBe(["Ad A", "Ad B", "Ad C"]);
        page.FindAll("[data-testid=sponsored-message]").Count.ShouldBe(3);

        await RejectAdAsync(page, ads[1], "The subject shouts.");

        page.WaitForAssertion(() => page.Find("[data-testid=approve]").TextContent.Trim().ShouldBe("Approve with 2 of 3 ads"));
        await page.InvokeAsync(() => page.Find("[data-testid=approve]").Click());

        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/admin/review"));
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!.Status.ShouldBe(CampaignStatus.Approved);
        (await ReviewsOfAsync(id)).ShouldBe([(AdReview.Approved, null), (AdReview.Rejected, "The subject shouts."), (AdReview.Approved, null)]);
    }

    [Fact]
    public async Task RejectingEveryAdIsRefusedWithAMessageAndTheCampaignWaits()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.InReview, 2);
        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.FindAll("[data-testid=reject-ad]").Count.ShouldBe(2));

        await RejectAdAsync(page, ads[0], "Misleading claim.");
        await RejectAdAsync(page, ads[1], "Broken landing page.");
        await page.InvokeAsync(() => page.Find("[data-testid=approve]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=approve-error]").TextContent.ShouldBe("Every ad is rejected: reject the campaign instead, with a reason."));
        Services.GetRequiredService<NavigationManager>().Uri.ShouldNotEndWith("/admin/review");
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!.Status.ShouldBe(CampaignStatus.InReview);
        (await ReviewsOfAsync(id)).ShouldAllBe(r => r.Review == AdReview.Pending);
    }

    [Fact]
    public async Task ARejectedAdWithoutAReasonIsRefused()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, ads) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.InReview, 2);
        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.FindAll("[data-testid=reject-ad]").Count.ShouldBe(2));

        await page.InvokeAsync(() => CheckBox(page, ads[0]).Change(true));
        await page.InvokeAsync(() => page.Find("[data-testid=approve]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=approve-error]").TextContent.ShouldBe("Say why each rejected ad is rejected: the marketer needs it to fix the ad."));
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Ct))!.Status.ShouldBe(CampaignStatus.InReview);
    }

    [Fact]
    public async Task AnAbTestsAdsCannotBeRejectedOneByOne()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, _) = await Data.CampaignWithAdsAsync(contoso, CampaignStatus.InReview, 2, AbTestMetric.OpenRate);

        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, id));

        page.WaitForAssertion(() => page.FindAll("[data-testid=ab-test-review-note]").Count.ShouldBe(2));
        page.Find("[data-testid=ab-test-review-note]").TextContent.Trim().ShouldBe("An A/B test needs both of its ads: approve both, or reject the campaign.");
        page.FindAll("[data-testid=reject-ad]").ShouldBeEmpty();
        page.Find("[data-testid=settings-rotation]").TextContent.ShouldBe("A/B test on open rate, split 50/50");
    }

    private async Task RejectAdAsync(IRenderedComponent<ReviewDetailPage> page, int adId, string reason)
    {
        await page.InvokeAsync(() => CheckBox(page, adId).Change(true));
        page.WaitForAssertion(() => Card(page, adId).QuerySelector("[data-testid=reject-ad-reason]").ShouldNotBeNull());
        await page.InvokeAsync(() => Card(page, adId).QuerySelector("[data-testid=reject-ad-reason]")!.Input(reason));
    }

    private static AngleSharp.Dom.IElement Card(IRenderedComponent<ReviewDetailPage> page, int adId) => page.Find($"[data-testid=ad-preview][data-ad-id='{adId}']");

    private static AngleSharp.Dom.IElement CheckBox(IRenderedComponent<ReviewDetailPage> page, int adId) =>
        Card(page, adId).QuerySelector("input[data-testid=reject-ad], [data-testid=reject-ad] input")!;

    private async Task<List<(AdReview Review, string? Reason)>> ReviewsOfAsync(int campaignId)
    {
        await using var db = Database.CreateContext();
        return [.. (await CampaignVariants.ListAsync(db, campaignId, Ct)).Select(a => (a.Review, a.RejectionReason))];
    }

    private static async Task ChooseReasonAsync(IRenderedComponent<ReviewDetailPage> page, RejectionCode code)
    {
        var select = page.FindComponent<MudSelect<RejectionCode?>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(code));
    }
}

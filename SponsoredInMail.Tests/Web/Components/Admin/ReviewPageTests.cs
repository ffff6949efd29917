using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SponsoredInMail.Core.Campaigns;
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

    private static async Task ChooseReasonAsync(IRenderedComponent<ReviewDetailPage> page, RejectionCode code)
    {
        var select = page.FindComponent<MudSelect<RejectionCode?>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(code));
    }
}

using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Tests.Core.Variants;

/// <summary>An admin approves a campaign with some of its ads and rejects the others, each with a reason.</summary>
public class PerAdReviewTests : IAsyncLifetime
{
    private VariantScene _s = default!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _s = await VariantScene.CreateAsync();

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task ARejectedAdStaysRejectedWithItsReasonAndTheCampaignRunsWithTheOthers()
    {
        var (id, ads) = await _s.InReviewAsync(_s.Contoso, 3);

        var approved = await _s.Reviews.ApproveAsync(_s.Admin, id, new Dictionary<int, string> { [ads[1]] = "  The subject shouts.  " }, Ct);

        approved.Succeeded.ShouldBeTrue(approved.ToString());
        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Approved);
        (await _s.CampaignAdsAsync(id)).Select(a => (a.AdId, a.Review, a.RejectionReason)).ShouldBe(
        [
            (ads[0], AdReview.Approved, null),
            (ads[1], AdReview.Rejected, "The subject shouts."),
            (ads[2], AdReview.Approved, null),
        ]);
        var view = (await _s.Variants.GetAsync(_s.Maria, _s.Contoso, id, Ct))!;
        view.Ads[1].RejectionReason.ShouldBe("The subject shouts.");
    }

    [Fact]
    public async Task ApprovingWithoutRejectionsApprovesEveryAd()
    {
        var (id, _) = await _s.InReviewAsync(_s.Contoso, 2);

        (await _s.Reviews.ApproveAsync(_s.Admin, id, new Dictionary<int, string>(), Ct)).Succeeded.ShouldBeTrue();

        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Approved);
        (await _s.CampaignAdsAsync(id)).ShouldAllBe(a => a.Review == AdReview.Approved && a.RejectionReason == null);
    }

    [Fact]
    public async Task RejectingEveryAdIsRefusedAndTheCampaignStaysInReview()
    {
        var (id, ads) = await _s.InReviewAsync(_s.Contoso, 2);

        var approved = await _s.Reviews.ApproveAsync(_s.Admin, id, ads.ToDictionary(ad => ad, _ => "Misleading."), Ct);

        approved.ErrorFor("ads").ShouldBe("Every ad is rejected: reject the campaign instead, with a reason.");
        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.InReview);
        (await _s.CampaignAdsAsync(id)).ShouldAllBe(a => a.Review == AdReview.Pending);
    }

    [Fact]
    public async Task RejectingOneAdOfAnAbTestIsRefused()
    {
        var (id, ads) = await _s.InReviewAsync(_s.Contoso, 2, AbTestMetric.OpenRate);

        var approved = await _s.Reviews.ApproveAsync(_s.Admin, id, new Dictionary<int, string> { [ads[0]] = "Broken link." }, Ct);

        approved.ErrorFor("ads").ShouldBe("An A/B test needs both of its ads: reject the campaign instead, with a reason.");
        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.InReview);
        (await _s.CampaignAdsAsync(id)).ShouldAllBe(a => a.Review == AdReview.Pending);
    }

    [Fact]
    public async Task ARejectedAdNeedsAReason()
    {
        var (id, ads) = await _s.InReviewAsync(_s.Contoso, 2);

        var approved = await _s.Reviews.ApproveAsync(_s.Admin, id, new Dictionary<int, string> { [ads[0]] = "  " }, Ct);

        approved.ErrorFor("ads").ShouldBe("Say why each rejected ad is rejected: the marketer needs it to fix the ad.");
        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.InReview);
    }

    [Fact]
    public async Task TheReviewDetailPreviewsEveryAdInOrderWithItsLinks()
    {
        var (id, ads) = await _s.InReviewAsync(_s.Contoso, 2);

        var detail = (await _s.Reviews.GetAsync(_s.Admin, id, Ct))!;

        detail.Ads.Select(a => (a.Ad.Id, a.Letter)).ShouldBe([(ads[0], "A"), (ads[1], "B")]);
        detail.Ads.ShouldAllBe(a => a.Preview.MessageAd != null && a.LandingUrls.Count == 1);
        detail.LandingUrls.Count.ShouldBe(2);
    }
}

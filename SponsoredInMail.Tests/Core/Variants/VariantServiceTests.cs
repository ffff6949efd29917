using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Tests.Core.Variants;

/// <summary>Ending an A/B test: who may, on which campaigns, with which ad, and what it leaves behind.</summary>
public class VariantServiceTests : IAsyncLifetime
{
    private VariantScene _s = default!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _s = await VariantScene.CreateAsync();

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task EndingARunningTestSendsTheChosenAdToTheRestAndTheAuditLogSaysSo()
    {
        var (id, ads) = await _s.ActiveAsync(_s.Contoso, 2, AbTestMetric.OpenRate);
        _s.Database.Clock.Advance(TimeSpan.FromHours(3));

        var ended = await _s.Variants.EndAbTestAsync(_s.Maria, _s.Contoso, id, ads[1], Ct);

        ended.Succeeded.ShouldBeTrue(ended.ToString());
        var campaign = await _s.CampaignAsync(id);
        (campaign.WinnerAdId, campaign.AbTestEndedAt).ShouldBe((ads[1], _s.Database.Clock.GetUtcNow().UtcDateTime));
        await using var db = _s.Database.CreateContext();
        var entry = await db.AuditLog.SingleAsync(e => e.EntityType == "Campaign" && e.EntityId == id.ToString() && e.Action == "A/B test ended", Ct);
        (entry.ActorUserId, entry.After).ShouldBe((_s.Maria, $"winner ad {ads[1]}"));
        var view = (await _s.Variants.GetAsync(_s.Maria, _s.Contoso, id, Ct))!;
        view.CanEndAbTest.ShouldBeFalse();
        view.Winner!.Letter.ShouldBe("B");
    }

    [Fact]
    public async Task ACampaignThatIsNotAnAbTestIsRefused()
    {
        var (id, ads) = await _s.ActiveAsync(_s.Contoso, 2);

        var ended = await _s.Variants.EndAbTestAsync(_s.Maria, _s.Contoso, id, ads[0], Ct);

        ended.ErrorFor("status").ShouldBe("This campaign is not an A/B test.");
        (await _s.CampaignAsync(id)).WinnerAdId.ShouldBeNull();
    }

    [Fact]
    public async Task ATestAlreadyEndedCannotBeEndedAgainNorItsWinnerChanged()
    {
        var (id, ads) = await _s.ActiveAsync(_s.Contoso, 2, AbTestMetric.ClickToOpenRate);
        (await _s.Variants.EndAbTestAsync(_s.Maria, _s.Contoso, id, ads[0], Ct)).Succeeded.ShouldBeTrue();

        var again = await _s.Variants.EndAbTestAsync(_s.Maria, _s.Contoso, id, ads[1], Ct);

        again.ErrorFor("status").ShouldBe("This A/B test has already ended.");
        (await _s.CampaignAsync(id)).WinnerAdId.ShouldBe(ads[0]);
    }

    [Fact]
    public async Task AWinnerThatIsNotOneOfTheTestsAdsIsRefused()
    {
        var (id, _) = await _s.ActiveAsync(_s.Contoso, 2, AbTestMetric.OpenRate);
        var otherAd = await _s.AdAsync(_s.Contoso, "Not in the test");

        var ended = await _s.Variants.EndAbTestAsync(_s.Maria, _s.Contoso, id, otherAd, Ct);

        ended.ErrorFor("winner").ShouldBe("The winner must be one of the test's two ads.");
        (await _s.CampaignAsync(id)).WinnerAdId.ShouldBeNull();
    }

    [Fact]
    public async Task ATestThatHasNotStartedCannotBeEnded()
    {
        var (id, ads) = await _s.DraftAsync(_s.Contoso, 2, AbTestMetric.OpenRate);

        var ended = await _s.Variants.EndAbTestAsync(_s.Maria, _s.Contoso, id, ads[0], Ct);

        ended.ErrorFor("status").ShouldBe("An A/B test can be ended while the campaign runs or is paused; this one is draft.");
        (await _s.CampaignAsync(id)).WinnerAdId.ShouldBeNull();
    }

    [Fact]
    public async Task AnotherAccountsCampaignAnswersLikeAMissingOne()
    {
        var (id, ads) = await _s.ActiveAsync(_s.Contoso, 2, AbTestMetric.OpenRate);

        // Ben manages Northwind, not Contoso: neither through his own account nor through Contoso's id.
        var throughOwnAccount = await _s.Variants.EndAbTestAsync(_s.Ben, _s.Northwind, id, ads[0], Ct);
        var throughTheirAccount = await _s.Variants.EndAbTestAsync(_s.Ben, _s.Contoso, id, ads[0], Ct);

        throughOwnAccount.ErrorFor("campaign").ShouldBe("Campaign not found.");
        throughTheirAccount.Succeeded.ShouldBeFalse();
        (await _s.Variants.GetAsync(_s.Ben, _s.Northwind, id, Ct)).ShouldBeNull();
        (await _s.CampaignAsync(id)).WinnerAdId.ShouldBeNull();
    }

    [Fact]
    public async Task AViewerSeesTheTestButCannotEndIt()
    {
        var (id, ads) = await _s.ActiveAsync(_s.Northwind, 2, AbTestMetric.OpenRate);

        var ended = await _s.Variants.EndAbTestAsync(_s.Maria, _s.Northwind, id, ads[0], Ct);

        ended.ErrorFor("account")!.ShouldStartWith("Only a Manager of this account can");
        (await _s.Variants.GetAsync(_s.Maria, _s.Northwind, id, Ct))!.CanEndAbTest.ShouldBeTrue();
        (await _s.CampaignAsync(id)).WinnerAdId.ShouldBeNull();
        await using var db = _s.Database.CreateContext();
        (await db.AuditLog.AnyAsync(e => e.EntityId == id.ToString() && e.Action == "A/B test ended", Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task TheSuggestedWinnerIsTheAdAheadWhenTheVerdictHasNone()
    {
        var (id, ads) = await _s.ActiveAsync(_s.Contoso, 2, AbTestMetric.OpenRate);
        await DeliverAsync(id, ads[0], sends: 10, opens: 2);
        await DeliverAsync(id, ads[1], sends: 10, opens: 5);

        var view = (await _s.Variants.GetAsync(_s.Maria, _s.Contoso, id, Ct))!;

        view.AbTest!.Winner.ShouldBe(AbWinner.None);
        view.SuggestedWinner!.AdId.ShouldBe(ads[1]);
        view.Ads.Select(a => a.ShareOfSends).ShouldBe([0.5, 0.5]);
    }

    [Fact]
    public async Task AdIdsReadsTheAdsInOrderOnlyForTheCampaignsOwnAccount()
    {
        var (id, ads) = await _s.DraftAsync(_s.Contoso, 3);

        (await _s.Variants.AdIdsAsync(_s.Maria, _s.Contoso, id, Ct)).ShouldBe(ads);
        (await _s.Variants.AdIdsAsync(_s.Ben, _s.Northwind, id, Ct)).ShouldBeEmpty();
    }

    /// <summary>Sends of one ad to members no other send reached, <paramref name="opens"/> of them opened.</summary>
    private async Task DeliverAsync(int campaignId, int adId, int sends, int opens)
    {
        await using var db = _s.Database.CreateContext();
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == campaignId, Ct);
        var taken = db.Deliveries.Where(d => d.CampaignId == campaignId).Select(d => d.MemberId);
        var members = await db.Members.Where(m => !taken.Contains(m.Id)).OrderBy(m => m.Id).Select(m => m.Id).Take(sends).ToListAsync(Ct);
        var now = _s.Database.Clock.GetUtcNow().UtcDateTime;
        db.Deliveries.AddRange(members.Select((member, i) => new SponsoredInMail.Core.Deliveries.Delivery
        {
            CampaignId = campaignId, MemberId = member, AdvertiserAccountId = campaign.AdvertiserAccountId, AdId = adId, PriceCents = campaign.BidCents,
            DeliveredAt = now, FirstOpenedAt = i < opens ? now : null,
        }));
        await db.SaveChangesAsync(Ct);
    }
}

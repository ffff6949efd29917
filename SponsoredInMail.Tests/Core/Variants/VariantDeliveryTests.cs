using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Variants;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Variants;

/// <summary>The delivery engine with several ads per campaign: who gets which ad, and what it never sends.</summary>
public class VariantDeliveryTests : IAsyncLifetime
{
    private DeliveryScenario _s = default!;
    private int _contoso;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _s = await DeliveryScenario.CreateAsync(settings: new Dictionary<string, string?> { ["Delivery:BatchSize"] = "200" });
        _contoso = await _s.AccountAsync("Contoso Cloud");
    }

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task EvenRotationGivesEachMemberTheAdTheirHashPicksAndSplitsRoughlyInHalf()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000);
        var (a, b) = (await FirstAdAsync(id), await AddAdAsync(id, AdReview.Approved));
        await ApproveAsync(id, a);

        await _s.Engine.RunUntilIdleAsync(Ct);

        var deliveries = await _s.DeliveriesAsync(id);
        deliveries.Count.ShouldBeGreaterThan(200);
        deliveries.ShouldAllBe(d => d.AdId == a || d.AdId == b);
        deliveries.Where(d => d.AdId != (RotationRules.Pick(id, d.MemberId, [0.5, 0.5]) == 0 ? a : b)).ShouldBeEmpty();
        var shareA = deliveries.Count(d => d.AdId == a) / (double)deliveries.Count;
        shareA.ShouldBeInRange(0.35, 0.65);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task TheLastSendsABudgetPaysForSplitBetweenTheAdsToo()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, lifetimeCents: 50 * 40);
        var (a, b) = (await FirstAdAsync(id), await AddAdAsync(id, AdReview.Approved));
        await ApproveAsync(id, a);

        await _s.Engine.RunUntilIdleAsync(Ct);

        var deliveries = await _s.DeliveriesAsync(id);
        deliveries.Count.ShouldBe(40);
        deliveries.Count(d => d.AdId == a).ShouldBeInRange(15, 25);
        deliveries.Count(d => d.AdId == b).ShouldBeInRange(15, 25);
    }

    [Theory]
    [InlineData(100, new[] { 3, 3, 3 }, new long[] { 3, 3, 3 })]
    [InlineData(5, new[] { 3, 3, 3 }, new long[] { 2, 2, 1 })]
    [InlineData(40, new[] { 101, 99 }, new long[] { 20, 20 })]
    [InlineData(1, new[] { 1, 5 }, new long[] { 0, 1 })]
    [InlineData(0, new[] { 4, 4 }, new long[] { 0, 0 })]
    public void EachGroupGetsItsShareOfALimitThatCannotPayForEveryone(long limit, int[] sizes, long[] shares)
    {
        var groups = sizes.Select((size, i) => new SponsoredInMail.Core.Deliveries.AdGroup(i, null, [.. Enumerable.Range(0, size)])).ToList();

        SponsoredInMail.Core.Deliveries.SendBudget.Shares(limit, groups).ShouldBe(shares);
    }

    [Fact]
    public async Task ARejectedAdIsNeverSent()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000);
        var a = await FirstAdAsync(id);
        await ApproveAsync(id, a);
        var rejected = await AddAdAsync(id, AdReview.Rejected);
        var b = await AddAdAsync(id, AdReview.Approved);

        await _s.Engine.RunUntilIdleAsync(Ct);

        var deliveries = await _s.DeliveriesAsync(id);
        deliveries.ShouldNotContain(d => d.AdId == rejected);
        deliveries.Select(d => d.AdId).Distinct().Order().ShouldBe(new[] { a, b }.Order());
    }

    [Fact]
    public async Task OnceTheABTestEndsEveryLaterSendCarriesTheWinner()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000);
        var a = await FirstAdAsync(id);
        await ApproveAsync(id, a);
        var b = await AddAdAsync(id, AdReview.Approved);
        await using (var db = _s.Database.CreateContext())
        {
            await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.AbTestMetric, AbTestMetric.OpenRate), Ct);
        }
        (await _s.Engine.RunRoundAsync(Ct)).Sent.ShouldBe(200);
        var tested = await _s.DeliveriesAsync(id);
        tested.Select(d => d.AdId).Distinct().Count().ShouldBe(2);

        var (maria, _, contoso, _) = await _s.Database.DemoCastAsync();
        contoso.ShouldBe(_contoso);
        (await _s.Database.Get<VariantService>().EndAbTestAsync(maria, contoso, id, b, Ct)).Succeeded.ShouldBeTrue();
        await _s.Engine.RunUntilIdleAsync(Ct);

        var later = (await _s.DeliveriesAsync(id)).Skip(tested.Count).ToList();
        later.Count.ShouldBeGreaterThan(0);
        later.ShouldAllBe(d => d.AdId == b);
    }

    [Fact]
    public async Task AMemberWhoOptedOutOfOneAdsSenderNeverGetsThatSendersAd()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000);
        var a = await FirstAdAsync(id);
        await ApproveAsync(id, a);
        var otherSender = await OtherSenderAsync(id);
        var b = await AddAdAsync(id, AdReview.Approved, otherSender);
        var members = _s.Index.DeliverableSet(DeliveryScenario.Countries("US"), _contoso, null);
        var optedOut = new List<int>();
        for (var m = 0; optedOut.Count < 20 && m < members.Length * 64; m++)
        {
            if ((members[m >> 6] & (1UL << (m & 63))) != 0 && RotationRules.Pick(id, m, [0.5, 0.5]) == 1)
            {
                optedOut.Add(m);
            }
        }
        optedOut.Count.ShouldBe(20);
        await using (var db = _s.Database.CreateContext())
        {
            db.MemberOptOuts.AddRange(optedOut.Select(m => new MemberOptOut
            {
                MemberId = m, Scope = OptOutScope.Sender, SenderMemberId = otherSender, CreatedAt = _s.Database.Clock.GetUtcNow().UtcDateTime.AddDays(-1),
            }));
            await db.SaveChangesAsync(Ct);
        }

        await _s.Engine.RunUntilIdleAsync(Ct);

        var deliveries = await _s.DeliveriesAsync(id);
        deliveries.ShouldContain(d => d.AdId == b);
        deliveries.ShouldNotContain(d => optedOut.Contains(d.MemberId) && d.AdId == b);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task TheMemberSeesTheAdTheirDeliveryCarried()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000);
        var a = await FirstAdAsync(id);
        await ApproveAsync(id, a);
        var b = await AddAdAsync(id, AdReview.Approved, subject: "The B subject");
        await _s.Engine.RunRoundAsync(Ct);
        var delivery = (await _s.DeliveriesAsync(id)).First(d => d.AdId == b);

        var inbox = await _s.Database.Get<InboxService>().ListAsync(delivery.MemberId, Ct);

        inbox.ShouldContain(i => i.Kind == InboxItemKind.Sponsored && i.Id == delivery.Id && i.Subject == "The B subject");
    }

    private async Task<int> FirstAdAsync(int campaignId) => (await _s.CampaignAsync(campaignId)).AdId!.Value;

    private async Task ApproveAsync(int campaignId, int adId)
    {
        await using var db = _s.Database.CreateContext();
        db.CampaignAds.Add(new CampaignAd { CampaignId = campaignId, AdId = adId, Position = 0, Review = AdReview.Approved });
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>Another ad for the campaign (a copy of its first, by <paramref name="sender"/> if given), at the next position.</summary>
    private async Task<int> AddAdAsync(int campaignId, AdReview review, int? sender = null, string subject = "Hello again")
    {
        await using var db = _s.Database.CreateContext();
        var first = await db.Ads.AsNoTracking().SingleAsync(a => a.Id == db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.AdId).Single(), Ct);
        var ad = new Ad
        {
            AdvertiserAccountId = first.AdvertiserAccountId, Name = "Variant", Format = first.Format, SenderMemberId = sender ?? first.SenderMemberId,
            Subject = subject, Body = first.Body, CtaText = first.CtaText, CtaTarget = first.CtaTarget, LandingUrl = first.LandingUrl,
            CreatedByUserId = "test", CreatedAt = first.CreatedAt, UpdatedByUserId = "test", UpdatedAt = first.CreatedAt,
        };
        db.Ads.Add(ad);
        await db.SaveChangesAsync(Ct);
        var position = await db.CampaignAds.CountAsync(c => c.CampaignId == campaignId, Ct);
        db.CampaignAds.Add(new CampaignAd { CampaignId = campaignId, AdId = ad.Id, Position = position, Review = review });
        await db.SaveChangesAsync(Ct);
        return ad.Id;
    }

    private async Task<int> OtherSenderAsync(int campaignId)
    {
        await using var db = _s.Database.CreateContext();
        var first = await db.Ads.Where(a => a.Id == db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.AdId).Single()).Select(a => a.SenderMemberId).SingleAsync(Ct);
        return await db.SenderPermissions.Where(p => p.AdvertiserAccountId == _contoso && p.Status == SenderPermissionStatus.Granted && p.MemberId != first)
            .OrderBy(p => p.MemberId).Select(p => p.MemberId).FirstAsync(Ct);
    }
}

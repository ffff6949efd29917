using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Variants;
using SponsoredInMail.Tests.Web.Components.Inbox;

namespace SponsoredInMail.Tests.Web;

/// <summary>A finished campaign with two ads and one send each, in a running app's database (for the report's HTTP tests).</summary>
public static class TwoAdCampaign
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A campaign of the account with two ads ("Variant A", "Variant B"), each sent once on <paramref name="sentOn"/>;
    /// A's member also opened it.
    /// </summary>
    public static async Task<(int Campaign, int AdA, int AdB)> CreateAsync(IDbContextFactory<AppDbContext> factory, string account, DateTime sentOn)
    {
        var data = new InboxTestData(factory, () => DateTime.UtcNow);
        var first = await data.MessageAdAsync(InboxTestData.NewMember(), account, "Report", sentOn);
        var adB = await data.AdAsync(account, ad => ad.Name = "Variant B");
        await using var db = await factory.CreateDbContextAsync(Ct);
        var delivery = await db.Deliveries.SingleAsync(d => d.Id == first, Ct);
        await db.Ads.Where(a => a.Id == delivery.AdId).ExecuteUpdateAsync(u => u.SetProperty(a => a.Name, "Variant A"), Ct);
        db.CampaignAds.AddRange(
            new CampaignAd { CampaignId = delivery.CampaignId, AdId = delivery.AdId, Position = 0 },
            new CampaignAd { CampaignId = delivery.CampaignId, AdId = adB, Position = 1 });
        db.Deliveries.Add(new Delivery
        {
            CampaignId = delivery.CampaignId, MemberId = InboxTestData.NewMember(), AdvertiserAccountId = delivery.AdvertiserAccountId, AdId = adB, PriceCents = 50,
            DeliveredAt = sentOn,
        });
        await db.SaveChangesAsync(Ct);
        // The second send's tally and the first one's open, as the engine and the inbox write them.
        await db.CampaignDailyStats.Where(x => x.CampaignId == delivery.CampaignId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Sends, x => x.Sends + 1).SetProperty(x => x.SpendCents, x => x.SpendCents + 50).SetProperty(x => x.Opens, 1), Ct);
        await db.Deliveries.Where(d => d.Id == first).ExecuteUpdateAsync(u => u.SetProperty(d => d.FirstOpenedAt, sentOn.AddMinutes(5)), Ct);
        db.EngagementEvents.Add(new EngagementEvent
        {
            DeliveryId = first, CampaignId = delivery.CampaignId, MemberId = delivery.MemberId, Kind = EventKind.Open,
            At = sentOn.AddMinutes(5), Counted = true,
        });
        await db.SaveChangesAsync(Ct);
        return (delivery.CampaignId, delivery.AdId, adB);
    }
}

using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Variants;

/// <summary>Reads and writes a campaign's <see cref="CampaignAd"/> rows inside the caller's transaction.</summary>
public static class CampaignVariants
{
    /// <summary>The campaign's ads in order.</summary>
    public static async Task<IReadOnlyList<int>> AdIdsAsync(AppDbContext db, int campaignId, CancellationToken ct) =>
        await db.CampaignAds.AsNoTracking().Where(a => a.CampaignId == campaignId).OrderBy(a => a.Position).Select(a => a.AdId).ToListAsync(ct);

    public static async Task<IReadOnlyList<CampaignAd>> ListAsync(AppDbContext db, int campaignId, CancellationToken ct) =>
        await db.CampaignAds.AsNoTracking().Where(a => a.CampaignId == campaignId).OrderBy(a => a.Position).ToListAsync(ct);

    /// <summary>Replaces the campaign's ads with <paramref name="ads"/>, in that order, all pending review.</summary>
    public static async Task SetAsync(AppDbContext db, int campaignId, IReadOnlyList<int> ads, CancellationToken ct)
    {
        await db.CampaignAds.Where(a => a.CampaignId == campaignId).ExecuteDeleteAsync(ct);
        db.CampaignAds.AddRange(ads.Select((ad, i) => new CampaignAd { CampaignId = campaignId, AdId = ad, Position = i }));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Every ad back to pending: a submitted campaign is reviewed ad by ad anew.</summary>
    public static Task ResetReviewAsync(AppDbContext db, int campaignId, CancellationToken ct) =>
        db.CampaignAds.Where(a => a.CampaignId == campaignId)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.Review, AdReview.Pending).SetProperty(a => a.RejectionReason, (string?)null), ct);
}

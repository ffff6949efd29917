using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Variants;

/// <summary>
/// What each of a campaign's ads has done so far, counted from the deliveries themselves (unique opens and clicks are
/// the deliveries' first-open and first-click marks) and the leads: exact at any moment, on any instance.
/// </summary>
public static class AdOutcomesQuery
{
    /// <summary>One entry per ad in <paramref name="ads"/>, in that order (an ad without sends yet has zeros).</summary>
    public static async Task<IReadOnlyList<AdOutcomes>> ForAsync(AppDbContext db, int campaignId, IReadOnlyList<int> ads, CancellationToken ct)
    {
        var sends = await db.Deliveries.AsNoTracking().Where(d => d.CampaignId == campaignId).GroupBy(d => d.AdId)
            .Select(g => new
            {
                AdId = g.Key,
                Sends = g.LongCount(),
                Opens = g.LongCount(d => d.FirstOpenedAt != null),
                Clicks = g.LongCount(d => d.FirstClickedAt != null),
            }).ToDictionaryAsync(r => r.AdId, ct);
        var leads = await (from l in db.Leads.AsNoTracking()
                           where l.CampaignId == campaignId
                           join d in db.Deliveries on l.DeliveryId equals d.Id
                           group l by d.AdId into g
                           select new { AdId = g.Key, Count = g.LongCount() }).ToDictionaryAsync(r => r.AdId, r => r.Count, ct);
        return [.. ads.Select(ad => sends.TryGetValue(ad, out var s)
            ? new AdOutcomes(ad, s.Sends, s.Opens, s.Clicks, leads.GetValueOrDefault(ad))
            : new AdOutcomes(ad, 0, 0, 0, leads.GetValueOrDefault(ad)))];
    }
}

using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Reports;
using SponsoredInMail.Core.Variants;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Reports;

/// <summary>
/// An Active campaign carrying several ads, as if reviewed and launched: its first ad as <see cref="DeliveryScenario"/>
/// makes it, copies of it as the others (each configured by its position), all listed and approved, so that the
/// delivery engine rotates them evenly.
/// </summary>
public static class MultiAdCampaign
{
    /// <returns>The campaign and its ads in order (A first).</returns>
    public static async Task<(int Campaign, IReadOnlyList<int> Ads)> LaunchAsync(
        DeliveryScenario scenario, int accountId, Targeting targeting, int ads, long bidCents, long lifetimeCents, long? dailyCents = null,
        Action<Ad, int>? configureAd = null)
    {
        var campaign = await scenario.LaunchAsync(accountId, targeting, bidCents, lifetimeCents, dailyCents, configureAd: ad =>
        {
            ad.Name = "Ad A";
            configureAd?.Invoke(ad, 0);
        });
        await using var db = scenario.Database.CreateContext();
        var first = await db.Campaigns.Where(c => c.Id == campaign).Select(c => c.AdId!.Value).SingleAsync();
        var template = await db.Ads.AsNoTracking().SingleAsync(a => a.Id == first);
        List<int> ids = [first];
        for (var position = 1; position < ads; position++)
        {
            var copy = new Ad
            {
                AdvertiserAccountId = template.AdvertiserAccountId, Name = $"Ad {ReportService.Letter(position)}", Format = template.Format,
                SenderMemberId = template.SenderMemberId, Subject = $"{template.Subject} {position}", Body = template.Body, CtaText = template.CtaText,
                CtaTarget = template.CtaTarget, LandingUrl = template.LandingUrl, LeadFormId = template.LeadFormId, ConversationJson = template.ConversationJson,
                CreatedByUserId = "test", CreatedAt = template.CreatedAt, UpdatedByUserId = "test", UpdatedAt = template.UpdatedAt,
            };
            configureAd?.Invoke(copy, position);
            db.Ads.Add(copy);
            await db.SaveChangesAsync();
            ids.Add(copy.Id);
        }
        db.CampaignAds.AddRange(ids.Select((ad, i) => new CampaignAd { CampaignId = campaign, AdId = ad, Position = i, Review = AdReview.Approved }));
        await db.SaveChangesAsync();
        return (campaign, ids);
    }
}

using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Reports;
using SponsoredInMail.Core.Variants;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Reports;

/// <summary>
/// Campaigns carrying several ads, as if reviewed and launched: the campaign's first ad as the test made it ("Ad A"),
/// copies of it as the others ("Ad B", …, each configurable by its position), all listed and approved.
/// </summary>
public static class MultiAdCampaign
{
    /// <summary>An Active campaign the delivery engine rotates evenly over its ads.</summary>
    /// <returns>The campaign and its ads in order (A first).</returns>
    public static async Task<(int Campaign, IReadOnlyList<int> Ads)> LaunchAsync(
        DeliveryScenario scenario, int accountId, Targeting targeting, int ads, long bidCents, long lifetimeCents, long? dailyCents = null,
        Action<Ad, int>? configureAd = null)
    {
        var campaign = await scenario.LaunchAsync(accountId, targeting, bidCents, lifetimeCents, dailyCents, configureAd: ad => configureAd?.Invoke(ad, 0));
        return (campaign, await AddAdsAsync(scenario.Database.Factory, campaign, ads, configureAd));
    }

    /// <summary>Gives an existing campaign <paramref name="ads"/> ads in all: its own first, then copies.</summary>
    public static async Task<IReadOnlyList<int>> AddAdsAsync(IDbContextFactory<SponsoredInMail.Core.Data.AppDbContext> factory, int campaign, int ads,
        Action<Ad, int>? configureAd = null)
    {
        await using var db = await factory.CreateDbContextAsync();
        var first = await db.Campaigns.Where(c => c.Id == campaign).Select(c => c.AdId!.Value).SingleAsync();
        await db.Ads.Where(a => a.Id == first).ExecuteUpdateAsync(u => u.SetProperty(a => a.Name, "Ad A"));
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
        return ids;
    }

    /// <summary>
    /// Gives the campaign's deliveries (in id order) its ads in turn — A, B, A, B, … — as an even rotation would have,
    /// before anyone engaged with them. Tallies count sends per campaign only, so they stay right.
    /// </summary>
    public static async Task SpreadDeliveriesAsync(IDbContextFactory<SponsoredInMail.Core.Data.AppDbContext> factory, int campaign, IReadOnlyList<int> ads)
    {
        await using var db = await factory.CreateDbContextAsync();
        var deliveries = await db.Deliveries.Where(d => d.CampaignId == campaign).OrderBy(d => d.Id).Select(d => d.Id).ToListAsync();
        for (var i = 0; i < deliveries.Count; i++)
        {
            var id = deliveries[i];
            await db.Deliveries.Where(d => d.Id == id).ExecuteUpdateAsync(u => u.SetProperty(d => d.AdId, ads[i % ads.Count]));
        }
    }
}

using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Engagement;

/// <summary>Stores an ad's URLs as tracked links (once each), so tokens can name them by id.</summary>
public sealed class AdLinkRegistry(IDbContextFactory<AppDbContext> factory)
{
    public async Task<IReadOnlyDictionary<(LinkKind Kind, string Url), int>> EnsureAsync(int adId, IReadOnlyCollection<(LinkKind Kind, string Url)> links, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var known = await Known(db, adId, ct);
        var missing = links.Distinct().Where(l => !known.ContainsKey(l)).ToList();
        if (missing.Count == 0)
        {
            return known;
        }
        db.AdLinks.AddRange(missing.Select(l => new AdLink { AdId = adId, Kind = l.Kind, Url = l.Url }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request stored some of them first; theirs are as good.
        }
        await using var fresh = await factory.CreateDbContextAsync(ct);
        return await Known(fresh, adId, ct);
    }

    /// <summary>Every URL a member can follow in the ad, with where it sits (found by the one renderer itself).</summary>
    public static IReadOnlyList<(LinkKind Kind, string Url)> LinksOf(Ads.Ad ad)
    {
        var found = new List<(LinkKind, string)>();
        string Collect(string url, LinkKind kind)
        {
            found.Add((kind, url));
            return url;
        }
        _ = ad.Format == Ads.AdFormat.MessageAd
            ? (object)Ads.MessageRenderer.RenderMessageAd(ad, new Ads.SenderCard("", ""), null, Collect)
            : Ads.MessageRenderer.RenderConversation(ad, new Ads.SenderCard("", ""), null, Collect);
        return found.Distinct().ToList();
    }

    private static async Task<Dictionary<(LinkKind, string), int>> Known(AppDbContext db, int adId, CancellationToken ct) =>
        (await db.AdLinks.AsNoTracking().Where(l => l.AdId == adId).ToListAsync(ct)).ToDictionary(l => (l.Kind, l.Url), l => l.Id);
}

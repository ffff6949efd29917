using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Conversions;

/// <summary>A campaign's holdout test as its report shows it: its share held out, what it spent and the lift figures.</summary>
public sealed record HoldoutLift(int CampaignId, int HoldoutPercent, long SpentCents, LiftEstimate Estimate);

/// <summary>
/// Counts a campaign's sent members (its deliveries), held-out members (its <see cref="CampaignHoldout"/> rows) and the
/// converters of each: a member converted when any conversion event of the campaign's account names them and happened
/// within [their send or hold time, + the event's definition's post-send window]. The same rule for both groups,
/// whether or not the event was attributed (a held-out member's never is) or counted in reports.
/// </summary>
/// <remarks>
/// Starts from the account's conversion events that name a member (few, next to the deliveries; index
/// (AdvertiserAccountId, MemberId, OccurredAt)), then looks up only those members' delivery and holdout of this campaign,
/// <see cref="ChunkSize"/> ids at a time, by the unique (CampaignId, MemberId) keys. The group sizes are two counts.
/// </remarks>
public static class HoldoutLiftQuery
{
    /// <summary>Member ids per look-up (well under every provider's parameter limits).</summary>
    public const int ChunkSize = 500;

    /// <summary>The campaign's lift, or null when it holds nobody out.</summary>
    public static async Task<HoldoutLift?> ForAsync(AppDbContext db, Campaign campaign, CancellationToken ct)
    {
        if (campaign.HoldoutPercent <= 0)
        {
            return null;
        }
        var campaignId = campaign.Id;
        var sent = await db.Deliveries.AsNoTracking().LongCountAsync(d => d.CampaignId == campaignId, ct);
        var heldOut = await db.CampaignHoldouts.AsNoTracking().LongCountAsync(h => h.CampaignId == campaignId, ct);

        // Nobody was sent or held before the launch, so earlier conversions cannot be inside anyone's window.
        var since = campaign.LaunchedAt ?? DateTime.MinValue;
        var events = await (from e in db.ConversionEvents.AsNoTracking()
                            where e.AdvertiserAccountId == campaign.AdvertiserAccountId && e.MemberId != null && e.OccurredAt >= since
                            join d in db.ConversionDefinitions on e.ConversionDefinitionId equals d.Id
                            select new { MemberId = e.MemberId!.Value, e.OccurredAt, d.PostSendDays }).ToListAsync(ct);
        var byMember = events.GroupBy(e => e.MemberId).ToDictionary(g => g.Key, g => g.Select(e => (e.OccurredAt, e.PostSendDays)).ToList());

        long sentConverters = 0, heldOutConverters = 0;
        foreach (var chunk in byMember.Keys.Order().Chunk(ChunkSize))
        {
            var sends = await db.Deliveries.AsNoTracking().Where(d => d.CampaignId == campaignId && chunk.Contains(d.MemberId))
                .Select(d => new { d.MemberId, At = d.DeliveredAt }).ToListAsync(ct);
            sentConverters += sends.Count(s => ConvertedAfter(byMember[s.MemberId], s.At));
            var holds = await db.CampaignHoldouts.AsNoTracking().Where(h => h.CampaignId == campaignId && chunk.Contains(h.MemberId))
                .Select(h => new { h.MemberId, At = h.HeldAt }).ToListAsync(ct);
            heldOutConverters += holds.Count(h => ConvertedAfter(byMember[h.MemberId], h.At));
        }

        var estimate = LiftRules.Estimate(sent, sentConverters, heldOut, heldOutConverters, campaign.SpentCents);
        return new HoldoutLift(campaignId, campaign.HoldoutPercent, campaign.SpentCents, estimate);
    }

    /// <summary>Whether one of the member's conversions happened at or after <paramref name="touch"/>, within its definition's post-send window (both ends included).</summary>
    internal static bool ConvertedAfter(List<(DateTime OccurredAt, int PostSendDays)> conversions, DateTime touch) =>
        conversions.Exists(c => c.OccurredAt >= touch && c.OccurredAt <= touch.AddDays(c.PostSendDays));
}

/// <summary>A campaign's holdout lift for the people who may read the campaign (any seat on its account).</summary>
public sealed class HoldoutLiftService(IDbContextFactory<AppDbContext> factory, AccountScope scope)
{
    /// <summary>The lift, or null when the campaign holds nobody out, is another account's, or does not exist.</summary>
    public async Task<HoldoutLift?> ForCampaignAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default)
    {
        if (await scope.ReadAsync<Campaign>(actorUserId, accountId, campaignId, ct) is not { HoldoutPercent: > 0 } campaign)
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        return await HoldoutLiftQuery.ForAsync(db, campaign, ct);
    }
}

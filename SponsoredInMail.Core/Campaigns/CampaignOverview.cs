using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Deliveries;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>One row of an account's campaign list: settings, audience size now, and delivery so far.</summary>
public sealed record CampaignSummary(
    int Id, string Name, CampaignStatus Status, CampaignObjective Objective, string? AudienceName, string? AdName,
    long BidCents, long LifetimeBudgetCents, long? DailyBudgetCents, long SpentCents, int Sends, int? AudienceSize,
    DateTime StartAt, DateTime? EndAt, DateTime UpdatedAt, CampaignSendingState SendingState);

/// <summary>
/// The live progress panel: sent of eligible (sent plus those who can still receive it now), spend of budget,
/// today's spend of the daily budget, and the current rate.
/// </summary>
public sealed record CampaignProgress(
    CampaignStatus Status, int Sent, int Eligible, long SpentCents, long LifetimeBudgetCents, long SpentTodayCents,
    long? DailyBudgetCents, double SendsPerSecond, string? LastReason, CampaignSendingState SendingState);

/// <summary>Read models for the campaign list and campaign page; a campaign of another account reads as missing.</summary>
public sealed class CampaignOverview(
    IDbContextFactory<AppDbContext> factory, AccountScope scope, AudienceIndex index, DeliveryMonitor monitor,
    CampaignSendingStates sendingStates, TimeProvider clock)
{
    public async Task<IReadOnlyList<CampaignSummary>> ListAsync(string actorUserId, int accountId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await (from c in db.Campaigns.AsNoTracking()
                          where c.AdvertiserAccountId == accountId
                          orderby c.UpdatedAt descending
                          select new
                          {
                              Campaign = c,
                              Saved = db.SavedAudiences.Where(a => a.Id == c.SavedAudienceId).Select(a => new { a.Name, a.TargetingJson }).FirstOrDefault(),
                              Ad = db.Ads.Where(a => a.Id == c.AdId).Select(a => new { a.Name, a.SenderMemberId }).FirstOrDefault(),
                              Sends = db.CampaignDailyStats.Where(s => s.CampaignId == c.Id).Sum(s => (int?)s.Sends) ?? 0,
                          }).ToListAsync(ct);
        var summaries = new List<CampaignSummary>(rows.Count);
        foreach (var r in rows)
        {
            var c = r.Campaign;
            var targeting = c.TargetingJson ?? r.Saved?.TargetingJson;
            int? size = targeting is null || !index.IsReady ? null
                : index.Count(Targeting.FromJson(targeting), accountId, r.Ad?.SenderMemberId).Deliverable;
            summaries.Add(new CampaignSummary(c.Id, c.Name, c.Status, c.Objective, c.AudienceName ?? r.Saved?.Name, r.Ad?.Name, c.BidCents,
                c.LifetimeBudgetCents, c.DailyBudgetCents, c.SpentCents, r.Sends, size, c.StartAt, c.EndAt, c.UpdatedAt,
                await sendingStates.ExplainAsync(db, c, ct)));
        }
        return summaries;
    }

    public async Task<CampaignProgress?> ProgressAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await AccountScope.FindAsync<Campaign>(db, accountId, campaignId, ct, tracking: false) is not { } campaign)
        {
            return null;
        }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var stats = await db.CampaignDailyStats.AsNoTracking().Where(s => s.CampaignId == campaignId).ToListAsync(ct);
        var sent = stats.Sum(s => s.Sends);
        var sender = await db.Ads.Where(a => a.Id == campaign.AdId).Select(a => (int?)a.SenderMemberId).FirstOrDefaultAsync(ct);
        var reason = await db.CampaignStatusChanges.AsNoTracking().Where(h => h.CampaignId == campaignId)
            .OrderByDescending(h => h.Id).Select(h => h.Reason).FirstOrDefaultAsync(ct);
        var stillReachable = campaign.TargetingJson is null || !index.IsReady || !CampaignStateMachine.IsLive(campaign.Status) ? 0
            : index.Count(Targeting.FromJson(campaign.TargetingJson), accountId, sender).Deliverable;
        return new CampaignProgress(campaign.Status, sent, sent + stillReachable, campaign.SpentCents, campaign.LifetimeBudgetCents,
            stats.Where(s => s.Day == today).Sum(s => s.SpendCents), campaign.DailyBudgetCents, monitor.SendsPerSecond(campaignId), reason,
            await sendingStates.ExplainAsync(db, campaign, ct));
    }
}

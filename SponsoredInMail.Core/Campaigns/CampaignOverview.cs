using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Deliveries;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>One row of an account's campaign list: settings, audience size now, and delivery so far.</summary>
/// <param name="Id">The campaign's id.</param>
/// <param name="Name">The campaign's name.</param>
/// <param name="Status">Where the campaign is in its life (draft, in review, active, …).</param>
/// <param name="Objective">What the campaign is for: website visits or leads.</param>
/// <param name="AudienceName">The audience's name (as frozen at submit once submitted); null without an audience.</param>
/// <param name="AdName">The name of the campaign's first ad; null without an ad.</param>
/// <param name="BidCents">The price of one send, in cents.</param>
/// <param name="LifetimeBudgetCents">The most the campaign spends in all, in cents.</param>
/// <param name="DailyBudgetCents">The most it spends in one UTC day, in cents; null for no daily limit.</param>
/// <param name="SpentCents">What it has spent so far, in cents.</param>
/// <param name="Sends">Messages sent so far.</param>
/// <param name="AudienceSize">How many members could receive it now; null without an audience or while the count is not ready.</param>
/// <param name="StartAt">When it starts sending (UTC).</param>
/// <param name="EndAt">When it stops sending (UTC); null for no end.</param>
/// <param name="UpdatedAt">When its settings or state last changed (UTC).</param>
/// <param name="SendingState">Why it is not sending right now, if it is not.</param>
public sealed record CampaignSummary(
    int Id, string Name, CampaignStatus Status, CampaignObjective Objective, string? AudienceName, string? AdName,
    long BidCents, long LifetimeBudgetCents, long? DailyBudgetCents, long SpentCents, int Sends, int? AudienceSize,
    DateTime StartAt, DateTime? EndAt, DateTime UpdatedAt, CampaignSendingState SendingState);

/// <summary>
/// The live progress panel: sent of eligible (sent plus those who can still receive it now), spend of budget,
/// today's spend of the daily budget, and the current rate.
/// </summary>
/// <param name="Status">The campaign's state now.</param>
/// <param name="Sent">Messages sent so far.</param>
/// <param name="Eligible">Sent plus the members who can still receive it now.</param>
/// <param name="SpentCents">Spent so far, in cents.</param>
/// <param name="LifetimeBudgetCents">The lifetime budget, in cents.</param>
/// <param name="SpentTodayCents">Spent today (UTC day), in cents.</param>
/// <param name="DailyBudgetCents">The daily budget, in cents; null for no daily limit.</param>
/// <param name="SendsPerSecond">The current sending rate, in messages per second.</param>
/// <param name="LastReason">The reason given with the last state change (a rejection, a cancellation, a completion); null when none.</param>
/// <param name="SendingState">Why it is not sending right now, if it is not.</param>
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

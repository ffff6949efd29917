using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>Why a campaign is not sending now; <see cref="Sending"/> when nothing holds it.</summary>
public enum SendingHold
{
    /// <summary>Nothing holds it: it sends.</summary>
    Sending = 0,
    /// <summary>A draft: nothing is sent before it is submitted and approved.</summary>
    Draft,
    /// <summary>Waiting for an admin's review.</summary>
    InReview,
    /// <summary>Rejected in review.</summary>
    Rejected,
    /// <summary>Approved but not launched yet.</summary>
    NotLaunched,
    /// <summary>Launched; its start is still ahead.</summary>
    Scheduled,
    /// <summary>Today's budget is spent; it sends again tomorrow (UTC).</summary>
    DailyBudgetReached,
    /// <summary>The lifetime budget is spent.</summary>
    LifetimeBudgetSpent,
    /// <summary>Its end has passed.</summary>
    EndDatePassed,
    /// <summary>Everyone who can receive it now has been sent it.</summary>
    EveryoneReachableSent,
    /// <summary>It has no audience.</summary>
    NoAudience,
    /// <summary>Paused by the marketer.</summary>
    Paused,
    /// <summary>Paused by an admin; only an admin resumes it.</summary>
    PausedByAdmin,
    /// <summary>Canceled by the marketer.</summary>
    Canceled,
    /// <summary>Canceled by an admin.</summary>
    CanceledByAdmin,
    /// <summary>Completed.</summary>
    Completed,
    /// <summary>Archived.</summary>
    Archived,
}

/// <summary>What a marketer reads beside the status: why nothing is sent (null <c>why</c> while sending).</summary>
/// <param name="Hold">What holds the campaign back; <c>Sending</c> when nothing does.</param>
/// <param name="Why">The hold in plain words; null while sending.</param>
public sealed record CampaignSendingState(SendingHold Hold, string? Why)
{
    /// <summary>Nothing holds the campaign.</summary>
    public static readonly CampaignSendingState Sending = new(SendingHold.Sending, null);

    /// <summary>Whether an admin paused or canceled it (only an admin can undo that).</summary>
    public bool IsHeldByAdmin => Hold is SendingHold.PausedByAdmin or SendingHold.CanceledByAdmin;
}

/// <summary>The reasons the delivery engine records when it completes a campaign (the explainer recognizes them).</summary>
public static class CompletionReasons
{
    public const string EndReached = "The end date was reached.";
    public const string LifetimeBudgetSpent = "The lifetime budget is spent.";
    public const string NoAudience = "The campaign has no audience.";
    public const string EveryoneReachableSent = "Everyone in the audience who can receive it now has been sent it.";
}

/// <summary>
/// Says why a campaign is not sending right now, the way the delivery engine decides it: not launched, scheduled
/// for later, today's budget reached, lifetime budget or end date used up, everyone reachable sent (and how many
/// are held back by a frequency cap, until when), paused or canceled by whom (an admin with the reason).
/// Callers check access; this reads any campaign.
/// </summary>
public sealed class CampaignSendingStates(IDbContextFactory<AppDbContext> factory, AudienceIndex index, TimeProvider clock)
{
    public async Task<CampaignSendingState> ExplainAsync(int campaignId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        return campaign is null ? CampaignSendingState.Sending : await ExplainAsync(db, campaign, ct);
    }

    /// <summary>The explanation for a campaign already loaded, reading what else it needs through <paramref name="db"/>.</summary>
    public async Task<CampaignSendingState> ExplainAsync(AppDbContext db, Campaign campaign, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        switch (campaign.Status)
        {
            case CampaignStatus.Draft:
                return new(SendingHold.Draft, "Draft — nothing is sent before it is submitted and approved.");
            case CampaignStatus.InReview:
                return new(SendingHold.InReview, "In review — nothing is sent before an admin approves it.");
            case CampaignStatus.Rejected:
                return new(SendingHold.Rejected, $"Rejected in review: {campaign.RejectionReason}");
            case CampaignStatus.Approved:
                return new(SendingHold.NotLaunched, "Approved — launch it to start sending.");
            case CampaignStatus.Archived:
                return new(SendingHold.Archived, "Archived — it sends nothing.");
        }
        if (campaign.Status is CampaignStatus.Paused or CampaignStatus.Canceled or CampaignStatus.Completed)
        {
            var last = await db.CampaignStatusChanges.AsNoTracking().Where(h => h.CampaignId == campaign.Id && h.To == campaign.Status)
                .OrderByDescending(h => h.Id).FirstOrDefaultAsync(ct);
            return campaign.Status switch
            {
                CampaignStatus.Paused => await ByWhomAsync(db, last, "Paused", SendingHold.Paused, SendingHold.PausedByAdmin, ct),
                CampaignStatus.Canceled => await ByWhomAsync(db, last, "Canceled", SendingHold.Canceled, SendingHold.CanceledByAdmin, ct),
                _ => await CompletedAsync(db, campaign, last?.Reason, now, ct),
            };
        }

        // Active: the engine's own checks, in its order.
        if (campaign.EndAt is { } end && end <= now)
        {
            return EndPassed(end);
        }
        if (campaign.LifetimeBudgetCents - campaign.SpentCents < campaign.BidCents)
        {
            return BudgetSpent(campaign);
        }
        if (campaign.TargetingJson is null)
        {
            return new(SendingHold.NoAudience, "The campaign has no audience.");
        }
        if (campaign.StartAt > now)
        {
            return new(SendingHold.Scheduled, $"Scheduled — starts {When(campaign.StartAt, now)} ({In(campaign.StartAt - now)})");
        }
        if (campaign.DailyBudgetCents is { } daily)
        {
            var today = DateOnly.FromDateTime(now);
            var spentToday = await db.CampaignDailyStats.AsNoTracking().Where(s => s.CampaignId == campaign.Id && s.Day == today)
                .SumAsync(s => (long?)s.SpendCents, ct) ?? 0;
            if (daily - spentToday < campaign.BidCents)
            {
                var tomorrow = now.Date.AddDays(1);
                return campaign.EndAt is { } ends && ends <= tomorrow
                    ? new(SendingHold.DailyBudgetReached, $"Daily budget reached — the campaign ends {When(ends, now)}, before the next day's budget")
                    : new(SendingHold.DailyBudgetReached, $"Daily budget reached — resumes 00:00 UTC ({In(tomorrow - now)})");
            }
        }
        if (index.IsReady)
        {
            var sender = await SenderAsync(db, campaign, ct);
            if (index.Count(Targeting.FromJson(campaign.TargetingJson), campaign.AdvertiserAccountId, sender).Deliverable == 0)
            {
                return await EveryoneSentAsync(db, campaign, sender, now, ct);
            }
        }
        return CampaignSendingState.Sending;
    }

    private async Task<CampaignSendingState> CompletedAsync(AppDbContext db, Campaign campaign, string? reason, DateTime now, CancellationToken ct) => reason switch
    {
        CompletionReasons.EndReached => EndPassed(campaign.EndAt ?? now),
        CompletionReasons.LifetimeBudgetSpent => BudgetSpent(campaign),
        CompletionReasons.NoAudience => new(SendingHold.NoAudience, "Completed — the campaign has no audience."),
        CompletionReasons.EveryoneReachableSent when campaign.TargetingJson is not null && index.IsReady =>
            await EveryoneSentAsync(db, campaign, await SenderAsync(db, campaign, ct), now, ct),
        CompletionReasons.EveryoneReachableSent => new(SendingHold.EveryoneReachableSent, "Everyone reachable has been sent."),
        _ => new(SendingHold.Completed, reason is null ? "Completed." : $"Completed: {reason}"),
    };

    private async Task<CampaignSendingState> EveryoneSentAsync(AppDbContext db, Campaign campaign, int? sender, DateTime now, CancellationToken ct)
    {
        var sent = await db.Deliveries.AsNoTracking().Where(d => d.CampaignId == campaign.Id).Select(d => d.MemberId).ToListAsync(ct);
        var capped = index.Capped(Targeting.FromJson(campaign.TargetingJson!), campaign.AdvertiserAccountId, sender, sent);
        return capped is { Count: > 0, FreeBy: { } freeBy }
            ? new(SendingHold.EveryoneReachableSent, $"Everyone reachable has been sent; {capped.Count.ToString("N0", CultureInfo.InvariantCulture)} capped until {Day(freeBy, now)}")
            : new(SendingHold.EveryoneReachableSent, "Everyone reachable has been sent.");
    }

    private static async Task<CampaignSendingState> ByWhomAsync(
        AppDbContext db, CampaignStatusChange? change, string verb, SendingHold byUser, SendingHold byAdmin, CancellationToken ct)
    {
        if (change is null)
        {
            return new(byUser, $"{verb}.");
        }
        if (await db.IsAdminAsync(change.ActorUserId, ct))
        {
            return new(byAdmin, $"{verb} by an admin: {change.Reason}");
        }
        var name = await db.Users.AsNoTracking().Where(u => u.Id == change.ActorUserId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
        if (string.IsNullOrEmpty(name))
        {
            // A system actor (the sender revocation) names its reason.
            return new(byUser, change.Reason is { Length: > 0 } why ? $"{verb}: {why}" : $"{verb}.");
        }
        return new(byUser, $"{verb} by {name} on {Full(change.At)}");
    }

    private static CampaignSendingState EndPassed(DateTime end) => new(SendingHold.EndDatePassed, $"Ended — the end date ({Full(end)}) has passed");

    private static CampaignSendingState BudgetSpent(Campaign campaign) =>
        new(SendingHold.LifetimeBudgetSpent, $"Lifetime budget spent — {Money.Format(campaign.SpentCents)} of {Money.Format(campaign.LifetimeBudgetCents)}");

    private static Task<int?> SenderAsync(AppDbContext db, Campaign campaign, CancellationToken ct) =>
        db.Ads.Where(a => a.Id == campaign.AdId).Select(a => (int?)a.SenderMemberId).FirstOrDefaultAsync(ct);

    private static string Full(DateTime at) => at.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>"14:00 UTC" today, "18 Dec 14:00 UTC" later this year, with the year beyond.</summary>
    private static string When(DateTime at, DateTime now) =>
        at.Date == now.Date ? at.ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC"
        : at.Year == now.Year ? at.ToString("d MMM HH:mm", CultureInfo.InvariantCulture) + " UTC"
        : Full(at);

    private static string Day(DateTime at, DateTime now) =>
        at.ToString(at.Year == now.Year ? "d MMM" : "d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>"in 47 min", "in 3 h 5 min", "in 4 days" (rounded up to the minute, so never "in 0 min").</summary>
    public static string In(TimeSpan span)
    {
        var minutes = (long)Math.Ceiling(Math.Max(span.TotalMinutes, 1));
        if (minutes < 60)
        {
            return $"in {minutes} min";
        }
        if (minutes < 48 * 60)
        {
            return minutes % 60 == 0 ? $"in {minutes / 60} h" : $"in {minutes / 60} h {minutes % 60} min";
        }
        return $"in {minutes / (24 * 60)} days";
    }
}

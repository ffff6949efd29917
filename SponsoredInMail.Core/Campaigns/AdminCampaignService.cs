using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>One campaign of any account in the admin's list.</summary>
public sealed record AdminCampaignRow(
    int Id, string Name, int AccountId, string AccountName, CampaignStatus Status, long SpentCents, long LifetimeBudgetCents, DateTime UpdatedAt);

/// <summary>
/// What platform staff may do to any campaign (SPEC §1): see every account's campaigns, pause or cancel one with a
/// reason the marketer reads on the campaign page, and resume one they paused. Only admins; every move writes the
/// status history and the audit log with the admin as the actor. A campaign an admin paused stays paused until an
/// admin resumes it (<see cref="CampaignService.ResumeAsync"/> refuses the marketer).
/// </summary>
public sealed class AdminCampaignService(IDbContextFactory<AppDbContext> factory, TimeProvider clock)
{
    public const int ReasonMax = ReviewService.ReasonMax;
    private const string NotAdmin = "Only an admin can pause, cancel or resume any campaign.";

    /// <summary>Every campaign, live ones first then most recently changed; empty for non-admins.</summary>
    public async Task<IReadOnlyList<AdminCampaignRow>> ListAsync(string adminUserId, string? search = null, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.IsAdminAsync(adminUserId, ct))
        {
            return [];
        }
        var query = from c in db.Campaigns.AsNoTracking()
                    join a in db.AdvertiserAccounts on c.AdvertiserAccountId equals a.Id
                    select new { c, a };
        if (search?.Trim() is { Length: > 0 } text)
        {
            var pattern = LikePattern.Contains(text);
            query = query.Where(r => EF.Functions.Like(r.c.Name.ToLower(), pattern, LikePattern.EscapeCharacter) || EF.Functions.Like(r.a.Name.ToLower(), pattern, LikePattern.EscapeCharacter));
        }
        var rows = await query.Select(r => new AdminCampaignRow(r.c.Id, r.c.Name, r.a.Id, r.a.Name, r.c.Status, r.c.SpentCents, r.c.LifetimeBudgetCents, r.c.UpdatedAt))
            .ToListAsync(ct);
        return rows.OrderBy(r => CampaignStateMachine.IsLive(r.Status) ? 0 : 1).ThenByDescending(r => r.UpdatedAt).ToList();
    }

    public Task<Result> PauseAsync(string adminUserId, int campaignId, string? reason, CancellationToken ct = default) =>
        MoveAsync(adminUserId, campaignId, CampaignStatus.Paused, reason, "paused by admin", ct);

    public Task<Result> CancelAsync(string adminUserId, int campaignId, string? reason, CancellationToken ct = default) =>
        MoveAsync(adminUserId, campaignId, CampaignStatus.Canceled, reason, "canceled by admin", ct);

    /// <summary>Resumes a paused campaign (whoever paused it); the reason is optional.</summary>
    public Task<Result> ResumeAsync(string adminUserId, int campaignId, string? reason = null, CancellationToken ct = default) =>
        MoveAsync(adminUserId, campaignId, CampaignStatus.Active, reason, "resumed by admin", ct);

    /// <summary>
    /// The pause that holds a paused campaign when an admin made it (the marketer may not undo it), else null.
    /// </summary>
    internal static async Task<CampaignStatusChange?> AdminPauseAsync(AppDbContext db, int campaignId, CancellationToken ct)
    {
        var pause = await db.CampaignStatusChanges.AsNoTracking().Where(h => h.CampaignId == campaignId && h.To == CampaignStatus.Paused)
            .OrderByDescending(h => h.Id).FirstOrDefaultAsync(ct);
        return pause is not null && await db.IsAdminAsync(pause.ActorUserId, ct) ? pause : null;
    }

    private async Task<Result> MoveAsync(string adminUserId, int campaignId, CampaignStatus to, string? reason, string action, CancellationToken ct)
    {
        var text = reason?.Trim() ?? "";
        if (to != CampaignStatus.Active && text.Length == 0)
        {
            return Result.Fail("reason", "Give a reason: the marketer reads it on the campaign page.");
        }
        if (text.Length > ReasonMax)
        {
            return Result.Fail("reason", $"The reason can be at most {ReasonMax:N0} characters; it has {text.Length:N0}.");
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.IsAdminAsync(adminUserId, ct))
        {
            return Result.Fail("account", NotAdmin);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Locked before it is read: a concurrent move of the same campaign waits, then reads this one's result.
        await db.LockAsync<Campaign>(campaignId, ct);
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return Result.Fail("campaign", "Campaign not found.");
        }
        if (to == CampaignStatus.Active && campaign.Status != CampaignStatus.Paused)
        {
            return Result.Fail("status", $"Only a paused campaign can be resumed; this one is {CampaignStateMachine.Describe(campaign.Status)}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var from = campaign.Status;
        var moved = CampaignStateMachine.Move(campaign, to, adminUserId, now, text.Length == 0 ? null : text);
        if (!moved.Succeeded)
        {
            return moved.Outcome;
        }
        db.CampaignStatusChanges.Add(moved.Value!);
        db.AuditLog.Add(CampaignAudit.Entry(campaign, adminUserId, now, action, from.ToString(), text.Length == 0 ? to.ToString() : $"{to}: {text}"));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result.Ok;
    }
}

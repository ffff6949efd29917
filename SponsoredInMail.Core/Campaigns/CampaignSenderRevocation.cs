using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>
/// When a sender revokes permission, every live campaign of that account whose ad is sent in their name
/// is canceled, inside the revocation's transaction, with the reason in its history and the audit log.
/// </summary>
internal sealed class CampaignSenderRevocation(TimeProvider clock) : ISenderRevocationListener
{
    public async Task OnSenderRevokedAsync(AppDbContext db, int accountId, int senderMemberId, string reason, CancellationToken ct)
    {
        var adIds = await db.Ads.Where(a => a.AdvertiserAccountId == accountId && a.SenderMemberId == senderMemberId).Select(a => a.Id).ToListAsync(ct);
        // Locked before they are read (a launch, pause or admin move under way commits first and is read after it).
        await db.LockAsync<Campaign>(await db.Campaigns
            .Where(c => c.AdvertiserAccountId == accountId && c.AdId != null && adIds.Contains(c.AdId.Value))
            .Select(c => (long)c.Id).ToListAsync(ct), ct);
        var campaigns = await db.Campaigns
            .Where(c => c.AdvertiserAccountId == accountId && c.AdId != null && adIds.Contains(c.AdId.Value))
            .ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var campaign in campaigns.Where(c => CampaignStateMachine.CanMove(c.Status, CampaignStatus.Canceled)))
        {
            var from = campaign.Status;
            var moved = CampaignStateMachine.Move(campaign, CampaignStatus.Canceled, SenderService.RevocationActor, now, reason);
            db.CampaignStatusChanges.Add(moved.Value!);
            db.AuditLog.Add(CampaignAudit.Entry(campaign, SenderService.RevocationActor, now, $"status {from} → Canceled", from.ToString(), reason));
        }
    }
}

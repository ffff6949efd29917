using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>
/// When a sender revokes permission, every live campaign of that account with an ad sent in their name
/// is canceled, inside the revocation's transaction, with the reason in its history and the audit log.
/// </summary>
internal sealed class CampaignSenderRevocation(TimeProvider clock) : ISenderRevocationListener
{
    public async Task OnSenderRevokedAsync(AppDbContext db, int accountId, int senderMemberId, string reason, CancellationToken ct)
    {
        var adIds = await db.Ads.Where(a => a.AdvertiserAccountId == accountId && a.SenderMemberId == senderMemberId).Select(a => a.Id).ToListAsync(ct);
        // Locked before they are read (a launch, pause or admin move under way commits first and is read after it).
        // Any of a campaign's ads counts (a campaign may rotate ads sent by different members).
        var affected = db.Campaigns.Where(c => c.AdvertiserAccountId == accountId
            && ((c.AdId != null && adIds.Contains(c.AdId.Value)) || db.CampaignAds.Any(ca => ca.CampaignId == c.Id && adIds.Contains(ca.AdId))));
        await db.LockAsync<Campaign>(await affected.Select(c => (long)c.Id).ToListAsync(ct), ct);
        var campaigns = await affected.ToListAsync(ct);
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

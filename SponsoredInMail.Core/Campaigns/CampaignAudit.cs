using System.Globalization;
using SponsoredInMail.Core.Audit;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>How a campaign's line in the audit log reads, whoever writes it (marketer, admin, engine, revocation, seed).</summary>
public static class CampaignAudit
{
    public static AuditEntry Entry(Campaign campaign, string actor, DateTime at, string action, string? before = null, string? after = null) => new()
    {
        At = at, ActorUserId = actor, AdvertiserAccountId = campaign.AdvertiserAccountId, EntityType = "Campaign",
        EntityId = campaign.Id.ToString(CultureInfo.InvariantCulture), Action = action, Before = before, After = after,
    };
}

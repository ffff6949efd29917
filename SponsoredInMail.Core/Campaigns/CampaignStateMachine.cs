using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>
/// The allowed moves between campaign states (SPEC §2: Draft → InReview → Approved → Active ⇄ Paused →
/// Completed; Rejected goes back to Draft when edited; Canceled; Archived). Anything not listed is refused.
/// </summary>
public static class CampaignStateMachine
{
    private static readonly Dictionary<CampaignStatus, CampaignStatus[]> Moves = new()
    {
        [CampaignStatus.Draft] = [CampaignStatus.InReview, CampaignStatus.Archived],
        // A marketer may withdraw a submission to keep editing it.
        [CampaignStatus.InReview] = [CampaignStatus.Approved, CampaignStatus.Rejected, CampaignStatus.Draft, CampaignStatus.Canceled],
        [CampaignStatus.Rejected] = [CampaignStatus.Draft, CampaignStatus.Archived],
        [CampaignStatus.Approved] = [CampaignStatus.Active, CampaignStatus.Canceled],
        [CampaignStatus.Active] = [CampaignStatus.Paused, CampaignStatus.Completed, CampaignStatus.Canceled],
        // The end date or budget can run out while paused.
        [CampaignStatus.Paused] = [CampaignStatus.Active, CampaignStatus.Completed, CampaignStatus.Canceled],
        [CampaignStatus.Completed] = [CampaignStatus.Archived],
        [CampaignStatus.Canceled] = [CampaignStatus.Archived],
        [CampaignStatus.Archived] = [],
    };

    public static bool CanMove(CampaignStatus from, CampaignStatus to) =>
        Moves.TryGetValue(from, out var targets) && targets.Contains(to);

    public static IReadOnlyList<CampaignStatus> NextStates(CampaignStatus from) => Moves.GetValueOrDefault(from, []);

    /// <summary>States in which the campaign can still send (or will once resumed): its audience and ad are in use.</summary>
    public static bool IsLive(CampaignStatus status) =>
        status is CampaignStatus.InReview or CampaignStatus.Approved or CampaignStatus.Active or CampaignStatus.Paused;

    /// <summary>Moves the campaign and returns the history entry, or refuses with a message naming both states.</summary>
    public static Result<CampaignStatusChange> Move(Campaign campaign, CampaignStatus to, string actorUserId, DateTime at, string? reason = null)
    {
        if (!CanMove(campaign.Status, to))
        {
            return Result.Fail("status", $"A campaign that is {Describe(campaign.Status)} cannot become {Describe(to)}.");
        }
        var change = new CampaignStatusChange
        {
            CampaignId = campaign.Id, From = campaign.Status, To = to, ActorUserId = actorUserId, At = at, Reason = reason,
        };
        campaign.Status = to;
        campaign.UpdatedByUserId = actorUserId;
        campaign.UpdatedAt = at;
        return Result<CampaignStatusChange>.Ok(change);
    }

    public static string Describe(CampaignStatus status) => status switch
    {
        CampaignStatus.InReview => "in review",
        _ => status.ToString().ToLowerInvariant(),
    };
}

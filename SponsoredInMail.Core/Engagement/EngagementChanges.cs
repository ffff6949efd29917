using SponsoredInMail.Core.Changes;

namespace SponsoredInMail.Core.Engagement;

/// <summary>What a group commit of events tells the change feed: its counted engagement, and each new opt-out.</summary>
public static class EngagementChanges
{
    public static IEnumerable<DataChange> From(IReadOnlyList<EventRequest> batch, IReadOnlyList<EventOutcome> outcomes)
    {
        var engaged = new List<EngagedMember>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i] is not { Stored: true, Counted: true } outcome)
            {
                continue;
            }
            if (batch[i].Kind == EventKind.OptOut && batch[i].OptOutScope is { } scope)
            {
                yield return new OptOutChanged(outcome.MemberId, scope, outcome.OptOutAccountId, outcome.OptOutSenderId, Added: true);
            }
            else
            {
                engaged.Add(new EngagedMember(outcome.CampaignId, outcome.AccountId, outcome.MemberId, outcome.Kind));
            }
        }
        if (engaged.Count > 0)
        {
            yield return new EngagementRecorded(engaged);
        }
    }
}

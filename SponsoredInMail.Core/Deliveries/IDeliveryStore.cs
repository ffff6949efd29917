namespace SponsoredInMail.Core.Deliveries;

/// <summary>
/// One batch to send: the candidates, grouped by the ad each would get (the campaign's rotation chose it), and the
/// moment's rule cutoffs.
/// </summary>
public sealed record SendBatch(
    int CampaignId, IReadOnlyList<AdGroup> Groups, DateTime Now,
    DateTime ActiveSince, DateTime AnyAdvertiserCapSince, DateTime SameAdvertiserCapSince)
{
    /// <summary>A batch of a campaign with one ad.</summary>
    public SendBatch(int campaignId, int adId, int? senderMemberId, IReadOnlyList<int> candidates, DateTime now,
        DateTime activeSince, DateTime anyAdvertiserCapSince, DateTime sameAdvertiserCapSince)
        : this(campaignId, [new AdGroup(adId, senderMemberId, candidates)], now, activeSince, anyAdvertiserCapSince, sameAdvertiserCapSince)
    {
    }

    public int CandidateCount => Groups.Sum(g => g.Members.Count);
}

/// <summary>Candidates (ascending member ids) offered one ad; its sender is what a sender opt-out is checked against.</summary>
public sealed record AdGroup(int AdId, int? SenderMemberId, IReadOnlyList<int> Members);

public enum BatchStop
{
    /// <summary>Nothing stopped the batch: every candidate was checked.</summary>
    None,
    /// <summary>The campaign is no longer Active or outside its schedule.</summary>
    NotSending,
    /// <summary>The lifetime budget cannot pay for one more send.</summary>
    LifetimeBudget,
    /// <summary>Today's budget cannot pay for one more send; tomorrow it can.</summary>
    DailyBudget,
}

/// <summary>What a batch did: who was sent (ascending), at what price each, and what stopped it early.</summary>
public sealed record SendBatchResult(int AdvertiserAccountId, IReadOnlyList<int> SentMemberIds, long PriceCents, BatchStop Stop);

/// <summary>
/// Sends a batch in one transaction, the provider's fast way: re-checks every candidate's eligibility in the
/// database (active, opt-outs, not sent by this campaign, both caps), inserts the deliveries at the bid read
/// inside the transaction, and adds their price to the campaign's spend and today's tally — never past either
/// budget. Concurrent batches serialize on the database's write lock.
/// </summary>
public interface IDeliveryStore
{
    Task<SendBatchResult> SendAsync(SendBatch batch, CancellationToken ct);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Deliveries;

/// <summary>What one round did: sends made, and campaigns completed.</summary>
public readonly record struct RoundResult(int Sent, int Completed);

/// <summary>
/// Sends Active campaigns, a batch per campaign per round. Candidates come from the audience index (deliverable
/// now); every one is re-checked in the database inside the batch's transaction (<see cref="IDeliveryStore"/>),
/// which alone decides. When campaigns compete for a member, the higher bid gets it (ties: earlier launch): a
/// campaign's candidates exclude everyone a higher-ranked sending campaign can still reach. A campaign completes
/// when its end date passes, its lifetime budget cannot pay one more send, or nobody in its audience can receive
/// it now. All state that matters lives in the database, so a killed process resumes exactly where it stopped.
/// </summary>
public sealed class DeliveryEngine(
    IDbContextFactory<AppDbContext> factory, IDeliveryStore store, AudienceIndex index, Changes.ChangeFeed feed,
    IOptions<AudienceOptions> audienceOptions, IOptions<DeliveryOptions> deliveryOptions, ActivityPolicy activity, TimeProvider clock)
{
    /// <summary>The actor named in history and audit for the engine's own moves.</summary>
    public const string Actor = "system:delivery";

    // Members this engine already offered to a campaign and the database refused (or sent): not offered again
    // until restart, so a member the index thinks deliverable but the database does not cannot stall a campaign.
    private readonly Dictionary<int, ulong[]> _offered = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Runs rounds until a round sends nothing and completes nothing.</summary>
    public async Task<int> RunUntilIdleAsync(CancellationToken ct = default)
    {
        var total = 0;
        while (true)
        {
            var round = await RunRoundAsync(ct);
            total += round.Sent;
            if (round.Sent == 0 && round.Completed == 0)
            {
                return total;
            }
        }
    }

    public async Task<RoundResult> RunRoundAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // Every batch committed so far (by this engine or any other writer) is in the index before candidates are drawn.
            await feed.CatchUpAudienceIndexAsync(index, ct);
            return await RoundAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Live(
        int Id, int AccountId, long BidCents, long LifetimeBudgetCents, long? DailyBudgetCents, long SpentCents,
        DateTime StartAt, DateTime? EndAt, DateTime? LaunchedAt, string? TargetingJson, int? SenderMemberId);

    private async Task<RoundResult> RoundAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        List<Live> live;
        Dictionary<int, long> spentToday;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            live = await (from c in db.Campaigns.AsNoTracking()
                          where c.Status == CampaignStatus.Active
                          select new Live(c.Id, c.AdvertiserAccountId, c.BidCents, c.LifetimeBudgetCents, c.DailyBudgetCents, c.SpentCents,
                              c.StartAt, c.EndAt, c.LaunchedAt, c.TargetingJson,
                              db.Ads.Where(a => a.Id == c.AdId).Select(a => (int?)a.SenderMemberId).FirstOrDefault())).ToListAsync(ct);
            var ids = live.Select(c => c.Id).ToList();
            spentToday = await db.CampaignDailyStats.AsNoTracking().Where(s => s.Day == today && ids.Contains(s.CampaignId))
                .ToDictionaryAsync(s => s.CampaignId, s => s.SpendCents, ct);
        }

        var completed = 0;
        var sending = new List<Live>();
        foreach (var campaign in live)
        {
            var reason = campaign switch
            {
                { EndAt: { } end } when end <= now => CompletionReasons.EndReached,
                _ when campaign.LifetimeBudgetCents - campaign.SpentCents < campaign.BidCents => CompletionReasons.LifetimeBudgetSpent,
                { TargetingJson: null } => CompletionReasons.NoAudience,
                _ => null,
            };
            if (reason is not null)
            {
                completed += await CompleteAsync(campaign.Id, reason, ct) ? 1 : 0;
            }
            else if (campaign.StartAt <= now
                     && (campaign.DailyBudgetCents is not { } daily || daily - spentToday.GetValueOrDefault(campaign.Id) >= campaign.BidCents))
            {
                sending.Add(campaign);
            }
        }

        // Higher bid first; ties go to the earlier launch.
        sending.Sort((a, b) => b.BidCents != a.BidCents ? b.BidCents.CompareTo(a.BidCents)
            : Nullable.Compare(a.LaunchedAt, b.LaunchedAt) != 0 ? Nullable.Compare(a.LaunchedAt, b.LaunchedAt) : a.Id.CompareTo(b.Id));

        var sent = 0;
        ulong[]? claimed = null;
        var rules = Cutoffs(now);
        foreach (var campaign in sending)
        {
            var reachable = index.DeliverableSet(Targeting.FromJson(campaign.TargetingJson!), campaign.AccountId, campaign.SenderMemberId);
            if (_offered.TryGetValue(campaign.Id, out var offered))
            {
                Bits.AndNot(reachable, offered);
            }
            if (Bits.IsEmpty(reachable))
            {
                completed += await CompleteAsync(campaign.Id, CompletionReasons.EveryoneReachableSent, ct) ? 1 : 0;
                continue;
            }
            claimed ??= new ulong[reachable.Length];
            var candidates = Bits.FirstSet(reachable, claimed, deliveryOptions.Value.BatchSize);
            Bits.Or(claimed, reachable);
            if (candidates.Count == 0)
            {
                continue;
            }
            var result = await store.SendAsync(new SendBatch(campaign.Id, campaign.SenderMemberId, candidates, now, rules.ActiveSince, rules.AnySince, rules.SameSince), ct);
            MarkOffered(campaign.Id, reachable.Length, result.Stop == BatchStop.None ? candidates : result.SentMemberIds);
            sent += result.SentMemberIds.Count;
        }
        return new RoundResult(sent, completed);
    }

    private (DateTime ActiveSince, DateTime AnySince, DateTime SameSince) Cutoffs(DateTime now) =>
        (activity.ActiveSince(clock),
         TimeRules.CappedSince(now, audienceOptions.Value.AnyAdvertiserCapDays),
         TimeRules.CappedSince(now, audienceOptions.Value.SameAdvertiserCapDays));

    /// <summary>Moves an Active campaign to Completed with the reason, in history and audit; false if it was not Active.</summary>
    private async Task<bool> CompleteAsync(int campaignId, string reason, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Locked before it is read: a concurrent move of the same campaign waits, then reads this one's result.
        await db.LockAsync<Campaign>(campaignId, ct);
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is not { Status: CampaignStatus.Active })
        {
            return false;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var moved = CampaignStateMachine.Move(campaign, CampaignStatus.Completed, Actor, now, reason);
        db.CampaignStatusChanges.Add(moved.Value!);
        db.AuditLog.Add(CampaignAudit.Entry(campaign, Actor, now, $"status {CampaignStatus.Active} → {CampaignStatus.Completed}",
            nameof(CampaignStatus.Active), nameof(CampaignStatus.Completed)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        _offered.Remove(campaignId);
        return true;
    }

    private void MarkOffered(int campaignId, int words, IReadOnlyList<int> members)
    {
        var offered = Bits.Grow(_offered.GetValueOrDefault(campaignId) ?? [], words);
        Bits.SetAll(offered, members);
        _offered[campaignId] = offered;
    }
}

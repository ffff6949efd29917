using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Core.Deliveries;

/// <summary>
/// What one round did: sends made, campaigns completed, and members held out (recorded in a campaign's holdout group, or
/// found already there): a round that only held members out still made progress.
/// </summary>
public readonly record struct RoundResult(int Sent, int Completed, int HeldOut = 0);

/// <summary>
/// Sends Active campaigns, a batch per campaign per round. Candidates come from the audience index (deliverable
/// now); every one is re-checked in the database inside the batch's transaction (<see cref="IDeliveryStore"/>),
/// which alone decides. When campaigns compete for a member, the higher bid gets it (ties: earlier launch): a
/// campaign's candidates exclude everyone a higher-ranked sending campaign can still reach. A campaign completes
/// when its end date passes, its lifetime budget cannot pay one more send, or nobody in its audience can receive
/// it now. All state that matters lives in the database, so a killed process resumes exactly where it stopped.
/// A campaign with several approved ads gives each candidate one of them by its rotation (<see cref="RotationRules"/>):
/// evenly or as an A/B split by member hash, or, optimizing, by shares re-drawn per batch from each ad's outcomes so far.
/// A campaign with a holdout (<see cref="Campaign.HoldoutPercent"/>) first takes out the candidates
/// <see cref="HoldoutRules.IsHeldOut"/> names: they are recorded in its holdout group, never sent or charged.
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

    // Optimizing campaigns' per-ad outcomes, re-read from the deliveries at most every OutcomesMaxAge.
    private readonly Dictionary<int, (DateTime ReadAt, IReadOnlyList<AdOutcomes> Outcomes)> _outcomes = [];

    /// <summary>How stale an optimizing campaign's per-ad outcomes may be when its next batch's shares are drawn.</summary>
    public static readonly TimeSpan OutcomesMaxAge = TimeSpan.FromSeconds(5);

    /// <summary>Runs rounds until a round sends nothing and completes nothing.</summary>
    public async Task<int> RunUntilIdleAsync(CancellationToken ct = default)
    {
        var total = 0;
        while (true)
        {
            var round = await RunRoundAsync(ct);
            total += round.Sent;
            if (round.Sent == 0 && round.Completed == 0 && round.HeldOut == 0)
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
        DateTime StartAt, DateTime? EndAt, DateTime? LaunchedAt, string? TargetingJson, int? FirstAdId,
        CampaignObjective Objective, AdRotation Rotation, AbTestMetric? AbTest, int? WinnerAdId, int HoldoutPercent)
    {
        /// <summary>The ads it sends (approved, in order); filled after the campaign query.</summary>
        public List<(int AdId, int SenderMemberId)> Ads { get; } = [];

        /// <summary>The one sender every ad shares (the audience index leaves out that sender's opt-outs), else null.</summary>
        public int? CommonSender => Ads.Count > 0 && Ads.All(a => a.SenderMemberId == Ads[0].SenderMemberId) ? Ads[0].SenderMemberId : null;
    }

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
                              c.StartAt, c.EndAt, c.LaunchedAt, c.TargetingJson, c.AdId, c.Objective, c.Rotation, c.AbTestMetric, c.WinnerAdId,
                              c.HoldoutPercent)).ToListAsync(ct);
            var ids = live.Select(c => c.Id).ToList();
            await LoadAdsAsync(db, live, ids, ct);
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
        var heldOut = 0;
        ulong[]? claimed = null;
        var rules = Cutoffs(now);
        foreach (var campaign in sending)
        {
            if (campaign.Ads.Count == 0)
            {
                continue;
            }
            var reachable = index.DeliverableSet(Targeting.FromJson(campaign.TargetingJson!), campaign.AccountId, campaign.CommonSender);
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
            // Deterministic, so a restarted or another engine holds out the same members: they are never sent.
            var (toSend, held) = HoldoutRules.Split(campaign.Id, candidates, campaign.HoldoutPercent);
            var result = toSend.Count == 0
                ? new SendBatchResult(campaign.AccountId, [], campaign.BidCents, BatchStop.None)
                : await store.SendAsync(new SendBatch(campaign.Id, await RotateAsync(campaign, toSend, now, ct), now, rules.ActiveSince, rules.AnySince, rules.SameSince), ct);
            if (held.Count > 0)
            {
                held = HeldAlongside(held, result);
                await HoldOutAsync(campaign, held, now, ct);
                heldOut += held.Count;
            }
            MarkOffered(campaign.Id, reachable.Length, result.Stop == BatchStop.None ? candidates : [.. result.SentMemberIds, .. held]);
            sent += result.SentMemberIds.Count;
        }
        return new RoundResult(sent, completed, heldOut);
    }

    /// <summary>
    /// The ads each live campaign sends: its approved ads in order, or once the marketer ended its A/B test, the winner.
    /// A campaign approved before ads were reviewed one by one (none approved, none rejected) sends its ads as they are.
    /// </summary>
    private static async Task LoadAdsAsync(AppDbContext db, List<Live> live, List<int> ids, CancellationToken ct)
    {
        var rows = await (from ca in db.CampaignAds.AsNoTracking()
                          where ids.Contains(ca.CampaignId) && ca.Review != AdReview.Rejected
                          join a in db.Ads on ca.AdId equals a.Id
                          orderby ca.CampaignId, ca.Position
                          select new { ca.CampaignId, ca.AdId, ca.Review, a.SenderMemberId }).ToListAsync(ct);
        var byCampaign = rows.GroupBy(r => r.CampaignId).ToDictionary(g => g.Key, g => g.ToList());
        var firstAdSenders = await db.Ads.AsNoTracking().Where(a => live.Select(c => c.FirstAdId).Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => a.SenderMemberId, ct);
        foreach (var campaign in live)
        {
            if (byCampaign.TryGetValue(campaign.Id, out var ads))
            {
                var approved = ads.Any(a => a.Review == AdReview.Approved) ? ads.Where(a => a.Review == AdReview.Approved) : ads;
                campaign.Ads.AddRange(approved.Select(a => (a.AdId, a.SenderMemberId)));
            }
            else if (campaign.FirstAdId is { } first && firstAdSenders.TryGetValue(first, out var sender))
            {
                campaign.Ads.Add((first, sender));
            }
            if (campaign.WinnerAdId is { } winner && campaign.Ads.FirstOrDefault(a => a.AdId == winner) is { AdId: > 0 } won)
            {
                campaign.Ads.Clear();
                campaign.Ads.Add(won);
            }
        }
    }

    /// <summary>Gives each candidate one of the campaign's ads by its rotation; every group stays in ascending member order.</summary>
    private async Task<IReadOnlyList<AdGroup>> RotateAsync(Live campaign, IReadOnlyList<int> candidates, DateTime now, CancellationToken ct)
    {
        if (campaign.Ads.Count == 1)
        {
            return [new AdGroup(campaign.Ads[0].AdId, campaign.Ads[0].SenderMemberId, candidates)];
        }
        double[] shares;
        if (campaign.AbTest is not null || campaign.Rotation != AdRotation.Optimize)
        {
            shares = RotationRules.Shares(AdRotation.Even, [.. campaign.Ads.Select(a => new AdOutcomes(a.AdId, 0, 0, 0, 0))], campaign.Objective, 0);
        }
        else
        {
            var outcomes = await OutcomesAsync(campaign, now, ct);
            var seed = HashCode.Combine(campaign.Id, outcomes.Sum(o => o.Sends));
            shares = RotationRules.Shares(AdRotation.Optimize, outcomes, campaign.Objective, seed);
        }
        var members = campaign.Ads.Select(_ => new List<int>()).ToArray();
        foreach (var member in candidates)
        {
            members[RotationRules.Pick(campaign.Id, member, shares)].Add(member);
        }
        return [.. campaign.Ads.Select((ad, i) => new AdGroup(ad.AdId, ad.SenderMemberId, members[i])).Where(g => g.Members.Count > 0)];
    }

    /// <summary>
    /// The held-out candidates that belong with what the batch sent. A batch that checked every candidate holds out all
    /// of its held-out ones; one a budget (or a pause) cut short only those before its last send (candidates go in member
    /// order), so the holdout stays a random share of the members the campaign actually reached, and the rest wait for
    /// the next batch as the unsent ones do.
    /// </summary>
    private static IReadOnlyList<int> HeldAlongside(IReadOnlyList<int> held, SendBatchResult result)
    {
        if (result.Stop == BatchStop.None)
        {
            return held;
        }
        if (result.SentMemberIds.Count == 0)
        {
            return [];
        }
        var last = result.SentMemberIds[^1];
        return [.. held.TakeWhile(member => member < last)];
    }

    /// <summary>
    /// Records held-out members in the campaign's holdout group (those not there yet: after a restart the engine meets
    /// them again). Two engines recording the same member meet at the primary key (campaign, member); the loser reads
    /// again and inserts the rest.
    /// </summary>
    private async Task HoldOutAsync(Live campaign, IReadOnlyList<int> members, DateTime now, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var known = (await db.CampaignHoldouts.AsNoTracking()
                .Where(h => h.CampaignId == campaign.Id && members.Contains(h.MemberId)).Select(h => h.MemberId).ToListAsync(ct)).ToHashSet();
            db.CampaignHoldouts.AddRange(members.Where(m => !known.Contains(m)).Select(m => new CampaignHoldout
            {
                CampaignId = campaign.Id, MemberId = m, AdvertiserAccountId = campaign.AccountId, HeldAt = now,
            }));
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another engine recorded some of them meanwhile: read what is there now and insert the rest.
            }
        }
    }

    private async Task<IReadOnlyList<AdOutcomes>> OutcomesAsync(Live campaign, DateTime now, CancellationToken ct)
    {
        var ads = campaign.Ads.Select(a => a.AdId).ToList();
        if (_outcomes.TryGetValue(campaign.Id, out var cached) && now - cached.ReadAt < OutcomesMaxAge && cached.Outcomes.Select(o => o.AdId).SequenceEqual(ads))
        {
            return cached.Outcomes;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var outcomes = await AdOutcomesQuery.ForAsync(db, campaign.Id, ads, ct);
        _outcomes[campaign.Id] = (now, outcomes);
        return outcomes;
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
        _outcomes.Remove(campaignId);
        return true;
    }

    private void MarkOffered(int campaignId, int words, IReadOnlyList<int> members)
    {
        var offered = Bits.Grow(_offered.GetValueOrDefault(campaignId) ?? [], words);
        Bits.SetAll(offered, members);
        _offered[campaignId] = offered;
    }
}

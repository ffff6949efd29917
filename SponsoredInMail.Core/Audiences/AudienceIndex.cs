using System.Buffers;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Audiences;

/// <summary>
/// In-memory index of the member network that counts a targeting and its breakdown (matching → minus
/// opted out → minus frequency-capped now → minus inactive → deliverable) in milliseconds.
/// Low-cardinality facets are bitsets over member ids; high-cardinality ones (region, title, skill,
/// company) are sorted posting lists. It is a cache: built from the database at start-up, kept in step
/// by its change-feed follower (<see cref="AudienceIndexFollower"/>), and the database stays the truth (sends re-check eligibility there).
/// </summary>
public sealed partial class AudienceIndex(IOptions<AudienceOptions> audienceOptions, IOptions<ActivityOptions> activityOptions, TimeProvider clock)
{
    private static readonly DateTime Epoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private const int Never = int.MinValue;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IndexState _state = new(0);

    /// <summary>Completes once the first build has finished.</summary>
    public Task WhenReady => _ready.Task;

    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Members indexed.</summary>
    public int MemberCount => Read(s => s.MemberCount);

    /// <summary>The change-feed position the last build is consistent with: its follower resumes after it.</summary>
    public long BuiltAtPosition { get; private set; }

    /// <summary>Builds the index anew from <paramref name="source"/> and swaps it in whole.</summary>
    public async Task RebuildAsync(IAudienceSource source, CancellationToken ct = default)
    {
        // Read before the data: a change committed during the build is then applied again by the follower, which
        // the hooks tolerate; read after, it could be missed.
        var position = await source.ReadChangePositionAsync(ct);
        var companies = await source.ReadCompaniesAsync(ct);
        var builder = new IndexBuilder(companies);
        await source.ReadMembersAsync(builder.Add, ct);
        var state = builder.Build();
        foreach (var optOut in await source.ReadOptOutsAsync(ct))
        {
            ApplyOptOut(state, optOut.MemberId, optOut.Scope, optOut.AdvertiserAccountId, optOut.SenderMemberId, added: true);
        }
        foreach (var (id, accountId, memberIds) in await source.ReadMatchedAudiencesAsync(ct))
        {
            state.Matched[id] = new MatchedList(accountId, memberIds.Order().ToArray());
        }
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-Math.Max(audienceOptions.Value.AnyAdvertiserCapDays, audienceOptions.Value.SameAdvertiserCapDays));
        await source.ReadRecentDeliveriesAsync(since, delivery => ApplyDelivery(state, delivery), ct);
        foreach (var (id, accountId, name) in await source.ReadLaunchedCampaignsAsync(ct))
        {
            state.Engaged[id] = new EngagedCampaign(accountId, name);
        }
        await source.ReadEngagementAsync(e => ApplyEngagement(state, e.CampaignId, e.MemberId, e.Kind), ct);

        _lock.EnterWriteLock();
        try
        {
            _state = state;
            BuiltAtPosition = position;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        _ready.TrySetResult();
    }

    /// <summary>Counts a targeting for an account, step by step. Unknown values match nobody (validate first).</summary>
    public AudienceBreakdown Count(Targeting targeting, int accountId, int? senderMemberId = null)
    {
        RefreshTimeDerivedSets();
        _lock.EnterReadLock();
        var state = _state;
        var matching = ArrayPool<ulong>.Shared.Rent(state.Words);
        var scratch = ArrayPool<ulong>.Shared.Rent(state.Words);
        try
        {
            return Deliverable(state, targeting, accountId, senderMemberId, matching.AsSpan(0, state.Words), scratch.AsSpan(0, state.Words));
        }
        finally
        {
            _lock.ExitReadLock();
            ArrayPool<ulong>.Shared.Return(matching);
            ArrayPool<ulong>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// The members who can receive a message of this account and sender now (matching, not opted out, under
    /// neither cap, active), as a bitset indexed by member id. The delivery engine re-checks each in the database.
    /// </summary>
    public ulong[] DeliverableSet(Targeting targeting, int accountId, int? senderMemberId)
    {
        RefreshTimeDerivedSets();
        _lock.EnterReadLock();
        var state = _state;
        var scratch = ArrayPool<ulong>.Shared.Rent(state.Words);
        try
        {
            var set = new ulong[state.Words];
            Deliverable(state, targeting, accountId, senderMemberId, set, scratch.AsSpan(0, state.Words));
            return set;
        }
        finally
        {
            _lock.ExitReadLock();
            ArrayPool<ulong>.Shared.Return(scratch);
        }
    }

    /// <summary>Narrows <paramref name="set"/> step by step to the deliverable members, counting each step.</summary>
    private AudienceBreakdown Deliverable(IndexState state, Targeting targeting, int accountId, int? senderMemberId, Span<ulong> set, Span<ulong> work)
    {
        Match(state, targeting, accountId, set, work);
        var matchingCount = Bits.PopCount(set);

        Bits.AndNot(set, state.OptedOutAll);
        ClearMembers(set, state.OptedOutOfAdvertiser.GetValueOrDefault(accountId));
        if (senderMemberId is { } sender)
        {
            ClearMembers(set, state.OptedOutOfSender.GetValueOrDefault(sender));
        }
        var reachable = Bits.PopCount(set);

        Bits.AndNot(set, state.CappedAny);
        if (state.AccountReceipts.TryGetValue(accountId, out var receipts))
        {
            var cutoff = ToMinute(Now()) - audienceOptions.Value.SameAdvertiserCapDays * 1440;
            foreach (var (memberId, minute) in receipts)
            {
                if (minute >= cutoff && (uint)(memberId >> 6) < (uint)set.Length)
                {
                    set[memberId >> 6] &= ~(1UL << (memberId & 63));
                }
            }
        }
        var uncapped = Bits.PopCount(set);

        Bits.And(set, state.Active);
        var deliverable = Bits.PopCount(set);
        return new AudienceBreakdown(matchingCount, matchingCount - reachable, reachable - uncapped, uncapped - deliverable, deliverable);
    }

    /// <summary>Up to <paramref name="count"/> random member ids among those matching the targeting.</summary>
    public IReadOnlyList<int> Sample(Targeting targeting, int accountId, int count, int seed)
    {
        _lock.EnterReadLock();
        var state = _state;
        var matching = ArrayPool<ulong>.Shared.Rent(state.Words);
        var scratch = ArrayPool<ulong>.Shared.Rent(state.Words);
        try
        {
            var set = matching.AsSpan(0, state.Words);
            Match(state, targeting, accountId, set, scratch.AsSpan(0, state.Words));
            var total = Bits.PopCount(set);
            var random = new Random(seed);
            var ranks = new SortedSet<int>();
            while (ranks.Count < Math.Min(count, total))
            {
                ranks.Add(random.Next(total));
            }
            var sample = new List<int>(ranks.Count);
            foreach (var rank in ranks)
            {
                sample.Add(Bits.NthSetBit(set, rank));
            }
            return sample;
        }
        finally
        {
            _lock.ExitReadLock();
            ArrayPool<ulong>.Shared.Return(matching);
            ArrayPool<ulong>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// How many of <paramref name="members"/> (a bitset by member id) have each value of a bitset facet
    /// (location country, industry, function, seniority, company size…), largest first; values with none are left out.
    /// </summary>
    public IReadOnlyList<(string Value, int Count)> Tabulate(Facet facet, ulong[] members) => Read(state =>
    {
        var rows = new List<(string, int)>();
        if (!state.BitsetFacets.TryGetValue(facet, out var values))
        {
            return rows;
        }
        foreach (var (value, bits) in values)
        {
            var count = 0;
            for (var w = 0; w < Math.Min(bits.Length, members.Length); w++)
            {
                count += System.Numerics.BitOperations.PopCount(bits[w] & members[w]);
            }
            if (count > 0)
            {
                rows.Add((value, count));
            }
        }
        return rows.OrderByDescending(r => r.Item2).ThenBy(r => r.Item1, StringComparer.Ordinal).ToList();
    });

    /// <summary>Approximate heap bytes held by the index (bitsets, posting lists, columns).</summary>
    public long EstimatedBytes => Read(s => s.EstimatedBytes());

    private void Match(IndexState state, Targeting targeting, int accountId, Span<ulong> set, Span<ulong> work)
    {
        state.Exists.CopyTo(set);
        foreach (var criterion in targeting.Include)
        {
            work.Clear();
            Evaluate(state, criterion, accountId, work);
            Bits.And(set, work);
        }
        foreach (var criterion in targeting.Exclude)
        {
            work.Clear();
            Evaluate(state, criterion, accountId, work);
            Bits.AndNot(set, work);
        }
    }

    /// <summary>ORs the members of every value of the criterion into <paramref name="target"/>.</summary>
    private static void Evaluate(IndexState state, FacetCriterion criterion, int accountId, Span<ulong> target)
    {
        foreach (var value in criterion.Values)
        {
            switch (criterion.Facet)
            {
                case Facet.Location when value.Contains('/'):
                    OrPostings(target, state.Regions.GetValueOrDefault(value));
                    break;
                case Facet.EngagedAudience:
                    if (EngagedAction.TryParse(value, out var campaignId, out var action) && state.Engaged.TryGetValue(campaignId, out var engaged)
                        && engaged.AccountId == accountId && engaged.For(action) is { } engagedMembers)
                    {
                        foreach (var id in engagedMembers)
                        {
                            if ((uint)(id >> 6) < (uint)target.Length)
                            {
                                target[id >> 6] |= 1UL << (id & 63);
                            }
                        }
                    }
                    break;
                case Facet.MatchedAudience:
                    if (int.TryParse(value, out var listId) && state.Matched.TryGetValue(listId, out var list) && list.AccountId == accountId)
                    {
                        OrPostings(target, list.Members);
                    }
                    break;
                default:
                    if (state.BitsetFacets.TryGetValue(criterion.Facet, out var bitsets))
                    {
                        if (bitsets.TryGetValue(value, out var bits))
                        {
                            Bits.Or(target, bits);
                        }
                    }
                    else if (state.PostingFacets.TryGetValue(criterion.Facet, out var postings))
                    {
                        OrPostings(target, postings.GetValueOrDefault(value));
                    }
                    break;
            }
        }
    }

    private static void OrPostings(Span<ulong> target, IReadOnlyList<int>? ids)
    {
        if (ids is null)
        {
            return;
        }
        for (var k = 0; k < ids.Count; k++)
        {
            var i = ids[k];
            target[i >> 6] |= 1UL << (i & 63);
        }
    }

    private static void ClearMembers(Span<ulong> set, HashSet<int>? members)
    {
        if (members is null)
        {
            return;
        }
        foreach (var i in members)
        {
            if ((uint)(i >> 6) < (uint)set.Length)
            {
                set[i >> 6] &= ~(1UL << (i & 63));
            }
        }
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    internal static int ToMinute(DateTime utc) => (int)Math.Clamp((utc - Epoch).TotalMinutes, int.MinValue + 1, int.MaxValue);

    private T Read<T>(Func<IndexState, T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read(_state);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void Write(Action<IndexState> write)
    {
        _lock.EnterWriteLock();
        try
        {
            write(_state);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// "Active" and "capped by the any-advertiser cap" depend on the clock: rebuild both from the per-member
    /// minutes whenever the minute has moved on. Hooks keep them exact between refreshes.
    /// </summary>
    private void RefreshTimeDerivedSets()
    {
        var nowMinute = ToMinute(Now());
        if (Volatile.Read(ref _state).DerivedAtMinute == nowMinute)
        {
            return;
        }
        Write(state =>
        {
            if (state.DerivedAtMinute == nowMinute)
            {
                return;
            }
            var activeCutoff = nowMinute - activityOptions.Value.ActiveWithinDays * 1440;
            var capCutoff = nowMinute - audienceOptions.Value.AnyAdvertiserCapDays * 1440;
            Array.Clear(state.Active);
            Array.Clear(state.CappedAny);
            for (var id = 0; id < state.Capacity; id++)
            {
                if (state.LastActive[id] >= activeCutoff)
                {
                    state.Active[id >> 6] |= 1UL << (id & 63);
                }
                if (state.LastSponsored[id] >= capCutoff)
                {
                    state.CappedAny[id >> 6] |= 1UL << (id & 63);
                }
            }
            state.DerivedAtMinute = nowMinute;
        });
    }

    private sealed record MatchedList(int AccountId, int[] Members);

    /// <summary>A launched campaign's engaged members, by what they did.</summary>
    private sealed class EngagedCampaign(int accountId, string name)
    {
        public int AccountId { get; } = accountId;
        public string Name { get; set; } = name;
        public HashSet<int> Opened { get; } = [];
        public HashSet<int> Clicked { get; } = [];
        public HashSet<int> Leads { get; } = [];

        public HashSet<int>? For(string action) => action switch
        {
            EngagedAction.Opened => Opened,
            EngagedAction.Clicked => Clicked,
            EngagedAction.Lead => Leads,
            _ => null,
        };
    }
}

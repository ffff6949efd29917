using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Core.Deliveries;

/// <summary>
/// How many sends one batch may make, read inside the batch's transaction: only an Active campaign inside its
/// schedule sends, and never more than both budgets can pay for at its bid (invariant 3, not by one cent).
/// </summary>
public readonly record struct SendBudget(long Limit, long ByLifetime, long ByDay)
{
    public static bool IsSending(CampaignStatus status, DateTime startAt, DateTime? endAt, DateTime now) =>
        status == CampaignStatus.Active && startAt <= now && !(endAt <= now);

    public static SendBudget For(long priceCents, long lifetimeBudgetCents, long spentCents, long? dailyBudgetCents, long spentTodayCents, int candidates)
    {
        var byLifetime = (lifetimeBudgetCents - spentCents) / priceCents;
        var byDay = dailyBudgetCents is { } daily ? (daily - spentTodayCents) / priceCents : long.MaxValue;
        return new SendBudget(Math.Min(candidates, Math.Min(byLifetime, byDay)), byLifetime, byDay);
    }

    /// <summary>
    /// Sends a batch's ad groups within <see cref="Limit"/>, each through <paramref name="insert"/> (the group and how many
    /// it may send at most; it answers who was sent). When the limit pays for every candidate, each group once. When it
    /// does not, first each group up to its share of the limit, in proportion to its candidates (largest remainders
    /// first), then what is left in group order: so the last sends a budget allows split between the ads like the rest,
    /// instead of all going to the first ad.
    /// </summary>
    public async Task<List<int>> SendGroupsAsync(IReadOnlyList<AdGroup> groups, Func<AdGroup, long, Task<IReadOnlyList<int>>> insert)
    {
        var sent = new List<int>((int)Math.Max(0, Math.Min(Limit, int.MaxValue)));
        var shares = Shares(Limit, groups);
        for (var i = 0; i < groups.Count && sent.Count < Limit; i++)
        {
            if (shares[i] > 0)
            {
                sent.AddRange(await insert(groups[i], Math.Min(shares[i], Limit - sent.Count)));
            }
        }
        if (shares.Sum() < groups.Sum(g => (long)g.Members.Count))
        {
            // A group that sent fewer than its share (members the re-check refused) leaves room for the others.
            for (var i = 0; i < groups.Count && sent.Count < Limit; i++)
            {
                sent.AddRange(await insert(groups[i], Limit - sent.Count));
            }
        }
        sent.Sort();
        return sent;
    }

    /// <summary>Each group's share of <paramref name="limit"/>: all its candidates if the limit covers everyone, else in proportion.</summary>
    public static long[] Shares(long limit, IReadOnlyList<AdGroup> groups)
    {
        var sizes = groups.Select(g => (long)g.Members.Count).ToArray();
        var total = sizes.Sum();
        if (limit >= total || total == 0)
        {
            return sizes;
        }
        var shares = sizes.Select(size => limit * size / total).ToArray();
        var byRemainder = Enumerable.Range(0, sizes.Length).OrderByDescending(i => limit * sizes[i] % total).ThenBy(i => i);
        foreach (var i in byRemainder.Take((int)(limit - shares.Sum())))
        {
            shares[i]++;
        }
        return shares;
    }

    /// <summary>Why a batch ended: nothing (every candidate was checked) or the budget that ran out.</summary>
    public BatchStop StopAfter(int sent, int candidates) =>
        Limit <= 0 ? (ByLifetime <= 0 ? BatchStop.LifetimeBudget : BatchStop.DailyBudget)
        : sent < Limit || Limit == candidates ? BatchStop.None
        : Limit == ByLifetime ? BatchStop.LifetimeBudget : BatchStop.DailyBudget;
}

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

    /// <summary>Why a batch ended: nothing (every candidate was checked) or the budget that ran out.</summary>
    public BatchStop StopAfter(int sent, int candidates) =>
        Limit <= 0 ? (ByLifetime <= 0 ? BatchStop.LifetimeBudget : BatchStop.DailyBudget)
        : sent < Limit || Limit == candidates ? BatchStop.None
        : Limit == ByLifetime ? BatchStop.LifetimeBudget : BatchStop.DailyBudget;
}

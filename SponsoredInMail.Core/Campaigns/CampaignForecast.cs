namespace SponsoredInMail.Core.Campaigns;

/// <summary>A low–high range: forecasts are ranges, never false precision.</summary>
public readonly record struct ForecastRange(long Low, long High);

public sealed record Forecast(ForecastRange Sends, ForecastRange Opens, ForecastRange Clicks, ForecastRange Leads, ForecastRange SpendCents, ForecastRange DaysToSpend);

/// <summary>
/// Expected results from the deliverable audience, budgets, bid and schedule, at the benchmark rates of
/// SPEC §2: opens 40–55% of sends, clicks 3–7% of opens, cost per lead $50–$200.
/// </summary>
public static class CampaignForecast
{
    /// <summary>Benchmark rates in whole percent; integer arithmetic keeps 1,100 × 7% at exactly 77.</summary>
    public const int OpenPercentLow = 40, OpenPercentHigh = 55;
    public const int ClickPercentLow = 3, ClickPercentHigh = 7;
    public const long CostPerLeadLowCents = 5_000, CostPerLeadHighCents = 20_000;

    /// <param name="days">Days in the schedule; null when there is no end date.</param>
    public static Forecast Estimate(int deliverable, long bidCents, long lifetimeBudgetCents, long? dailyBudgetCents, int? days, CampaignObjective objective)
    {
        if (bidCents <= 0 || deliverable <= 0 || lifetimeBudgetCents < bidCents)
        {
            return new Forecast(default, default, default, default, default, default);
        }
        var byLifetime = lifetimeBudgetCents / bidCents;
        var perDay = dailyBudgetCents is { } daily ? Math.Max(0, daily / bidCents) : long.MaxValue;
        var bySchedule = days is { } d && perDay != long.MaxValue ? perDay * Math.Max(1, d) : long.MaxValue;
        var sends = Math.Min(deliverable, Math.Min(byLifetime, bySchedule));
        var spend = sends * bidCents;
        var opens = new ForecastRange(PercentDown(sends, OpenPercentLow), PercentUp(sends, OpenPercentHigh));
        var clicks = new ForecastRange(PercentDown(opens.Low, ClickPercentLow), PercentUp(opens.High, ClickPercentHigh));
        var leads = objective == CampaignObjective.LeadGeneration
            ? new ForecastRange(spend / CostPerLeadHighCents, spend / CostPerLeadLowCents)
            : default;
        var daysToSpend = perDay == long.MaxValue || perDay == 0 ? new ForecastRange(1, 1) : new ForecastRange((sends + perDay - 1) / perDay, (sends + perDay - 1) / perDay);
        return new Forecast(new ForecastRange(sends, sends), opens, clicks, leads, new ForecastRange(spend, spend), daysToSpend);
    }

    private static long PercentDown(long value, int percent) => value * percent / 100;

    private static long PercentUp(long value, int percent) => (value * percent + 99) / 100;
}

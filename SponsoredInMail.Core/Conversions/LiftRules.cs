using System.Globalization;
using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Core.Conversions;

/// <summary>What the lift figures say, in one word; <see cref="LiftEstimate.Verdict"/> says it in a sentence.</summary>
public enum LiftOutcome
{
    /// <summary>Too few held-out or sent members, or too few converters, to judge.</summary>
    NotEnoughData,

    /// <summary>The 95% interval of the relative lift lies above zero.</summary>
    Raised,

    /// <summary>The 95% interval lies below zero: the sent members converted less.</summary>
    Lowered,

    /// <summary>The 95% interval includes zero.</summary>
    NoMeasurableLift,
}

/// <summary>
/// A campaign's incremental lift: the conversion rates of its sent and held-out members, the relative lift
/// p_s / p_h − 1 with its 95% interval, the incremental conversions (p_s − p_h)·n_s and their cost. Rates are null for an
/// empty group; the lift and its interval are null unless both groups have members.
/// </summary>
public sealed record LiftEstimate(
    long SentMembers, long SentConverters, long HeldOutMembers, long HeldOutConverters,
    double? SentRate, double? HeldOutRate, double? AbsoluteDifference,
    double? RelativeLift, double? LiftLow, double? LiftHigh,
    double? IncrementalConversions, long? CostPerIncrementalCents,
    LiftOutcome Outcome, string Verdict);

/// <summary>
/// The statistics of a holdout test (pure; see docs/decisions/0015-holdout-lift.md).
/// </summary>
/// <remarks>
/// The relative lift is the risk ratio RR = p_s / p_h minus one. Its 95% interval is Katz's log method:
/// ln RR ± 1.96·√(1/x_s − 1/n_s + 1/x_h − 1/n_h), exponentiated. When either group has no converter, 0.5 is added to
/// each cell of the 2×2 table (x + 0.5 converters of n + 1 members) for the ratio and its interval, which are otherwise
/// undefined; the rates, the difference and the incremental conversions always use the raw counts.
/// </remarks>
public static class LiftRules
{
    /// <summary>Held-out members needed before a verdict: below this the interval is too wide to say anything useful.</summary>
    public const int MinimumHeldOutMembers = 1_000;

    /// <summary>Sent members needed before a verdict (normally reached long before the holdout's minimum).</summary>
    public const int MinimumSentMembers = 1_000;

    /// <summary>Converted members (both groups together) needed before a verdict: the log interval is poor on fewer.</summary>
    public const int MinimumConverters = 20;

    /// <summary>Estimates the lift of <paramref name="sentConverters"/> of <paramref name="sentMembers"/> over <paramref name="heldOutConverters"/> of <paramref name="heldOutMembers"/>.</summary>
    /// <param name="spentCents">What the campaign spent (its sends only: held-out members cost nothing).</param>
    /// <exception cref="ArgumentException">A negative count, or more converters than members.</exception>
    public static LiftEstimate Estimate(long sentMembers, long sentConverters, long heldOutMembers, long heldOutConverters, long spentCents)
    {
        Check(sentMembers, sentConverters, nameof(sentConverters));
        Check(heldOutMembers, heldOutConverters, nameof(heldOutConverters));
        double? sentRate = sentMembers > 0 ? (double)sentConverters / sentMembers : null;
        double? heldOutRate = heldOutMembers > 0 ? (double)heldOutConverters / heldOutMembers : null;
        double? difference = sentRate - heldOutRate;
        double? incremental = difference * sentMembers;
        long? costPerIncremental = incremental > 0 ? (long)Math.Round(spentCents / incremental.Value) : null;

        double? lift = null, low = null, high = null;
        if (sentMembers > 0 && heldOutMembers > 0)
        {
            (lift, low, high) = RelativeLift(sentMembers, sentConverters, heldOutMembers, heldOutConverters);
        }

        var (outcome, verdict) = Judge(sentMembers, sentConverters, heldOutMembers, heldOutConverters, lift, low, high);
        return new LiftEstimate(sentMembers, sentConverters, heldOutMembers, heldOutConverters, sentRate, heldOutRate, difference,
            lift, low, high, incremental, costPerIncremental, outcome, verdict);
    }

    /// <summary>The relative lift and its 95% Katz interval; both groups must have members.</summary>
    public static (double Lift, double Low, double High) RelativeLift(long sentMembers, long sentConverters, long heldOutMembers, long heldOutConverters)
    {
        double xs = sentConverters, ns = sentMembers, xh = heldOutConverters, nh = heldOutMembers;
        if (sentConverters == 0 || heldOutConverters == 0)
        {
            // Haldane's correction: half a member more in every cell (converted and not) of each group.
            xs += 0.5;
            ns += 1;
            xh += 0.5;
            nh += 1;
        }
        var logRatio = Math.Log(xs / ns / (xh / nh));
        var standardError = Math.Sqrt(1 / xs - 1 / ns + 1 / xh - 1 / nh);
        var margin = NormalDistribution.Z975 * standardError;
        return (Math.Exp(logRatio) - 1, Math.Exp(logRatio - margin) - 1, Math.Exp(logRatio + margin) - 1);
    }

    /// <summary>A lift such as 0.243 as "24%", −0.05 as "−5%" (whole percents; the minus sign is U+2212).</summary>
    public static string Percent(double fraction)
    {
        var whole = (long)Math.Round(fraction * 100, MidpointRounding.AwayFromZero);
        return whole < 0 ? string.Create(CultureInfo.InvariantCulture, $"\u2212{-whole:N0}%") : string.Create(CultureInfo.InvariantCulture, $"{whole:N0}%");
    }

    private static (LiftOutcome, string) Judge(long ns, long xs, long nh, long xh, double? lift, double? low, double? high)
    {
        if (nh < MinimumHeldOutMembers)
        {
            return (LiftOutcome.NotEnoughData, string.Create(CultureInfo.InvariantCulture,
                $"Not enough data yet: the holdout group needs at least {MinimumHeldOutMembers:N0} members (it has {nh:N0})."));
        }
        if (ns < MinimumSentMembers)
        {
            return (LiftOutcome.NotEnoughData, string.Create(CultureInfo.InvariantCulture,
                $"Not enough data yet: at least {MinimumSentMembers:N0} members need to have been sent (so far {ns:N0})."));
        }
        if (xs + xh < MinimumConverters)
        {
            return (LiftOutcome.NotEnoughData, string.Create(CultureInfo.InvariantCulture,
                $"Not enough data yet: at least {MinimumConverters:N0} members need to have converted across both groups (so far {xs + xh:N0})."));
        }
        var interval = $"95% CI {Percent(low!.Value)} to {Percent(high!.Value)}";
        if (low > 0)
        {
            return (LiftOutcome.Raised, $"Sending raised conversions by {Percent(lift!.Value)} ({interval}).");
        }
        if (high < 0)
        {
            return (LiftOutcome.Lowered, $"Sending lowered conversions by {Percent(-lift!.Value)} ({interval}).");
        }
        return (LiftOutcome.NoMeasurableLift, $"No measurable lift yet: the estimate is {Percent(lift!.Value)}, but the {interval} includes no change.");
    }

    private static void Check(long members, long converters, string name)
    {
        if (members < 0 || converters < 0 || converters > members)
        {
            throw new ArgumentException($"Converters ({converters}) must be between 0 and the members ({members}).", name);
        }
    }
}

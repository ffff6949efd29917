using System.Globalization;
using static SponsoredInMail.Core.Variants.NormalDistribution;

namespace SponsoredInMail.Core.Variants;

/// <summary>
/// Judges an A/B test of two ads on one <see cref="AbTestMetric"/>: per ad a rate with its 95% Wilson score interval,
/// the probability that B beats A, the pooled z-test's p-value, and a verdict in plain words.
/// </summary>
/// <remarks>
/// A winner needs both: a probability of beating the other of at least <see cref="WinningConfidence"/>, and at least
/// <see cref="MinimumTrials"/> trials per ad (sends, or opens for click-to-open), because the normal approximations
/// behind both figures are poor on small samples. The probability to beat is one-sided and unpooled,
/// Φ((pB − pA) / √(pA(1−pA)/nA + pB(1−pB)/nB)); the p-value is the usual two-sided pooled test, for whoever wants it.
/// </remarks>
public static class AbVerdict
{
    /// <summary>The trials each ad needs before a winner can be named.</summary>
    public const int MinimumTrials = 100;

    /// <summary>The probability of beating the other that names a winner.</summary>
    public const double WinningConfidence = 0.95;

    /// <summary>Evaluates ad <paramref name="a"/> against ad <paramref name="b"/> on <paramref name="metric"/>.</summary>
    /// <exception cref="ArgumentException">A negative count.</exception>
    public static AbTestResult Evaluate(AdOutcomes a, AdOutcomes b, AbTestMetric metric)
    {
        var statsA = Stats(a, metric, nameof(a));
        var statsB = Stats(b, metric, nameof(b));
        var probabilityBBeatsA = ProbabilityBBeatsA(statsA, statsB);
        var pValue = PooledPValue(statsA, statsB);
        var confidence = Math.Max(probabilityBBeatsA, 1 - probabilityBBeatsA);
        var enoughData = statsA.Trials >= MinimumTrials && statsB.Trials >= MinimumTrials;

        if (enoughData && confidence >= WinningConfidence)
        {
            var winner = probabilityBBeatsA >= 0.5 ? AbWinner.B : AbWinner.A;
            var text = $"{winner} wins with {WholePercent(confidence)}% confidence";
            return new AbTestResult(metric, statsA, statsB, probabilityBBeatsA, pValue, winner, confidence, null, text);
        }

        var moreSends = MoreSendsPerVariant(statsA, statsB, metric, a, b);
        var verdict = !enoughData
            ? string.Create(CultureInfo.InvariantCulture,
                $"Not enough data yet: each variant needs at least {MinimumTrials} {TrialName(metric)} (A has {statsA.Trials:N0}, B has {statsB.Trials:N0})")
            : moreSends is { } more
                ? string.Create(CultureInfo.InvariantCulture, $"No clear winner yet: about {RoundUpToThreeFigures(more):N0} more sends per variant needed")
                : "No clear winner yet: no difference observed";
        return new AbTestResult(metric, statsA, statsB, probabilityBBeatsA, pValue, AbWinner.None, confidence, moreSends, verdict);
    }

    /// <summary>
    /// The Wilson score interval at 95%: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n). Unlike p ± z·√(p(1−p)/n) it
    /// stays within [0, 1] and is not zero-width at 0 or 100%.
    /// </summary>
    public static (double Low, double High) WilsonInterval(long successes, long trials)
    {
        if (trials == 0)
        {
            return (0, 1);
        }
        var n = (double)trials;
        var p = successes / n;
        var z2 = Z975 * Z975;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var halfWidth = Z975 * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        return (Math.Max(0, centre - halfWidth), Math.Min(1, centre + halfWidth));
    }

    /// <summary>
    /// The trials per variant needed to detect a difference between <paramref name="pA"/> and <paramref name="pB"/> at 95%
    /// two-sided confidence with 80% power: (z₀.₉₇₅·√(2p̄(1−p̄)) + z₀.₈·√(pA(1−pA) + pB(1−pB)))² / (pA − pB)², p̄ = (pA + pB) / 2.
    /// </summary>
    public static double RequiredTrialsPerVariant(double pA, double pB)
    {
        var mean = (pA + pB) / 2;
        var root = Z975 * Math.Sqrt(2 * mean * (1 - mean)) + Z80 * Math.Sqrt(pA * (1 - pA) + pB * (1 - pB));
        var difference = pA - pB;
        return root * root / (difference * difference);
    }

    private static AbVariantStats Stats(AdOutcomes ad, AbTestMetric metric, string parameter)
    {
        if (ad.Sends < 0 || ad.Opens < 0 || ad.Clicks < 0 || ad.Leads < 0)
        {
            throw new ArgumentException($"Ad {ad.AdId} has a negative count.", parameter);
        }
        var (trials, successes) = metric switch
        {
            AbTestMetric.OpenRate => (ad.Sends, ad.Opens),
            AbTestMetric.ClickToOpenRate => (ad.Opens, ad.Clicks),
            AbTestMetric.LeadRate => (ad.Sends, ad.Leads),
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown A/B test metric."),
        };
        // A click whose open was not tracked (images off) would make clicks exceed opens: a rate tops out at 100%.
        successes = Math.Min(successes, trials);
        var rate = trials == 0 ? 0 : (double)successes / trials;
        var (low, high) = WilsonInterval(successes, trials);
        return new AbVariantStats(trials, successes, rate, low, high);
    }

    private static double ProbabilityBBeatsA(AbVariantStats a, AbVariantStats b)
    {
        if (a.Trials == 0 || b.Trials == 0)
        {
            return 0.5; // nothing is known about one side
        }
        var difference = b.Rate - a.Rate;
        var variance = a.Rate * (1 - a.Rate) / a.Trials + b.Rate * (1 - b.Rate) / b.Trials;
        if (variance == 0)
        {
            return difference > 0 ? 1 : difference < 0 ? 0 : 0.5; // both rates 0 or 100%
        }
        return Cdf(difference / Math.Sqrt(variance));
    }

    private static double PooledPValue(AbVariantStats a, AbVariantStats b)
    {
        if (a.Trials == 0 || b.Trials == 0)
        {
            return 1;
        }
        var pooled = (double)(a.Successes + b.Successes) / (a.Trials + b.Trials);
        var standardError = Math.Sqrt(pooled * (1 - pooled) * (1.0 / a.Trials + 1.0 / b.Trials));
        if (standardError == 0)
        {
            return 1; // all successes or none on both sides: the same rate
        }
        var z = Math.Abs(b.Rate - a.Rate) / standardError;
        return Math.Min(1, 2 * UpperTail(z));
    }

    /// <summary>
    /// The formula's trials per variant (at least <see cref="MinimumTrials"/>) less what the ad with fewer trials has,
    /// in sends: for click-to-open, opens are turned into sends with the two ads' observed open rate. Null when there
    /// is no observed difference (equal rates, or a side without trials).
    /// </summary>
    private static long? MoreSendsPerVariant(AbVariantStats a, AbVariantStats b, AbTestMetric metric, AdOutcomes adA, AdOutcomes adB)
    {
        if (a.Trials == 0 || b.Trials == 0 || a.Rate == b.Rate)
        {
            return null;
        }
        // Capped at a quadrillion: a difference of a few parts per billion would otherwise overflow.
        var required = Math.Max((long)Math.Min(Math.Ceiling(RequiredTrialsPerVariant(a.Rate, b.Rate)), 1e15), MinimumTrials);
        var moreTrials = Math.Max(0, required - Math.Min(a.Trials, b.Trials));
        if (metric != AbTestMetric.ClickToOpenRate)
        {
            return moreTrials;
        }
        // more opens ÷ (opens / sends), in whole numbers so that 2,118 opens at 40% are exactly 5,295 sends.
        Int128 sends = adA.Sends + adB.Sends;
        Int128 opens = Math.Min(adA.Opens + adB.Opens, adA.Sends + adB.Sends);
        return opens == 0 ? null : (long)Int128.Min(((Int128)moreTrials * sends + opens - 1) / opens, long.MaxValue);
    }

    private static string TrialName(AbTestMetric metric) => metric == AbTestMetric.ClickToOpenRate ? "opens" : "sends";

    /// <summary>Whole percent, rounded down so that a winner never reads as surer than it is, and never "100%".</summary>
    private static int WholePercent(double probability) => Math.Min(99, (int)Math.Floor(probability * 100 + 1e-9));

    /// <summary>An estimate shown as "about …": rounded up to three significant figures (10,472 → 10,500).</summary>
    internal static long RoundUpToThreeFigures(long value)
    {
        var step = 1L;
        while (value / step >= 1_000)
        {
            step *= 10;
        }
        return (value + step - 1) / step * step;
    }
}

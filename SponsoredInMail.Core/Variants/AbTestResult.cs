namespace SponsoredInMail.Core.Variants;

/// <summary>Which ad of an A/B test won, if either has yet.</summary>
public enum AbWinner
{
    /// <summary>No winner yet: not enough data, or not 95% sure.</summary>
    None = 0,

    /// <summary>Ad A.</summary>
    A = 1,

    /// <summary>Ad B.</summary>
    B = 2,
}

/// <summary>
/// One side of an A/B test on its metric: the trials (sends, or opens for click-to-open), the successes among them,
/// the rate, and its 95% Wilson score interval (0 to 1 when there are no trials).
/// </summary>
/// <param name="Trials">Sends (opens for click-to-open rate).</param>
/// <param name="Successes">Opens, clicks or leads among the trials, by the metric.</param>
/// <param name="Rate">Successes ÷ trials, a fraction 0–1 (0 with no trials).</param>
/// <param name="IntervalLow">The 95% interval's low end, a fraction 0–1.</param>
/// <param name="IntervalHigh">The 95% interval's high end, a fraction 0–1.</param>
public sealed record AbVariantStats(long Trials, long Successes, double Rate, double IntervalLow, double IntervalHigh);

/// <summary>
/// The verdict of an A/B test of two ads on one metric .
/// </summary>
/// <param name="Metric">What was compared.</param>
/// <param name="A">Ad A's trials, successes, rate and interval.</param>
/// <param name="B">Ad B's.</param>
/// <param name="ProbabilityBBeatsA">P(B's true rate &gt; A's), normal approximation of the difference; 0.5 while a side has no trials.</param>
/// <param name="PValue">Two-sided p-value of the pooled two-proportion z-test; 1 while a side has no trials.</param>
/// <param name="Winner">A or B once it beats the other with at least 95% probability and both have
/// the minimum trials (100); else none.</param>
/// <param name="Confidence">The probability that the winner (or, with no winner, the ad ahead) beats the other.</param>
/// <param name="MoreSendsPerVariantNeeded">With no winner: about how many more sends each ad needs to detect the observed
/// difference (95% two-sided, 80% power, at least the minimum trials); null with a winner or when no difference is observed.</param>
/// <param name="Text">The verdict in plain words, e.g. "B wins with 97% confidence".</param>
public sealed record AbTestResult(
    AbTestMetric Metric,
    AbVariantStats A,
    AbVariantStats B,
    double ProbabilityBBeatsA,
    double PValue,
    AbWinner Winner,
    double Confidence,
    long? MoreSendsPerVariantNeeded,
    string Text);

namespace SponsoredInMail.Core.Variants;

/// <summary>The standard normal distribution, as far as the A/B verdict needs it.</summary>
internal static class NormalDistribution
{
    /// <summary>z₀.₉₇₅: the two-sided 95% quantile.</summary>
    public const double Z975 = 1.959963984540054;

    /// <summary>z₀.₈: the quantile for 80% power.</summary>
    public const double Z80 = 0.8416212335729143;

    /// <summary>Φ(x) = P(Z ≤ x).</summary>
    public static double Cdf(double x) => x >= 0 ? 1 - UpperTail(x) : UpperTail(-x);

    /// <summary>
    /// P(Z &gt; x) for x ≥ 0 by Abramowitz and Stegun 26.2.17 (absolute error under 7.5e-8). Computed as the tail itself,
    /// not 1 − Φ, so small p-values keep their digits.
    /// </summary>
    public static double UpperTail(double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        if (double.IsPositiveInfinity(x))
        {
            return 0;
        }
        var t = 1 / (1 + 0.2316419 * x);
        var polynomial = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        var density = Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);
        return density * polynomial;
    }
}

namespace SponsoredInMail.Core.Variants;

/// <summary>Gamma and Beta draws for Thompson sampling, written here rather than taken from a statistics package.</summary>
internal static class BetaSampling
{
    /// <summary>A Beta(<paramref name="alpha"/>, <paramref name="beta"/>) draw: X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β).</summary>
    public static double Beta(DeterministicRandom random, double alpha, double beta)
    {
        var x = Gamma(random, alpha);
        var y = Gamma(random, beta);
        return x / (x + y);
    }

    /// <summary>
    /// A Gamma(<paramref name="shape"/>, 1) draw by Marsaglia and Tsang (2000), "A simple method for generating gamma
    /// variables". For a shape under 1, Gamma(shape + 1) · U^(1/shape).
    /// </summary>
    public static double Gamma(DeterministicRandom random, double shape)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shape);
        if (shape < 1)
        {
            return Gamma(random, shape + 1) * Math.Pow(random.NextDouble(), 1 / shape);
        }
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            var x = random.NextGaussian();
            var v = 1 + c * x;
            if (v <= 0)
            {
                continue;
            }
            v = v * v * v;
            var u = random.NextDouble();
            var xx = x * x;
            // The squeeze accepts ~98% of draws without a logarithm.
            if (u < 1 - 0.0331 * xx * xx || Math.Log(u) < 0.5 * xx + d * (1 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }
}

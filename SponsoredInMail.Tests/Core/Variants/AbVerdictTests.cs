using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Tests.Core.Variants;

/// <summary>
/// The A/B verdict on worked examples. The figures in the comments were computed by hand (exact Φ from erf), with
/// z₀.₉₇₅ = 1.959964 (z² = 3.841459) and z₀.₈ = 0.841621; the code's Φ approximation is good to 7.5e-8.
/// </summary>
public class AbVerdictTests
{
    private static AdOutcomes Ad(int id, long sends, long opens = 0, long clicks = 0, long leads = 0) => new(id, sends, opens, clicks, leads);

    [Fact]
    public void OpenRateWithAClearDifferenceNamesBTheWinner()
    {
        // pA = 200/1000 = 0.20, pB = 260/1000 = 0.26.
        // Unpooled: var = .2·.8/1000 + .26·.74/1000 = .000160 + .0001924 = .0003524, SE = .0187723,
        //   z = .06 / .0187723 = 3.19620, P(B > A) = Φ(3.19620) = 0.9993037 → "99%" (rounded down).
        // Pooled: p̄ = 460/2000 = .23, SE = √(.23·.77·(2/1000)) = .0188202, z = 3.18806, p = 2(1 − Φ(3.18806)) = 0.0014323.
        // Wilson A: centre = (.2 + 3.841459/2000) / (1 + 3.841459/1000) = .2019207 / 1.0038415 = .2011480,
        //   half = 1.959964 · √(.2·.8/1000 + 3.841459/4e6) / 1.0038415 = 1.959964 · .0126870 / 1.0038415 = .0247709
        //   → [0.1764, 0.2259]. Wilson B: centre .2609184, half .0271498 → [0.2338, 0.2881].
        var result = AbVerdict.Evaluate(Ad(1, 1_000, opens: 200), Ad(2, 1_000, opens: 260), AbTestMetric.OpenRate);

        result.A.Trials.ShouldBe(1_000);
        result.A.Successes.ShouldBe(200);
        result.A.Rate.ShouldBe(0.20);
        result.B.Rate.ShouldBe(0.26);
        result.A.IntervalLow.ShouldBe(0.1764, 0.00005);
        result.A.IntervalHigh.ShouldBe(0.2259, 0.00005);
        result.B.IntervalLow.ShouldBe(0.2338, 0.00005);
        result.B.IntervalHigh.ShouldBe(0.2881, 0.00005);
        result.ProbabilityBBeatsA.ShouldBe(0.9993037, 2e-7);
        result.PValue.ShouldBe(0.0014323, 2e-7);
        result.Winner.ShouldBe(AbWinner.B);
        result.Confidence.ShouldBe(0.9993037, 2e-7);
        result.MoreSendsPerVariantNeeded.ShouldBeNull();
        result.Text.ShouldBe("B wins with 99% confidence");
    }

    [Fact]
    public void ASmallerButStillClearDifferenceReadsNinetySevenPercent()
    {
        // pA = .20, pB = 235/1000 = .235: var = .00016 + .235·.765/1000 = .000339775, SE = .0184330,
        // z = .035 / .0184330 = 1.89877, Φ = 0.9712026 → "97%". The pooled p-value is 0.0578: the two-sided test at 5%
        // would not call it, the one-sided probability to beat does (the verdict uses the latter, as documented).
        var result = AbVerdict.Evaluate(Ad(1, 1_000, opens: 200), Ad(2, 1_000, opens: 235), AbTestMetric.OpenRate);

        result.ProbabilityBBeatsA.ShouldBe(0.9712026, 2e-7);
        result.PValue.ShouldBe(0.0578199, 2e-7);
        result.Winner.ShouldBe(AbWinner.B);
        result.Text.ShouldBe("B wins with 97% confidence");
    }

    [Fact]
    public void WithoutAWinnerItSaysHowManyMoreSendsEachVariantNeeds()
    {
        // pA = .20, pB = 215/1000 = .215: var = .00016 + .215·.785/1000 = .000328775, SE = .0181322, z = 0.82726,
        // P(B > A) = 0.7959551: no winner; confidence is B's 0.796.
        // n = (z₀.₉₇₅·√(2p̄(1−p̄)) + z₀.₈·√(pA(1−pA) + pB(1−pB)))² / (pA − pB)², p̄ = .2075:
        //   1.959964 · √(2 · .2075 · .7925) = 1.959964 · .573485 = 1.124014
        //   0.841621 · √(.16 + .168775)    = 0.841621 · .573389 = 0.482576
        //   (1.606590)² / .015² = 2.581132 / .000225 = 11,471.70 → 11,472 per variant, less the 1,000 made = 10,472,
        //   shown as "about 10,500" (three figures, rounded up).
        var result = AbVerdict.Evaluate(Ad(1, 1_000, opens: 200), Ad(2, 1_000, opens: 215), AbTestMetric.OpenRate);

        result.ProbabilityBBeatsA.ShouldBe(0.7959551, 2e-7);
        result.PValue.ShouldBe(0.4081701, 2e-7);
        result.Winner.ShouldBe(AbWinner.None);
        result.Confidence.ShouldBe(0.7959551, 2e-7);
        AbVerdict.RequiredTrialsPerVariant(0.20, 0.215).ShouldBe(11_471.70, 0.01);
        result.MoreSendsPerVariantNeeded.ShouldBe(10_472);
        result.Text.ShouldBe("No clear winner yet: about 10,500 more sends per variant needed");
    }

    [Fact]
    public void ClickToOpenRateCountsOpensAsTrialsAndConvertsTheShortfallBackToSends()
    {
        // Each ad: 1,000 sends, 400 opens; clicks 12 and 18. Trials are opens: pA = 12/400 = .03, pB = 18/400 = .045.
        // var = .03·.97/400 + .045·.955/400 = .0000727500 + .0001074375 = .0001801875, SE = .0134234, z = 1.11745,
        // P(B > A) = 0.8680995: no winner.
        // Wilson A: centre = (.03 + 3.841459/800) / (1 + 3.841459/400) = .0348018 / 1.0096036 = .0344708, half .0172278
        //   → [0.0172, 0.0517]; B: centre .0493281, half .0206766 → [0.0287, 0.0700].
        // n: p̄ = .0375, 1.959964·√(2·.0375·.9625) = .526598, 0.841621·√(.0291 + .042975) = .225948,
        //   (.752546)² / .015² = .566326 / .000225 = 2,517.00 → 2,518 opens, less the 400 made = 2,118 more opens;
        //   at the observed open rate 800/2,000 = 40%: 2,118 / 0.4 = 5,295 sends → "about 5,300".
        var result = AbVerdict.Evaluate(Ad(1, 1_000, opens: 400, clicks: 12), Ad(2, 1_000, opens: 400, clicks: 18), AbTestMetric.ClickToOpenRate);

        result.A.Trials.ShouldBe(400);
        result.B.Successes.ShouldBe(18);
        result.A.IntervalLow.ShouldBe(0.0172, 0.00005);
        result.A.IntervalHigh.ShouldBe(0.0517, 0.00005);
        result.B.IntervalLow.ShouldBe(0.0287, 0.00005);
        result.B.IntervalHigh.ShouldBe(0.0700, 0.00005);
        result.ProbabilityBBeatsA.ShouldBe(0.8680995, 2e-7);
        result.Winner.ShouldBe(AbWinner.None);
        result.MoreSendsPerVariantNeeded.ShouldBe(5_295);
        result.Text.ShouldBe("No clear winner yet: about 5,300 more sends per variant needed");
    }

    [Fact]
    public void ClickToOpenRateIgnoresSendsWhenNamingAWinner()
    {
        // 60/2,000 vs 120/2,000 opens: z = .03 / √(.03·.97/2000 + .06·.94/2000) = .03 / .0065383 = 4.58831, Φ = 0.9999978.
        // B has twice the sends, which would halve its open rate, but opens are the trials here.
        var result = AbVerdict.Evaluate(Ad(1, 5_000, opens: 2_000, clicks: 60), Ad(2, 10_000, opens: 2_000, clicks: 120), AbTestMetric.ClickToOpenRate);

        result.ProbabilityBBeatsA.ShouldBe(0.9999978, 2e-7);
        result.PValue.ShouldBe(4.733e-6, 1e-8);
        result.Text.ShouldBe("B wins with 99% confidence");
    }

    [Fact]
    public void LeadRateCountsLeadsOutOfSendsAndCanNameA()
    {
        // pA = 30/2000 = .015, pB = 12/2000 = .006: var = .015·.985/2000 + .006·.994/2000 = .0000103695, SE = .0032202,
        // z = −.009 / .0032202 = −2.79488, P(B > A) = 0.0025959, so A beats B with 0.9974041 → "A wins with 99%".
        var result = AbVerdict.Evaluate(Ad(1, 2_000, opens: 900, clicks: 40, leads: 30), Ad(2, 2_000, opens: 950, clicks: 90, leads: 12), AbTestMetric.LeadRate);

        result.A.Trials.ShouldBe(2_000);
        result.A.Successes.ShouldBe(30);
        result.ProbabilityBBeatsA.ShouldBe(0.0025959, 2e-7);
        result.PValue.ShouldBe(0.0052358, 2e-7);
        result.Winner.ShouldBe(AbWinner.A);
        result.Confidence.ShouldBe(0.9974041, 2e-7);
        result.Text.ShouldBe("A wins with 99% confidence");
    }

    [Fact]
    public void LeadRateWithoutAWinnerAsksForMoreSends()
    {
        // pA = 20/2000 = .01, pB = 26/2000 = .013: z = .003 / .0033713 = 0.88987, P = 0.8132324.
        // n: p̄ = .0115, 1.959964·√(2·.0115·.9885) = .295529, 0.841621·√(.0099 + .012831) = .126890,
        //   (.422419)² / .003² = .178438 / .000009 = 19,826.40 → 19,827, less 2,000 = 17,827 → "about 17,900".
        var result = AbVerdict.Evaluate(Ad(1, 2_000, leads: 20), Ad(2, 2_000, leads: 26), AbTestMetric.LeadRate);

        result.ProbabilityBBeatsA.ShouldBe(0.8132324, 2e-7);
        result.MoreSendsPerVariantNeeded.ShouldBe(17_827);
        result.Text.ShouldBe("No clear winner yet: about 17,900 more sends per variant needed");
    }

    [Fact]
    public void EqualRatesMeanNoDifferenceObserved()
    {
        var result = AbVerdict.Evaluate(Ad(1, 1_000, opens: 200), Ad(2, 1_000, opens: 200), AbTestMetric.OpenRate);

        result.ProbabilityBBeatsA.ShouldBe(0.5, 1e-7);
        result.PValue.ShouldBe(1.0, 1e-6);
        result.Winner.ShouldBe(AbWinner.None);
        result.MoreSendsPerVariantNeeded.ShouldBeNull();
        result.Text.ShouldBe("No clear winner yet: no difference observed");
    }

    [Fact]
    public void EqualRatesOnDifferentSendsAreNoDifferenceEither() =>
        AbVerdict.Evaluate(Ad(1, 1_000, opens: 250), Ad(2, 2_000, opens: 500), AbTestMetric.OpenRate)
            .Text.ShouldBe("No clear winner yet: no difference observed");

    [Fact]
    public void NoTrialsOnEitherSideIsNotEnoughDataWithANeutralProbability()
    {
        var result = AbVerdict.Evaluate(Ad(1, 0), Ad(2, 0), AbTestMetric.OpenRate);

        result.A.ShouldBe(new AbVariantStats(0, 0, 0, 0, 1));
        result.ProbabilityBBeatsA.ShouldBe(0.5);
        result.PValue.ShouldBe(1);
        result.Winner.ShouldBe(AbWinner.None);
        result.MoreSendsPerVariantNeeded.ShouldBeNull();
        result.Text.ShouldBe("Not enough data yet: each variant needs at least 100 sends (A has 0, B has 0)");
    }

    [Fact]
    public void NoTrialsOnOneSideSaysNothingAboutWhichIsBetter()
    {
        var result = AbVerdict.Evaluate(Ad(1, 0), Ad(2, 5_000, opens: 2_000), AbTestMetric.OpenRate);

        result.ProbabilityBBeatsA.ShouldBe(0.5);
        result.Confidence.ShouldBe(0.5);
        result.PValue.ShouldBe(1);
        result.MoreSendsPerVariantNeeded.ShouldBeNull();
        result.Text.ShouldBe("Not enough data yet: each variant needs at least 100 sends (A has 0, B has 5,000)");
    }

    [Fact]
    public void ClickToOpenRateWithSendsButNoOpensHasNoTrials() =>
        AbVerdict.Evaluate(Ad(1, 500), Ad(2, 500), AbTestMetric.ClickToOpenRate)
            .Text.ShouldBe("Not enough data yet: each variant needs at least 100 opens (A has 0, B has 0)");

    [Fact]
    public void UnderOneHundredTrialsThereIsNoWinnerHoweverLargeTheGap()
    {
        // 10/50 vs 30/60: P(B > A) = Φ(.3 / √(.2·.8/50 + .5·.5/60)) = Φ(3.4954) ≈ 0.9998, but A has only 50 sends.
        // n at .2 vs .5 is 39 (under the minimum), so the minimum of 100 rules: 100 − 50 = 50 more sends.
        var result = AbVerdict.Evaluate(Ad(1, 50, opens: 10), Ad(2, 60, opens: 30), AbTestMetric.OpenRate);

        result.Confidence.ShouldBeGreaterThan(0.999);
        result.Winner.ShouldBe(AbWinner.None);
        result.MoreSendsPerVariantNeeded.ShouldBe(50);
        result.Text.ShouldBe("Not enough data yet: each variant needs at least 100 sends (A has 50, B has 60)");
    }

    [Fact]
    public void NoneVersusAllIsCertainButStillReadsNinetyNinePercent()
    {
        // Both variances are 0 (rates 0 and 1): the difference is certain, P = 1; the text never claims 100%.
        var result = AbVerdict.Evaluate(Ad(1, 200, opens: 0), Ad(2, 200, opens: 200), AbTestMetric.OpenRate);

        result.ProbabilityBBeatsA.ShouldBe(1);
        result.Text.ShouldBe("B wins with 99% confidence");
    }

    [Fact]
    public void ClicksBeyondTrackedOpensCountAsAHundredPercent()
    {
        var result = AbVerdict.Evaluate(Ad(1, 1_000, opens: 100, clicks: 130), Ad(2, 1_000, opens: 100, clicks: 50), AbTestMetric.ClickToOpenRate);

        result.A.Successes.ShouldBe(100);
        result.A.Rate.ShouldBe(1);
        result.A.IntervalHigh.ShouldBe(1);
    }

    [Fact]
    public void NegativeCountsAreRefused() =>
        Should.Throw<ArgumentException>(() => AbVerdict.Evaluate(Ad(1, 10, opens: -1), Ad(2, 10), AbTestMetric.OpenRate));

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.0, 0.8413447460685429)]
    [InlineData(-1.0, 0.15865525393145707)]
    [InlineData(1.959963984540054, 0.975)]
    [InlineData(0.8416212335729143, 0.8)]
    [InlineData(-3.5, 0.00023262907903552504)]
    public void PhiIsWithinItsStatedErrorOfTheExactValue(double x, double expected) =>
        NormalDistribution.Cdf(x).ShouldBe(expected, 7.5e-8);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(999, 999)]
    [InlineData(1_237, 1_240)]
    [InlineData(1_240, 1_240)]
    [InlineData(10_472, 10_500)]
    [InlineData(5_295, 5_300)]
    [InlineData(1_000_001, 1_010_000)]
    public void TheShownEstimateIsRoundedUpToThreeFigures(long value, long shown) =>
        AbVerdict.RoundUpToThreeFigures(value).ShouldBe(shown);
}

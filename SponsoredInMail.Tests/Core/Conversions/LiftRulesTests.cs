using SponsoredInMail.Core.Conversions;

namespace SponsoredInMail.Tests.Core.Conversions;

/// <summary>The lift statistics against figures worked by hand (Katz's log interval on the risk ratio).</summary>
public class LiftRulesTests
{
    [Fact]
    public void ThreePercentSentOverTwoPercentHeldOutIsAFiftyPercentLiftWithItsKatzInterval()
    {
        // RR = 0.03 / 0.02 = 1.5; SE(ln RR) = √(1/300 − 1/10000 + 1/40 − 1/2000) = 0.166533; ln 1.5 ± 1.96·SE.
        var lift = LiftRules.Estimate(sentMembers: 10_000, sentConverters: 300, heldOutMembers: 2_000, heldOutConverters: 40, spentCents: 500_000);

        lift.SentRate.ShouldBe(0.03);
        lift.HeldOutRate.ShouldBe(0.02);
        lift.AbsoluteDifference!.Value.ShouldBe(0.01, 1e-12);
        lift.RelativeLift!.Value.ShouldBe(0.5, 1e-9);
        lift.LiftLow!.Value.ShouldBe(0.0822756, 1e-6);
        lift.LiftHigh!.Value.ShouldBe(1.0789529, 1e-6);
        lift.IncrementalConversions!.Value.ShouldBe(100, 1e-9);
        lift.CostPerIncrementalCents.ShouldBe(5_000);
        lift.Outcome.ShouldBe(LiftOutcome.Raised);
        lift.Verdict.ShouldBe("Sending raised conversions by 50% (95% CI 8% to 108%).");
    }

    [Fact]
    public void NoConverterHeldOutUsesHalfAMemberCorrection()
    {
        // Corrected: 10.5 of 2,001 over 0.5 of 1,001: RR = 10.505, interval worked by hand.
        var lift = LiftRules.Estimate(2_000, 10, 1_000, 0, spentCents: 100_000);

        lift.HeldOutRate.ShouldBe(0);
        lift.RelativeLift!.Value.ShouldBe(9.5052474, 1e-6);
        lift.LiftLow!.Value.ShouldBe(-0.3837767, 1e-6);
        lift.LiftHigh!.Value.ShouldBe(178.0912752, 1e-4);
        // The incremental conversions use the raw rates: (0.005 − 0) × 2,000.
        lift.IncrementalConversions!.Value.ShouldBe(10, 1e-9);
        lift.CostPerIncrementalCents.ShouldBe(10_000);
    }

    [Fact]
    public void EqualRatesAreNoMeasurableLiftAndHaveNoCostPerIncrementalConversion()
    {
        var lift = LiftRules.Estimate(10_000, 200, 2_000, 40, spentCents: 500_000);

        lift.RelativeLift!.Value.ShouldBe(0, 1e-12);
        lift.LiftLow!.Value.ShouldBe(-0.2854225, 1e-6);
        lift.LiftHigh!.Value.ShouldBe(0.3994283, 1e-6);
        lift.IncrementalConversions!.Value.ShouldBe(0, 1e-9);
        lift.CostPerIncrementalCents.ShouldBeNull();
        lift.Outcome.ShouldBe(LiftOutcome.NoMeasurableLift);
        lift.Verdict.ShouldBe("No measurable lift yet: the estimate is 0%, but the 95% CI \u221229% to 40% includes no change.");
    }

    [Fact]
    public void FewerSentConversionsAreALoweredVerdictWithoutCost()
    {
        var lift = LiftRules.Estimate(20_000, 200, 5_000, 100, spentCents: 1_000_000);

        lift.RelativeLift!.Value.ShouldBe(-0.5, 1e-9);
        lift.Outcome.ShouldBe(LiftOutcome.Lowered);
        lift.Verdict.ShouldStartWith("Sending lowered conversions by 50% (95% CI \u2212");
        lift.CostPerIncrementalCents.ShouldBeNull();
    }

    [Fact]
    public void AnEmptyHoldoutHasRatesButNoLift()
    {
        var lift = LiftRules.Estimate(5_000, 100, 0, 0, spentCents: 250_000);

        lift.SentRate.ShouldBe(0.02);
        lift.HeldOutRate.ShouldBeNull();
        lift.RelativeLift.ShouldBeNull();
        lift.LiftLow.ShouldBeNull();
        lift.IncrementalConversions.ShouldBeNull();
        lift.CostPerIncrementalCents.ShouldBeNull();
        lift.Outcome.ShouldBe(LiftOutcome.NotEnoughData);
    }

    [Fact]
    public void NothingSentHasNoLift()
    {
        var lift = LiftRules.Estimate(0, 0, 1_500, 30, spentCents: 0);

        lift.SentRate.ShouldBeNull();
        lift.RelativeLift.ShouldBeNull();
        lift.Outcome.ShouldBe(LiftOutcome.NotEnoughData);
    }

    [Theory]
    [InlineData(10_000, 300, 999, 40, "Not enough data yet: the holdout group needs at least 1,000 members (it has 999).")]
    [InlineData(999, 300, 1_000, 40, "Not enough data yet: at least 1,000 members need to have been sent (so far 999).")]
    [InlineData(10_000, 12, 2_000, 7, "Not enough data yet: at least 20 members need to have converted across both groups (so far 19).")]
    public void BelowTheThresholdsTheVerdictSaysWhatIsMissing(long ns, long xs, long nh, long xh, string verdict)
    {
        var lift = LiftRules.Estimate(ns, xs, nh, xh, spentCents: 1_000);

        lift.Outcome.ShouldBe(LiftOutcome.NotEnoughData);
        lift.Verdict.ShouldBe(verdict);
    }

    [Fact]
    public void MoreConvertersThanMembersIsRefused() =>
        Should.Throw<ArgumentException>(() => LiftRules.Estimate(10, 11, 10, 0, 0));

    [Theory]
    [InlineData(0.243, "24%")]
    [InlineData(-0.05, "\u22125%")]
    [InlineData(12.5, "1,250%")]
    [InlineData(0.0049, "0%")]
    public void PercentsAreWholeWithATrueMinusSign(double fraction, string text) =>
        LiftRules.Percent(fraction).ShouldBe(text);
}

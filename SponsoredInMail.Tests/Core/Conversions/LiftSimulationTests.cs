using SponsoredInMail.Core.Conversions;

namespace SponsoredInMail.Tests.Core.Conversions;

/// <summary>
/// The acceptance test of the holdout lift: 100 seeded runs of a campaign with a known true lift (100,000 members, 10%
/// held out by <see cref="HoldoutRules"/>, base conversion rate 2%, true relative lift +20%); the 95% interval must
/// cover the true lift in at least 90 of them. Seeds 1–100, so it is deterministic, not flaky. The benchmark's
/// <c>holdout</c> scenario runs the same code.
/// </summary>
public class LiftSimulationTests
{
    public const int Members = 100_000;
    public const int HoldoutPercent = 10;
    public const double BaseRate = 0.02;
    public const double TrueLift = 0.20;

    [Fact]
    public void TheIntervalCoversTheTrueLiftInAtLeastNinetyOfOneHundredSeededRuns()
    {
        var runs = LiftSimulation.Runs(100, Members, HoldoutPercent, BaseRate, TrueLift);

        var covered = runs.Count(r => r.Covers);
        TestContext.Current.SendDiagnosticMessage($"coverage {covered}/100");
        covered.ShouldBeGreaterThanOrEqualTo(90);
    }

    [Fact]
    public void TheHeldOutShareAndTheEstimateAreNearTheTruth()
    {
        var runs = LiftSimulation.Runs(20, Members, HoldoutPercent, BaseRate, TrueLift);

        runs.ShouldAllBe(r => Math.Abs(r.Estimate.HeldOutMembers / (double)Members - 0.10) < 0.005);
        runs.Average(r => r.Estimate.RelativeLift!.Value).ShouldBe(TrueLift, 0.05);
    }

    [Fact]
    public void ASmallHoldoutStillCoversWithZeroLift()
    {
        var runs = LiftSimulation.Runs(100, 50_000, 5, 0.01, 0.0, firstSeed: 1_000);

        runs.Count(r => r.Covers).ShouldBeGreaterThanOrEqualTo(90);
    }

    [Fact]
    public void TheSameSeedGivesTheSameRun() =>
        LiftSimulation.Run(Members, HoldoutPercent, BaseRate, TrueLift, 7).ShouldBe(LiftSimulation.Run(Members, HoldoutPercent, BaseRate, TrueLift, 7));
}

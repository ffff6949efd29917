using SponsoredInMail.Core.Variants;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Variants;

/// <summary>
/// The acceptance test of rotation: two ads whose true click-to-open rates are 3% and 6% (both opened by 40% of
/// members), sent to 50,000 members in batches of 1,000, shares recomputed from the accumulated outcomes before every
/// batch. Five seeds, so the result is not one lucky draw. The benchmark's <c>rotation</c> scenario runs the same code.
/// </summary>
public class RotationSimulationTests
{
    private static readonly double[] TrueClickToOpen = [0.03, 0.06];
    private const double OpenRate = 0.40;
    private const int Members = 50_000;
    private const int BatchSize = 1_000;

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void OptimizeSendsAtLeastSeventyPercentToTheBetterAd(int seed)
    {
        var sends = RotationSimulation.Run(AdRotation.Optimize, TrueClickToOpen, OpenRate, Members, BatchSize, seed);

        sends.Sum().ShouldBe(Members);
        ((double)sends[1] / Members).ShouldBeGreaterThanOrEqualTo(0.70);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void OptimizeKeepsEveryAdAtLeastTenPercent(int seed)
    {
        var sends = RotationSimulation.Run(AdRotation.Optimize, TrueClickToOpen, OpenRate, Members, BatchSize, seed);

        sends.ShouldAllBe(s => (double)s / Members >= 0.10);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EvenStaysWithinTwoPercentOfFiftyFifty(int seed)
    {
        var sends = RotationSimulation.Run(AdRotation.Even, TrueClickToOpen, OpenRate, Members, BatchSize, seed);

        sends.Sum().ShouldBe(Members);
        sends.ShouldAllBe(s => Math.Abs((double)s / Members - 0.5) <= 0.02);
    }

    [Fact]
    public void TheSameSeedGivesTheSameRun() =>
        RotationSimulation.Run(AdRotation.Optimize, TrueClickToOpen, OpenRate, 5_000, BatchSize, seed: 9)
            .ShouldBe(RotationSimulation.Run(AdRotation.Optimize, TrueClickToOpen, OpenRate, 5_000, BatchSize, seed: 9));

    [Fact]
    public async Task TheBenchmarkRunsTheSameSimulationAndPrintsOneResultLine()
    {
        var ct = TestContext.Current.CancellationToken;
        var optimize = RotationSimulation.Run(AdRotation.Optimize, TrueClickToOpen, OpenRate, Members, BatchSize, seed: 1);

        using var benchmark = BenchmarkProcess.Start("rotation", "--seed", "1");
        var errors = benchmark.StandardError.ReadToEndAsync(ct);
        var output = await benchmark.StandardOutput.ReadToEndAsync(ct);
        await benchmark.WaitForExitAsync(ct);
        var log = await errors;

        benchmark.ExitCode.ShouldBe(0, log);
        log.ShouldContain("time taken:");
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ShouldHaveSingleItem();
        line.ShouldContain(FormattableString.Invariant($"optimize_better_share={(double)optimize[1] / Members:F3} "));
        line.ShouldMatch(@"^RESULT scenario=rotation optimize_better_share=0\.\d{3} even_max_deviation=0\.\d{3} optimize_min_share=0\.\d{3}$");
    }
}

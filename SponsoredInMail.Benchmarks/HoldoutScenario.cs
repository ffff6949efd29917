using System.Diagnostics;
using System.Globalization;
using SponsoredInMail.Core.Conversions;
using static SponsoredInMail.Benchmarks.Stats;

namespace SponsoredInMail.Benchmarks;

internal sealed record HoldoutOptions(int Runs, int Members, int HoldoutPercent, double BaseRate, double TrueLift, int Seed)
{
    public static HoldoutOptions Parse(string[] args)
    {
        var runs = 100;
        var members = 100_000;
        var holdout = 10;
        var baseRate = 0.02;
        var lift = 0.20;
        var seed = 1;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new UsageException($"option {args[i]} needs a value.");
            int Count(int min, int max = int.MaxValue)
            {
                var name = args[i];
                var text = Next();
                return int.TryParse(text.Replace("_", "", StringComparison.Ordinal), out var v) && v >= min && v <= max
                    ? v : throw new UsageException($"{name} expects a whole number from {min} to {max}, got '{text}'.");
            }
            double Fraction(double min, double max)
            {
                var name = args[i];
                var text = Next();
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                    ? v : throw new UsageException($"{name} expects a number from {min} to {max}, got '{text}'.");
            }
            switch (args[i])
            {
                case "--runs": runs = Count(1); break;
                case "--members": members = Count(10); break;
                case "--holdout": holdout = Count(1, ConversionRules.MaxHoldoutPercent); break;
                case "--base-rate": baseRate = Fraction(0.0001, 0.5); break;
                case "--lift": lift = Fraction(-0.9, 1.0); break;
                case "--seed": seed = Count(0); break;
                default: throw new UsageException($"unknown option '{args[i]}' for holdout (known: --runs, --members, --holdout, --base-rate, --lift, --seed).");
            }
        }
        return new HoldoutOptions(runs, members, holdout, baseRate, lift, seed);
    }
}

/// <summary>
/// holdout: the acceptance simulation of the holdout lift (<see cref="LiftSimulation"/>, the same code and figures as
/// <c>LiftSimulationTests</c>): R seeded runs of a campaign with a known true lift; prints the share of runs whose 95%
/// interval covers it. No database.
/// </summary>
internal sealed class HoldoutScenario(HoldoutOptions options)
{
    /// <summary>The acceptance criterion: the interval covers the true lift in at least 90% of the runs.</summary>
    public const double RequiredCoverage = 0.90;

    public int Run()
    {
        Log.Info($"holdout: {N(options.Runs)} runs from seed {options.Seed}, {N(options.Members)} members, {options.HoldoutPercent}% held out, "
            + $"base rate {F(options.BaseRate, 4)}, true lift {F(options.TrueLift)}");
        var clock = Stopwatch.StartNew();
        var runs = LiftSimulation.Runs(options.Runs, options.Members, options.HoldoutPercent, options.BaseRate, options.TrueLift, options.Seed);
        var seconds = clock.Elapsed.TotalSeconds;

        var coverage = runs.Count(r => r.Covers) / (double)runs.Count;
        var meanLift = runs.Where(r => r.Estimate.RelativeLift is not null).Average(r => r.Estimate.RelativeLift!.Value);
        var meanWidth = runs.Where(r => r.Estimate.LiftHigh is not null).Average(r => r.Estimate.LiftHigh!.Value - r.Estimate.LiftLow!.Value);
        var missedLow = runs.Count(r => r.Estimate.LiftHigh < r.TrueLift);
        var missedHigh = runs.Count(r => r.Estimate.LiftLow > r.TrueLift);
        Log.Info($"covered {N(runs.Count(r => r.Covers))} of {N(runs.Count)}; missed below {missedLow}, above {missedHigh}; mean interval width {F(meanWidth)}");
        Log.Info($"time taken: {F(seconds)} s");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT scenario=holdout runs={runs.Count} coverage={coverage:0.####} members={options.Members} holdout_percent={options.HoldoutPercent} "
            + $"true_lift={F(options.TrueLift)} mean_lift={F(meanLift)} mean_ci_width={F(meanWidth)}"));

        if (coverage < RequiredCoverage)
        {
            Console.Error.WriteLine($"error: holdout misses its acceptance criterion (coverage ≥ {RequiredCoverage:0.00}).");
            return 1;
        }
        return 0;
    }
}

using System.Diagnostics;
using SponsoredInMail.Core.Variants;
using static SponsoredInMail.Benchmarks.Stats;

namespace SponsoredInMail.Benchmarks;

internal sealed record RotationOptions(int Members, int Batch, int Seed)
{
    public static RotationOptions Parse(string[] args)
    {
        var members = 50_000;
        var batch = 1_000;
        var seed = 1;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new UsageException($"option {args[i]} needs a value.");
            int Count(int min)
            {
                var name = args[i];
                var text = Next();
                return int.TryParse(text.Replace("_", "", StringComparison.Ordinal), out var v) && v >= min
                    ? v : throw new UsageException($"{name} expects a whole number of at least {min}, got '{text}'.");
            }
            switch (args[i])
            {
                case "--members": members = Count(1); break;
                case "--batch": batch = Count(1); break;
                case "--seed": seed = Count(0); break;
                default: throw new UsageException($"unknown option '{args[i]}' for rotation (known: --members, --batch, --seed).");
            }
        }
        return new RotationOptions(members, batch, seed);
    }
}

/// <summary>
/// rotation: the acceptance simulation of ad rotation (<see cref="RotationSimulation"/>, the same code and figures as
/// <c>RotationSimulationTests</c>): two ads with true click-to-open rates of 3% and 6%, 40% opens, sent to 50,000
/// members in batches of 1,000, once with Optimize and once with Even. No database.
/// </summary>
internal sealed class RotationScenario(RotationOptions options)
{
    private static readonly double[] TrueClickToOpen = [0.03, 0.06];
    private const double OpenRate = 0.40;

    public int Run()
    {
        Log.Info($"rotation: {N(options.Members)} members, batches of {N(options.Batch)}, CTOR 3% vs 6%, opens 40%, seed {options.Seed}");
        var clock = Stopwatch.StartNew();
        var optimize = RotationSimulation.Run(AdRotation.Optimize, TrueClickToOpen, OpenRate, options.Members, options.Batch, options.Seed);
        var optimizeSeconds = clock.Elapsed.TotalSeconds;
        var even = RotationSimulation.Run(AdRotation.Even, TrueClickToOpen, OpenRate, options.Members, options.Batch, options.Seed);
        var totalSeconds = clock.Elapsed.TotalSeconds;

        var optimizeBetterShare = (double)optimize[1] / optimize.Sum();
        var optimizeMinShare = optimize.Min() / (double)optimize.Sum();
        var evenMaxDeviation = even.Max(s => Math.Abs((double)s / even.Sum() - 0.5));
        Log.Info($"optimize sends {string.Join(" / ", optimize.Select(N))} in {F(optimizeSeconds)} s; even sends {string.Join(" / ", even.Select(N))} in {F(totalSeconds - optimizeSeconds)} s");
        Log.Info($"time taken: {F(totalSeconds)} s");
        Console.Out.WriteLine($"RESULT scenario=rotation optimize_better_share={F(optimizeBetterShare)} even_max_deviation={F(evenMaxDeviation)} optimize_min_share={F(optimizeMinShare)}");

        // The acceptance criteria: at least 70% to the better ad, Even within 2% of 50/50, every ad at least 10%.
        var accepted = optimizeBetterShare >= 0.70 && evenMaxDeviation <= 0.02 && optimizeMinShare >= 0.10;
        if (!accepted)
        {
            Console.Error.WriteLine("error: rotation misses its acceptance criteria (better ≥ 0.70, even deviation ≤ 0.02, min share ≥ 0.10).");
        }
        return accepted ? 0 : 1;
    }
}

using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Core.Conversions;

/// <summary>One simulated holdout test: its counts, the estimate, and whether the 95% interval covers the true lift.</summary>
public sealed record LiftSimulationRun(int Seed, LiftEstimate Estimate, double TrueLift)
{
    public bool Covers => Estimate.LiftLow <= TrueLift && TrueLift <= Estimate.LiftHigh;
}

/// <summary>
/// A campaign with a known true lift: members 1..N are split by <see cref="HoldoutRules.IsHeldOut"/> (the campaign id
/// is the seed, so every run holds out different members), a held-out member converts with the base rate and a sent one
/// with base × (1 + true lift), and the interval comes from <see cref="LiftRules"/>. Shared by the acceptance test and the
/// <c>holdout</c> benchmark, so both measure the same thing.
/// </summary>
public static class LiftSimulation
{
    /// <summary>One run, its conversions drawn from <paramref name="seed"/>.</summary>
    public static LiftSimulationRun Run(int members, int holdoutPercent, double baseRate, double trueLift, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(members);
        if (ConversionRules.CheckHoldout(holdoutPercent) is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(holdoutPercent), holdoutPercent, problem);
        }
        var sentRate = baseRate * (1 + trueLift);
        if (baseRate is < 0 or > 1 || sentRate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(baseRate), "Both conversion rates must be between 0 and 1.");
        }
        var random = new DeterministicRandom(seed);
        long sent = 0, sentConverters = 0, held = 0, heldConverters = 0;
        for (var member = 1; member <= members; member++)
        {
            var draw = random.NextDouble();
            if (HoldoutRules.IsHeldOut(seed, member, holdoutPercent))
            {
                held++;
                heldConverters += draw < baseRate ? 1 : 0;
            }
            else
            {
                sent++;
                sentConverters += draw < sentRate ? 1 : 0;
            }
        }
        return new LiftSimulationRun(seed, LiftRules.Estimate(sent, sentConverters, held, heldConverters, spentCents: 0), trueLift);
    }

    /// <summary>Runs seeds <paramref name="firstSeed"/>, +1, … (<paramref name="runs"/> of them).</summary>
    public static IReadOnlyList<LiftSimulationRun> Runs(int runs, int members, int holdoutPercent, double baseRate, double trueLift, int firstSeed = 1) =>
        [.. Enumerable.Range(firstSeed, runs).Select(seed => Run(members, holdoutPercent, baseRate, trueLift, seed))];
}

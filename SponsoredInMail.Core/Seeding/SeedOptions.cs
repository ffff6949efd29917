namespace SponsoredInMail.Core.Seeding;

/// <summary>Configuration section "Seed".</summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>Members created on first run (and by `seed` without --members).</summary>
    public int Members { get; set; } = 50_000;

    /// <summary>Bogus seed: the same seed and member count always give the same network.</summary>
    public int RandomSeed { get; set; } = 20_160_728;

    /// <summary>Adds the demo campaigns with their delivery history (off in most tests, which start empty).</summary>
    public bool DemoCampaigns { get; set; } = true;
}

public sealed record SeedProgress(string Stage, long Done, long Total);

namespace SponsoredInMail.Core.Audiences;

/// <summary>Configuration section "Audiences" (SPEC §2, *config* values).</summary>
public sealed class AudienceOptions
{
    public const string Section = "Audiences";

    /// <summary>Launch is refused below this many deliverable members.</summary>
    public int MinimumAudienceSize { get; set; } = 300;

    /// <summary>Frequency cap across advertisers: one sponsored message per this many days.</summary>
    public int AnyAdvertiserCapDays { get; set; } = 30;

    /// <summary>Frequency cap per advertiser account: one sponsored message per this many days.</summary>
    public int SameAdvertiserCapDays { get; set; } = 60;
}

public static class AudienceRules
{
    public const int MaxNameLength = 100;
    public const int MaxValuesPerFacet = 200;
    public const int MaxMatchedRows = 300_000;
    public const long MaxMatchedFileBytes = 20L * 1024 * 1024;
}

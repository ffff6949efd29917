namespace SponsoredInMail.Core.Members;

/// <summary>Configuration section "Delivery": who counts as active (SPEC §2, *config*).</summary>
public sealed class ActivityOptions
{
    public const string Section = "Delivery";

    /// <summary>Sponsored messages go only to members active within this many days.</summary>
    public int ActiveWithinDays { get; set; } = 30;
}

public sealed class ActivityPolicy(Microsoft.Extensions.Options.IOptions<ActivityOptions> options)
{
    public DateTime ActiveSince(TimeProvider clock) =>
        clock.GetUtcNow().UtcDateTime.AddDays(-options.Value.ActiveWithinDays);
}

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
    /// <summary>
    /// Members with LastActiveAt at or after this are active. The cutoff falls on a whole minute so the
    /// database and the audience index (which keeps minutes) always agree.
    /// </summary>
    public DateTime ActiveSince(TimeProvider clock) =>
        TimeRules.MinuteFloor(clock.GetUtcNow().UtcDateTime).AddDays(-options.Value.ActiveWithinDays);
}

/// <summary>Time rules shared by the database queries and the audience index.</summary>
public static class TimeRules
{
    public static DateTime MinuteFloor(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);

    /// <summary>
    /// A member who received a sponsored message at or after this moment is still under a cap of
    /// <paramref name="capDays"/> days. Whole-minute cutoff: never lets a message through early.
    /// </summary>
    public static DateTime CappedSince(DateTime nowUtc, int capDays) => MinuteFloor(nowUtc).AddDays(-capDays);
}

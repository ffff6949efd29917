using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Audiences;

/// <summary>What the audience index needs to know of one member.</summary>
public sealed record MemberFacts(
    int Id, string CountryCode, string Region, string Industry, int CompanyId, string JobTitle, string JobFunction,
    Seniority Seniority, IReadOnlyList<int> SkillIds, int YearsOfExperience, string ProfileLanguage, DateTime LastActiveAt)
{
    public static MemberFacts From(Member m) => new(m.Id, m.CountryCode, m.Region, m.Industry, m.CompanyId, m.JobTitle,
        m.JobFunction, m.Seniority, m.SkillIds, m.YearsOfExperience, m.ProfileLanguage, m.LastActiveAt);
}

/// <summary>One sponsored delivery as the frequency caps see it.</summary>
public sealed record DeliveryFact(int MemberId, int AdvertiserAccountId, DateTime DeliveredAt);

/// <summary>The breakdown the audience panel shows, step by step (SPEC §3 Audiences).</summary>
public sealed record AudienceBreakdown(int Matching, int OptedOut, int FrequencyCapped, int Inactive, int Deliverable);

/// <summary>Streams what the audience index is built from, the fast way for the provider.</summary>
public interface IAudienceSource
{
    /// <summary>The newest change-feed position, read before the rest (see <see cref="AudienceIndex.BuiltAtPosition"/>).</summary>
    Task<long> ReadChangePositionAsync(CancellationToken ct);

    Task ReadMembersAsync(Action<MemberFacts> onMember, CancellationToken ct);
    Task<IReadOnlyList<Company>> ReadCompaniesAsync(CancellationToken ct);
    Task<IReadOnlyList<MemberOptOut>> ReadOptOutsAsync(CancellationToken ct);
    Task<IReadOnlyList<(int Id, int AccountId, int[] MemberIds)>> ReadMatchedAudiencesAsync(CancellationToken ct);

    /// <summary>Launched campaigns (their engaged audiences can be targeted): id, account, name.</summary>
    Task<IReadOnlyList<(int Id, int AccountId, string Name)>> ReadLaunchedCampaignsAsync(CancellationToken ct);

    /// <summary>Streams the counted opens, clicks and leads: who engaged with which campaign.</summary>
    Task ReadEngagementAsync(Action<(int CampaignId, int MemberId, Engagement.EventKind Kind)> onEvent, CancellationToken ct);

    /// <summary>Streams the sponsored deliveries recent enough to cap anyone now.</summary>
    Task ReadRecentDeliveriesAsync(DateTime since, Action<DeliveryFact> onDelivery, CancellationToken ct);
}

/// <summary>The actions an engaged audience is built from, and its facet value "campaignId:action".</summary>
public static class EngagedAction
{
    public const string Opened = "opened", Clicked = "clicked", Lead = "lead";
    public static readonly IReadOnlyList<string> All = [Opened, Clicked, Lead];

    /// <summary>The engaged audience a counted event puts its member in: opens, any kind of click, leads; null for the rest.</summary>
    public static string? Of(Engagement.EventKind kind) => kind switch
    {
        Engagement.EventKind.Open => Opened,
        Engagement.EventKind.LeadSubmitted => Lead,
        _ when kind.IsClick() => Clicked,
        _ => null,
    };

    /// <summary>The event kinds some engaged audience is built from (what <see cref="IAudienceSource.ReadEngagementAsync"/> streams).</summary>
    public static readonly IReadOnlyList<Engagement.EventKind> EventKinds = [.. Enum.GetValues<Engagement.EventKind>().Where(k => Of(k) is not null)];

    public static string Value(int campaignId, string action) => $"{campaignId.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{action}";

    public static bool TryParse(string value, out int campaignId, out string action)
    {
        campaignId = 0;
        action = "";
        var parts = value.Split(':', 2);
        if (parts.Length != 2 || !All.Contains(parts[1]) || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out campaignId))
        {
            return false;
        }
        action = parts[1];
        return true;
    }

    public static string Describe(string action) => action switch
    {
        Opened => "Opened",
        Clicked => "Clicked",
        _ => "Submitted a lead for",
    };
}

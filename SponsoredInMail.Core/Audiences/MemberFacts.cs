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
    Task ReadMembersAsync(Action<MemberFacts> onMember, CancellationToken ct);
    Task<IReadOnlyList<Company>> ReadCompaniesAsync(CancellationToken ct);
    Task<IReadOnlyList<MemberOptOut>> ReadOptOutsAsync(CancellationToken ct);
    Task<IReadOnlyList<(int Id, int AccountId, int[] MemberIds)>> ReadMatchedAudiencesAsync(CancellationToken ct);

    /// <summary>Streams the sponsored deliveries recent enough to cap anyone now.</summary>
    Task ReadRecentDeliveriesAsync(DateTime since, Action<DeliveryFact> onDelivery, CancellationToken ct);
}

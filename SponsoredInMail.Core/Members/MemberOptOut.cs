namespace SponsoredInMail.Core.Members;

public enum OptOutScope
{
    /// <summary>No sponsored messages at all.</summary>
    All = 1,
    /// <summary>None from one advertiser account (a company).</summary>
    Advertiser = 2,
    /// <summary>None sent in the name of one sender (a person).</summary>
    Sender = 3,
}

/// <summary>A member's refusal of sponsored messages; it applies to every send after <see cref="CreatedAt"/>.</summary>
public class MemberOptOut
{
    public int Id { get; set; }
    public int MemberId { get; set; }
    public OptOutScope Scope { get; set; }

    /// <summary>Set when <see cref="Scope"/> is <see cref="OptOutScope.Advertiser"/>.</summary>
    public int? AdvertiserAccountId { get; set; }

    /// <summary>The sender's member id, set when <see cref="Scope"/> is <see cref="OptOutScope.Sender"/>.</summary>
    public int? SenderMemberId { get; set; }

    public DateTime CreatedAt { get; set; }
}

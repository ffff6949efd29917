using System.Text.Json;
using System.Text.Json.Serialization;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Changes;

/// <summary>
/// A committed change that other parts follow (the audience index, live pages, jobs). Recorded in the same
/// transaction as the data it describes (<see cref="ChangeRecord"/>), read back in position order from one feed.
/// Payloads name what changed; followers that need the new values read them from the database.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(MemberChanged), "member")]
[JsonDerivedType(typeof(MemberSeen), "member-seen")]
[JsonDerivedType(typeof(CompanyChanged), "company")]
[JsonDerivedType(typeof(OptOutChanged), "opt-out")]
[JsonDerivedType(typeof(DeliveriesSent), "deliveries")]
[JsonDerivedType(typeof(EngagementRecorded), "engagement")]
[JsonDerivedType(typeof(MatchedAudienceSaved), "matched-saved")]
[JsonDerivedType(typeof(MatchedAudienceDeleted), "matched-deleted")]
[JsonDerivedType(typeof(CampaignChanged), "campaign")]
[JsonDerivedType(typeof(SenderPermissionChanged), "sender-permission")]
[JsonDerivedType(typeof(InboxMessageAdded), "inbox-message")]
[JsonDerivedType(typeof(InMailChanged), "inmail")]
[JsonDerivedType(typeof(CreditsChanged), "credits")]
[JsonDerivedType(typeof(ConversionAttributed), "conversion")]
public abstract record DataChange
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The short name stored beside the payload (for reading the table by eye and filtering).</summary>
    public string Kind => GetType().Name;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static DataChange FromJson(string json) =>
        JsonSerializer.Deserialize<DataChange>(json, Json) ?? throw new InvalidDataException("An empty change record.");
}

/// <summary>A member was added or their profile changed.</summary>
public sealed record MemberChanged(int MemberId) : DataChange;

/// <summary>A member was seen on the network (activity keeps them deliverable).</summary>
public sealed record MemberSeen(int MemberId, DateTime At) : DataChange;

/// <summary>A company was added or changed.</summary>
public sealed record CompanyChanged(int CompanyId) : DataChange;

/// <summary>An opt-out row was added or removed (another row may still cover the same thing).</summary>
public sealed record OptOutChanged(int MemberId, OptOutScope Scope, int? AdvertiserAccountId, int? SenderMemberId, bool Added) : DataChange;

/// <summary>
/// One committed send batch of a campaign; <see cref="MemberIds"/> ascending (stored compactly: a batch is up to tens of
/// thousands of ids, written in the send's transaction and read back by every follower).
/// </summary>
public sealed record DeliveriesSent(int CampaignId, int AdvertiserAccountId, DateTime At,
    [property: JsonConverter(typeof(AscendingIdsJsonConverter))] int[] MemberIds) : DataChange
{
    public bool Includes(int memberId) => Array.BinarySearch(MemberIds, memberId) >= 0;
}

/// <summary>
/// Counted engagement of one group commit (opens, clicks, leads, conversation choices, not interested). Written in the
/// tracking hot path hundreds of times a second, so each event is stored as four numbers: campaign, account, member, kind.
/// </summary>
public sealed record EngagementRecorded(
    [property: JsonConverter(typeof(EngagedMembersJsonConverter))] IReadOnlyList<EngagedMember> Events) : DataChange;

public sealed record EngagedMember(int CampaignId, int AdvertiserAccountId, int MemberId, EventKind Kind);

public sealed record MatchedAudienceSaved(int MatchedAudienceId, int AdvertiserAccountId) : DataChange;

public sealed record MatchedAudienceDeleted(int MatchedAudienceId, int AdvertiserAccountId) : DataChange;

/// <summary>A campaign was created, edited or moved; <see cref="PreviousStatus"/> is set when its status moved.</summary>
public sealed record CampaignChanged(int CampaignId, int AdvertiserAccountId, string Name, CampaignStatus Status, CampaignStatus? PreviousStatus, bool Launched) : DataChange;

public sealed record SenderPermissionChanged(int AdvertiserAccountId, int MemberId) : DataChange;

/// <summary>A message other than a sponsored send reached a member's inbox (a test send, an organic message).</summary>
public sealed record InboxMessageAdded(int MemberId) : DataChange;

/// <summary>An InMail was sent, read or answered.</summary>
public sealed record InMailChanged(long InMailId, int RecipientMemberId, string SenderUserId) : DataChange;

/// <summary>A sales rep's credit ledger changed (grant, spend, credit back, expiry).</summary>
public sealed record CreditsChanged(string UserId) : DataChange;

/// <summary>A conversion was received and credited to one of the account's campaigns (its delivery, ad and touch).</summary>
public sealed record ConversionAttributed(long ConversionEventId, int AdvertiserAccountId, int CampaignId, int ConversionDefinitionId) : DataChange;

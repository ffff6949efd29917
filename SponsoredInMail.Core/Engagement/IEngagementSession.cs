using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Engagement;

/// <summary>The delivery an event names, with what its rules need.</summary>
public sealed record DeliveryOfEvent(int CampaignId, int MemberId, int? AdId, int AccountId, int? SenderMemberId);

/// <summary>
/// One transaction of a provider's engagement store: reads and writes only, no rules (those are
/// <see cref="EngagementRules"/>, applied by <see cref="EngagementRecorder"/>). Each "first" method is a conditional
/// write that says whether it was the first.
/// </summary>
public interface IEngagementSession
{
    Task<DeliveryOfEvent?> FindDeliveryAsync(long deliveryId, CancellationToken ct);
    Task<(string Url, LinkKind Kind)?> FindLinkAsync(int linkId, int? adId, CancellationToken ct);
    Task<bool> MarkFirstOpenAsync(long deliveryId, DateTime at, CancellationToken ct);
    Task<bool> MarkFirstClickAsync(long deliveryId, DateTime at, CancellationToken ct);

    /// <summary>Stores the lead (a later submission replaces the answers); true if it is the delivery's first.</summary>
    Task<bool> SaveLeadAsync(long deliveryId, DeliveryOfEvent delivery, LeadPayload lead, DateTime at, CancellationToken ct);
    Task<bool> HasCountedAsync(long deliveryId, EventKind kind, CancellationToken ct);

    /// <summary>Adds the opt-out unless an identical one exists; true if it was added.</summary>
    Task<bool> AddOptOutAsync(int memberId, OptOutScope scope, int? accountId, int? senderMemberId, DateTime at, CancellationToken ct);
    Task InsertEventAsync(long deliveryId, DeliveryOfEvent delivery, EventKind kind, DateTime at, bool counted, int? adLinkId, string? detail, CancellationToken ct);
    Task BumpAsync(int campaignId, DateOnly day, Tally tally, CancellationToken ct);
    Task AppendChangeAsync(DataChange change, DateTime at, CancellationToken ct);
}

namespace SponsoredInMail.Core.Audit;

/// <summary>
/// One line of the append-only audit log: who did what to which thing, when, and what it was before and
/// after. Nothing in the product updates or deletes these rows.
/// </summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string ActorUserId { get; set; }
    public int? AdvertiserAccountId { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    public required string Action { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}

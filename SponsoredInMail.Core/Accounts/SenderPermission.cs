namespace SponsoredInMail.Core.Accounts;

/// <summary>Where a sender request stands: Pending until the member answers, then Granted or Declined; Revoked when the member withdraws a grant.</summary>
public enum SenderPermissionStatus
{
    Pending = 1,
    Granted = 2,
    Declined = 3,
    Revoked = 4,
}

/// <summary>
/// A member's permission for an advertiser account to send sponsored messages in their name.
/// Only <see cref="SenderPermissionStatus.Granted"/> permissions make a member selectable as sender.
/// </summary>
public class SenderPermission
{
    public int Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public AdvertiserAccount? AdvertiserAccount { get; set; }
    public int MemberId { get; set; }
    public Members.Member? Member { get; set; }
    public SenderPermissionStatus Status { get; set; }
    public DateTime RequestedAt { get; set; }
    public DateTime? RespondedAt { get; set; }
}

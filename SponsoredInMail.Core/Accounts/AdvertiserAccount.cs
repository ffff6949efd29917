namespace SponsoredInMail.Core.Accounts;

/// <summary>An advertiser: the tenant that owns audiences, ads and campaigns and pays for sends.</summary>
public class AdvertiserAccount
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Website { get; set; }

    /// <summary>Hex colour of the logo tile, e.g. "#0A66C2".</summary>
    public required string LogoColor { get; set; }

    /// <summary>One or two letters shown on the logo tile.</summary>
    public required string LogoInitials { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<AccountMembership> Memberships { get; set; } = [];
}

public enum AccountRole
{
    /// <summary>Reads everything of the account; changes nothing.</summary>
    Viewer = 1,
    /// <summary>Creates and changes audiences, ads and campaigns, and manages the account's people.</summary>
    Manager = 2,
}

/// <summary>A marketer's seat on an advertiser account.</summary>
public class AccountMembership
{
    public int Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public AdvertiserAccount? AdvertiserAccount { get; set; }
    public required string UserId { get; set; }
    public AccountRole Role { get; set; }
    public DateTime CreatedAt { get; set; }
}

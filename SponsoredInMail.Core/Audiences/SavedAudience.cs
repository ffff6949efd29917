namespace SponsoredInMail.Core.Audiences;

/// <summary>A named, reusable targeting of one advertiser account.</summary>
public class SavedAudience : Accounts.IAccountOwned<SavedAudience>
{
    public static Accounts.OwnedNames Names { get; } = new("audience", "Audience", "audiences");

    public int Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public required string Name { get; set; }

    /// <summary><see cref="Targeting"/> as JSON.</summary>
    public required string TargetingJson { get; set; }

    public required string CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string UpdatedByUserId { get; set; }
    public DateTime UpdatedAt { get; set; }

    public Targeting Targeting
    {
        get => Targeting.FromJson(TargetingJson);
        set => TargetingJson = value.ToJson();
    }
}

/// <summary>What an uploaded list holds: Companies (company name, optional website) or Contacts (e-mail, or first name, last name and company).</summary>
public enum MatchedListKind
{
    /// <summary>Columns: company name, optional website domain.</summary>
    Companies = 1,
    /// <summary>Columns: e-mail, or first name + last name + company.</summary>
    Contacts = 2,
}

/// <summary>An uploaded company or contact list, matched against the network once at upload.</summary>
public class MatchedAudience : Accounts.IAccountOwned<MatchedAudience>
{
    public static Accounts.OwnedNames Names { get; } = new("list", "Matched audience", "matched audiences");

    public int Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public required string Name { get; set; }
    public MatchedListKind Kind { get; set; }
    public required string FileName { get; set; }
    public int RowsRead { get; set; }
    public int RowsRejected { get; set; }
    public int MembersMatched { get; set; }

    /// <summary>The rejected rows as CSV (line, value, reason), offered for download.</summary>
    public required string RejectionsCsv { get; set; }

    public required string CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A member matched by an uploaded list.</summary>
public class MatchedAudienceMember
{
    public int MatchedAudienceId { get; set; }
    public int MemberId { get; set; }
}

namespace SponsoredInMail.Core.Members;

/// <summary>A profile in the professional network: the people campaigns target and inboxes belong to.</summary>
public class Member
{
    public int Id { get; set; }
    public required string FirstName { get; set; }
    public required string LastName { get; set; }
    public required string Email { get; set; }
    public required string Headline { get; set; }

    /// <summary>ISO 3166-1 alpha-2 code, e.g. "US"; names come from <see cref="Taxonomy"/>.</summary>
    public required string CountryCode { get; set; }
    public required string Region { get; set; }
    public required string Industry { get; set; }

    public int CompanyId { get; set; }
    public Company? Company { get; set; }

    public required string JobTitle { get; set; }
    public required string JobFunction { get; set; }
    public Seniority Seniority { get; set; }

    /// <summary>Ids into <see cref="Taxonomy.Skills"/>; 5–15 per member.</summary>
    public List<int> SkillIds { get; set; } = [];

    public int YearsOfExperience { get; set; }

    /// <summary>ISO 639-1 code of the profile language, e.g. "en".</summary>
    public required string ProfileLanguage { get; set; }

    /// <summary>UTC. Delivery goes only to members active within the configured window.</summary>
    public DateTime LastActiveAt { get; set; }

    /// <summary>When set, macros render their fallbacks instead of this member's values.</summary>
    public bool PersonalizationOff { get; set; }

    public string FullName => $"{FirstName} {LastName}";
}

public class Company
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Domain { get; set; }
    public required string Industry { get; set; }
    public CompanySize Size { get; set; }
    public required string CountryCode { get; set; }
}

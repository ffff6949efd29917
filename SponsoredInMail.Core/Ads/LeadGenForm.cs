using System.Text.Json;
using System.Text.Json.Serialization;

namespace SponsoredInMail.Core.Ads;

/// <summary>A profile field a lead gen form asks for, prefilled from the member's profile.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProfileField>))]
public enum ProfileField
{
    FirstName = 1,
    LastName = 2,
    Email = 3,
    Company = 4,
    JobTitle = 5,
    Seniority = 6,
    Country = 7,
}

public static class ProfileFieldNames
{
    public static string Of(ProfileField field) => field switch
    {
        ProfileField.FirstName => "First name",
        ProfileField.LastName => "Last name",
        ProfileField.Email => "E-mail",
        ProfileField.Company => "Company",
        ProfileField.JobTitle => "Job title",
        ProfileField.Seniority => "Seniority",
        ProfileField.Country => "Country",
        _ => field.ToString(),
    };
}

/// <summary>A custom question's kind: FreeText (a typed answer) or Choice (one of its options).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QuestionKind>))]
public enum QuestionKind
{
    FreeText = 1,
    Choice = 2,
}

public sealed record CustomQuestion(string Text, QuestionKind Kind, IReadOnlyList<string> Options);

/// <summary>A lead gen form: profile-prefilled fields, up to three custom questions, privacy policy, consent, thanks.</summary>
public class LeadGenForm : Accounts.IAccountOwned<LeadGenForm>
{
    public static Accounts.OwnedNames Names { get; } = new("form", "Lead gen form", "lead gen forms");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public int Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public required string Name { get; set; }
    public required string Headline { get; set; }
    public string Details { get; set; } = "";
    public string ProfileFieldsJson { get; set; } = "[]";
    public string QuestionsJson { get; set; } = "[]";
    public required string PrivacyPolicyUrl { get; set; }

    /// <summary>Text of an optional consent checkbox the member must tick; null when the form has none.</summary>
    public string? ConsentText { get; set; }

    public required string ThankYouMessage { get; set; }
    public string? ThankYouUrl { get; set; }
    public bool IsArchived { get; set; }

    public required string CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string UpdatedByUserId { get; set; }
    public DateTime UpdatedAt { get; set; }

    public IReadOnlyList<ProfileField> ProfileFields
    {
        get => JsonSerializer.Deserialize<List<ProfileField>>(ProfileFieldsJson, Json) ?? [];
        set => ProfileFieldsJson = JsonSerializer.Serialize(value, Json);
    }

    public IReadOnlyList<CustomQuestion> Questions
    {
        get => JsonSerializer.Deserialize<List<CustomQuestion>>(QuestionsJson, Json) ?? [];
        set => QuestionsJson = JsonSerializer.Serialize(value, Json);
    }
}

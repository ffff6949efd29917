using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>A saved audience of the token's account.</summary>
public sealed record ApiAudience(int Id, string Name, Targeting Targeting, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>How many members a saved audience matches now, and why some of them cannot receive a message.</summary>
public sealed record ApiAudienceCount(int AudienceId, int Matching, int OptedOut, int FrequencyCapped, int Inactive, int Deliverable);

/// <summary>A campaign with its settings (money in cents) and, when it has one, its live progress.</summary>
public sealed record ApiCampaign(
    int Id, string Name, CampaignStatus Status, CampaignObjective Objective, int? AudienceId, string? AudienceName, int? AdId,
    long BidCents, long LifetimeBudgetCents, long? DailyBudgetCents, long SpentCents, DateTime StartAt, DateTime? EndAt,
    DateTime? LaunchedAt, DateTime CreatedAt, DateTime UpdatedAt, CampaignProgress? Progress)
{
    public static ApiCampaign From(Campaign c, CampaignProgress? progress) => new(
        c.Id, c.Name, c.Status, c.Objective, c.SavedAudienceId, c.AudienceName, c.AdId, c.BidCents, c.LifetimeBudgetCents, c.DailyBudgetCents,
        c.SpentCents, c.StartAt, c.EndAt, c.LaunchedAt, c.CreatedAt, c.UpdatedAt, progress);
}

/// <summary>
/// A new campaign draft. Money in cents; times in UTC (ISO 8601). <see cref="StartAt"/> defaults to now. The
/// audience and ad are optional for a draft and required to submit it.
/// </summary>
public sealed class ApiCampaignRequest
{
    public string? Name { get; set; }
    public CampaignObjective? Objective { get; set; }
    public int? AudienceId { get; set; }
    public int? AdId { get; set; }
    public long? BidCents { get; set; }
    public long? LifetimeBudgetCents { get; set; }
    public long? DailyBudgetCents { get; set; }
    public DateTime? StartAt { get; set; }
    public DateTime? EndAt { get; set; }

    /// <summary>What each property expects, for the message when a value does not parse.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Expected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "text",
        ["objective"] = $"one of {string.Join(", ", Enum.GetNames<CampaignObjective>())}",
        ["audienceId"] = "a whole number (a saved audience id)",
        ["adId"] = "a whole number (an ad id)",
        ["bidCents"] = "a whole number of cents",
        ["lifetimeBudgetCents"] = "a whole number of cents",
        ["dailyBudgetCents"] = "a whole number of cents",
        ["startAt"] = "an ISO 8601 UTC time such as 2026-12-01T09:00:00Z",
        ["endAt"] = "an ISO 8601 UTC time such as 2026-12-31T23:59:59Z",
    };

    /// <summary>Core's field names (shared with the pages) as this body spells them.</summary>
    internal static readonly IReadOnlyDictionary<string, string> CoreFields = new Dictionary<string, string>
    {
        ["bid"] = "bidCents",
        ["lifetimeBudget"] = "lifetimeBudgetCents",
        ["dailyBudget"] = "dailyBudgetCents",
        ["audience"] = "audienceId",
        ["ad"] = "adId",
    };

    /// <summary>The Core input, or the missing required fields.</summary>
    internal Result<CampaignInput> ToInput(DateTime now)
    {
        var errors = new List<FieldError>();
        if (Name is null)
        {
            errors.Add(new FieldError("name", "name is required."));
        }
        if (Objective is null)
        {
            errors.Add(new FieldError("objective", $"objective is required: {Expected["objective"]}."));
        }
        if (BidCents is null)
        {
            errors.Add(new FieldError("bidCents", "bidCents is required: the bid per send in cents."));
        }
        if (LifetimeBudgetCents is null)
        {
            errors.Add(new FieldError("lifetimeBudgetCents", "lifetimeBudgetCents is required: the campaign's total budget in cents."));
        }
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        return Result<CampaignInput>.Ok(new CampaignInput(
            Name!, Objective!.Value, AudienceId, AdId, BidCents!.Value, LifetimeBudgetCents!.Value, DailyBudgetCents, Utc(StartAt) ?? now, Utc(EndAt)));
    }

    private static DateTime? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => local.ToUniversalTime(),
        { } other => DateTime.SpecifyKind(other, DateTimeKind.Utc),
    };
}

/// <summary>One page of a list with the total count.</summary>
public sealed record ApiPage<T>(IReadOnlyList<T> Items, int TotalCount, int Skip, int Take);

using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// A campaign with its settings (money in cents, times UTC) and, when it has one, its live progress.
/// </summary>
/// <param name="Id">The campaign's id.</param>
/// <param name="Name">The campaign's name.</param>
/// <param name="Status">Where the campaign is in its life (draft, in review, approved, active, …).</param>
/// <param name="Objective">What the campaign is for: website visits or leads.</param>
/// <param name="AudienceId">The saved audience chosen; null when none is chosen yet.</param>
/// <param name="AudienceName">The audience's name as frozen at submit; null before submit.</param>
/// <param name="AdId">The campaign's first ad (the first of <c>adIds</c>); null when none is chosen yet.</param>
/// <param name="AdIds">The campaign's ads in order (A, B, …).</param>
/// <param name="Rotation">How sends are shared between several ads.</param>
/// <param name="AbTestMetric">Set for an A/B test of two ads: the metric it compares; else null.</param>
/// <param name="WinnerAdId">The ad that won the A/B test, once it was ended; else null.</param>
/// <param name="BidCents">The price of one send, in cents.</param>
/// <param name="LifetimeBudgetCents">The most the campaign spends in all, in cents.</param>
/// <param name="DailyBudgetCents">The most it spends in one UTC day, in cents; null for no daily limit.</param>
/// <param name="SpentCents">What it has spent so far, in cents.</param>
/// <param name="StartAt">When it starts sending (UTC).</param>
/// <param name="EndAt">When it stops sending (UTC); null for no end.</param>
/// <param name="LaunchedAt">When it was launched (UTC); null before launch.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="UpdatedAt">When its settings or state last changed (UTC): its version, sent as the ETag.</param>
/// <param name="Progress">Live progress (sent, spend, rate, why it is not sending); null in the answer to a create.</param>
/// <param name="HoldoutPercent">Percent (0–20) of the audience held out, never sent, to measure incremental lift.</param>
public sealed record ApiCampaign(
    int Id, string Name, CampaignStatus Status, CampaignObjective Objective, int? AudienceId, string? AudienceName, int? AdId,
    IReadOnlyList<int> AdIds, AdRotation Rotation, AbTestMetric? AbTestMetric, int? WinnerAdId,
    long BidCents, long LifetimeBudgetCents, long? DailyBudgetCents, long SpentCents, DateTime StartAt, DateTime? EndAt,
    DateTime? LaunchedAt, DateTime CreatedAt, DateTime UpdatedAt, CampaignProgress? Progress, int HoldoutPercent = 0)
{
    /// <param name="adIds">The campaign's listed ads in order; a campaign without a list carries its one ad.</param>
    public static ApiCampaign From(Campaign c, IReadOnlyList<int> adIds, CampaignProgress? progress) => new(
        c.Id, c.Name, c.Status, c.Objective, c.SavedAudienceId, c.AudienceName, c.AdId,
        adIds.Count > 0 ? adIds : c.AdId is { } ad ? [ad] : [], c.Rotation, c.AbTestMetric, c.WinnerAdId,
        c.BidCents, c.LifetimeBudgetCents, c.DailyBudgetCents, c.SpentCents, c.StartAt, c.EndAt, c.LaunchedAt, c.CreatedAt, c.UpdatedAt, progress,
        c.HoldoutPercent);
}

/// <summary>
/// A campaign draft's settings. Money in cents; times in UTC (ISO 8601). <c>startAt</c> defaults to now. The
/// audience and ad (or ads) are optional for a draft and required to submit it.
/// </summary>
public sealed class ApiCampaignRequest
{
    /// <summary>The campaign's name, 1–100 characters.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public string? Name { get; set; }

    /// <summary>What the campaign is for: WebsiteVisits or LeadGeneration.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public CampaignObjective? Objective { get; set; }

    /// <summary>A saved audience of the account; optional for a draft, required to submit.</summary>
    public int? AudienceId { get; set; }

    /// <summary>The campaign's one ad (or the first of <c>adIds</c>); optional for a draft, an ad is required to submit.</summary>
    public int? AdId { get; set; }

    /// <summary>The campaign's ads in order (1–10 of one format); without it, <c>adId</c> alone.</summary>
    public int[]? AdIds { get; set; }

    /// <summary>How sends are shared between several ads; default Even.</summary>
    public AdRotation? Rotation { get; set; }

    /// <summary>Makes the campaign an A/B test of its two ads on this metric.</summary>
    public AbTestMetric? AbTestMetric { get; set; }

    /// <summary>Percent (0–20) of the eligible audience held out, never sent, to measure incremental lift; default 0.</summary>
    public int? HoldoutPercent { get; set; }

    /// <summary>The price of one send, in cents (at least the bid floor).</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public long? BidCents { get; set; }

    /// <summary>The most the campaign spends in all, in cents (at least one send).</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public long? LifetimeBudgetCents { get; set; }

    /// <summary>The most it spends in one UTC day, in cents (at least the bid, at most the lifetime budget); null for no daily limit.</summary>
    public long? DailyBudgetCents { get; set; }

    /// <summary>When it starts sending (UTC, not in the past, at most 2 years ahead); default now.</summary>
    public DateTime? StartAt { get; set; }

    /// <summary>When it stops sending (UTC, after the start); null for no end.</summary>
    public DateTime? EndAt { get; set; }

    /// <summary>What each property expects, for the message when a value does not parse.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Expected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "text",
        ["objective"] = $"one of {string.Join(", ", Enum.GetNames<CampaignObjective>())}",
        ["audienceId"] = "a whole number (a saved audience id)",
        ["adId"] = "a whole number (an ad id)",
        ["adIds"] = $"an array of 1 to {VariantRules.MaxAds} ad ids (whole numbers)",
        ["rotation"] = $"one of {string.Join(", ", Enum.GetNames<AdRotation>())}",
        ["abTestMetric"] = $"one of {string.Join(", ", Enum.GetNames<AbTestMetric>())}",
        ["holdoutPercent"] = "a whole number of percent from 0 to 20",
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
        ["abTest"] = "abTestMetric",
        ["holdout"] = "holdoutPercent",
    };

    /// <summary>Core's field names as this body spells them: a refusal of the ads names adIds when the body gave a list.</summary>
    internal IReadOnlyDictionary<string, string> Fields => AdIds is null
        ? CoreFields
        : new Dictionary<string, string>(CoreFields) { ["ad"] = "adIds" };

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
        if (AdIds is { } ads)
        {
            if (ads.Length is 0 or > VariantRules.MaxAds)
            {
                errors.Add(new FieldError("adIds", $"adIds must list 1 to {VariantRules.MaxAds} ads; it lists {ads.Length}."));
            }
            else if (AdId is { } first && first != ads[0])
            {
                errors.Add(new FieldError("adIds", $"adId ({first}) must be the first of adIds ({ads[0]}), or left out."));
            }
        }
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        return Result<CampaignInput>.Ok(new CampaignInput(
            Name!, Objective!.Value, AudienceId, AdIds is { Length: > 0 } list ? list[0] : AdId, BidCents!.Value, LifetimeBudgetCents!.Value, DailyBudgetCents,
            Utc(StartAt) ?? now, Utc(EndAt), AdIds, Rotation ?? AdRotation.Even, AbTestMetric, HoldoutPercent ?? 0));
    }

    private static DateTime? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => local.ToUniversalTime(),
        { } other => DateTime.SpecifyKind(other, DateTimeKind.Utc),
    };
}

/// <summary>A lead a member submitted through a campaign's lead form.</summary>
/// <param name="Id">The lead's id.</param>
/// <param name="SubmittedAt">When the member submitted the form (UTC).</param>
/// <param name="UpdatedAt">When the member last changed their answers (UTC).</param>
/// <param name="CampaignId">The campaign the lead came from.</param>
/// <param name="CampaignName">That campaign's name.</param>
/// <param name="FormName">The lead form's name.</param>
/// <param name="MemberId">The member who submitted it.</param>
/// <param name="Answers">The member's answers, in the form's order.</param>
public sealed record ApiLead(long Id, DateTime SubmittedAt, DateTime UpdatedAt, int CampaignId, string CampaignName, string FormName, int MemberId, IReadOnlyList<ApiLeadAnswer> Answers)
{
    public static ApiLead From(Core.Engagement.LeadRow row) => new(row.Id, row.SubmittedAt, row.UpdatedAt, row.CampaignId, row.CampaignName, row.FormName, row.MemberId,
        row.Answers.Select(a => new ApiLeadAnswer(a.Key, a.Value)).ToList());
}

/// <summary>One answer of a lead.</summary>
/// <param name="Label">The form field's label, e.g. "Work e-mail".</param>
/// <param name="Value">What the member answered.</param>
public sealed record ApiLeadAnswer(string Label, string Value);

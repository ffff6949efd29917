using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Web.Components.Pages.Campaigns;

/// <summary>What the wizard's steps edit, as typed; <see cref="ToInput"/> turns it into Core's <see cref="CampaignInput"/>.</summary>
public sealed class CampaignDraftForm
{
    public string Name { get; set; } = "";
    public CampaignObjective Objective { get; set; } = CampaignObjective.WebsiteVisits;
    public int? AudienceId { get; set; }
    public int? AdId { get; set; }
    public string? Bid { get; set; }
    public string? LifetimeBudget { get; set; }
    public string? DailyBudget { get; set; }
    public string? StartDate { get; set; }
    public string? StartTime { get; set; }
    public string? EndDate { get; set; }
    public string? EndTime { get; set; }

    /// <summary>When the form was opened: an empty start ("as soon as launched") counts from here in the forecast.</summary>
    public DateTime OpenedAt { get; init; }

    /// <summary>
    /// A new campaign starts as soon as it is launched (no start date), with a bid of $0.50 (or the floor) and a $500
    /// lifetime budget.
    /// </summary>
    public static CampaignDraftForm New(DateTime utcNow, long floorCents) => new()
    {
        Bid = CampaignFields.Dollars(Math.Max(50, floorCents)),
        LifetimeBudget = CampaignFields.Dollars(50_000),
        OpenedAt = utcNow,
    };

    /// <summary>A saved campaign's settings; a start already passed reads as "as soon as launched" (it means the same).</summary>
    public static CampaignDraftForm From(Campaign campaign, DateTime utcNow) => new()
    {
        Name = campaign.Name,
        Objective = campaign.Objective,
        AudienceId = campaign.SavedAudienceId,
        AdId = campaign.AdId,
        Bid = CampaignFields.Dollars(campaign.BidCents),
        LifetimeBudget = CampaignFields.Dollars(campaign.LifetimeBudgetCents),
        DailyBudget = CampaignFields.Dollars(campaign.DailyBudgetCents),
        StartDate = campaign.StartAt > utcNow ? CampaignFields.Date(campaign.StartAt) : null,
        StartTime = campaign.StartAt > utcNow ? CampaignFields.Time(campaign.StartAt) : null,
        OpenedAt = utcNow,
        EndDate = campaign.EndAt is { } end ? CampaignFields.Date(end) : null,
        EndTime = campaign.EndAt is { } endTime ? CampaignFields.Time(endTime) : null,
    };

    /// <summary>The input for Core, or null with the typing problems (by Core's field names) added to <paramref name="errors"/>.</summary>
    public CampaignInput? ToInput(List<FieldError> errors)
    {
        var before = errors.Count;
        var bid = CampaignFields.Cents(Bid, "bid", "bid", required: true, errors);
        var lifetime = CampaignFields.Cents(LifetimeBudget, "lifetimeBudget", "lifetime budget", required: true, errors);
        var daily = CampaignFields.Cents(DailyBudget, "dailyBudget", "daily budget", required: false, errors);
        var start = CampaignFields.Utc(StartDate, StartTime, "startAt", "start", required: false, errors);
        var end = CampaignFields.Utc(EndDate, EndTime, "endAt", "end", required: false, errors);
        return errors.Count > before ? null
            : new CampaignInput(Name, Objective, AudienceId, AdId, bid!.Value, lifetime!.Value, daily, start, end);
    }

    /// <summary>Days in the schedule (a started day counts), or null without a valid end.</summary>
    public int? ScheduleDays()
    {
        var ignored = new List<FieldError>();
        var start = CampaignFields.Utc(StartDate, StartTime, "startAt", "start", false, ignored) ?? OpenedAt;
        var end = CampaignFields.Utc(EndDate, EndTime, "endAt", "end", false, ignored);
        return end is { } e && e > start ? (int)Math.Ceiling((e - start).TotalDays) : null;
    }
}

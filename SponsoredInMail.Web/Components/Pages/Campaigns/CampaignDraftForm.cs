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

    /// <summary>A new campaign starts at the next full hour (UTC) with a bid of $0.50 (or the floor) and a $500 lifetime budget.</summary>
    public static CampaignDraftForm New(DateTime utcNow, long floorCents)
    {
        var start = new DateTime(utcNow.Year, utcNow.Month, utcNow.Day, utcNow.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
        return new CampaignDraftForm
        {
            Bid = CampaignFields.Dollars(Math.Max(50, floorCents)),
            LifetimeBudget = CampaignFields.Dollars(50_000),
            StartDate = CampaignFields.Date(start),
            StartTime = CampaignFields.Time(start),
        };
    }

    public static CampaignDraftForm From(Campaign campaign) => new()
    {
        Name = campaign.Name,
        Objective = campaign.Objective,
        AudienceId = campaign.SavedAudienceId,
        AdId = campaign.AdId,
        Bid = CampaignFields.Dollars(campaign.BidCents),
        LifetimeBudget = CampaignFields.Dollars(campaign.LifetimeBudgetCents),
        DailyBudget = CampaignFields.Dollars(campaign.DailyBudgetCents),
        StartDate = CampaignFields.Date(campaign.StartAt),
        StartTime = CampaignFields.Time(campaign.StartAt),
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
        var start = CampaignFields.Utc(StartDate, StartTime, "startAt", "start", required: true, errors);
        var end = CampaignFields.Utc(EndDate, EndTime, "endAt", "end", required: false, errors);
        return errors.Count > before ? null
            : new CampaignInput(Name, Objective, AudienceId, AdId, bid!.Value, lifetime!.Value, daily, start!.Value, end);
    }

    /// <summary>Days in the schedule (a started day counts), or null without a valid end.</summary>
    public int? ScheduleDays()
    {
        var ignored = new List<FieldError>();
        var start = CampaignFields.Utc(StartDate, StartTime, "startAt", "start", true, ignored);
        var end = CampaignFields.Utc(EndDate, EndTime, "endAt", "end", false, ignored);
        return start is { } s && end is { } e && e > s ? (int)Math.Ceiling((e - s).TotalDays) : null;
    }
}

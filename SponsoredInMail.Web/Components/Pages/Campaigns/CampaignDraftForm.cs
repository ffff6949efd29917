using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Web.Components.Pages.Campaigns;

/// <summary>What the wizard's steps edit, as typed; <see cref="ToInput"/> turns it into Core's <see cref="CampaignInput"/>.</summary>
public sealed class CampaignDraftForm
{
    public string Name { get; set; } = "";
    public CampaignObjective Objective { get; set; } = CampaignObjective.WebsiteVisits;
    public int? AudienceId { get; set; }

    /// <summary>The chosen ads in order: the first is ad A (and the campaign's <see cref="Campaign.AdId"/>), the next B, …</summary>
    public List<int> AdIds { get; init; } = [];

    /// <summary>The first chosen ad, if any.</summary>
    public int? AdId => AdIds.Count > 0 ? AdIds[0] : null;

    public AdRotation Rotation { get; set; } = AdRotation.Even;

    /// <summary>The metric of an A/B test of exactly two ads; null: not an A/B test.</summary>
    public AbTestMetric? AbTest { get; set; }

    /// <summary>Percent of the eligible audience held out (0: no holdout).</summary>
    public int HoldoutPercent { get; set; }

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

    /// <summary>
    /// A saved campaign's settings with its <paramref name="ads"/> in order; a start already passed reads as "as soon as
    /// launched" (it means the same).
    /// </summary>
    public static CampaignDraftForm From(Campaign campaign, IReadOnlyList<int> ads, DateTime utcNow) => new()
    {
        Name = campaign.Name,
        Objective = campaign.Objective,
        AudienceId = campaign.SavedAudienceId,
        AdIds = [.. ads],
        Rotation = campaign.Rotation,
        AbTest = ads.Count == 2 ? campaign.AbTestMetric : null,
        HoldoutPercent = campaign.HoldoutPercent,
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
            : new CampaignInput(Name, Objective, AudienceId, AdId, bid!.Value, lifetime!.Value, daily, start, end, [.. AdIds], Rotation, AbTest, HoldoutPercent);
    }

    /// <summary>Adds an ad after the others; false when it is already chosen.</summary>
    public bool AddAd(int adId)
    {
        if (AdIds.Contains(adId))
        {
            return false;
        }
        AdIds.Add(adId);
        KeepAbTestToTwoAds();
        return true;
    }

    public void RemoveAd(int adId)
    {
        AdIds.Remove(adId);
        KeepAbTestToTwoAds();
    }

    /// <summary>Moves an ad one place earlier (it takes the letter before); the first stays first.</summary>
    public void MoveAdUp(int adId)
    {
        var at = AdIds.IndexOf(adId);
        if (at > 0)
        {
            (AdIds[at - 1], AdIds[at]) = (AdIds[at], AdIds[at - 1]);
        }
    }

    /// <summary>The wizard offers an A/B test only with exactly two ads: a third ad, or one removed, turns it off.</summary>
    private void KeepAbTestToTwoAds()
    {
        if (AdIds.Count != 2)
        {
            AbTest = null;
        }
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

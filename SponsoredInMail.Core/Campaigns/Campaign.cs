namespace SponsoredInMail.Core.Campaigns;

/// <summary>What a campaign is for.</summary>
public enum CampaignObjective
{
    /// <summary>Clicks through to a landing page.</summary>
    WebsiteVisits = 1,

    /// <summary>Leads from a lead form.</summary>
    LeadGeneration = 2,
}

/// <summary>SPEC §2 campaign states; <see cref="CampaignStateMachine"/> says which moves are allowed.</summary>
public enum CampaignStatus
{
    /// <summary>Being prepared; nothing is sent.</summary>
    Draft = 1,
    /// <summary>Submitted; waiting for an admin's review.</summary>
    InReview = 2,
    /// <summary>Approved; launch it to start sending.</summary>
    Approved = 3,
    /// <summary>Launched: sending from its start.</summary>
    Active = 4,
    /// <summary>Paused; resume to send again.</summary>
    Paused = 5,
    /// <summary>Done: its end, budget or audience ran out.</summary>
    Completed = 6,
    /// <summary>Refused in review; editing it makes it a draft again.</summary>
    Rejected = 7,
    /// <summary>Stopped for good.</summary>
    Canceled = 8,
    /// <summary>Put away; it sends nothing and cannot change.</summary>
    Archived = 9,
}

/// <summary>A campaign of an advertiser account: who (audience), what (ad), for how much (bid, budgets) and when.</summary>
public class Campaign : Accounts.IAccountOwned<Campaign>
{
    public static Accounts.OwnedNames Names { get; } = new("campaign", "Campaign", "campaigns");

    public int Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public required string Name { get; set; }
    public CampaignObjective Objective { get; set; }
    public int? SavedAudienceId { get; set; }

    /// <summary>The campaign's first ad; all of its ads, in order and with their review, are its <see cref="Variants.CampaignAd"/> rows.</summary>
    public int? AdId { get; set; }

    /// <summary>How sends are shared between the ads (one ad: every send carries it).</summary>
    public Variants.AdRotation Rotation { get; set; } = Variants.AdRotation.Even;

    /// <summary>Set when the campaign is an A/B test of its two ads on this metric (split 50/50 by member hash).</summary>
    public Variants.AbTestMetric? AbTestMetric { get; set; }

    /// <summary>The ad that won the A/B test, once the marketer ended it: every later send carries it.</summary>
    public int? WinnerAdId { get; set; }

    public DateTime? AbTestEndedAt { get; set; }

    /// <summary>
    /// Percent (0–20) of the eligible audience held out at random as a control group: never sent, never charged
    /// (<see cref="Conversions.CampaignHoldout"/>). Measures the campaign's incremental lift on conversions.
    /// </summary>
    public int HoldoutPercent { get; set; }

    /// <summary>
    /// The audience's targeting as JSON, frozen when the campaign is submitted: what the admin approved is
    /// what sends, even if the saved audience is edited or deleted later.
    /// </summary>
    public string? TargetingJson { get; set; }

    /// <summary>The audience's name at submit, for display once the saved audience has gone.</summary>
    public string? AudienceName { get; set; }

    /// <summary>Cost per send in cents (integer minor units, never floating point).</summary>
    public long BidCents { get; set; }

    public long LifetimeBudgetCents { get; set; }
    public long? DailyBudgetCents { get; set; }

    /// <summary>Sum of the prices of this campaign's deliveries, in cents.</summary>
    public long SpentCents { get; set; }

    public DateTime StartAt { get; set; }
    public DateTime? EndAt { get; set; }
    public CampaignStatus Status { get; set; } = CampaignStatus.Draft;
    public DateTime? LaunchedAt { get; set; }
    public string? RejectionReason { get; set; }

    public required string CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string UpdatedByUserId { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One move of a campaign between states: who, when, from → to, and why (rejections, cancellations).</summary>
public class CampaignStatusChange
{
    public long Id { get; set; }
    public int CampaignId { get; set; }
    public CampaignStatus From { get; set; }
    public CampaignStatus To { get; set; }
    public required string ActorUserId { get; set; }
    public DateTime At { get; set; }
    public string? Reason { get; set; }
}

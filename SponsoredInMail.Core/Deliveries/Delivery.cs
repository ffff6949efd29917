namespace SponsoredInMail.Core.Deliveries;

/// <summary>
/// One sponsored message sent to one member by one campaign, at the price charged for it. At most one per
/// (campaign, member) — a unique index says so — and the (member, time) index is the frequency-cap state.
/// </summary>
public class Delivery
{
    public long Id { get; set; }
    public int CampaignId { get; set; }
    public int MemberId { get; set; }
    public int AdvertiserAccountId { get; set; }

    /// <summary>The ad this send carried (one of the campaign's ads, chosen by its rotation).</summary>
    public int AdId { get; set; }

    /// <summary>The campaign's CPS bid at the moment of the send, in cents.</summary>
    public long PriceCents { get; set; }

    public DateTime DeliveredAt { get; set; }

    /// <summary>The first open; later opens are stored as events but not counted again.</summary>
    public DateTime? FirstOpenedAt { get; set; }

    /// <summary>The first click of any kind (CTA, link, banner, conversation button): the member counts once as a clicker.</summary>
    public DateTime? FirstClickedAt { get; set; }
}

/// <summary>A campaign's sends and spend on one UTC day; the daily budget is checked against it.</summary>
public class CampaignDailyStat
{
    public int CampaignId { get; set; }
    public DateOnly Day { get; set; }
    public int Sends { get; set; }
    public long SpendCents { get; set; }

    /// <summary>Counted engagement of the day (see <see cref="Engagement.EngagementEvent.Counted"/>).</summary>
    public int Opens { get; set; }
    public int ButtonClicks { get; set; }
    public int LinkClicks { get; set; }
    public int BannerClicks { get; set; }
    public int LeadFormOpens { get; set; }
    public int Leads { get; set; }
    public int ConversationClicks { get; set; }
    public int NotInterested { get; set; }
    public int OptOuts { get; set; }

    /// <summary>Members who clicked for the first time that day (deliveries whose <see cref="Delivery.FirstClickedAt"/> falls on it).</summary>
    public int UniqueClickers { get; set; }

    /// <summary>The daily budget in force at the last charge (null: none), so the daily limit stays checkable after edits.</summary>
    public long? DailyBudgetCents { get; set; }
}

/// <summary>Configuration section "Delivery" (batch size and pacing of the engine; the activity window is there too).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Members checked and sent per transaction.</summary>
    public int BatchSize { get; set; } = 10_000;

    /// <summary>How long the hosted engine waits when nothing could be sent.</summary>
    public int IdleDelayMilliseconds { get; set; } = 1_000;

    /// <summary>When false the app does not run the engine (tests drive it by hand).</summary>
    public bool RunInBackground { get; set; } = true;
}

using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Engagement;

/// <summary>What a member did with a sponsored message (SPEC §3 Tracking).</summary>
public enum EventKind
{
    Open = 1,
    /// <summary>The call-to-action button of a Message Ad.</summary>
    ButtonClick = 2,
    /// <summary>A link inside the message text.</summary>
    LinkClick = 3,
    BannerClick = 4,
    LeadFormOpen = 5,
    LeadSubmitted = 6,
    /// <summary>A Conversation Ad button (which message, which button in <see cref="EngagementEvent.Detail"/>).</summary>
    ConversationButton = 7,
    NotInterested = 8,
    OptOut = 9,
}

public static class EventKinds
{
    /// <summary>Every kind of click: a member who did any of them counts once as a member who clicked (SPEC §7).</summary>
    public static readonly EventKind[] Clicks = [EventKind.ButtonClick, EventKind.LinkClick, EventKind.BannerClick, EventKind.ConversationButton];

    public static bool IsClick(this EventKind kind) => Array.IndexOf(Clicks, kind) >= 0;
}

/// <summary>Where a tracked link sits in the message; decides which click it counts as.</summary>
public enum LinkKind
{
    Cta = 1,
    Inline = 2,
    Banner = 3,
    ConversationButton = 4,
}

/// <summary>
/// One raw event, stored always. <see cref="Counted"/> says whether it moved the day's tally: repeats of
/// once-per-delivery events (opens, lead submissions, "not interested") are kept but not counted again.
/// </summary>
public class EngagementEvent
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    public int CampaignId { get; set; }
    public int MemberId { get; set; }
    public EventKind Kind { get; set; }
    public DateTime At { get; set; }
    public bool Counted { get; set; }

    /// <summary>The tracked link clicked, for clicks.</summary>
    public int? AdLinkId { get; set; }

    /// <summary>For conversation buttons "messageId/buttonId"; for opt-outs the scope.</summary>
    public string? Detail { get; set; }
}

/// <summary>A URL of an ad that tracking may redirect to: the only place a click can land.</summary>
public class AdLink
{
    public int Id { get; set; }
    public int AdId { get; set; }
    public LinkKind Kind { get; set; }
    public required string Url { get; set; }
}

/// <summary>A lead gen form submission: one per delivery; submitting again updates it.</summary>
public class Lead
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    public int CampaignId { get; set; }
    public int AdvertiserAccountId { get; set; }
    public int MemberId { get; set; }
    public int LeadFormId { get; set; }

    /// <summary>Field label → answer, as JSON, in the form's order.</summary>
    public required string AnswersJson { get; set; }

    public DateTime SubmittedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A secret the app generates on first run and keeps in the database (e.g. the tracking key).</summary>
public class AppSecret
{
    public required string Name { get; set; }
    public required string Value { get; set; }
    public DateTime CreatedAt { get; set; }
}

using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Engagement;

/// <summary>The daily tallies an event can count in (one column each in <c>CampaignDailyStats</c>).</summary>
public enum Tally
{
    Opens, ButtonClicks, LinkClicks, BannerClicks, LeadFormOpens, Leads, ConversationClicks, NotInterested, OptOuts,

    /// <summary>Members who clicked for the first time that day (any kind of click).</summary>
    UniqueClickers,
}

/// <summary>
/// The product's rules for one engagement event, free of any storage: which kind a click is, what counts once and
/// what every time, which tally it bumps, what an opt-out from a message covers, and which stored URL may be
/// followed. The stores only persist what these decide.
/// </summary>
public static class EngagementRules
{
    /// <summary>How often an event of a kind counts in the tallies.</summary>
    public enum Counting
    {
        /// <summary>Every one counts (clicks, lead form opens, conversation choices).</summary>
        Every,
        /// <summary>Only the delivery's first (opens: the first open; leads: the first submission; "not interested").</summary>
        OncePerDelivery,
        /// <summary>Once per thing opted out of (a second identical opt-out changes nothing).</summary>
        OncePerOptOut,
    }

    public static Counting CountingOf(EventKind kind) => kind switch
    {
        EventKind.Open or EventKind.LeadSubmitted or EventKind.NotInterested => Counting.OncePerDelivery,
        EventKind.OptOut => Counting.OncePerOptOut,
        _ => Counting.Every,
    };

    /// <summary>A tracked link's place in the message decides which click it counts as.</summary>
    public static EventKind ClickKindOf(LinkKind link) => link switch
    {
        LinkKind.Cta => EventKind.ButtonClick,
        LinkKind.Inline => EventKind.LinkClick,
        LinkKind.Banner => EventKind.BannerClick,
        _ => EventKind.ConversationButton,
    };

    /// <summary>Only an absolute http(s) URL is ever followed, whatever the table holds (invariant 5).</summary>
    public static bool MayRedirectTo(string? storedUrl) => Common.FieldRules.IsHttpUrl(storedUrl);

    public static Tally TallyOf(EventKind kind) => kind switch
    {
        EventKind.Open => Tally.Opens,
        EventKind.ButtonClick => Tally.ButtonClicks,
        EventKind.LinkClick => Tally.LinkClicks,
        EventKind.BannerClick => Tally.BannerClicks,
        EventKind.LeadFormOpen => Tally.LeadFormOpens,
        EventKind.LeadSubmitted => Tally.Leads,
        EventKind.ConversationButton => Tally.ConversationClicks,
        EventKind.NotInterested => Tally.NotInterested,
        EventKind.OptOut => Tally.OptOuts,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>What an opt-out from inside a message covers: everything, the sending account, or its sender; null if it cannot apply.</summary>
    public static (int? AccountId, int? SenderMemberId)? OptOutTarget(OptOutScope scope, int accountId, int? senderMemberId) => scope switch
    {
        OptOutScope.All => (null, null),
        OptOutScope.Advertiser => (accountId, null),
        OptOutScope.Sender when senderMemberId is { } sender => (null, sender),
        _ => null,
    };
}

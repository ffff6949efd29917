using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Core.Reports;

/// <summary>Configuration section "Reports".</summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>Demographic groups with fewer members than this are hidden (SPEC §3 Reports, *config*).</summary>
    public int PrivacyThreshold { get; set; } = 3;
}

/// <summary>Inclusive UTC days.</summary>
/// <param name="From">The first UTC day (yyyy-MM-dd).</param>
/// <param name="To">The last UTC day, inclusive.</param>
public sealed record ReportRange(DateOnly From, DateOnly To)
{
    public const int MaxDays = 366;

    /// <summary>How many days the range covers.</summary>
    public int Days => To.DayNumber - From.DayNumber + 1;
}

/// <summary>
/// The figures of a campaign (or a sum of campaigns) over a range. Clicks are every click on a tracked link or
/// button: the CTA, links in the text, the banner, and Conversation Ad buttons, counted each time. Rates use unique
/// members (SPEC §7): <see cref="Opens"/> are members who opened (first opens), <see cref="UniqueClickers"/> members who
/// clicked (first clicks), leads one per member. Rates are fractions (0.47 = 47%); costs are whole cents, null when there
/// is nothing to divide by.
/// </summary>
/// <param name="Sends">Messages delivered (each one paid).</param>
/// <param name="Opens">Members who opened (first opens).</param>
/// <param name="ButtonClicks">Clicks on the call-to-action button.</param>
/// <param name="LinkClicks">Clicks on links in the message text.</param>
/// <param name="BannerClicks">Clicks on the banner image.</param>
/// <param name="ConversationClicks">Presses of Conversation Ad buttons.</param>
/// <param name="UniqueClickers">Members who clicked anything (first clicks).</param>
/// <param name="LeadFormOpens">Times a lead form was opened.</param>
/// <param name="Leads">Leads submitted, one per member.</param>
/// <param name="NotInterested">Members who answered "Not interested".</param>
/// <param name="OptOuts">Members who opted out of sponsored messages from the message.</param>
/// <param name="SpendCents">Money spent, in cents.</param>
public sealed record Kpis(
    long Sends, long Opens, long ButtonClicks, long LinkClicks, long BannerClicks, long ConversationClicks, long UniqueClickers, long LeadFormOpens,
    long Leads, long NotInterested, long OptOuts, long SpendCents)
{
    /// <summary>Every click: button, links, banner and conversation buttons.</summary>
    public long Clicks => ButtonClicks + LinkClicks + BannerClicks + ConversationClicks;

    /// <summary>Members who opened ÷ sends.</summary>
    public double? OpenRate => Share(Opens, Sends);

    /// <summary>Members who clicked ÷ members who opened, never above 100%.</summary>
    public double? ClickToOpenRate => Share(UniqueClickers, Opens);

    /// <summary>Leads ÷ members who opened, never above 100%.</summary>
    public double? LeadRate => Share(Leads, Opens);

    /// <summary>Leads ÷ lead form opens, 0–1 (null without form opens).</summary>
    public double? CompletionRate => LeadFormOpens == 0 ? null : (double)Leads / LeadFormOpens;
    /// <summary>Spend ÷ sends, in cents (null without sends).</summary>
    public long? CostPerSendCents => Per(Sends);

    /// <summary>Spend ÷ members who opened, in cents (null without opens).</summary>
    public long? CostPerOpenCents => Per(Opens);

    /// <summary>Spend ÷ clicks, in cents (null without clicks).</summary>
    public long? CostPerClickCents => Per(Clicks);

    /// <summary>Spend ÷ leads, in cents (null without leads).</summary>
    public long? CostPerLeadCents => Per(Leads);

    private long? Per(long count) => count == 0 ? null : (SpendCents + count / 2) / count;

    // Members counted on the day of their first open and first click: a range that starts after a member opened but
    // includes the click would otherwise read above 100%; over a campaign's whole life the cap never applies.
    private static double? Share(long members, long of) => of == 0 ? null : Math.Min(1.0, (double)members / of);

    public static Kpis Sum(IEnumerable<Kpis> all) => all.Aggregate(Zero, (a, b) => new Kpis(
        a.Sends + b.Sends, a.Opens + b.Opens, a.ButtonClicks + b.ButtonClicks, a.LinkClicks + b.LinkClicks, a.BannerClicks + b.BannerClicks,
        a.ConversationClicks + b.ConversationClicks, a.UniqueClickers + b.UniqueClickers, a.LeadFormOpens + b.LeadFormOpens, a.Leads + b.Leads,
        a.NotInterested + b.NotInterested, a.OptOuts + b.OptOuts, a.SpendCents + b.SpendCents));

    public static readonly Kpis Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>SPEC §2 benchmark bands shown beside the open rate and click-through rate.</summary>
public static class Benchmarks
{
    public static readonly (double Low, double High) OpenRate = (CampaignForecast.OpenPercentLow / 100.0, CampaignForecast.OpenPercentHigh / 100.0);
    public static readonly (double Low, double High) ClickThroughOfOpens = (CampaignForecast.ClickPercentLow / 100.0, CampaignForecast.ClickPercentHigh / 100.0);
}

/// <summary>The figures of one UTC day.</summary>
/// <param name="Day">The UTC day.</param>
/// <param name="Kpis">That day's figures.</param>
public sealed record DailyPoint(DateOnly Day, Kpis Kpis);

/// <summary>A Conversation Ad message: how many reached it, pressed each button, and dropped (reached, pressed nothing).</summary>
/// <param name="MessageId">The message's id in the conversation script.</param>
/// <param name="Text">The message's text.</param>
/// <param name="Reached">Members who reached the message.</param>
/// <param name="Buttons">Its buttons with their presses.</param>
/// <param name="Dropped">Members who reached it and pressed nothing.</param>
public sealed record FunnelStep(string MessageId, string Text, long Reached, IReadOnlyList<FunnelButton> Buttons, long Dropped);

/// <summary>A button of a Conversation Ad message and how often members pressed it.</summary>
/// <param name="ButtonId">The button's id in the script.</param>
/// <param name="Text">The button's text.</param>
/// <param name="Presses">Times members pressed it.</param>
/// <param name="LeadsTo">Where the button goes, in words: the next message's text, the URL, "lead form" or "end".</param>
public sealed record FunnelButton(string ButtonId, string Text, string LeadsTo, long Presses);

/// <summary>Opens and clicks by one facet; groups under the privacy threshold are not shown, only counted.</summary>
/// <param name="Facet">The member attribute the table breaks down by.</param>
/// <param name="Rows">The groups large enough to show.</param>
/// <param name="HiddenGroups">Groups hidden for privacy (fewer members than the threshold).</param>
public sealed record DemographicTable(Facet Facet, IReadOnlyList<DemographicRow> Rows, int HiddenGroups);

/// <summary>One group: members who opened, and who clicked (null when too few to show).</summary>
/// <param name="Value">The attribute's value (a code, e.g. US).</param>
/// <param name="Label">The value in words (e.g. United States).</param>
/// <param name="Opens">Members of the group who opened.</param>
/// <param name="Clicks">Members of the group who clicked; null when too few to show.</param>
public sealed record DemographicRow(string Value, string Label, int Opens, int? Clicks);

/// <summary>
/// One ad of a campaign over a report's range: its letter by position (A, B, …), name, figures with its share of the
/// campaign's sends (null without sends), daily series, and for a Conversation Ad its own funnel (null otherwise, and
/// where only the figures are asked for). A campaign's ads add up to the campaign's figures.
/// </summary>
/// <param name="AdId">The ad's id.</param>
/// <param name="Letter">The ad's letter by position: A, B, ….</param>
/// <param name="Name">The ad's name.</param>
/// <param name="Kpis">The ad's figures over the range.</param>
/// <param name="ShareOfSends">The ad's share of the campaign's sends, 0–1 (null without sends).</param>
/// <param name="Series">The ad's figures per day.</param>
/// <param name="Funnel">A Conversation Ad's own funnel; null otherwise.</param>
public sealed record AdReportRow(
    int AdId, string Letter, string Name, Kpis Kpis, double? ShareOfSends, IReadOnlyList<DailyPoint> Series, IReadOnlyList<FunnelStep>? Funnel)
{
    /// <summary>"A · Spring offer".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Label => $"{Letter} · {Name}";
}

/// <summary>A campaign's report over a range of UTC days: figures, daily series, funnel, demographics, ads and conversions.</summary>
/// <param name="CampaignId">The campaign's id.</param>
/// <param name="Name">The campaign's name.</param>
/// <param name="Status">The campaign's status now.</param>
/// <param name="IsConversation">Whether the campaign sends Conversation Ads.</param>
/// <param name="Range">The UTC days the figures cover.</param>
/// <param name="Kpis">The figures over the range.</param>
/// <param name="Series">The figures per day.</param>
/// <param name="Demographics">Opens and clicks by member attribute.</param>
/// <param name="Funnel">
/// The conversation funnel of a Conversation Ad campaign with one ad; with several ads (several scripts) each ad in
/// <paramref name="Ads"/> has its own and this is null.
/// </param>
/// <param name="Ads">The campaign's ads in order; one for a campaign with one ad (its figures are the campaign's).</param>
/// <param name="Conversions">Conversions on the advertiser's site credited to the campaign over the range (null: not read).</param>
public sealed record CampaignReport(
    int CampaignId, string Name, CampaignStatus Status, bool IsConversation, ReportRange Range, Kpis Kpis, IReadOnlyList<DailyPoint> Series,
    IReadOnlyList<FunnelStep>? Funnel, IReadOnlyList<DemographicTable> Demographics, IReadOnlyList<AdReportRow> Ads,
    Conversions.ConversionFigures? Conversions = null)
{
    /// <summary>Whether the report has ads to set side by side.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasSeveralAds => Ads.Count > 1;
}

/// <summary>One campaign of the account report.</summary>
/// <param name="CampaignId">The campaign's id.</param>
/// <param name="Name">The campaign's name.</param>
/// <param name="Status">The campaign's status now.</param>
/// <param name="Kpis">Its figures over the range.</param>
/// <param name="AdCount">How many ads the campaign carries: with two or more its row can be broken down by ad.</param>
public sealed record AccountCampaignRow(int CampaignId, string Name, CampaignStatus Status, Kpis Kpis, int AdCount = 1);

/// <summary>A campaign of the account report with its ads' figures (one row for a campaign with one ad).</summary>
public sealed record AccountCampaignAds(AccountCampaignRow Campaign, IReadOnlyList<AdReportRow> Ads);

/// <summary>Every campaign of the account over a range of UTC days, with totals and the daily series.</summary>
/// <param name="Range">The UTC days the figures cover.</param>
/// <param name="Campaigns">Each campaign's figures.</param>
/// <param name="Totals">All campaigns' figures added up.</param>
/// <param name="Series">All campaigns' figures per day.</param>
public sealed record AccountReport(ReportRange Range, IReadOnlyList<AccountCampaignRow> Campaigns, Kpis Totals, IReadOnlyList<DailyPoint> Series);

public sealed record TopAccount(int AccountId, string Name, long SpendCents, long Sends);

public sealed record PlatformOverview(
    ReportRange Range, long SpendCents, long Sends, int ActiveCampaigns, int InReview, TimeSpan? OldestInReview, IReadOnlyList<TopAccount> TopAccounts,
    IReadOnlyList<DailyPoint> Series);

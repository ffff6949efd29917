using System.Globalization;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Reports;
using SponsoredInMail.Web.Components.Pages.Reports;

namespace SponsoredInMail.Web.Endpoints;

/// <summary>
/// Report tables as CSV for spreadsheets: numbers without thousands separators, money as dollars with two decimals,
/// rates as fractions (0.4735), empty cells where there is nothing to divide by. Every cell goes through
/// <see cref="CsvExport"/>, which neutralizes formula cells.
/// </summary>
public static class ReportCsv
{
    /// <summary>
    /// A campaign report's tables: the campaign's own, then by ad — "ad-kpis" (each ad over the range), "ads" (each ad
    /// per day) and "ad-funnels" (each Conversation Ad's funnel); then its conversions — "conversions" (per day) and
    /// "conversion-ads" (each ad over the range).
    /// </summary>
    public static readonly string[] Tables = ["kpis", "daily", "funnel", "demographics", "ad-kpis", "ads", "ad-funnels", "conversions", "conversion-ads"];

    private static readonly string[] AdHeader = ["ad_id", "ad_letter", "ad"];

    private static readonly string[] KpiHeader =
    [
        "sends", "opens", "open_rate", "button_clicks", "link_clicks", "banner_clicks", "conversation_clicks", "clicks", "unique_clickers", "click_to_open_rate",
        "lead_form_opens", "leads", "lead_rate", "completion_rate", "not_interested", "opt_outs", "spend", "cost_per_send", "cost_per_open", "cost_per_click", "cost_per_lead",
    ];

    /// <summary>The named table of a campaign report; null when the report has no such table (a funnel of a Message Ad).</summary>
    public static string? Campaign(CampaignReport report, string table) => table switch
    {
        "kpis" => CsvExport.Write(["campaign_id", "campaign", "from", "to", .. KpiHeader],
            [[Number(report.CampaignId), report.Name, ReportDisplay.Date(report.Range.From), ReportDisplay.Date(report.Range.To), .. Cells(report.Kpis)]]),
        "daily" => CsvExport.Write(["day", .. KpiHeader], report.Series.Select(p => (IReadOnlyList<string>)[ReportDisplay.Date(p.Day), .. Cells(p.Kpis)])),
        "funnel" => report.Funnel is { } funnel ? Funnel(funnel) : null,
        "demographics" => Demographics(report.Demographics),
        "ad-kpis" => CsvExport.Write([.. AdHeader, "from", "to", "share_of_sends", .. KpiHeader],
            report.Ads.Select(a => (IReadOnlyList<string>)[.. Ad(a), ReportDisplay.Date(report.Range.From), ReportDisplay.Date(report.Range.To), Rate(a.ShareOfSends), .. Cells(a.Kpis)])),
        "ads" => CsvExport.Write([.. AdHeader, "day", .. KpiHeader],
            report.Ads.SelectMany(a => a.Series.Select(p => (IReadOnlyList<string>)[.. Ad(a), ReportDisplay.Date(p.Day), .. Cells(p.Kpis)]))),
        "ad-funnels" => report.Ads.Any(a => a.Funnel is not null) ? Funnel(report.Ads.Where(a => a.Funnel is not null).ToList()) : null,
        "conversions" => CsvExport.Write(["day", "conversions", "post_click", "post_send", "value"],
            ConversionRows.Daily(report).Select(d => (IReadOnlyList<string>)[ReportDisplay.Date(d.Day), Number(d.Conversions), Number(d.PostClick), Number(d.PostSend), Dollars(d.ValueCents)])),
        "conversion-ads" => CsvExport.Write([.. AdHeader, "from", "to", "conversions", "post_click", "post_send", "value", "conversion_rate", "cost_per_conversion"],
            ConversionRows.Ads(report).Select(r => (IReadOnlyList<string>)[.. Ad(r.Ad), ReportDisplay.Date(report.Range.From), ReportDisplay.Date(report.Range.To),
                Number(r.Figures.Conversions), Number(r.Figures.PostClick), Number(r.Figures.PostSend), Dollars(r.Figures.ValueCents), Rate(r.ConversionRate),
                Dollars(r.CostPerConversionCents)])),
        _ => null,
    };

    /// <summary>Every ad of every campaign of the account, with the campaign's columns first and a total row.</summary>
    public static string AccountAds(IReadOnlyList<AccountCampaignAds> campaigns) => CsvExport.Write(["campaign_id", "campaign", "status", .. AdHeader, .. KpiHeader],
        campaigns.SelectMany(c => c.Ads.Count == 0
                ? [[Number(c.Campaign.CampaignId), c.Campaign.Name, c.Campaign.Status.ToString(), "", "", "", .. Cells(c.Campaign.Kpis)]]
                : c.Ads.Select(a => (IReadOnlyList<string>)[Number(c.Campaign.CampaignId), c.Campaign.Name, c.Campaign.Status.ToString(), .. Ad(a), .. Cells(a.Kpis)]))
            .Append(["", "Total", "", "", "", "", .. Cells(Kpis.Sum(campaigns.Select(c => c.Campaign.Kpis)))]));

    public static string Account(AccountReport report) => CsvExport.Write(["campaign_id", "campaign", "status", .. KpiHeader],
        report.Campaigns.Select(c => (IReadOnlyList<string>)[Number(c.CampaignId), c.Name, c.Status.ToString(), .. Cells(c.Kpis)])
            .Append(["", "Total", "", .. Cells(report.Totals)]));

    private static readonly string[] FunnelHeader = ["message_id", "message", "reached", "button_id", "button", "leads_to", "presses", "dropped"];

    private static string Funnel(IReadOnlyList<FunnelStep> steps) => CsvExport.Write(FunnelHeader, FunnelRows(steps));

    private static string Funnel(IReadOnlyList<AdReportRow> ads) => CsvExport.Write([.. AdHeader, .. FunnelHeader],
        ads.SelectMany(a => FunnelRows(a.Funnel!).Select(row => (IReadOnlyList<string>)[.. Ad(a), .. row])));

    private static IEnumerable<IReadOnlyList<string>> FunnelRows(IReadOnlyList<FunnelStep> steps) =>
        steps.SelectMany(step => step.Buttons.Count == 0
            ? [[step.MessageId, step.Text, Number(step.Reached), "", "", "", "", Number(step.Dropped)]]
            : step.Buttons.Select(b => (IReadOnlyList<string>)[step.MessageId, step.Text, Number(step.Reached), b.ButtonId, b.Text, b.LeadsTo, Number(b.Presses), Number(step.Dropped)]));

    private static string[] Ad(AdReportRow ad) => [Number(ad.AdId), ad.Letter, ad.Name];

    private static string Demographics(IReadOnlyList<DemographicTable> tables) => CsvExport.Write(
        ["facet", "value", "label", "opens", "clicks", "hidden_groups"],
        tables.SelectMany(t => t.Rows.Select(r => (IReadOnlyList<string>)[ReportDisplay.FacetKey(t.Facet), r.Value, r.Label, Number(r.Opens), r.Clicks is { } c ? Number(c) : "", ""])
            .Append([ReportDisplay.FacetKey(t.Facet), "", "", "", "", Number(t.HiddenGroups)])));

    private static string[] Cells(Kpis k) =>
    [
        Number(k.Sends), Number(k.Opens), Rate(k.OpenRate), Number(k.ButtonClicks), Number(k.LinkClicks), Number(k.BannerClicks), Number(k.ConversationClicks),
        Number(k.Clicks), Number(k.UniqueClickers), Rate(k.ClickToOpenRate), Number(k.LeadFormOpens), Number(k.Leads), Rate(k.LeadRate), Rate(k.CompletionRate), Number(k.NotInterested), Number(k.OptOuts),
        Dollars(k.SpendCents), Dollars(k.CostPerSendCents), Dollars(k.CostPerOpenCents), Dollars(k.CostPerClickCents), Dollars(k.CostPerLeadCents),
    ];

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Rate(double? rate) => rate is { } value ? value.ToString("0.####", CultureInfo.InvariantCulture) : "";

    private static string Dollars(long? cents) => cents is { } value ? (value / 100m).ToString("0.00", CultureInfo.InvariantCulture) : "";
}

using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Web.Components.Pages.Reports;

/// <summary>One row of the campaign comparison: a figure and how it reads.</summary>
public sealed record CompareMetric(string Key, string Label, Func<Kpis, string> Value)
{
    public static readonly IReadOnlyList<CompareMetric> All =
    [
        new("sends", "Sends", k => ReportDisplay.Count(k.Sends)),
        new("opens", "Opens", k => ReportDisplay.Count(k.Opens)),
        new("open-rate", $"Open rate (benchmark {ReportDisplay.Band(Benchmarks.OpenRate)})", k => WithBand(k.OpenRate, Benchmarks.OpenRate)),
        new("button-clicks", "CTA clicks", k => ReportDisplay.Count(k.ButtonClicks)),
        new("link-clicks", "Link clicks", k => ReportDisplay.Count(k.LinkClicks)),
        new("banner-clicks", "Banner clicks", k => ReportDisplay.Count(k.BannerClicks)),
        new("conversation-clicks", "Conversation button clicks", k => ReportDisplay.Count(k.ConversationClicks)),
        new("clicks", "Clicks", k => ReportDisplay.Count(k.Clicks)),
        new("unique-clickers", "Members who clicked", k => ReportDisplay.Count(k.UniqueClickers)),
        new("ctr", $"Click-to-open rate (benchmark {ReportDisplay.Band(Benchmarks.ClickThroughOfOpens)})", k => WithBand(k.ClickToOpenRate, Benchmarks.ClickThroughOfOpens)),
        new("lead-form-opens", "Lead form opens", k => ReportDisplay.Count(k.LeadFormOpens)),
        new("leads", "Leads", k => ReportDisplay.Count(k.Leads)),
        new("lead-rate", "Lead rate (leads ÷ members who opened)", k => ReportDisplay.Percent(k.LeadRate)),
        new("completion-rate", "Completion rate", k => ReportDisplay.Percent(k.CompletionRate)),
        new("spend", "Spend", k => Money.Format(k.SpendCents)),
        new("cost-per-send", "Cost per send", k => ReportDisplay.Cost(k.CostPerSendCents)),
        new("cost-per-open", "Cost per open", k => ReportDisplay.Cost(k.CostPerOpenCents)),
        new("cost-per-click", "Cost per click", k => ReportDisplay.Cost(k.CostPerClickCents)),
        new("cost-per-lead", "Cost per lead", k => ReportDisplay.Cost(k.CostPerLeadCents)),
    ];

    private static string WithBand(double? rate, (double Low, double High) band) =>
        ReportDisplay.BandStatus(rate, band) is { } status ? $"{ReportDisplay.Percent(rate)} ({status})" : ReportDisplay.Percent(rate);
}

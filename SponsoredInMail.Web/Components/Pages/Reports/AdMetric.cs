using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Web.Components.Pages.Reports;

/// <summary>One row of the ads side by side: the campaign comparison's figures, each ad's share of the sends, and the refusals.</summary>
public sealed record AdMetric(string Key, string Label, Func<AdReportRow, string> Value)
{
    public static readonly IReadOnlyList<AdMetric> All =
    [
        .. CompareMetric.All.SelectMany(metric => metric.Key == "sends"
            ? [FromCompare(metric), new AdMetric("share-of-sends", "Share of sends", a => ReportDisplay.Percent(a.ShareOfSends))]
            : new[] { FromCompare(metric) }),
        new("not-interested", "Not interested", a => ReportDisplay.Count(a.Kpis.NotInterested)),
        new("opt-outs", "Opt-outs", a => ReportDisplay.Count(a.Kpis.OptOuts)),
    ];

    private static AdMetric FromCompare(CompareMetric metric) => new(metric.Key, metric.Label, a => metric.Value(a.Kpis));
}

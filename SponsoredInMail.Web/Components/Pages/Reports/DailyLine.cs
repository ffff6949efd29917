using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Web.Components.Pages.Reports;

/// <summary>One line of a daily chart: its legend name and the figure it plots per day.</summary>
public sealed record DailyLine(string Name, Func<Kpis, double> Value)
{
    public static readonly IReadOnlyList<DailyLine> Engagement =
    [
        new("Sends", k => k.Sends),
        new("Opens", k => k.Opens),
        new("Clicks", k => k.Clicks),
    ];

    public static readonly IReadOnlyList<DailyLine> Spend = [new("Spend ($)", k => k.SpendCents / 100.0)];

    /// <summary>The figures the ads' daily chart can show, one line per ad.</summary>
    public static readonly IReadOnlyList<DailyLine> ByAd =
    [
        Engagement[0], Engagement[1], Engagement[2],
        new("Leads", k => k.Leads),
        Spend[0],
    ];
}

using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Web.Components.Pages.Reports;

/// <summary>One ad's conversions beside its sends and spend, for the report's per-ad rows and CSV.</summary>
public sealed record AdConversionRow(AdReportRow Ad, AdConversions Figures)
{
    public double? ConversionRate => Ad.Kpis.Sends == 0 ? null : (double)Figures.Conversions / Ad.Kpis.Sends;

    public long? CostPerConversionCents => Figures.Conversions == 0 ? null : (Ad.Kpis.SpendCents + Figures.Conversions / 2) / Figures.Conversions;
}

/// <summary>A report's conversion figures laid out as the page and the CSV show them: every day of the range, every ad.</summary>
public static class ConversionRows
{
    /// <summary>The report's figures; a report that did not read them has none.</summary>
    public static ConversionFigures Of(CampaignReport report) => report.Conversions ?? ConversionFigures.None(report.Kpis.SpendCents, report.Kpis.Sends);

    /// <summary>Every day of the range, zero on days without conversions (so a chart and a spreadsheet have no gaps).</summary>
    public static IReadOnlyList<ConversionDay> Daily(CampaignReport report)
    {
        var byDay = Of(report).Daily.ToDictionary(d => d.Day);
        return Enumerable.Range(0, report.Range.Days).Select(i => report.Range.From.AddDays(i))
            .Select(day => byDay.GetValueOrDefault(day) ?? new ConversionDay(day, 0, 0, 0, 0)).ToList();
    }

    /// <summary>Each ad of the campaign in order with its conversions (zero when none were credited to it).</summary>
    public static IReadOnlyList<AdConversionRow> Ads(CampaignReport report)
    {
        var byAd = Of(report).Ads.ToDictionary(a => a.AdId);
        return report.Ads.Select(ad => new AdConversionRow(ad, byAd.GetValueOrDefault(ad.AdId) ?? new AdConversions(ad.AdId, 0, 0, 0, 0))).ToList();
    }
}

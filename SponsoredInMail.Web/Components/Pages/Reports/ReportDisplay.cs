using System.Globalization;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using Common = SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Web.Components.Pages.Reports;

/// <summary>How report figures read on screen and in URLs: rates as percentages, costs as money, ranges as yyyy-MM-dd.</summary>
public static class ReportDisplay
{
    public const string DateFormat = "yyyy-MM-dd";

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"47.5%", or an em dash when there is nothing to divide by.</summary>
    public static string Percent(double? rate) => rate is { } value ? (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    public static string Cost(long? cents) => cents is { } value ? Money.Format(value) : "—";

    public static string Band((double Low, double High) band) =>
        $"{(band.Low * 100).ToString("0", CultureInfo.InvariantCulture)}–{(band.High * 100).ToString("0", CultureInfo.InvariantCulture)}%";

    /// <summary>Where a rate falls against a benchmark band: below, within or above; null without a rate.</summary>
    public static string? BandStatus(double? rate, (double Low, double High) band) => rate switch
    {
        null => null,
        var r when r < band.Low => "below",
        var r when r > band.High => "above",
        _ => "within",
    };

    public static string Date(DateOnly day) => day.ToString(DateFormat, CultureInfo.InvariantCulture);

    public static string Day(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>The range a report URL asks for (from/to query texts), checked by Core's one rule for report ranges.</summary>
    public static Common.Result<RequestedRange> Requested(string? from, string? to, TimeProvider clock) =>
        ReportRangeRules.Parse(from, to, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));

    /// <summary>A range picked on the page, checked by the same rule.</summary>
    public static Common.Result Check(ReportRange picked, TimeProvider clock) =>
        ReportRangeRules.Check(picked.From, picked.To, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));

    public static string Describe(ReportRange range) => $"{Day(range.From)} – {Day(range.To)} (UTC, {range.Days} days)";

    public static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    public static string Query(ReportRange range) => $"from={Date(range.From)}&to={Date(range.To)}";

    public static string FacetLabel(Facet facet) => facet switch
    {
        Facet.Seniority => "Seniority",
        Facet.JobFunction => "Job function",
        Facet.Industry => "Industry",
        Facet.CompanySize => "Company size",
        Facet.Location => "Location",
        _ => facet.ToString(),
    };

    /// <summary>A slug for test ids and file names: "company-size".</summary>
    public static string FacetKey(Facet facet) => facet switch
    {
        Facet.JobFunction => "job-function",
        Facet.CompanySize => "company-size",
        _ => facet.ToString().ToLowerInvariant(),
    };
}

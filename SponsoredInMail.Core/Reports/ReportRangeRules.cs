using System.Globalization;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Reports;

/// <summary>The days a report was asked for, either end optional (the report service fills in its default).</summary>
public sealed record RequestedRange(DateOnly? From, DateOnly? To);

/// <summary>
/// The one check of a report's date range, shared by the API, the report pages and the CSV downloads: days written
/// yyyy-MM-dd, each between <see cref="Earliest"/> and a year from today, from on or before to, at most
/// <see cref="ReportRange.MaxDays"/> days. Refusals name the field ("from" or "to").
/// </summary>
public static class ReportRangeRules
{
    /// <summary>No report reaches back before this day: the product has no data from earlier.</summary>
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    public const int YearsAhead = 1;

    public static DateOnly Latest(DateOnly today) => today.AddYears(YearsAhead);

    /// <summary>Parses the query texts (empty or null means "default") and checks them.</summary>
    public static Result<RequestedRange> Parse(string? from, string? to, DateOnly today)
    {
        var errors = new List<FieldError>();
        var start = Day(errors, "from", from);
        var end = Day(errors, "to", to);
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        var checkedRange = Check(start, end, today);
        return checkedRange.Succeeded ? Result<RequestedRange>.Ok(new RequestedRange(start, end)) : checkedRange;
    }

    public static Result Check(DateOnly? from, DateOnly? to, DateOnly today)
    {
        var errors = new List<FieldError>();
        var latest = Latest(today);
        foreach (var (field, day) in new[] { ("from", from), ("to", to) })
        {
            if (day is { } d && (d < Earliest || d > latest))
            {
                errors.Add(new FieldError(field, $"{field} must be a day from {Text(Earliest)} to {Text(latest)}; it is {Text(d)}."));
            }
        }
        if (errors.Count == 0 && from is { } start && to is { } end)
        {
            if (start > end)
            {
                errors.Add(new FieldError("to", $"to ({Text(end)}) must not be before from ({Text(start)})."));
            }
            else if (end.DayNumber - start.DayNumber + 1 > ReportRange.MaxDays)
            {
                errors.Add(new FieldError("to", $"A report covers at most {ReportRange.MaxDays} days; {Text(start)} to {Text(end)} is {end.DayNumber - start.DayNumber + 1:N0}."));
            }
        }
        return errors.Count == 0 ? Result.Ok : Result.Fail(errors);
    }

    /// <summary>
    /// The report service's last line of defence: a range no boundary should have let through (a programming error,
    /// so it throws rather than computing days beyond the calendar).
    /// </summary>
    public static void Guard(ReportRange range, DateOnly today)
    {
        if (range.From < Earliest || range.To > Latest(today) || range.From > range.To)
        {
            throw new ArgumentOutOfRangeException(nameof(range), range, $"A report range must lie within {Text(Earliest)}–{Text(Latest(today))}, from before to.");
        }
    }

    private static DateOnly? Day(List<FieldError> errors, string field, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }
        errors.Add(new FieldError(field, $"{field} must be a UTC day like 2026-11-01."));
        return null;
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

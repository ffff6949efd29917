using System.Globalization;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Web.Components.Pages.Campaigns;

/// <summary>
/// Turns what a marketer typed (dollars, UTC dates and times) into the cents and instants Core works with.
/// Only the typing is checked here; every campaign rule stays in Core's validation.
/// </summary>
public static class CampaignFields
{
    public static string Dollars(long cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    public static string? Dollars(long? cents) => cents is { } value ? Dollars(value) : null;

    public static long? Cents(string? text, string field, string label, bool required, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                errors.Add(new FieldError(field, $"Enter the {label} in dollars."));
            }
            return null;
        }
        if (!Money.TryParse(text, out var cents))
        {
            errors.Add(new FieldError(field, $"Enter the {label} in dollars and cents, like 1.25."));
            return null;
        }
        return cents;
    }

    public static string Date(DateTime at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Time(DateTime at) => at.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A UTC instant from a yyyy-MM-dd date and an optional HH:mm time (midnight when empty).</summary>
    public static DateTime? Utc(string? date, string? time, string field, string label, bool required, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(date))
        {
            if (required)
            {
                errors.Add(new FieldError(field, $"Choose the {label} date."));
            }
            else if (!string.IsNullOrWhiteSpace(time))
            {
                errors.Add(new FieldError(field, $"Choose a date for the {label} time."));
            }
            return null;
        }
        if (!DateOnly.TryParseExact(date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            errors.Add(new FieldError(field, $"The {label} date must look like 2026-12-31."));
            return null;
        }
        var clock = TimeOnly.MinValue;
        if (!string.IsNullOrWhiteSpace(time) && !TimeOnly.TryParseExact(time.Trim(), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out clock))
        {
            errors.Add(new FieldError(field, $"The {label} time must look like 09:30 (24-hour, UTC)."));
            return null;
        }
        return day.ToDateTime(clock, DateTimeKind.Utc);
    }
}

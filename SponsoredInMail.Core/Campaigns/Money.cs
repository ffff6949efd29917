using System.Globalization;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>Money is integer cents everywhere; this is the one place that turns it into text.</summary>
public static class Money
{
    public static string Format(long cents) =>
        (cents < 0 ? "-" : "") + "$" + (Math.Abs(cents) / 100).ToString("N0", CultureInfo.InvariantCulture) + "." + (Math.Abs(cents) % 100).ToString("00", CultureInfo.InvariantCulture);

    /// <summary>Parses "1.25", "$1,250.50" or "3" into cents; more than two decimals is refused, never rounded.</summary>
    public static bool TryParse(string? text, out long cents)
    {
        cents = 0;
        var trimmed = (text ?? "").Trim().TrimStart('$').Replace(",", "", StringComparison.Ordinal);
        if (!decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || decimal.Round(amount, 2) != amount
            || amount > 1_000_000_000m)
        {
            return false;
        }
        cents = (long)(amount * 100);
        return true;
    }
}

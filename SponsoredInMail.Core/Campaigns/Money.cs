using System.Globalization;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>Money is integer cents everywhere; this is the one place that turns it into text.</summary>
public static class Money
{
    /// <summary>"$1,234.50" or "-$0.25"; every long, even <see cref="long.MinValue"/> (whose negation does not fit in a long).</summary>
    public static string Format(long cents)
    {
        var magnitude = cents < 0 ? (ulong)(-(cents + 1)) + 1 : (ulong)cents;
        return (cents < 0 ? "-" : "") + "$" + (magnitude / 100).ToString("N0", CultureInfo.InvariantCulture) + "." + (magnitude % 100).ToString("00", CultureInfo.InvariantCulture);
    }

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

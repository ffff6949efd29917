using System.Diagnostics;
using System.Globalization;

namespace SponsoredInMail.Benchmarks;

/// <summary>
/// The system clock stopped at one instant for the whole run, so that the index (which derives "active" from
/// the clock at minute resolution and refreshes it when the minute moves on) and the SQL check use the very
/// same "now", and no timed count pays for a once-a-minute refresh. Timers and timestamps stay real.
/// </summary>
internal sealed class FrozenClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Progress lines on stderr, prefixed with the time since start.</summary>
internal static class Log
{
    private static readonly Stopwatch Since = Stopwatch.StartNew();

    public static void Info(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Since.Elapsed.TotalSeconds,7:F1}s] {message}"));
}

internal static class Stats
{
    /// <summary>Nearest-rank percentile (p in 0..100) of a non-empty sample.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The median: the middle value, or the mean of the two middle values.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static string F(double value, int decimals = 3) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

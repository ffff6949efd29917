using Microsoft.Data.Sqlite;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Core.Data.Sqlite;

/// <summary>
/// Invariant 4 in plain SQL: for every campaign, day and event kind, the tally column equals the number of
/// counted raw events (and first opens equal deliveries first opened that day; members who clicked equal deliveries
/// first clicked that day, each first click being the delivery's earliest counted click). Returns the mismatching cells.
/// </summary>
public static class EngagementTallyCheck
{
    private static readonly EventKind[] Kinds = Enum.GetValues<EventKind>();

    public static async Task<long> MismatchesAsync(string connectionString, CancellationToken ct = default)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        long total = 0;
        foreach (var kind in Kinds)
        {
            var column = TallyColumns.Of(kind);
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT COUNT(*) FROM (
                  SELECT s.CampaignId, s.Day, s.{column} AS Tally,
                         (SELECT COUNT(*) FROM EngagementEvents AS e WHERE e.CampaignId = s.CampaignId AND date(e.At) = s.Day
                            AND e.Kind = $kind AND e.Counted = 1) AS Raw
                  FROM CampaignDailyStats AS s)
                WHERE Tally <> Raw
                """;
            command.Parameters.AddWithValue("$kind", (int)kind);
            total += Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);

            // Counted events on a day with no tally row at all.
            await using var orphans = connection.CreateCommand();
            orphans.CommandText = """
                SELECT COUNT(*) FROM (SELECT DISTINCT CampaignId, date(At) AS Day FROM EngagementEvents WHERE Kind = $kind AND Counted = 1) AS e
                WHERE NOT EXISTS (SELECT 1 FROM CampaignDailyStats AS s WHERE s.CampaignId = e.CampaignId AND s.Day = e.Day)
                """;
            orphans.Parameters.AddWithValue("$kind", (int)kind);
            total += Convert.ToInt64(await orphans.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        await using var opens = connection.CreateCommand();
        opens.CommandText = """
            SELECT COUNT(*) FROM (SELECT CampaignId, date(FirstOpenedAt) AS Day, COUNT(*) AS n FROM Deliveries WHERE FirstOpenedAt IS NOT NULL GROUP BY 1, 2) AS d
            LEFT JOIN CampaignDailyStats AS s ON s.CampaignId = d.CampaignId AND s.Day = d.Day
            WHERE COALESCE(s.Opens, 0) <> d.n
            """;
        total += Convert.ToInt64(await opens.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);

        // Members who clicked: each delivery's first click is on the day of its earliest counted click (none without one),
        // and each day's tally counts the deliveries first clicked that day.
        var clicks = string.Join(", ", EventKinds.Clicks.Select(k => (int)k));
        await using var firstClicks = connection.CreateCommand();
        firstClicks.CommandText = $"""
            SELECT COUNT(*) FROM (
              SELECT d.FirstClickedAt AS Stored,
                     (SELECT MIN(e.At) FROM EngagementEvents AS e WHERE e.DeliveryId = d.Id AND e.Kind IN ({clicks}) AND e.Counted = 1) AS Raw
              FROM Deliveries AS d)
            WHERE (Stored IS NULL) <> (Raw IS NULL) OR date(Stored) <> date(Raw)
            """;
        total += Convert.ToInt64(await firstClicks.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        await using var clickers = connection.CreateCommand();
        clickers.CommandText = $"""
            SELECT COUNT(*) FROM (
              SELECT s.UniqueClickers AS Tally,
                     (SELECT COUNT(*) FROM Deliveries AS d WHERE d.CampaignId = s.CampaignId AND date(d.FirstClickedAt) = s.Day) AS Raw
              FROM CampaignDailyStats AS s
              UNION ALL
              SELECT 0, COUNT(*) FROM Deliveries AS d WHERE d.FirstClickedAt IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM CampaignDailyStats AS s WHERE s.CampaignId = d.CampaignId AND s.Day = date(d.FirstClickedAt)))
            WHERE Tally <> Raw
            """;
        total += Convert.ToInt64(await clickers.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        return total;
    }
}

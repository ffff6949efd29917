using Npgsql;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Core.Data.Postgres;

/// <summary>
/// <see cref="Sqlite.EngagementTallyCheck"/> for PostgreSQL — invariant 4 in plain SQL: for every campaign, day and event
/// kind, the tally column equals the number of counted raw events (and first opens equal deliveries first opened that
/// day; members who clicked equal deliveries first clicked that day, each first click being the delivery's earliest
/// counted click). Returns the mismatching cells. Days are UTC days.
/// </summary>
public static class PostgresEngagementTallyCheck
{
    private static readonly EventKind[] Kinds = Enum.GetValues<EventKind>();

    public static async Task<long> MismatchesAsync(string connectionString, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);

        async Task<long> Count(string sql, int? kind = null)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            if (kind is not null)
            {
                command.Parameters.Add(Pg.Int("kind", kind));
            }
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        long total = 0;
        foreach (var kind in Kinds)
        {
            var column = TallyColumns.Of(kind);
            total += await Count($"""
                SELECT COUNT(*) FROM (
                  SELECT s."CampaignId", s."Day", s."{column}" AS "Tally",
                         (SELECT COUNT(*) FROM "EngagementEvents" AS e WHERE e."CampaignId" = s."CampaignId"
                            AND (e."At" AT TIME ZONE 'UTC')::date = s."Day" AND e."Kind" = @kind AND e."Counted") AS "Raw"
                  FROM "CampaignDailyStats" AS s) AS x
                WHERE "Tally" <> "Raw"
                """, (int)kind);

            // Counted events on a day with no tally row at all.
            total += await Count("""
                SELECT COUNT(*) FROM (
                  SELECT DISTINCT "CampaignId", ("At" AT TIME ZONE 'UTC')::date AS "Day" FROM "EngagementEvents" WHERE "Kind" = @kind AND "Counted") AS e
                WHERE NOT EXISTS (SELECT 1 FROM "CampaignDailyStats" AS s WHERE s."CampaignId" = e."CampaignId" AND s."Day" = e."Day")
                """, (int)kind);
        }
        total += await Count("""
            SELECT COUNT(*) FROM (
              SELECT "CampaignId", ("FirstOpenedAt" AT TIME ZONE 'UTC')::date AS "Day", COUNT(*) AS n
              FROM "Deliveries" WHERE "FirstOpenedAt" IS NOT NULL GROUP BY 1, 2) AS d
            LEFT JOIN "CampaignDailyStats" AS s ON s."CampaignId" = d."CampaignId" AND s."Day" = d."Day"
            WHERE COALESCE(s."Opens", 0) <> d.n
            """);

        // Members who clicked: each delivery's first click is on the day of its earliest counted click (none without one),
        // and each day's tally counts the deliveries first clicked that day.
        var clicks = string.Join(", ", EventKinds.Clicks.Select(k => (int)k));
        total += await Count($"""
            SELECT COUNT(*) FROM (
              SELECT d."FirstClickedAt" AS "Stored",
                     (SELECT MIN(e."At") FROM "EngagementEvents" AS e WHERE e."DeliveryId" = d."Id" AND e."Kind" IN ({clicks}) AND e."Counted") AS "Raw"
              FROM "Deliveries" AS d) AS x
            WHERE ("Stored" IS NULL) <> ("Raw" IS NULL)
               OR ("Stored" AT TIME ZONE 'UTC')::date <> ("Raw" AT TIME ZONE 'UTC')::date
            """);
        total += await Count("""
            SELECT COUNT(*) FROM (
              SELECT s."UniqueClickers"::bigint AS "Tally",
                     (SELECT COUNT(*) FROM "Deliveries" AS d WHERE d."CampaignId" = s."CampaignId"
                        AND (d."FirstClickedAt" AT TIME ZONE 'UTC')::date = s."Day") AS "Raw"
              FROM "CampaignDailyStats" AS s
              UNION ALL
              SELECT 0, COUNT(*) FROM "Deliveries" AS d WHERE d."FirstClickedAt" IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM "CampaignDailyStats" AS s
                                WHERE s."CampaignId" = d."CampaignId" AND s."Day" = (d."FirstClickedAt" AT TIME ZONE 'UTC')::date)) AS x
            WHERE "Tally" <> "Raw"
            """);
        return total;
    }
}

using Npgsql;
using SponsoredInMail.Core.Data.Sqlite;

namespace SponsoredInMail.Core.Data.Postgres;

/// <summary>
/// <see cref="DeliveryInvariantCheck"/> for PostgreSQL: violations of SPEC §4 invariants 1–3 found by plain SQL against
/// the tables (not through the engine's code); all zero when delivery kept every rule. Days are UTC days.
/// </summary>
public static class PostgresDeliveryInvariantCheck
{
    public static async Task<InvariantReport> RunAsync(string connectionString, int anyCapDays, int sameCapDays, int activeWithinDays, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);

        async Task<long> Count(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(Pg.Int("any", anyCapDays));
            command.Parameters.Add(Pg.Int("same", sameCapDays));
            command.Parameters.Add(Pg.Int("active", activeWithinDays));
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        return new InvariantReport(
            // 1. At most one delivery per (campaign, member).
            DuplicateDeliveries: await Count("""
                SELECT COUNT(*) FROM (SELECT 1 FROM "Deliveries" GROUP BY "CampaignId", "MemberId" HAVING COUNT(*) > 1) AS x
                """),
            // 2. Two sponsored messages to one member closer than the caps.
            AnyAdvertiserCapBreaches: await Count("""
                SELECT COUNT(*) FROM (
                  SELECT "DeliveredAt", LAG("DeliveredAt") OVER (PARTITION BY "MemberId" ORDER BY "DeliveredAt", "Id") AS "Previous" FROM "Deliveries") AS x
                WHERE "Previous" IS NOT NULL AND EXTRACT(EPOCH FROM "DeliveredAt" - "Previous") < @any * 86400.0
                """),
            SameAdvertiserCapBreaches: await Count("""
                SELECT COUNT(*) FROM (
                  SELECT "DeliveredAt", LAG("DeliveredAt") OVER (PARTITION BY "MemberId", "AdvertiserAccountId" ORDER BY "DeliveredAt", "Id") AS "Previous"
                  FROM "Deliveries") AS x
                WHERE "Previous" IS NOT NULL AND EXTRACT(EPOCH FROM "DeliveredAt" - "Previous") < @same * 86400.0
                """),
            //    …to a member who had opted out (all, this advertiser, this sender) before the send…
            OptedOutDeliveries: await Count("""
                SELECT COUNT(DISTINCT d."Id") FROM "Deliveries" AS d
                LEFT JOIN "Ads" AS a ON a."Id" = d."AdId"
                JOIN "MemberOptOuts" AS o ON o."MemberId" = d."MemberId" AND o."CreatedAt" <= d."DeliveredAt"
                 AND (o."Scope" = 1 OR (o."Scope" = 2 AND o."AdvertiserAccountId" = d."AdvertiserAccountId")
                      OR (o."Scope" = 3 AND o."SenderMemberId" = a."SenderMemberId"))
                """),
            //    …or to one inactive at the time (last activity only moves forward, so "inactive even now" is sound).
            InactiveDeliveries: await Count("""
                SELECT COUNT(*) FROM "Deliveries" AS d JOIN "Members" AS m ON m."Id" = d."MemberId"
                WHERE m."LastActiveAt" < d."DeliveredAt" - make_interval(days => @active) - interval '1 minute'
                """),
            // 3. Spend is the sum of the delivery prices, never above the lifetime budget nor a day's budget.
            SpendMismatches: await Count("""
                SELECT COUNT(*) FROM "Campaigns" AS c
                WHERE c."SpentCents" <> (SELECT COALESCE(SUM(d."PriceCents"), 0) FROM "Deliveries" AS d WHERE d."CampaignId" = c."Id")
                """),
            LifetimeOverruns: await Count("""SELECT COUNT(*) FROM "Campaigns" WHERE "SpentCents" > "LifetimeBudgetCents" """),
            DailyOverruns: await Count("""
                SELECT COUNT(*) FROM (
                  SELECT "CampaignId", ("DeliveredAt" AT TIME ZONE 'UTC')::date AS "Day", SUM("PriceCents") AS "Spend" FROM "Deliveries" GROUP BY 1, 2) AS x
                JOIN "CampaignDailyStats" AS s ON s."CampaignId" = x."CampaignId" AND s."Day" = x."Day"
                WHERE s."DailyBudgetCents" IS NOT NULL AND x."Spend" > s."DailyBudgetCents"
                """),
            TallyMismatches: await Count("""
                SELECT (SELECT COUNT(*) FROM (
                          SELECT "CampaignId", "Day", "Sends"::bigint, "SpendCents"::numeric FROM "CampaignDailyStats" WHERE "Sends" > 0
                          EXCEPT SELECT "CampaignId", ("DeliveredAt" AT TIME ZONE 'UTC')::date, COUNT(*), SUM("PriceCents") FROM "Deliveries" GROUP BY 1, 2) AS a)
                     + (SELECT COUNT(*) FROM (
                          SELECT "CampaignId", ("DeliveredAt" AT TIME ZONE 'UTC')::date, COUNT(*), SUM("PriceCents") FROM "Deliveries" GROUP BY 1, 2
                          EXCEPT SELECT "CampaignId", "Day", "Sends"::bigint, "SpendCents"::numeric FROM "CampaignDailyStats") AS b)
                """));
    }
}

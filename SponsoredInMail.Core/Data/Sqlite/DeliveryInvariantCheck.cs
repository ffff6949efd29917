using Microsoft.Data.Sqlite;

namespace SponsoredInMail.Core.Data.Sqlite;

/// <summary>Violations of SPEC §4 invariants 1–3 found by plain SQL; all zero when delivery kept every rule.</summary>
public sealed record InvariantReport(
    long DuplicateDeliveries, long AnyAdvertiserCapBreaches, long SameAdvertiserCapBreaches, long OptedOutDeliveries,
    long InactiveDeliveries, long SpendMismatches, long LifetimeOverruns, long DailyOverruns, long TallyMismatches)
{
    public long Total => DuplicateDeliveries + AnyAdvertiserCapBreaches + SameAdvertiserCapBreaches + OptedOutDeliveries
        + InactiveDeliveries + SpendMismatches + LifetimeOverruns + DailyOverruns + TallyMismatches;
}

/// <summary>
/// An independent check of the delivery invariants, written in plain SQL against the tables (not through the
/// engine's code), for tests and the send-run benchmark.
/// </summary>
public static class DeliveryInvariantCheck
{
    public static async Task<InvariantReport> RunAsync(string connectionString, int anyCapDays, int sameCapDays, int activeWithinDays, CancellationToken ct = default)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);

        async Task<long> Count(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$any", anyCapDays);
            command.Parameters.AddWithValue("$same", sameCapDays);
            command.Parameters.AddWithValue("$active", activeWithinDays);
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        return new InvariantReport(
            // 1. At most one delivery per (campaign, member).
            DuplicateDeliveries: await Count("SELECT COUNT(*) FROM (SELECT 1 FROM Deliveries GROUP BY CampaignId, MemberId HAVING COUNT(*) > 1)"),
            // 2. Two sponsored messages to one member closer than the caps.
            AnyAdvertiserCapBreaches: await Count("""
                SELECT COUNT(*) FROM (
                  SELECT DeliveredAt, LAG(DeliveredAt) OVER (PARTITION BY MemberId ORDER BY DeliveredAt, Id) AS Previous FROM Deliveries)
                WHERE Previous IS NOT NULL AND julianday(DeliveredAt) - julianday(Previous) < $any
                """),
            SameAdvertiserCapBreaches: await Count("""
                SELECT COUNT(*) FROM (
                  SELECT DeliveredAt, LAG(DeliveredAt) OVER (PARTITION BY MemberId, AdvertiserAccountId ORDER BY DeliveredAt, Id) AS Previous FROM Deliveries)
                WHERE Previous IS NOT NULL AND julianday(DeliveredAt) - julianday(Previous) < $same
                """),
            //    …to a member who had opted out (all, this advertiser, this sender) before the send…
            OptedOutDeliveries: await Count("""
                SELECT COUNT(DISTINCT d.Id) FROM Deliveries AS d
                LEFT JOIN Ads AS a ON a.Id = d.AdId
                JOIN MemberOptOuts AS o ON o.MemberId = d.MemberId AND o.CreatedAt <= d.DeliveredAt
                 AND (o.Scope = 1 OR (o.Scope = 2 AND o.AdvertiserAccountId = d.AdvertiserAccountId) OR (o.Scope = 3 AND o.SenderMemberId = a.SenderMemberId))
                """),
            //    …or to one inactive at the time (last activity only moves forward, so "inactive even now" is sound).
            InactiveDeliveries: await Count("""
                SELECT COUNT(*) FROM Deliveries AS d JOIN Members AS m ON m.Id = d.MemberId
                WHERE julianday(m.LastActiveAt) < julianday(d.DeliveredAt) - $active - 1.0 / 1440
                """),
            // 3. Spend is the sum of the delivery prices, never above the lifetime budget nor a day's budget.
            SpendMismatches: await Count("""
                SELECT COUNT(*) FROM Campaigns AS c
                WHERE c.SpentCents <> (SELECT COALESCE(SUM(d.PriceCents), 0) FROM Deliveries AS d WHERE d.CampaignId = c.Id)
                """),
            LifetimeOverruns: await Count("SELECT COUNT(*) FROM Campaigns WHERE SpentCents > LifetimeBudgetCents"),
            DailyOverruns: await Count("""
                SELECT COUNT(*) FROM (SELECT CampaignId, date(DeliveredAt) AS Day, SUM(PriceCents) AS Spend FROM Deliveries GROUP BY 1, 2) AS x
                JOIN CampaignDailyStats AS s ON s.CampaignId = x.CampaignId AND s.Day = x.Day
                WHERE s.DailyBudgetCents IS NOT NULL AND x.Spend > s.DailyBudgetCents
                """),
            TallyMismatches: await Count("""
                SELECT (SELECT COUNT(*) FROM (
                          SELECT CampaignId, Day, Sends, SpendCents FROM CampaignDailyStats WHERE Sends > 0
                          EXCEPT SELECT CampaignId, date(DeliveredAt), COUNT(*), SUM(PriceCents) FROM Deliveries GROUP BY 1, 2))
                     + (SELECT COUNT(*) FROM (
                          SELECT CampaignId, date(DeliveredAt), COUNT(*), SUM(PriceCents) FROM Deliveries GROUP BY 1, 2
                          EXCEPT SELECT CampaignId, Day, Sends, SpendCents FROM CampaignDailyStats))
                """));
    }
}

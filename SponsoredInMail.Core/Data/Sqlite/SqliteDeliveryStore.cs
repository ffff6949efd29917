using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Data.Sqlite;

/// <summary>
/// One batch = one IMMEDIATE transaction (SQLite's write lock is taken at BEGIN, so the budget read and the
/// inserts cannot interleave with another batch). The eligibility re-check and the insert are a single
/// INSERT … SELECT over the candidate ids, limited to what the budgets can pay for (<see cref="SendBudget"/>, in Core;
/// the cutoffs of activity and both caps come computed in the <see cref="SendBatch"/>). A campaign with several ads runs
/// the insert once per ad group (each with its ad's sender), all in the transaction, within the budget's limit
/// (<see cref="SendBudget.SendGroupsAsync"/>).
/// </summary>
internal sealed class SqliteDeliveryStore(DatabaseConnection database, Changes.ChangeSignal signal) : IDeliveryStore
{
    private const string InsertSql = """
        INSERT INTO Deliveries (CampaignId, MemberId, AdvertiserAccountId, AdId, PriceCents, DeliveredAt)
        SELECT $campaign, m.Id, $account, $ad, $price, $now
        FROM json_each($ids) AS j
        JOIN Members AS m ON m.Id = j.value
        WHERE m.LastActiveAt >= $activeSince
          AND NOT EXISTS (SELECT 1 FROM MemberOptOuts AS o WHERE o.MemberId = m.Id
                          AND (o.Scope = $scopeAll
                               OR (o.Scope = $scopeAdvertiser AND o.AdvertiserAccountId = $account)
                               OR (o.Scope = $scopeSender AND o.SenderMemberId = $sender)))
          AND NOT EXISTS (SELECT 1 FROM Deliveries AS d WHERE d.CampaignId = $campaign AND d.MemberId = m.Id)
          AND NOT EXISTS (SELECT 1 FROM Deliveries AS d WHERE d.MemberId = m.Id AND d.DeliveredAt >= $anySince)
          AND NOT EXISTS (SELECT 1 FROM Deliveries AS d WHERE d.MemberId = m.Id AND d.DeliveredAt >= $sameSince
                          AND d.AdvertiserAccountId = $account)
        ORDER BY j.key
        LIMIT $limit
        RETURNING MemberId
        """;

    public async Task<SendBatchResult> SendAsync(SendBatch batch, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var day = DateOnly.FromDateTime(batch.Now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var campaign = await ReadCampaignAsync(connection, batch.CampaignId, day, ct);
        if (campaign is null || !SendBudget.IsSending(campaign.Status, campaign.StartAt, campaign.EndAt, batch.Now))
        {
            return new SendBatchResult(campaign?.AccountId ?? 0, [], 0, BatchStop.NotSending);
        }
        var price = campaign.BidCents;
        var candidates = batch.CandidateCount;
        var budget = SendBudget.For(price, campaign.LifetimeBudgetCents, campaign.SpentCents, campaign.DailyBudgetCents, campaign.SpentTodayCents, candidates);
        var limit = budget.Limit;
        if (limit <= 0)
        {
            return new SendBatchResult(campaign.AccountId, [], price, budget.StopAfter(0, candidates));
        }

        var sent = await budget.SendGroupsAsync(batch.Groups, async (group, groupLimit) =>
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = InsertSql;
            insert.Parameters.AddWithValue("$campaign", batch.CampaignId);
            insert.Parameters.AddWithValue("$account", campaign.AccountId);
            insert.Parameters.AddWithValue("$price", price);
            insert.Parameters.AddWithValue("$now", batch.Now);
            insert.Parameters.AddWithValue("$ad", group.AdId);
            insert.Parameters.AddWithValue("$ids", JsonArray(group.Members));
            insert.Parameters.AddWithValue("$activeSince", batch.ActiveSince);
            insert.Parameters.AddWithValue("$anySince", batch.AnyAdvertiserCapSince);
            insert.Parameters.AddWithValue("$sameSince", batch.SameAdvertiserCapSince);
            insert.Parameters.AddWithValue("$sender", (object?)group.SenderMemberId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$scopeAll", (int)OptOutScope.All);
            insert.Parameters.AddWithValue("$scopeAdvertiser", (int)OptOutScope.Advertiser);
            insert.Parameters.AddWithValue("$scopeSender", (int)OptOutScope.Sender);
            insert.Parameters.AddWithValue("$limit", groupLimit);
            var ids = new List<int>();
            await using var reader = await insert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt32(0));
            }
            return ids;
        });

        ChangeEnvelope? appended = null;
        if (sent.Count > 0)
        {
            await using var charge = connection.CreateCommand();
            charge.CommandText = """
                UPDATE Campaigns SET SpentCents = SpentCents + $amount WHERE Id = $campaign;
                INSERT INTO CampaignDailyStats (CampaignId, Day, Sends, SpendCents, DailyBudgetCents) VALUES ($campaign, $day, $sends, $amount, $daily)
                ON CONFLICT (CampaignId, Day) DO UPDATE SET Sends = Sends + excluded.Sends, SpendCents = SpendCents + excluded.SpendCents,
                    DailyBudgetCents = excluded.DailyBudgetCents;
                """;
            charge.Parameters.AddWithValue("$campaign", batch.CampaignId);
            charge.Parameters.AddWithValue("$amount", sent.Count * price);
            charge.Parameters.AddWithValue("$sends", sent.Count);
            charge.Parameters.AddWithValue("$day", day);
            charge.Parameters.AddWithValue("$daily", (object?)campaign.DailyBudgetCents ?? DBNull.Value);
            await charge.ExecuteNonQueryAsync(ct);
            appended = await ChangeLog.AppendAsync(connection, transaction, new DeliveriesSent(batch.CampaignId, campaign.AccountId, batch.Now, [.. sent]), batch.Now, ct);
        }
        await transaction.CommitAsync(ct);
        if (appended is not null)
        {
            signal.Committed([appended]);
        }

        return new SendBatchResult(campaign.AccountId, sent, price, budget.StopAfter(sent.Count, candidates));
    }

    private sealed record CampaignRow(
        int AccountId, CampaignStatus Status, long BidCents, long LifetimeBudgetCents, long? DailyBudgetCents, long SpentCents,
        long SpentTodayCents, DateTime StartAt, DateTime? EndAt);

    private static async Task<CampaignRow?> ReadCampaignAsync(SqliteConnection connection, int campaignId, string day, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.AdvertiserAccountId, c.Status, c.BidCents, c.LifetimeBudgetCents, c.DailyBudgetCents, c.SpentCents,
                   COALESCE((SELECT s.SpendCents FROM CampaignDailyStats AS s WHERE s.CampaignId = c.Id AND s.Day = $day), 0),
                   c.StartAt, c.EndAt
            FROM Campaigns AS c WHERE c.Id = $campaign
            """;
        command.Parameters.AddWithValue("$campaign", campaignId);
        command.Parameters.AddWithValue("$day", day);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new CampaignRow(
            reader.GetInt32(0), (CampaignStatus)reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6),
            DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc),
            reader.IsDBNull(8) ? null : DateTime.SpecifyKind(reader.GetDateTime(8), DateTimeKind.Utc));
    }

    private static string JsonArray(IReadOnlyList<int> ids)
    {
        var text = new StringBuilder(ids.Count * 8 + 2).Append('[');
        for (var i = 0; i < ids.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }
            text.Append(ids[i].ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }
}

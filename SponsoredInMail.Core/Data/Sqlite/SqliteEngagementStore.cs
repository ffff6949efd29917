using System.Globalization;
using Microsoft.Data.Sqlite;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Data.Sqlite;

/// <summary>
/// One IMMEDIATE transaction per batch over one long-lived connection, with prepared commands. What counts, which
/// kind a click is and what an opt-out covers are <see cref="EngagementRules"/>, applied by
/// <see cref="EngagementRecorder"/>; this class only reads and writes.
/// </summary>
internal sealed class SqliteEngagementStore(DatabaseConnection database, ChangeSignal signal, TimeProvider clock) : IEngagementStore, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;

    public async Task<IReadOnlyList<EventOutcome>> WriteAsync(IReadOnlyList<EventRequest> batch, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_connection is null)
            {
                _connection = new SqliteConnection(database.ConnectionString);
                await _connection.OpenAsync(ct);
            }
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(ct);
            using var session = new Session(_connection, transaction);
            var outcomes = await EngagementRecorder.RecordAsync(session, batch, clock.GetUtcNow().UtcDateTime, ct);
            await transaction.CommitAsync(ct);
            signal.Committed(session.AppendedChanges);
            return outcomes;
        }
        catch
        {
            _connection?.Dispose();
            _connection = null;
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class Session(SqliteConnection connection, SqliteTransaction transaction) : IEngagementSession, IDisposable
    {
        private readonly Commands _c = new(connection);

        public List<ChangeEnvelope> AppendedChanges { get; } = [];

        public async Task<DeliveryOfEvent?> FindDeliveryAsync(long deliveryId, CancellationToken ct)
        {
            _c.Delivery.Parameters["$d"].Value = deliveryId;
            await using var reader = await _c.Delivery.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }
            return new DeliveryOfEvent(reader.GetInt32(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetInt32(4));
        }

        public async Task<(string Url, LinkKind Kind)?> FindLinkAsync(int linkId, int? adId, CancellationToken ct)
        {
            _c.Link.Parameters["$l"].Value = linkId;
            _c.Link.Parameters["$ad"].Value = (object?)adId ?? DBNull.Value;
            await using var reader = await _c.Link.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? (reader.GetString(0), (LinkKind)reader.GetInt32(1)) : null;
        }

        public Task<bool> MarkFirstOpenAsync(long deliveryId, DateTime at, CancellationToken ct) => FirstAsync(_c.FirstOpen, deliveryId, at, ct);

        public Task<bool> MarkFirstClickAsync(long deliveryId, DateTime at, CancellationToken ct) => FirstAsync(_c.FirstClick, deliveryId, at, ct);

        private static async Task<bool> FirstAsync(SqliteCommand command, long deliveryId, DateTime at, CancellationToken ct)
        {
            command.Parameters["$d"].Value = deliveryId;
            command.Parameters["$at"].Value = at;
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }

        public async Task<bool> SaveLeadAsync(long deliveryId, DeliveryOfEvent delivery, LeadPayload lead, DateTime at, CancellationToken ct)
        {
            _c.LeadExists.Parameters["$d"].Value = deliveryId;
            var first = await _c.LeadExists.ExecuteScalarAsync(ct) is null;
            _c.UpsertLead.Parameters["$d"].Value = deliveryId;
            _c.UpsertLead.Parameters["$campaign"].Value = delivery.CampaignId;
            _c.UpsertLead.Parameters["$account"].Value = delivery.AccountId;
            _c.UpsertLead.Parameters["$member"].Value = delivery.MemberId;
            _c.UpsertLead.Parameters["$form"].Value = lead.LeadFormId;
            _c.UpsertLead.Parameters["$answers"].Value = lead.AnswersJson;
            _c.UpsertLead.Parameters["$at"].Value = at;
            await _c.UpsertLead.ExecuteNonQueryAsync(ct);
            return first;
        }

        public async Task<bool> HasCountedAsync(long deliveryId, EventKind kind, CancellationToken ct)
        {
            _c.CountedBefore.Parameters["$d"].Value = deliveryId;
            _c.CountedBefore.Parameters["$kind"].Value = (int)kind;
            return await _c.CountedBefore.ExecuteScalarAsync(ct) is not null;
        }

        public async Task<bool> AddOptOutAsync(int memberId, OptOutScope scope, int? accountId, int? senderMemberId, DateTime at, CancellationToken ct)
        {
            _c.InsertOptOut.Parameters["$member"].Value = memberId;
            _c.InsertOptOut.Parameters["$scope"].Value = (int)scope;
            _c.InsertOptOut.Parameters["$account"].Value = (object?)accountId ?? DBNull.Value;
            _c.InsertOptOut.Parameters["$sender"].Value = (object?)senderMemberId ?? DBNull.Value;
            _c.InsertOptOut.Parameters["$at"].Value = at;
            return await _c.InsertOptOut.ExecuteNonQueryAsync(ct) == 1;
        }

        public async Task InsertEventAsync(long deliveryId, DeliveryOfEvent delivery, EventKind kind, DateTime at, bool counted, int? adLinkId, string? detail, CancellationToken ct)
        {
            var c = _c.InsertEvent;
            c.Parameters["$d"].Value = deliveryId;
            c.Parameters["$campaign"].Value = delivery.CampaignId;
            c.Parameters["$member"].Value = delivery.MemberId;
            c.Parameters["$kind"].Value = (int)kind;
            c.Parameters["$at"].Value = at;
            c.Parameters["$counted"].Value = counted;
            c.Parameters["$link"].Value = (object?)adLinkId ?? DBNull.Value;
            c.Parameters["$detail"].Value = (object?)detail ?? DBNull.Value;
            await c.ExecuteNonQueryAsync(ct);
        }

        public async Task BumpAsync(int campaignId, DateOnly day, Tally tally, CancellationToken ct)
        {
            var command = _c.Tally(TallyColumns.Of(tally));
            command.Parameters["$campaign"].Value = campaignId;
            command.Parameters["$day"].Value = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await command.ExecuteNonQueryAsync(ct);
        }

        public async Task AppendChangeAsync(DataChange change, DateTime at, CancellationToken ct)
        {
            AppendedChanges.Add(await ChangeLog.AppendAsync(connection, transaction, change, at, ct));
        }

        public void Dispose() => _c.Dispose();
    }

    private sealed class Commands(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _tallies = [];

        public SqliteCommand Delivery { get; } = Make(connection, """
            SELECT d.CampaignId, d.MemberId, d.AdId, c.AdvertiserAccountId, a.SenderMemberId
            FROM Deliveries AS d JOIN Campaigns AS c ON c.Id = d.CampaignId LEFT JOIN Ads AS a ON a.Id = d.AdId
            WHERE d.Id = $d
            """, "$d");
        public SqliteCommand Link { get; } = Make(connection, "SELECT Url, Kind FROM AdLinks WHERE Id = $l AND AdId = $ad", "$l", "$ad");
        public SqliteCommand FirstOpen { get; } = Make(connection, "UPDATE Deliveries SET FirstOpenedAt = $at WHERE Id = $d AND FirstOpenedAt IS NULL", "$d", "$at");
        public SqliteCommand FirstClick { get; } = Make(connection, "UPDATE Deliveries SET FirstClickedAt = $at WHERE Id = $d AND FirstClickedAt IS NULL", "$d", "$at");
        public SqliteCommand LeadExists { get; } = Make(connection, "SELECT 1 FROM Leads WHERE DeliveryId = $d", "$d");
        public SqliteCommand UpsertLead { get; } = Make(connection, """
            INSERT INTO Leads (DeliveryId, CampaignId, AdvertiserAccountId, MemberId, LeadFormId, AnswersJson, SubmittedAt, UpdatedAt)
            VALUES ($d, $campaign, $account, $member, $form, $answers, $at, $at)
            ON CONFLICT (DeliveryId) DO UPDATE SET AnswersJson = excluded.AnswersJson, LeadFormId = excluded.LeadFormId, UpdatedAt = excluded.UpdatedAt
            """, "$d", "$campaign", "$account", "$member", "$form", "$answers", "$at");
        public SqliteCommand CountedBefore { get; } = Make(connection, "SELECT 1 FROM EngagementEvents WHERE DeliveryId = $d AND Kind = $kind AND Counted = 1", "$d", "$kind");
        public SqliteCommand InsertOptOut { get; } = Make(connection, """
            INSERT INTO MemberOptOuts (MemberId, Scope, AdvertiserAccountId, SenderMemberId, CreatedAt)
            SELECT $member, $scope, $account, $sender, $at
            WHERE NOT EXISTS (SELECT 1 FROM MemberOptOuts WHERE MemberId = $member AND Scope = $scope
                              AND AdvertiserAccountId IS $account AND SenderMemberId IS $sender)
            """, "$member", "$scope", "$account", "$sender", "$at");
        public SqliteCommand InsertEvent { get; } = Make(connection, """
            INSERT INTO EngagementEvents (DeliveryId, CampaignId, MemberId, Kind, At, Counted, AdLinkId, Detail)
            VALUES ($d, $campaign, $member, $kind, $at, $counted, $link, $detail)
            """, "$d", "$campaign", "$member", "$kind", "$at", "$counted", "$link", "$detail");

        /// <param name="column">A tally column named by <see cref="TallyColumns"/>, never user input.</param>
        public SqliteCommand Tally(string column)
        {
            if (!_tallies.TryGetValue(column, out var command))
            {
                command = Make(connection, $"""
                    INSERT INTO CampaignDailyStats (CampaignId, Day, Sends, SpendCents, {column}) VALUES ($campaign, $day, 0, 0, 1)
                    ON CONFLICT (CampaignId, Day) DO UPDATE SET {column} = {column} + 1
                    """, "$campaign", "$day");
                _tallies[column] = command;
            }
            return command;
        }

        private static SqliteCommand Make(SqliteConnection connection, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter(name, null));
            }
            return command;
        }

        public void Dispose()
        {
            foreach (var command in new[] { Delivery, Link, FirstOpen, FirstClick, LeadExists, UpsertLead, CountedBefore, InsertOptOut, InsertEvent }.Concat(_tallies.Values))
            {
                command.Dispose();
            }
        }
    }

    public void Dispose() => _connection?.Dispose();
}

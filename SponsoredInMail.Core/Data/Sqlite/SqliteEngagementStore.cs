using System.Globalization;
using Microsoft.Data.Sqlite;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Data.Sqlite;

/// <summary>
/// One IMMEDIATE transaction per batch over one long-lived connection, with prepared commands: for each event,
/// resolve its delivery (and link), decide whether it counts, insert it and bump the day's tally.
/// </summary>
internal sealed class SqliteEngagementStore(DatabaseConnection database, Changes.ChangeSignal signal, TimeProvider clock) : IEngagementStore, IDisposable
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
            var connection = _connection;
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            using var commands = new Commands(connection);
            var outcomes = new List<EventOutcome>(batch.Count);
            foreach (var request in batch)
            {
                outcomes.Add(await WriteOneAsync(commands, request, ct));
            }
            var recorded = false;
            foreach (var change in EngagementChanges.From(batch, outcomes))
            {
                await SqliteChangeLog.AppendAsync(connection, change, clock.GetUtcNow().UtcDateTime, ct);
                recorded = true;
            }
            await transaction.CommitAsync(ct);
            if (recorded)
            {
                signal.Notify();
            }
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

    private static async Task<EventOutcome> WriteOneAsync(Commands c, EventRequest r, CancellationToken ct)
    {
        c.Delivery.Parameters["$d"].Value = r.DeliveryId;
        int campaignId, memberId, accountId;
        int? adId, senderId;
        await using (var reader = await c.Delivery.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return EventOutcome.NotFound;
            }
            campaignId = reader.GetInt32(0);
            memberId = reader.GetInt32(1);
            adId = reader.IsDBNull(2) ? null : reader.GetInt32(2);
            accountId = reader.GetInt32(3);
            senderId = reader.IsDBNull(4) ? null : reader.GetInt32(4);
        }
        if (r.MemberId is { } member && member != memberId)
        {
            return EventOutcome.NotFound;
        }

        var kind = r.Kind;
        string? redirect = null;
        bool counted;
        int? optOutAccount = null, optOutSender = null;
        switch (r.Kind)
        {
            case EventKind.ButtonClick or EventKind.LinkClick or EventKind.BannerClick or EventKind.ConversationButton when r.AdLinkId is { } linkId:
                c.Link.Parameters["$l"].Value = linkId;
                c.Link.Parameters["$ad"].Value = (object?)adId ?? DBNull.Value;
                await using (var reader = await c.Link.ExecuteReaderAsync(ct))
                {
                    if (!await reader.ReadAsync(ct))
                    {
                        return EventOutcome.NotFound;
                    }
                    redirect = reader.GetString(0);
                    kind = (LinkKind)reader.GetInt32(1) switch
                    {
                        LinkKind.Cta => EventKind.ButtonClick,
                        LinkKind.Inline => EventKind.LinkClick,
                        LinkKind.Banner => EventKind.BannerClick,
                        _ => EventKind.ConversationButton,
                    };
                }
                if (!Common.FieldRules.IsHttpUrl(redirect))
                {
                    return EventOutcome.NotFound;
                }
                counted = true;
                break;
            case EventKind.Open:
                c.FirstOpen.Parameters["$d"].Value = r.DeliveryId;
                c.FirstOpen.Parameters["$at"].Value = r.At;
                counted = await c.FirstOpen.ExecuteNonQueryAsync(ct) == 1;
                break;
            case EventKind.LeadSubmitted when r.Lead is { } lead:
                c.LeadExists.Parameters["$d"].Value = r.DeliveryId;
                counted = await c.LeadExists.ExecuteScalarAsync(ct) is null;
                c.UpsertLead.Parameters["$d"].Value = r.DeliveryId;
                c.UpsertLead.Parameters["$campaign"].Value = campaignId;
                c.UpsertLead.Parameters["$account"].Value = accountId;
                c.UpsertLead.Parameters["$member"].Value = memberId;
                c.UpsertLead.Parameters["$form"].Value = lead.LeadFormId;
                c.UpsertLead.Parameters["$answers"].Value = lead.AnswersJson;
                c.UpsertLead.Parameters["$at"].Value = r.At;
                await c.UpsertLead.ExecuteNonQueryAsync(ct);
                break;
            case EventKind.NotInterested:
                c.CountedBefore.Parameters["$d"].Value = r.DeliveryId;
                c.CountedBefore.Parameters["$kind"].Value = (int)EventKind.NotInterested;
                counted = await c.CountedBefore.ExecuteScalarAsync(ct) is null;
                break;
            case EventKind.OptOut when r.OptOutScope is { } scope:
                optOutAccount = scope == OptOutScope.Advertiser ? accountId : null;
                optOutSender = scope == OptOutScope.Sender ? senderId : null;
                if (scope == OptOutScope.Sender && senderId is null)
                {
                    return EventOutcome.NotFound;
                }
                c.InsertOptOut.Parameters["$member"].Value = memberId;
                c.InsertOptOut.Parameters["$scope"].Value = (int)scope;
                c.InsertOptOut.Parameters["$account"].Value = (object?)optOutAccount ?? DBNull.Value;
                c.InsertOptOut.Parameters["$sender"].Value = (object?)optOutSender ?? DBNull.Value;
                c.InsertOptOut.Parameters["$at"].Value = r.At;
                counted = await c.InsertOptOut.ExecuteNonQueryAsync(ct) == 1;
                break;
            case EventKind.LeadFormOpen or EventKind.ConversationButton:
                counted = true;
                break;
            default:
                return EventOutcome.NotFound;
        }

        c.InsertEvent.Parameters["$d"].Value = r.DeliveryId;
        c.InsertEvent.Parameters["$campaign"].Value = campaignId;
        c.InsertEvent.Parameters["$member"].Value = memberId;
        c.InsertEvent.Parameters["$kind"].Value = (int)kind;
        c.InsertEvent.Parameters["$at"].Value = r.At;
        c.InsertEvent.Parameters["$counted"].Value = counted;
        c.InsertEvent.Parameters["$link"].Value = (object?)r.AdLinkId ?? DBNull.Value;
        c.InsertEvent.Parameters["$detail"].Value = (object?)(r.Detail ?? r.OptOutScope?.ToString()) ?? DBNull.Value;
        await c.InsertEvent.ExecuteNonQueryAsync(ct);

        if (counted)
        {
            await BumpAsync(c.Tally(TallyColumn(kind)), campaignId, r.At, ct);
            // A member counts once as a clicker, on the day of the delivery's first click (as opens count on the first open).
            if (kind.IsClick())
            {
                c.FirstClick.Parameters["$d"].Value = r.DeliveryId;
                c.FirstClick.Parameters["$at"].Value = r.At;
                if (await c.FirstClick.ExecuteNonQueryAsync(ct) == 1)
                {
                    await BumpAsync(c.Tally(UniqueClickersColumn), campaignId, r.At, ct);
                }
            }
        }
        return new EventOutcome(true, counted, redirect, campaignId, memberId, optOutAccount, optOutSender, accountId, kind);
    }

    private static async Task BumpAsync(SqliteCommand tally, int campaignId, DateTime at, CancellationToken ct)
    {
        tally.Parameters["$campaign"].Value = campaignId;
        tally.Parameters["$day"].Value = DateOnly.FromDateTime(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await tally.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The tally of members who clicked for the first time that day (any kind of click).</summary>
    internal const string UniqueClickersColumn = "UniqueClickers";

    /// <summary>The tally column an event kind counts in (a fixed list: never user input).</summary>
    internal static string TallyColumn(EventKind kind) => kind switch
    {
        EventKind.Open => "Opens",
        EventKind.ButtonClick => "ButtonClicks",
        EventKind.LinkClick => "LinkClicks",
        EventKind.BannerClick => "BannerClicks",
        EventKind.LeadFormOpen => "LeadFormOpens",
        EventKind.LeadSubmitted => "Leads",
        EventKind.ConversationButton => "ConversationClicks",
        EventKind.NotInterested => "NotInterested",
        EventKind.OptOut => "OptOuts",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private sealed class Commands(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _tallies = [];

        public SqliteCommand Delivery { get; } = Make(connection, """
            SELECT d.CampaignId, d.MemberId, c.AdId, c.AdvertiserAccountId, a.SenderMemberId
            FROM Deliveries AS d JOIN Campaigns AS c ON c.Id = d.CampaignId LEFT JOIN Ads AS a ON a.Id = c.AdId
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

        /// <param name="column">A tally column named by this class (<see cref="TallyColumn"/>, <see cref="UniqueClickersColumn"/>), never user input.</param>
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

using Npgsql;
using NpgsqlTypes;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Data.Postgres;

/// <summary>
/// The PostgreSQL twin of <see cref="Sqlite.SqliteEngagementStore"/>: one transaction per group commit over one
/// long-lived connection. What counts, which kind a click is and what an opt-out covers are <see cref="EngagementRules"/>,
/// applied by <see cref="EngagementRecorder"/>; this class only reads and writes.
/// </summary>
/// <remarks>
/// One writer loop runs per process, but several processes may write at once, and READ COMMITTED has no global write
/// lock. Each "first" is therefore a conditional write that the database decides: first open and first click are
/// <c>UPDATE … WHERE … IS NULL</c> (a concurrent writer waits for the row and re-checks the condition), the first lead
/// is <c>INSERT … ON CONFLICT DO NOTHING</c> on the unique DeliveryId (then an UPDATE of the answers), and the tallies are
/// upserts. Checks that read before they write (not-interested counted once, an identical opt-out exists — MemberOptOuts
/// has no unique key) are made sound by locks taken at the start of the transaction, always in the same order so that
/// two processes cannot deadlock: first the batch's delivery rows (FOR NO KEY UPDATE, by id), then a transaction
/// advisory lock per member who opts out (by id); the tally rows are written last, by (campaign, day), one upsert each.
/// </remarks>
internal sealed class PostgresEngagementStore(DatabaseConnection database, ChangeSignal signal, TimeProvider clock) : IEngagementStore, IDisposable
{
    /// <summary>The first key of the per-member opt-out advisory lock ("SIMO"); the second key is the member id.</summary>
    internal const int OptOutLockSpace = 0x53494D4F;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlConnection? _connection;

    public async Task<IReadOnlyList<EventOutcome>> WriteAsync(IReadOnlyList<EventRequest> batch, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_connection is null)
            {
                _connection = new NpgsqlConnection(database.ConnectionString);
                await _connection.OpenAsync(ct);
            }
            await using var transaction = await _connection.BeginTransactionAsync(ct);
            await LockAsync(_connection, transaction, batch, ct);
            await using var session = new Session(_connection, transaction);
            var outcomes = await EngagementRecorder.RecordAsync(session, batch, Pg.Utc(clock.GetUtcNow().UtcDateTime), ct);
            await session.FlushTalliesAsync(ct);
            // Last, right before the commit: the feed's append lock must not be held while waiting for tally rows.
            await session.FlushChangesAsync(ct);
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

    /// <summary>The locks of the class remarks: the batch's deliveries by id, then the opting-out members by id.</summary>
    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventRequest> batch, CancellationToken ct)
    {
        var deliveries = batch.Select(r => r.DeliveryId).Distinct().Order().ToArray();
        var optingOut = batch.Where(r => r.Kind == EventKind.OptOut).Select(r => r.DeliveryId).Distinct().ToArray();
        await using var command = new NpgsqlCommand("""
            SELECT "Id" FROM "Deliveries" WHERE "Id" = ANY(@deliveries) ORDER BY "Id" FOR NO KEY UPDATE
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("deliveries", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = deliveries });
        await command.ExecuteNonQueryAsync(ct);
        if (optingOut.Length == 0)
        {
            return;
        }
        await using var members = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(@space, x."MemberId")
            FROM (SELECT DISTINCT "MemberId" FROM "Deliveries" WHERE "Id" = ANY(@deliveries) ORDER BY "MemberId") AS x
            """, connection, transaction);
        members.Parameters.Add(Pg.Int("space", OptOutLockSpace));
        members.Parameters.Add(new NpgsqlParameter("deliveries", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = optingOut });
        await members.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The tally column of <paramref name="tally"/> (a fixed list: never user input).</summary>
    internal static string ColumnOf(Tally tally) => tally switch
    {
        Tally.Opens => "Opens",
        Tally.ButtonClicks => "ButtonClicks",
        Tally.LinkClicks => "LinkClicks",
        Tally.BannerClicks => "BannerClicks",
        Tally.LeadFormOpens => "LeadFormOpens",
        Tally.Leads => "Leads",
        Tally.ConversationClicks => "ConversationClicks",
        Tally.NotInterested => "NotInterested",
        Tally.OptOuts => "OptOuts",
        Tally.UniqueClickers => "UniqueClickers",
        _ => throw new ArgumentOutOfRangeException(nameof(tally)),
    };

    internal static string TallyColumn(EventKind kind) => ColumnOf(EngagementRules.TallyOf(kind));

    private static readonly Tally[] Tallies = Enum.GetValues<Tally>();

    /// <summary>One upsert adding every tally of a (campaign, day) at once.</summary>
    private static readonly string TallySql = $"""
        INSERT INTO "CampaignDailyStats" ("CampaignId", "Day", "Sends", "SpendCents", {string.Join(", ", Tallies.Select(t => $"\"{ColumnOf(t)}\""))})
        VALUES (@campaign, @day, 0, 0, {string.Join(", ", Tallies.Select(t => "@" + ColumnOf(t)))})
        ON CONFLICT ("CampaignId", "Day") DO UPDATE SET
        {string.Join(",\n", Tallies.Select(t => $"    \"{ColumnOf(t)}\" = \"CampaignDailyStats\".\"{ColumnOf(t)}\" + excluded.\"{ColumnOf(t)}\""))}
        """;

    private sealed class Session(NpgsqlConnection connection, NpgsqlTransaction transaction) : IEngagementSession, IAsyncDisposable
    {
        private readonly Commands _c = new(connection, transaction);
        private readonly SortedDictionary<(int CampaignId, DateOnly Day), int[]> _tallies = [];

        public List<ChangeEnvelope> AppendedChanges { get; } = [];

        public async Task<DeliveryOfEvent?> FindDeliveryAsync(long deliveryId, CancellationToken ct)
        {
            _c.Delivery.Parameters["d"].Value = deliveryId;
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
            _c.Link.Parameters["l"].Value = linkId;
            _c.Link.Parameters["ad"].Value = (object?)adId ?? DBNull.Value;
            await using var reader = await _c.Link.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? (reader.GetString(0), (LinkKind)reader.GetInt32(1)) : null;
        }

        public Task<bool> MarkFirstOpenAsync(long deliveryId, DateTime at, CancellationToken ct) => FirstAsync(_c.FirstOpen, deliveryId, at, ct);

        public Task<bool> MarkFirstClickAsync(long deliveryId, DateTime at, CancellationToken ct) => FirstAsync(_c.FirstClick, deliveryId, at, ct);

        private static async Task<bool> FirstAsync(NpgsqlCommand command, long deliveryId, DateTime at, CancellationToken ct)
        {
            command.Parameters["d"].Value = deliveryId;
            command.Parameters["at"].Value = Pg.Utc(at);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }

        public async Task<bool> SaveLeadAsync(long deliveryId, DeliveryOfEvent delivery, LeadPayload lead, DateTime at, CancellationToken ct)
        {
            var c = _c.InsertLead;
            c.Parameters["d"].Value = deliveryId;
            c.Parameters["campaign"].Value = delivery.CampaignId;
            c.Parameters["account"].Value = delivery.AccountId;
            c.Parameters["member"].Value = delivery.MemberId;
            c.Parameters["form"].Value = lead.LeadFormId;
            c.Parameters["answers"].Value = lead.AnswersJson;
            c.Parameters["at"].Value = Pg.Utc(at);
            if (await c.ExecuteNonQueryAsync(ct) == 1)
            {
                return true;
            }
            // The delivery has its lead already (committed: the unique index waited for any writer in flight): replace the answers.
            var u = _c.UpdateLead;
            u.Parameters["d"].Value = deliveryId;
            u.Parameters["form"].Value = lead.LeadFormId;
            u.Parameters["answers"].Value = lead.AnswersJson;
            u.Parameters["at"].Value = Pg.Utc(at);
            await u.ExecuteNonQueryAsync(ct);
            return false;
        }

        public async Task<bool> HasCountedAsync(long deliveryId, EventKind kind, CancellationToken ct)
        {
            _c.CountedBefore.Parameters["d"].Value = deliveryId;
            _c.CountedBefore.Parameters["kind"].Value = (int)kind;
            return await _c.CountedBefore.ExecuteScalarAsync(ct) is not null;
        }

        public async Task<bool> AddOptOutAsync(int memberId, OptOutScope scope, int? accountId, int? senderMemberId, DateTime at, CancellationToken ct)
        {
            var c = _c.InsertOptOut;
            c.Parameters["member"].Value = memberId;
            c.Parameters["scope"].Value = (int)scope;
            c.Parameters["account"].Value = (object?)accountId ?? DBNull.Value;
            c.Parameters["sender"].Value = (object?)senderMemberId ?? DBNull.Value;
            c.Parameters["at"].Value = Pg.Utc(at);
            return await c.ExecuteNonQueryAsync(ct) == 1;
        }

        public async Task InsertEventAsync(long deliveryId, DeliveryOfEvent delivery, EventKind kind, DateTime at, bool counted, int? adLinkId, string? detail, CancellationToken ct)
        {
            var c = _c.InsertEvent;
            c.Parameters["d"].Value = deliveryId;
            c.Parameters["campaign"].Value = delivery.CampaignId;
            c.Parameters["member"].Value = delivery.MemberId;
            c.Parameters["kind"].Value = (int)kind;
            c.Parameters["at"].Value = Pg.Utc(at);
            c.Parameters["counted"].Value = counted;
            c.Parameters["link"].Value = (object?)adLinkId ?? DBNull.Value;
            c.Parameters["detail"].Value = (object?)detail ?? DBNull.Value;
            await c.ExecuteNonQueryAsync(ct);
        }

        /// <summary>Adds to the batch's tallies; <see cref="FlushTalliesAsync"/> writes them before the commit.</summary>
        public Task BumpAsync(int campaignId, DateOnly day, Tally tally, CancellationToken ct)
        {
            if (!_tallies.TryGetValue((campaignId, day), out var counts))
            {
                _tallies[(campaignId, day)] = counts = new int[Tallies.Length];
            }
            counts[Array.IndexOf(Tallies, tally)]++;
            return Task.CompletedTask;
        }

        /// <summary>One upsert per (campaign, day), in key order (so that two processes lock tally rows in the same order).</summary>
        public async Task FlushTalliesAsync(CancellationToken ct)
        {
            foreach (var ((campaignId, day), counts) in _tallies)
            {
                var c = _c.Tally;
                c.Parameters["campaign"].Value = campaignId;
                c.Parameters["day"].Value = day;
                for (var i = 0; i < Tallies.Length; i++)
                {
                    c.Parameters[ColumnOf(Tallies[i])].Value = counts[i];
                }
                await c.ExecuteNonQueryAsync(ct);
            }
            _tallies.Clear();
        }

        private readonly List<(DataChange Change, DateTime At)> _changes = [];

        public Task AppendChangeAsync(DataChange change, DateTime at, CancellationToken ct)
        {
            _changes.Add((change, Pg.Utc(at)));
            return Task.CompletedTask;
        }

        public async Task FlushChangesAsync(CancellationToken ct)
        {
            foreach (var (change, at) in _changes)
            {
                AppendedChanges.Add(await ChangeLog.AppendAsync(connection, transaction, change, at, ct));
            }
            _changes.Clear();
        }

        public ValueTask DisposeAsync() => _c.DisposeAsync();
    }

    private sealed class Commands(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public NpgsqlCommand Delivery { get; } = Make(connection, transaction, """
            SELECT d."CampaignId", d."MemberId", c."AdId", c."AdvertiserAccountId", a."SenderMemberId"
            FROM "Deliveries" AS d JOIN "Campaigns" AS c ON c."Id" = d."CampaignId" LEFT JOIN "Ads" AS a ON a."Id" = c."AdId"
            WHERE d."Id" = @d
            """, ("d", NpgsqlDbType.Bigint));
        public NpgsqlCommand Link { get; } = Make(connection, transaction, """
            SELECT "Url", "Kind" FROM "AdLinks" WHERE "Id" = @l AND "AdId" = @ad
            """, ("l", NpgsqlDbType.Integer), ("ad", NpgsqlDbType.Integer));
        public NpgsqlCommand FirstOpen { get; } = Make(connection, transaction, """
            UPDATE "Deliveries" SET "FirstOpenedAt" = @at WHERE "Id" = @d AND "FirstOpenedAt" IS NULL
            """, ("d", NpgsqlDbType.Bigint), ("at", NpgsqlDbType.TimestampTz));
        public NpgsqlCommand FirstClick { get; } = Make(connection, transaction, """
            UPDATE "Deliveries" SET "FirstClickedAt" = @at WHERE "Id" = @d AND "FirstClickedAt" IS NULL
            """, ("d", NpgsqlDbType.Bigint), ("at", NpgsqlDbType.TimestampTz));
        public NpgsqlCommand InsertLead { get; } = Make(connection, transaction, """
            INSERT INTO "Leads" ("DeliveryId", "CampaignId", "AdvertiserAccountId", "MemberId", "LeadFormId", "AnswersJson", "SubmittedAt", "UpdatedAt")
            VALUES (@d, @campaign, @account, @member, @form, @answers, @at, @at)
            ON CONFLICT ("DeliveryId") DO NOTHING
            """, ("d", NpgsqlDbType.Bigint), ("campaign", NpgsqlDbType.Integer), ("account", NpgsqlDbType.Integer),
            ("member", NpgsqlDbType.Integer), ("form", NpgsqlDbType.Integer), ("answers", NpgsqlDbType.Text), ("at", NpgsqlDbType.TimestampTz));
        public NpgsqlCommand UpdateLead { get; } = Make(connection, transaction, """
            UPDATE "Leads" SET "AnswersJson" = @answers, "LeadFormId" = @form, "UpdatedAt" = @at WHERE "DeliveryId" = @d
            """, ("d", NpgsqlDbType.Bigint), ("form", NpgsqlDbType.Integer), ("answers", NpgsqlDbType.Text), ("at", NpgsqlDbType.TimestampTz));
        public NpgsqlCommand CountedBefore { get; } = Make(connection, transaction, """
            SELECT 1 FROM "EngagementEvents" WHERE "DeliveryId" = @d AND "Kind" = @kind AND "Counted" LIMIT 1
            """, ("d", NpgsqlDbType.Bigint), ("kind", NpgsqlDbType.Integer));
        public NpgsqlCommand InsertOptOut { get; } = Make(connection, transaction, """
            INSERT INTO "MemberOptOuts" ("MemberId", "Scope", "AdvertiserAccountId", "SenderMemberId", "CreatedAt")
            SELECT @member, @scope, @account, @sender, @at
            WHERE NOT EXISTS (SELECT 1 FROM "MemberOptOuts" WHERE "MemberId" = @member AND "Scope" = @scope
                              AND "AdvertiserAccountId" IS NOT DISTINCT FROM @account AND "SenderMemberId" IS NOT DISTINCT FROM @sender)
            """, ("member", NpgsqlDbType.Integer), ("scope", NpgsqlDbType.Integer), ("account", NpgsqlDbType.Integer),
            ("sender", NpgsqlDbType.Integer), ("at", NpgsqlDbType.TimestampTz));
        public NpgsqlCommand InsertEvent { get; } = Make(connection, transaction, """
            INSERT INTO "EngagementEvents" ("DeliveryId", "CampaignId", "MemberId", "Kind", "At", "Counted", "AdLinkId", "Detail")
            VALUES (@d, @campaign, @member, @kind, @at, @counted, @link, @detail)
            """, ("d", NpgsqlDbType.Bigint), ("campaign", NpgsqlDbType.Integer), ("member", NpgsqlDbType.Integer), ("kind", NpgsqlDbType.Integer),
            ("at", NpgsqlDbType.TimestampTz), ("counted", NpgsqlDbType.Boolean), ("link", NpgsqlDbType.Integer), ("detail", NpgsqlDbType.Text));
        public NpgsqlCommand Tally { get; } = Make(connection, transaction, TallySql,
            [("campaign", NpgsqlDbType.Integer), ("day", NpgsqlDbType.Date), .. Tallies.Select(t => (ColumnOf(t), NpgsqlDbType.Integer))]);

        private static NpgsqlCommand Make(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params (string Name, NpgsqlDbType Type)[] parameters)
        {
            var command = new NpgsqlCommand(sql, connection, transaction);
            foreach (var (name, type) in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter(name, type));
            }
            return command;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in new[] { Delivery, Link, FirstOpen, FirstClick, InsertLead, UpdateLead, CountedBefore, InsertOptOut, InsertEvent, Tally })
            {
                await command.DisposeAsync();
            }
        }
    }

    public void Dispose() => _connection?.Dispose();
}

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

    /// <summary>
    /// Links found so far, by (link, ad). Ad links are only ever inserted, never changed or deleted (<see cref="AdLinkRegistry"/>),
    /// so a link found once stays true; what was not found is asked again. Cleared when it grows past <see cref="LinkCacheMax"/>.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int LinkId, int? AdId), (string Url, LinkKind Kind)> _links = new();
    private const int LinkCacheMax = 100_000;

    /// <summary>
    /// A small batch waits up to 3 ms for more: every commit costs two round trips, a WAL flush and a feed NOTIFY, and
    /// several instances each with a third of the clicks would otherwise commit three times as often for the same work
    /// (decision 0010).
    /// </summary>
    public int LingerMilliseconds => 3;

    /// <summary>
    /// The store's own connection prepares the statements it repeats on every group commit (they are few and fixed), so
    /// the server parses and plans them once per connection instead of once per batch.
    /// </summary>
    private string ConnectionString => new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 }.ConnectionString;

    public async Task<IReadOnlyList<EventOutcome>> WriteAsync(IReadOnlyList<EventRequest> batch, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_connection is null)
            {
                _connection = new NpgsqlConnection(ConnectionString);
                await _connection.OpenAsync(ct);
            }
            await using var transaction = await _connection.BeginTransactionAsync(ct);
            var locked = await LockAsync(_connection, transaction, batch, ct);
            await using var session = new Session(_connection, transaction, locked, _links);
            var outcomes = await EngagementRecorder.RecordAsync(session, batch, Pg.Utc(clock.GetUtcNow().UtcDateTime), ct);
            // Every write of the batch and the COMMIT in one round trip, the feed appends last (their lock must not be
            // held while waiting for tally rows). The tally rows and the feed's lock are held from these statements to
            // the end of the commit, so no round trip may fall in between: on a busy machine each one holds them across
            // a scheduler hop of this process, and every other instance's batch queues behind it.
            await session.FlushAsync(commit: true, ct);
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

    /// <summary>
    /// The locks of the class remarks — the batch's deliveries by id, then the opting-out members by id — reading, in
    /// the same round trip, what the batch needs of each delivery. The rows stay locked to the commit, so these facts
    /// (first open and click included) cannot change under the batch: it decides in memory and writes once, set-based.
    /// </summary>
    private static async Task<Dictionary<long, LockedDelivery>> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventRequest> batch, CancellationToken ct)
    {
        var deliveries = batch.Select(r => r.DeliveryId).Distinct().Order().ToArray();
        var optingOut = batch.Where(r => r.Kind == EventKind.OptOut).Select(r => r.DeliveryId).Distinct().ToArray();
        var locked = new Dictionary<long, LockedDelivery>(deliveries.Length);
        await using (var command = new NpgsqlCommand("""
            SELECT d."Id", d."CampaignId", d."MemberId", d."AdId", c."AdvertiserAccountId", a."SenderMemberId",
                   d."FirstOpenedAt" IS NOT NULL, d."FirstClickedAt" IS NOT NULL
            FROM "Deliveries" AS d JOIN "Campaigns" AS c ON c."Id" = d."CampaignId" LEFT JOIN "Ads" AS a ON a."Id" = d."AdId"
            WHERE d."Id" = ANY(@deliveries) ORDER BY d."Id" FOR NO KEY UPDATE OF d
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter("deliveries", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = deliveries });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                locked[reader.GetInt64(0)] = new LockedDelivery(
                    new DeliveryOfEvent(reader.GetInt32(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetInt32(3),
                        reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt32(5)),
                    reader.GetBoolean(6), reader.GetBoolean(7));
            }
        }
        if (optingOut.Length == 0)
        {
            return locked;
        }
        await using var members = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(@space, x."MemberId")
            FROM (SELECT DISTINCT "MemberId" FROM "Deliveries" WHERE "Id" = ANY(@deliveries) ORDER BY "MemberId") AS x
            """, connection, transaction);
        members.Parameters.Add(Pg.Int("space", OptOutLockSpace));
        members.Parameters.Add(new NpgsqlParameter("deliveries", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = optingOut });
        await members.ExecuteNonQueryAsync(ct);
        return locked;
    }

    /// <summary>A delivery of the batch, locked: its facts, and whether it has been opened or clicked (updated as the batch goes).</summary>
    private sealed class LockedDelivery(DeliveryOfEvent facts, bool opened, bool clicked)
    {
        public DeliveryOfEvent Facts { get; } = facts;
        public bool Opened { get; set; } = opened;
        public bool Clicked { get; set; } = clicked;
    }

    private static readonly Tally[] Tallies = Enum.GetValues<Tally>();

    /// <summary>One upsert adding every tally of a (campaign, day) at once.</summary>
    private static readonly string TallySql = $"""
        INSERT INTO "CampaignDailyStats" ("CampaignId", "Day", "Sends", "SpendCents", {string.Join(", ", Tallies.Select(t => $"\"{TallyColumns.Of(t)}\""))})
        VALUES (@campaign, @day, 0, 0, {string.Join(", ", Tallies.Select(t => "@" + TallyColumns.Of(t)))})
        ON CONFLICT ("CampaignId", "Day") DO UPDATE SET
        {string.Join(",\n", Tallies.Select(t => $"    \"{TallyColumns.Of(t)}\" = \"CampaignDailyStats\".\"{TallyColumns.Of(t)}\" + excluded.\"{TallyColumns.Of(t)}\""))}
        """;

    private sealed class Session(NpgsqlConnection connection, NpgsqlTransaction transaction, Dictionary<long, LockedDelivery> locked,
        System.Collections.Concurrent.ConcurrentDictionary<(int LinkId, int? AdId), (string Url, LinkKind Kind)> knownLinks)
        : IEngagementSession, IAsyncDisposable
    {
        private readonly List<(long Id, DateTime At)> _firstOpens = [];
        private readonly List<(long Id, DateTime At)> _firstClicks = [];
        private readonly List<(long DeliveryId, DeliveryOfEvent Delivery, EventKind Kind, DateTime At, bool Counted, int? Link, string? Detail)> _events = [];
        private readonly Dictionary<(int LinkId, int? AdId), (string Url, LinkKind Kind)?> _links = [];

        private readonly Commands _c = new(connection, transaction);
        private readonly SortedDictionary<(int CampaignId, DateOnly Day), int[]> _tallies = [];

        public List<ChangeEnvelope> AppendedChanges { get; } = [];

        public Task<DeliveryOfEvent?> FindDeliveryAsync(long deliveryId, CancellationToken ct) =>
            Task.FromResult(locked.TryGetValue(deliveryId, out var delivery) ? delivery.Facts : null);

        // A batch's clicks mostly follow the same few links: each is read once per batch.
        public async Task<(string Url, LinkKind Kind)?> FindLinkAsync(int linkId, int? adId, CancellationToken ct)
        {
            if (knownLinks.TryGetValue((linkId, adId), out var cached))
            {
                return cached;
            }
            if (_links.TryGetValue((linkId, adId), out var known))
            {
                return known;
            }
            _c.Link.Parameters["l"].Value = linkId;
            _c.Link.Parameters["ad"].Value = (object?)adId ?? DBNull.Value;
            await using var reader = await _c.Link.ExecuteReaderAsync(ct);
            var link = await reader.ReadAsync(ct) ? ((string, LinkKind)?)(reader.GetString(0), (LinkKind)reader.GetInt32(1)) : null;
            _links[(linkId, adId)] = link;
            if (link is { } found)
            {
                if (knownLinks.Count >= LinkCacheMax)
                {
                    knownLinks.Clear();
                }
                knownLinks[(linkId, adId)] = found;
            }
            return link;
        }

        // The delivery row is locked to the commit: whether this is its first open or click is decided here and
        // written with the batch (FlushEventsAsync).
        public Task<bool> MarkFirstOpenAsync(long deliveryId, DateTime at, CancellationToken ct)
        {
            var delivery = locked[deliveryId];
            if (delivery.Opened)
            {
                return Task.FromResult(false);
            }
            delivery.Opened = true;
            _firstOpens.Add((deliveryId, Pg.Utc(at)));
            return Task.FromResult(true);
        }

        public Task<bool> MarkFirstClickAsync(long deliveryId, DateTime at, CancellationToken ct)
        {
            var delivery = locked[deliveryId];
            if (delivery.Clicked)
            {
                return Task.FromResult(false);
            }
            delivery.Clicked = true;
            _firstClicks.Add((deliveryId, Pg.Utc(at)));
            return Task.FromResult(true);
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
            if (_events.Exists(e => e.DeliveryId == deliveryId && e.Kind == kind && e.Counted))
            {
                return true; // earlier in this batch, not yet written
            }
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

        public Task InsertEventAsync(long deliveryId, DeliveryOfEvent delivery, EventKind kind, DateTime at, bool counted, int? adLinkId, string? detail, CancellationToken ct)
        {
            _events.Add((deliveryId, delivery, kind, Pg.Utc(at), counted, adLinkId, detail));
            return Task.CompletedTask;
        }

        /// <summary>
        /// Writes what the batch decided in one round trip: its first opens and clicks, its events (one statement each),
        /// one upsert per (campaign, day) in key order (so that two processes lock tally rows in the same order), and
        /// its feed appends, whose positions come back in order.
        /// </summary>
        /// <remarks>
        /// With <paramref name="commit"/> the batch ends with <c>COMMIT</c>: it returns once the transaction is durable
        /// (Npgsql sees the transaction end and completes <c>transaction</c>). A failing statement skips the rest of the
        /// batch, COMMIT included, and the caller's error path rolls back.
        /// </remarks>
        public async Task FlushAsync(bool commit, CancellationToken ct)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            First(batch, "FirstOpenedAt", _firstOpens);
            First(batch, "FirstClickedAt", _firstClicks);
            if (_events.Count > 0)
            {
                var insert = new NpgsqlBatchCommand("""
                    INSERT INTO "EngagementEvents" ("DeliveryId", "CampaignId", "MemberId", "Kind", "At", "Counted", "AdLinkId", "Detail")
                    SELECT * FROM unnest(@d, @campaign, @member, @kind, @at, @counted, @link, @detail)
                    """);
                insert.Parameters.Add(new NpgsqlParameter("d", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _events.Select(e => e.DeliveryId).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter("campaign", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = _events.Select(e => e.Delivery.CampaignId).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter("member", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = _events.Select(e => e.Delivery.MemberId).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter("kind", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = _events.Select(e => (int)e.Kind).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = _events.Select(e => e.At).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter("counted", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { Value = _events.Select(e => e.Counted).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter("link", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = _events.Select(e => e.Link).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter("detail", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _events.Select(e => e.Detail).ToArray() });
                batch.BatchCommands.Add(insert);
                _events.Clear();
            }
            foreach (var ((campaignId, day), counts) in _tallies)
            {
                var tally = new NpgsqlBatchCommand(TallySql);
                tally.Parameters.Add(Pg.Int("campaign", campaignId));
                tally.Parameters.Add(Pg.Day("day", day));
                for (var i = 0; i < Tallies.Length; i++)
                {
                    tally.Parameters.Add(Pg.Int(TallyColumns.Of(Tallies[i]), counts[i]));
                }
                batch.BatchCommands.Add(tally);
            }
            _tallies.Clear();
            foreach (var (change, at) in _changes)
            {
                var append = new NpgsqlBatchCommand(PostgresProviderServices.AppendSql);
                append.Parameters.Add(Pg.Text("kind", change.Kind));
                append.Parameters.Add(Pg.Text("payload", change.ToJson()));
                append.Parameters.Add(Pg.Time("at", at));
                batch.BatchCommands.Add(append);
            }
            if (commit)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            }
            if (batch.BatchCommands.Count == 0)
            {
                return;
            }
            var positions = new List<long>(_changes.Count);
            await using (var reader = await batch.ExecuteReaderAsync(ct))
            {
                // Only the appends return rows.
                do
                {
                    while (await reader.ReadAsync(ct))
                    {
                        positions.Add(reader.GetInt64(0));
                    }
                }
                while (await reader.NextResultAsync(ct));
            }
            if (positions.Count != _changes.Count)
            {
                throw new InvalidOperationException($"The feed returned {positions.Count} positions for {_changes.Count} appends.");
            }
            AppendedChanges.AddRange(_changes.Select((c, i) => new ChangeEnvelope(positions[i], c.At, c.Change)));
            _changes.Clear();
        }

        private static void First(NpgsqlBatch batch, string column, List<(long Id, DateTime At)> firsts)
        {
            if (firsts.Count == 0)
            {
                return;
            }
            var update = new NpgsqlBatchCommand($"""
                UPDATE "Deliveries" AS d SET "{column}" = u.at FROM unnest(@ids, @ats) AS u(id, at)
                WHERE d."Id" = u.id AND d."{column}" IS NULL
                """);
            update.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = firsts.Select(f => f.Id).ToArray() });
            update.Parameters.Add(new NpgsqlParameter("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = firsts.Select(f => f.At).ToArray() });
            batch.BatchCommands.Add(update);
            firsts.Clear();
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

        private readonly List<(DataChange Change, DateTime At)> _changes = [];

        public Task AppendChangeAsync(DataChange change, DateTime at, CancellationToken ct)
        {
            _changes.Add((change, Pg.Utc(at)));
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => _c.DisposeAsync();
    }

    private sealed class Commands(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public NpgsqlCommand Link { get; } = Make(connection, transaction, """
            SELECT "Url", "Kind" FROM "AdLinks" WHERE "Id" = @l AND "AdId" = @ad
            """, ("l", NpgsqlDbType.Integer), ("ad", NpgsqlDbType.Integer));
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
            foreach (var command in new[] { Link, InsertLead, UpdateLead, CountedBefore, InsertOptOut })
            {
                await command.DisposeAsync();
            }
        }
    }

    public void Dispose() => _connection?.Dispose();
}

using SponsoredInMail.Core.Data;
using Npgsql;
using NpgsqlTypes;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data.Postgres;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Data.Postgres;

public class PostgresAudienceSourceTests
{
    private const int Members = 3_000;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheSameSeedReadsAndIndexesAlikeOnPostgresAndSqlite()
    {
        await using var pg = await TestDatabase.CreatePostgresAsync();
        await using var sqlite = await TestDatabase.CreateAsync(provider: DatabaseProvider.Sqlite);
        await pg.SeedAsync(Members);
        await sqlite.SeedAsync(Members);
        var pgSource = pg.Get<IAudienceSource>();
        var sqliteSource = sqlite.Get<IAudienceSource>();
        pgSource.ShouldBeOfType<PostgresAudienceSource>();

        (await ReadMembersAsync(pgSource)).ShouldBe(await ReadMembersAsync(sqliteSource));
        (await pgSource.ReadCompaniesAsync(Ct)).Select(c => $"{c.Id}|{c.Name}|{c.Size}|{c.Industry}|{c.CountryCode}")
            .ShouldBe((await sqliteSource.ReadCompaniesAsync(Ct)).Select(c => $"{c.Id}|{c.Name}|{c.Size}|{c.Industry}|{c.CountryCode}"));
        (await pgSource.ReadOptOutsAsync(Ct)).OrderBy(o => o.Id).Select(o => $"{o.Id}|{o.MemberId}|{o.Scope}|{o.AdvertiserAccountId}|{o.SenderMemberId}|{o.CreatedAt:O}")
            .ShouldBe((await sqliteSource.ReadOptOutsAsync(Ct)).OrderBy(o => o.Id).Select(o => $"{o.Id}|{o.MemberId}|{o.Scope}|{o.AdvertiserAccountId}|{o.SenderMemberId}|{o.CreatedAt:O}"));

        var pgIndex = pg.Get<AudienceIndex>();
        var sqliteIndex = sqlite.Get<AudienceIndex>();
        await pgIndex.RebuildAsync(pgSource, Ct);
        await sqliteIndex.RebuildAsync(sqliteSource, Ct);

        pgIndex.MemberCount.ShouldBe(Members);
        pgIndex.MemberCount.ShouldBe(sqliteIndex.MemberCount);
        var everyone = new ulong[(Members >> 6) + 2];
        for (var id = 1; id <= Members; id++)
        {
            everyone[id >> 6] |= 1UL << (id & 63);
        }
        foreach (var facet in new[] { Facet.Location, Facet.Industry, Facet.Company, Facet.CompanySize, Facet.JobTitle, Facet.JobFunction, Facet.Seniority, Facet.Skill, Facet.YearsOfExperience, Facet.ProfileLanguage })
        {
            pgIndex.Tabulate(facet, everyone).ShouldBe(sqliteIndex.Tabulate(facet, everyone), facet.ToString());
        }
        await using var db = pg.CreateContext();
        var accounts = db.AdvertiserAccounts.Select(a => a.Id).ToList();
        accounts.ShouldNotBeEmpty();
        var targetings = new[]
        {
            new Targeting([new FacetCriterion(Facet.Location, ["US", "GB", "DE"])], []),
            new Targeting([new FacetCriterion(Facet.Location, ["US"])], [new FacetCriterion(Facet.Seniority, ["Entry"])]),
        };
        foreach (var account in accounts)
        {
            foreach (var targeting in targetings)
            {
                pgIndex.Count(targeting, account).ShouldBe(sqliteIndex.Count(targeting, account));
            }
        }
        pgIndex.Count(targetings[0], accounts[0]).OptedOut.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task MatchedListsEngagementAndRecentDeliveriesAreRead()
    {
        await using var pg = await TestDatabase.CreatePostgresAsync();
        await pg.SeedAsync(1_000);
        var source = pg.Get<IAudienceSource>();
        var now = TestDatabase.Now.UtcDateTime;
        await using (var connection = await OpenAsync(pg))
        {
            // Campaigns and their ads are not what is tested here: rows go in with foreign keys unchecked.
            await ExecuteAsync(connection, """
                SET session_replication_role = replica;
                INSERT INTO "MatchedAudiences" ("Id", "AdvertiserAccountId", "Name", "Kind", "FileName", "RowsRead", "RowsRejected", "MembersMatched", "RejectionsCsv", "CreatedByUserId", "CreatedAt")
                VALUES (7, 1, 'a', 1, 'a.csv', 3, 0, 3, '', 'u', now()), (8, 2, 'b', 1, 'b.csv', 0, 0, 0, '', 'u', now());
                INSERT INTO "MatchedAudienceMembers" ("MatchedAudienceId", "MemberId") VALUES (7, 30), (7, 10), (7, 20);
                INSERT INTO "Deliveries" ("Id", "CampaignId", "MemberId", "AdvertiserAccountId", "PriceCents", "DeliveredAt")
                VALUES (1, 1, 10, 1, 50, @old), (2, 1, 11, 1, 50, @since), (3, 2, 12, 2, 50, @now);
                INSERT INTO "EngagementEvents" ("DeliveryId", "CampaignId", "MemberId", "Kind", "At", "Counted")
                VALUES (1, 1, 10, 1, @now, true), (1, 1, 10, 1, @now, false), (1, 1, 10, 5, @now, true), (2, 1, 11, 2, @now, true),
                       (2, 1, 11, 8, @now, true), (3, 2, 12, 6, @now, true), (3, 2, 12, 7, @now, true);
                """, ("old", now.AddDays(-31)), ("since", now.AddDays(-30)), ("now", now));
        }

        var lists = await source.ReadMatchedAudiencesAsync(Ct);
        lists.Select(l => $"{l.Id}|{l.AccountId}|{string.Join(',', l.MemberIds)}").ShouldBe(["7|1|10,20,30", "8|2|"]);

        var events = new List<(int, int, EventKind)>();
        await source.ReadEngagementAsync(e => events.Add(e), Ct);
        events.Order().ShouldBe([(1, 10, EventKind.Open), (1, 11, EventKind.ButtonClick), (2, 12, EventKind.LeadSubmitted), (2, 12, EventKind.ConversationButton)]);

        var deliveries = new List<DeliveryFact>();
        await source.ReadRecentDeliveriesAsync(now.AddDays(-30), deliveries.Add, Ct);
        deliveries.OrderBy(d => d.MemberId).ShouldBe([new DeliveryFact(11, 1, now.AddDays(-30)), new DeliveryFact(12, 2, now)]);
        deliveries.ShouldAllBe(d => d.DeliveredAt.Kind == DateTimeKind.Utc);

        (await source.ReadChangePositionAsync(Ct)).ShouldBeGreaterThanOrEqualTo(0);
        (await source.ReadLaunchedCampaignsAsync(Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task EngagedMembersAreExactlyTheCountedEventsOfTheKindInTheRange()
    {
        await using var pg = await TestDatabase.CreatePostgresAsync();
        var start = TestDatabase.Now.UtcDateTime.AddDays(-10);
        var random = new Random(7);
        var rows = Enumerable.Range(0, 5_000).Select(_ => (
            Campaign: random.Next(1, 4), Member: random.Next(1, 800), Kind: (EventKind)random.Next(1, 10),
            At: start.AddSeconds(random.Next(0, 10 * 86_400)).AddTicks(random.Next(0, 10_000_000) / 10 * 10), Counted: random.Next(4) > 0)).ToList();
        var from = start.AddDays(3);
        var to = start.AddDays(7);
        // Both edges: an event at "from" counts, one at "to" does not.
        rows.Add((2, 900, EventKind.Open, from, true));
        rows.Add((2, 901, EventKind.Open, to, true));
        await using (var connection = await OpenAsync(pg))
        {
            await ExecuteAsync(connection, "SET session_replication_role = replica");
            await using (var import = await connection.BeginBinaryImportAsync(
                """COPY "EngagementEvents" ("DeliveryId", "CampaignId", "MemberId", "Kind", "At", "Counted") FROM STDIN (FORMAT BINARY)""", Ct))
            {
                foreach (var r in rows)
                {
                    await import.StartRowAsync(Ct);
                    await import.WriteAsync(1L, NpgsqlDbType.Bigint, Ct);
                    await import.WriteAsync(r.Campaign, NpgsqlDbType.Integer, Ct);
                    await import.WriteAsync(r.Member, NpgsqlDbType.Integer, Ct);
                    await import.WriteAsync((int)r.Kind, NpgsqlDbType.Integer, Ct);
                    await import.WriteAsync(r.At, NpgsqlDbType.TimestampTz, Ct);
                    await import.WriteAsync(r.Counted, NpgsqlDbType.Boolean, Ct);
                }
                await import.CompleteAsync(Ct);
            }
            await ExecuteAsync(connection, "ANALYZE \"EngagementEvents\"");
        }

        foreach (var kind in new[] { EventKind.Open, EventKind.LinkClick, EventKind.ConversationButton })
        {
            var members = new List<int>();
            await new PostgresEngagedMembers(pg.Connection).ForEachAsync(2, kind, from, to, members.Add, Ct);

            var expected = rows.Where(r => r.Campaign == 2 && r.Kind == kind && r.Counted && r.At >= from && r.At < to).Select(r => r.Member).Order().ToList();
            expected.ShouldNotBeEmpty();
            members.Order().ToList().ShouldBe(expected, kind.ToString());
        }
        var open = new List<int>();
        await new PostgresEngagedMembers(pg.Connection).ForEachAsync(2, EventKind.Open, from, to, open.Add, Ct);
        open.ShouldContain(900);
        open.ShouldNotContain(901);
    }

    private static async Task<List<string>> ReadMembersAsync(IAudienceSource source)
    {
        var members = new List<string>();
        await source.ReadMembersAsync(m => members.Add(
            $"{m.Id}|{m.CountryCode}|{m.Region}|{m.Industry}|{m.CompanyId}|{m.JobTitle}|{m.JobFunction}|{m.Seniority}|"
            + $"{string.Join(',', m.SkillIds)}|{m.YearsOfExperience}|{m.ProfileLanguage}|{PostgresBulkWriterTests.Micros(m.LastActiveAt)}|{m.LastActiveAt.Kind}"), Ct);
        return members;
    }

    private static async Task<NpgsqlConnection> OpenAsync(TestDatabase pg)
    {
        var connection = new NpgsqlConnection(pg.Connection.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, DateTime Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime>(name, NpgsqlDbType.TimestampTz) { TypedValue = value });
        }
        await command.ExecuteNonQueryAsync(Ct);
    }
}

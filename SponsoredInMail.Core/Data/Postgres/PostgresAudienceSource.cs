using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Data.Postgres;

/// <summary>
/// Streams the network for the audience index with plain Npgsql readers, as <see cref="Sqlite.SqliteAudienceSource"/>
/// does on SQLite. Identifiers are quoted (EF's mixed-case names); timestamps are <c>timestamptz</c>, read back as UTC.
/// </summary>
internal sealed class PostgresAudienceSource(DatabaseConnection database, IDbContextFactory<AppDbContext> factory)
    : AudienceSourceBase(factory)
{
    public override async Task ReadMembersAsync(Action<MemberFacts> onMember, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT "Id", "CountryCode", "Region", "Industry", "CompanyId", "JobTitle", "JobFunction", "Seniority", "SkillIds",
                   "YearsOfExperience", "ProfileLanguage", "LastActiveAt"
            FROM "Members" ORDER BY "Id"
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        var interned = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            onMember(new MemberFacts(
                reader.GetInt32(0), Intern(interned, reader.GetString(1)), Intern(interned, reader.GetString(2)),
                Intern(interned, reader.GetString(3)), reader.GetInt32(4), Intern(interned, reader.GetString(5)),
                Intern(interned, reader.GetString(6)), (Seniority)reader.GetInt32(7), reader.GetFieldValue<int[]>(8),
                reader.GetInt32(9), Intern(interned, reader.GetString(10)), DateTime.SpecifyKind(reader.GetDateTime(11), DateTimeKind.Utc)));
        }
    }

    public override async Task<IReadOnlyList<(int Id, int AccountId, int[] MemberIds)>> ReadMatchedAudiencesAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var lists = new List<(int Id, int AccountId)>();
        await using (var command = new NpgsqlCommand("""SELECT "Id", "AdvertiserAccountId" FROM "MatchedAudiences" ORDER BY "Id" """, connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                lists.Add((reader.GetInt32(0), reader.GetInt32(1)));
            }
        }
        // Rows stream in key order, so each list's ids arrive together and ascending: no entities, no grouping pass.
        var members = new Dictionary<int, List<int>>();
        await using (var command = new NpgsqlCommand(
            """SELECT "MatchedAudienceId", "MemberId" FROM "MatchedAudienceMembers" ORDER BY "MatchedAudienceId", "MemberId" """, connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            var currentId = 0;
            List<int>? current = null;
            while (await reader.ReadAsync(ct))
            {
                var listId = reader.GetInt32(0);
                if (current is null || listId != currentId)
                {
                    currentId = listId;
                    current = [];
                    members[listId] = current;
                }
                current.Add(reader.GetInt32(1));
            }
        }
        return lists.Select(l => (l.Id, l.AccountId, members.TryGetValue(l.Id, out var ids) ? ids.ToArray() : [])).ToList();
    }

    public override async Task ReadRecentDeliveriesAsync(DateTime since, Action<DeliveryFact> onDelivery, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """SELECT "MemberId", "AdvertiserAccountId", "DeliveredAt" FROM "Deliveries" WHERE "DeliveredAt" >= @since""", connection);
        command.Parameters.Add(new NpgsqlParameter<DateTime>("since", NpgsqlDbType.TimestampTz) { TypedValue = PostgresBulkWriter.Utc(since) });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            onDelivery(new DeliveryFact(reader.GetInt32(0), reader.GetInt32(1), DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc)));
        }
    }

    public override async Task ReadEngagementAsync(Action<(int CampaignId, int MemberId, Engagement.EventKind Kind)> onEvent, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""SELECT "CampaignId", "MemberId", "Kind" FROM "EngagementEvents" WHERE "Counted" AND "Kind" IN ({EngagementKindsSql})""", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            onEvent((reader.GetInt32(0), reader.GetInt32(1), (Engagement.EventKind)reader.GetInt32(2)));
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

}

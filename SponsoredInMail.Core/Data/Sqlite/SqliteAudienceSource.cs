using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Data.Sqlite;

/// <summary>
/// Streams the network for the audience index with a plain data reader: about three times faster than
/// materialising a million EF entities, and it never holds them all at once.
/// </summary>
internal sealed class SqliteAudienceSource(DatabaseConnection database, IDbContextFactory<AppDbContext> factory)
    : AudienceSourceBase(factory)
{
    public override async Task ReadMembersAsync(Action<MemberFacts> onMember, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT Id, CountryCode, Region, Industry, CompanyId, JobTitle, JobFunction, Seniority, SkillIds,
                   YearsOfExperience, ProfileLanguage, LastActiveAt
            FROM Members ORDER BY Id
            """;
        await using var reader = await command.ExecuteReaderAsync(ct);
        var interned = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            onMember(new MemberFacts(
                reader.GetInt32(0), Intern(interned, reader.GetString(1)), Intern(interned, reader.GetString(2)),
                Intern(interned, reader.GetString(3)), reader.GetInt32(4), Intern(interned, reader.GetString(5)),
                Intern(interned, reader.GetString(6)), (Seniority)reader.GetInt32(7), ParseIds(reader.GetString(8)),
                reader.GetInt32(9), Intern(interned, reader.GetString(10)), DateTime.SpecifyKind(reader.GetDateTime(11), DateTimeKind.Utc)));
        }
    }

    public override async Task<IReadOnlyList<(int Id, int AccountId, int[] MemberIds)>> ReadMatchedAudiencesAsync(CancellationToken ct)
    {
        await using var db = await Factory.CreateDbContextAsync(ct);
        var lists = await db.MatchedAudiences.AsNoTracking().Select(a => new { a.Id, a.AdvertiserAccountId }).ToListAsync(ct);
        var members = (await db.MatchedAudienceMembers.AsNoTracking().ToListAsync(ct))
            .GroupBy(m => m.MatchedAudienceId)
            .ToDictionary(g => g.Key, g => g.Select(m => m.MemberId).ToArray());
        return lists.Select(l => (l.Id, l.AdvertiserAccountId, members.GetValueOrDefault(l.Id, []))).ToList();
    }

    public override async Task ReadRecentDeliveriesAsync(DateTime since, Action<DeliveryFact> onDelivery, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MemberId, AdvertiserAccountId, DeliveredAt FROM Deliveries WHERE DeliveredAt >= $since";
        command.Parameters.AddWithValue("$since", since);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            onDelivery(new DeliveryFact(reader.GetInt32(0), reader.GetInt32(1), DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc)));
        }
    }

    public override async Task ReadEngagementAsync(Action<(int CampaignId, int MemberId, Engagement.EventKind Kind)> onEvent, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT CampaignId, MemberId, Kind FROM EngagementEvents WHERE Counted = 1 AND Kind IN ({EngagementKindsSql})";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            onEvent((reader.GetInt32(0), reader.GetInt32(1), (Engagement.EventKind)reader.GetInt32(2)));
        }
    }

    /// <summary>Parses EF's JSON form of a primitive int collection, e.g. "[3,41,200]".</summary>
    internal static int[] ParseIds(string json)
    {
        var span = json.AsSpan().Trim().Trim('[').Trim(']');
        if (span.IsEmpty)
        {
            return [];
        }
        var ids = new int[span.Count(',') + 1];
        var k = 0;
        foreach (var range in span.Split(','))
        {
            ids[k++] = int.Parse(span[range].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return ids;
    }
}

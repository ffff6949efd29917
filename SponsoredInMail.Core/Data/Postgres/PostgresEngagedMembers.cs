using Npgsql;
using NpgsqlTypes;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Core.Data.Postgres;

/// <summary>
/// The PostgreSQL half of the campaign report's "who engaged" query (SQLite names its covering index with
/// INDEXED BY): members with a counted event of one kind in [from, to). PostgreSQL's planner picks
/// IX_EngagementEvents_CampaignId_Kind_Counted_MemberId_At for an index-only scan on its own; there are no hints.
/// A member appears once per matching event, as on SQLite; callers set bits, so repeats are harmless.
/// </summary>
internal sealed class PostgresEngagedMembers(DatabaseConnection database) : Reports.IEngagedMembers
{
    private const string Sql = """
        SELECT "MemberId" FROM "EngagementEvents"
        WHERE "CampaignId" = @campaign AND "Kind" = @kind AND "Counted" AND "At" >= @from AND "At" < @to
        """;

    public async Task ForEachAsync(int campaignId, EventKind kind, DateTime from, DateTime to, Action<int> onMember, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter<int>("campaign", NpgsqlDbType.Integer) { TypedValue = campaignId });
        command.Parameters.Add(new NpgsqlParameter<int>("kind", NpgsqlDbType.Integer) { TypedValue = (int)kind });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("from", NpgsqlDbType.TimestampTz) { TypedValue = PostgresBulkWriter.Utc(from) });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("to", NpgsqlDbType.TimestampTz) { TypedValue = PostgresBulkWriter.Utc(to) });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            onMember(reader.GetInt32(0));
        }
    }
}

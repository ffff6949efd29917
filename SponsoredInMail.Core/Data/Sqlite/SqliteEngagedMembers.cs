using Microsoft.Data.Sqlite;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Core.Data.Sqlite;

internal sealed class SqliteEngagedMembers(DatabaseConnection database) : IEngagedMembers
{
    public async Task ForEachAsync(int campaignId, EventKind kind, DateTime from, DateTime to, Action<int> onMember, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // Named, so the planner never trades the covering index for (CampaignId, At) and row lookups.
        command.CommandText = """
            SELECT MemberId FROM EngagementEvents INDEXED BY IX_EngagementEvents_CampaignId_Kind_Counted_MemberId_At
            WHERE CampaignId = $campaign AND Kind = $kind AND Counted = 1 AND At >= $from AND At < $to
            """;
        command.Parameters.AddWithValue("$campaign", campaignId);
        command.Parameters.AddWithValue("$kind", (int)kind);
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            onMember(reader.GetInt32(0));
        }
    }
}

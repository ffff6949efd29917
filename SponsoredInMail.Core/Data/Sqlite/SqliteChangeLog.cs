using Microsoft.Data.Sqlite;
using SponsoredInMail.Core.Changes;

namespace SponsoredInMail.Core.Data.Sqlite;

/// <summary>Appends a change on a raw SQLite connection, inside the caller's transaction.</summary>
internal static class SqliteChangeLog
{
    public static async Task AppendAsync(SqliteConnection connection, DataChange change, DateTime at, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO Changes (Kind, Payload, At) VALUES ($kind, $payload, $at)";
        command.Parameters.AddWithValue("$kind", change.Kind);
        command.Parameters.AddWithValue("$payload", change.ToJson());
        command.Parameters.AddWithValue("$at", at);
        await command.ExecuteNonQueryAsync(ct);
    }
}

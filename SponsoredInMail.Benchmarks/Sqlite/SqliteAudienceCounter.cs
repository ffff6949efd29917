using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SponsoredInMail.Benchmarks.Sqlite;

/// <summary><see cref="SqlAudienceCounter"/> on SQLite: skills are a JSON array, instants are text.</summary>
internal sealed class SqliteAudienceCounter(SqliteConnection connection, int accountId, DateTime activeSinceUtc)
    : SqlAudienceCounter(connection, accountId)
{
    /// <summary>The text form EF Core's SQLite provider (and the bulk writer) stores DateTime in; it sorts like the instant.</summary>
    protected override object ActiveSince { get; } = activeSinceUtc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    protected override string AnySkill(string column, string skillIds) =>
        $"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value IN ({skillIds}))";
}

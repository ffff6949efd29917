using Npgsql;

namespace SponsoredInMail.Benchmarks.Postgres;

/// <summary><see cref="SqlAudienceCounter"/> on PostgreSQL: skills are an <c>integer[]</c>, instants a <c>timestamptz</c>.</summary>
internal sealed class PostgresAudienceCounter(NpgsqlConnection connection, int accountId, DateTime activeSinceUtc)
    : SqlAudienceCounter(connection, accountId)
{
    protected override object ActiveSince { get; } = DateTime.SpecifyKind(activeSinceUtc, DateTimeKind.Utc);

    protected override string AnySkill(string column, string skillIds) => $"{column} && ARRAY[{skillIds}]::integer[]";
}

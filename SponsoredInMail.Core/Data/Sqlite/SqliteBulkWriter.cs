using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Data.Sqlite;

/// <summary>
/// Bulk inserts for SQLite: one connection, one prepared statement per table, one transaction per chunk.
/// Column names follow the EF model (see <see cref="EntityConfigurations"/>); the migration tests catch drift.
/// </summary>
internal sealed class SqliteBulkWriter(string connectionString) : IBulkWriter
{
    public async Task WriteCompaniesAsync(IReadOnlyList<Company> companies, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var insert = Prepare(connection, transaction,
            "INSERT INTO Companies (Id, Name, Domain, Industry, Size, CountryCode) VALUES ($id, $name, $domain, $industry, $size, $country)",
            "$id", "$name", "$domain", "$industry", "$size", "$country");
        foreach (var c in companies)
        {
            Bind(insert, c.Id, c.Name, c.Domain, c.Industry, (int)c.Size, c.CountryCode);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task WriteMembersAsync(IAsyncEnumerable<Member[]> chunks, Action<int>? onChunkWritten, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // Seeding writes a fresh database: a crash means seeding again, so trade durability for speed here only.
        await ExecuteAsync(connection, "PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;", ct);
        var skills = new StringBuilder(64);
        await foreach (var chunk in chunks.WithCancellation(ct))
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await using var insert = Prepare(connection, transaction,
                """
                INSERT INTO Members (Id, FirstName, LastName, Email, Headline, CountryCode, Region, Industry, CompanyId,
                    JobTitle, JobFunction, Seniority, SkillIds, YearsOfExperience, ProfileLanguage, LastActiveAt, PersonalizationOff)
                VALUES ($id, $first, $last, $email, $headline, $country, $region, $industry, $company,
                    $title, $function, $seniority, $skills, $years, $language, $active, $personalizationOff)
                """,
                "$id", "$first", "$last", "$email", "$headline", "$country", "$region", "$industry", "$company",
                "$title", "$function", "$seniority", "$skills", "$years", "$language", "$active", "$personalizationOff");
            foreach (var m in chunk)
            {
                Bind(insert, m.Id, m.FirstName, m.LastName, m.Email, m.Headline, m.CountryCode, m.Region, m.Industry,
                    m.CompanyId, m.JobTitle, m.JobFunction, (int)m.Seniority, SkillsJson(skills, m.SkillIds),
                    m.YearsOfExperience, m.ProfileLanguage, SqliteTimestamp(m.LastActiveAt), m.PersonalizationOff ? 1 : 0);
                insert.ExecuteNonQuery();
            }
            await transaction.CommitAsync(ct);
            onChunkWritten?.Invoke(chunk.Length);
        }
        await ExecuteAsync(connection, "PRAGMA synchronous = NORMAL;", ct);
    }

    public async Task WriteOptOutsAsync(IReadOnlyList<MemberOptOut> optOuts, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var insert = Prepare(connection, transaction,
            "INSERT INTO MemberOptOuts (MemberId, Scope, AdvertiserAccountId, SenderMemberId, CreatedAt) VALUES ($member, $scope, $account, $sender, $created)",
            "$member", "$scope", "$account", "$sender", "$created");
        foreach (var o in optOuts)
        {
            Bind(insert, o.MemberId, (int)o.Scope, o.AdvertiserAccountId, o.SenderMemberId, SqliteTimestamp(o.CreatedAt));
            insert.ExecuteNonQuery();
        }
        await transaction.CommitAsync(ct);
    }

    public async Task WriteMatchedMembersAsync(DbTransaction transaction, int matchedAudienceId, IReadOnlyCollection<int> memberIds, CancellationToken ct)
    {
        if (transaction is not SqliteTransaction { Connection: { } connection } sqlite)
        {
            throw new ArgumentException("Expected an open SQLite transaction (the DbContext's, from GetDbTransaction()).", nameof(transaction));
        }
        await using var insert = Prepare(connection, sqlite,
            "INSERT INTO MatchedAudienceMembers (MatchedAudienceId, MemberId) VALUES ($list, $member)", "$list", "$member");
        var written = 0;
        // Ascending ids append to the primary key's B-tree instead of splitting pages all over it.
        foreach (var memberId in memberIds.Distinct().Order())
        {
            if (++written % 10_000 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
            Bind(insert, matchedAudienceId, memberId);
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>The text form EF Core's SQLite provider writes for DateTime, so both sort and compare alike.</summary>
    internal static string SqliteTimestamp(DateTime utc) =>
        utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);

    private static string SkillsJson(StringBuilder builder, List<int> ids)
    {
        builder.Clear().Append('[');
        for (var i = 0; i < ids.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }
            builder.Append(ids[i]);
        }
        return builder.Append(']').ToString();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameterNames)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        command.Prepare();
        return command;
    }

    private static void Bind(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}

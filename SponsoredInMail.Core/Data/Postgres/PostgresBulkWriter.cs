using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Data.Postgres;

/// <summary>
/// Bulk inserts for PostgreSQL: binary COPY per table (one COPY per member chunk, each committed on completion),
/// and an unnest insert for matched lists inside the caller's transaction. Identifiers are quoted, because EF
/// creates the tables with mixed-case names. Column types follow the EF model as Npgsql maps it: DateTime is
/// <c>timestamp with time zone</c>, enums <c>integer</c>, <c>List&lt;int&gt;</c> an <c>integer[]</c>.
/// </summary>
internal sealed class PostgresBulkWriter(string connectionString) : IBulkWriter
{
    private const int MatchedBatch = 50_000;

    public async Task WriteCompaniesAsync(IReadOnlyList<Company> companies, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using (var import = await connection.BeginBinaryImportAsync(
            """COPY "Companies" ("Id", "Name", "Domain", "Industry", "Size", "CountryCode") FROM STDIN (FORMAT BINARY)""", ct))
        {
            foreach (var c in companies)
            {
                await import.StartRowAsync(ct);
                await import.WriteAsync(c.Id, NpgsqlDbType.Integer, ct);
                await import.WriteAsync(c.Name, NpgsqlDbType.Text, ct);
                await import.WriteAsync(c.Domain, NpgsqlDbType.Text, ct);
                await import.WriteAsync(c.Industry, NpgsqlDbType.Text, ct);
                await import.WriteAsync((int)c.Size, NpgsqlDbType.Integer, ct);
                await import.WriteAsync(c.CountryCode, NpgsqlDbType.Text, ct);
            }
            await import.CompleteAsync(ct);
        }
        await MoveSequencePastMaxAsync(connection, "Companies", ct);
    }

    public async Task WriteMembersAsync(IAsyncEnumerable<Member[]> chunks, Action<int>? onChunkWritten, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // Seeding writes a fresh database: a crash means seeding again, so trade durability for speed (this session only).
        await ExecuteAsync(connection, "SET synchronous_commit = off", ct);
        await foreach (var chunk in chunks.WithCancellation(ct))
        {
            await using (var import = await connection.BeginBinaryImportAsync(
                """
                COPY "Members" ("Id", "FirstName", "LastName", "Email", "Headline", "CountryCode", "Region", "Industry", "CompanyId",
                    "JobTitle", "JobFunction", "Seniority", "SkillIds", "YearsOfExperience", "ProfileLanguage", "LastActiveAt", "PersonalizationOff")
                FROM STDIN (FORMAT BINARY)
                """, ct))
            {
                foreach (var m in chunk)
                {
                    // Synchronous writes: the importer buffers, and an await per column costs more than the I/O it saves.
                    import.StartRow();
                    import.Write(m.Id, NpgsqlDbType.Integer);
                    import.Write(m.FirstName, NpgsqlDbType.Text);
                    import.Write(m.LastName, NpgsqlDbType.Text);
                    import.Write(m.Email, NpgsqlDbType.Text);
                    import.Write(m.Headline, NpgsqlDbType.Text);
                    import.Write(m.CountryCode, NpgsqlDbType.Text);
                    import.Write(m.Region, NpgsqlDbType.Text);
                    import.Write(m.Industry, NpgsqlDbType.Text);
                    import.Write(m.CompanyId, NpgsqlDbType.Integer);
                    import.Write(m.JobTitle, NpgsqlDbType.Text);
                    import.Write(m.JobFunction, NpgsqlDbType.Text);
                    import.Write((int)m.Seniority, NpgsqlDbType.Integer);
                    import.Write(m.SkillIds, NpgsqlDbType.Array | NpgsqlDbType.Integer);
                    import.Write(m.YearsOfExperience, NpgsqlDbType.Integer);
                    import.Write(m.ProfileLanguage, NpgsqlDbType.Text);
                    import.Write(Utc(m.LastActiveAt), NpgsqlDbType.TimestampTz);
                    import.Write(m.PersonalizationOff, NpgsqlDbType.Boolean);
                }
                await import.CompleteAsync(ct);
            }
            onChunkWritten?.Invoke(chunk.Length);
        }
        await MoveSequencePastMaxAsync(connection, "Members", ct);
        await ExecuteAsync(connection, "RESET synchronous_commit", ct);
        // Fresh statistics, so the first queries after seeding are planned for a million rows, not an empty table.
        await ExecuteAsync(connection, "ANALYZE \"Members\"", ct);
    }

    public async Task WriteOptOutsAsync(IReadOnlyList<MemberOptOut> optOuts, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // Ids are left to the identity column, as the SQLite writer leaves them to the rowid.
        await using var import = await connection.BeginBinaryImportAsync(
            """COPY "MemberOptOuts" ("MemberId", "Scope", "AdvertiserAccountId", "SenderMemberId", "CreatedAt") FROM STDIN (FORMAT BINARY)""", ct);
        foreach (var o in optOuts)
        {
            import.StartRow();
            import.Write(o.MemberId, NpgsqlDbType.Integer);
            import.Write((int)o.Scope, NpgsqlDbType.Integer);
            WriteNullable(import, o.AdvertiserAccountId);
            WriteNullable(import, o.SenderMemberId);
            import.Write(Utc(o.CreatedAt), NpgsqlDbType.TimestampTz);
        }
        await import.CompleteAsync(ct);
    }

    public async Task WriteMatchedMembersAsync(DbTransaction transaction, int matchedAudienceId, IReadOnlyCollection<int> memberIds, CancellationToken ct)
    {
        if (transaction is not NpgsqlTransaction { Connection: { } connection } npgsql)
        {
            throw new ArgumentException("Expected an open PostgreSQL transaction (the DbContext's, from GetDbTransaction()).", nameof(transaction));
        }
        // Ascending, distinct ids: written once each, appended to the primary key's B-tree in order.
        var ids = memberIds.Distinct().Order().ToArray();
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO "MatchedAudienceMembers" ("MatchedAudienceId", "MemberId")
            SELECT @list, id FROM unnest(@ids) AS t(id)
            ON CONFLICT DO NOTHING
            """, connection, npgsql);
        var batch = new NpgsqlParameter<int[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Integer);
        insert.Parameters.Add(new NpgsqlParameter<int>("list", NpgsqlDbType.Integer) { TypedValue = matchedAudienceId });
        insert.Parameters.Add(batch);
        for (var offset = 0; offset < ids.Length; offset += MatchedBatch)
        {
            ct.ThrowIfCancellationRequested();
            batch.TypedValue = offset == 0 && ids.Length <= MatchedBatch ? ids : ids[offset..Math.Min(ids.Length, offset + MatchedBatch)];
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Moves an identity column's sequence past the explicit ids COPY wrote, so EF's next insert gets a fresh one.</summary>
    private static Task MoveSequencePastMaxAsync(NpgsqlConnection connection, string table, CancellationToken ct) =>
        ExecuteAsync(connection,
            $"""SELECT setval(pg_get_serial_sequence('"{table}"', 'Id'), MAX("Id")) FROM "{table}" HAVING MAX("Id") IS NOT NULL""", ct);

    /// <summary>timestamptz takes UTC only; the model stores UTC throughout, and an unspecified kind is read as UTC.</summary>
    internal static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    private static void WriteNullable(NpgsqlBinaryImporter import, int? value)
    {
        if (value is { } v)
        {
            import.Write(v, NpgsqlDbType.Integer);
        }
        else
        {
            import.WriteNull();
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}

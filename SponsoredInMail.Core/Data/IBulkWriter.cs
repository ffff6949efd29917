using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Data;

/// <summary>
/// Writes large batches of rows the fast, provider-specific way (prepared statements on SQLite; COPY
/// would be the PostgreSQL equivalent). Seeding and imports go through here, never one SaveChanges per row.
/// </summary>
public interface IBulkWriter
{
    Task WriteCompaniesAsync(IReadOnlyList<Company> companies, CancellationToken ct);

    /// <summary>Writes members with their ids as given; returns once every row is committed.</summary>
    Task WriteMembersAsync(IAsyncEnumerable<Member[]> chunks, Action<int>? onChunkWritten, CancellationToken ct);

    Task WriteOptOutsAsync(IReadOnlyList<MemberOptOut> optOuts, CancellationToken ct);
}

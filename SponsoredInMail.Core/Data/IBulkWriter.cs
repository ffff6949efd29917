using System.Data.Common;
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

    /// <summary>
    /// Writes the member rows of a matched audience inside the caller's open transaction (on its connection),
    /// so that the list and its members are committed, or rolled back, together. Duplicate ids are written once.
    /// </summary>
    Task WriteMatchedMembersAsync(DbTransaction transaction, int matchedAudienceId, IReadOnlyCollection<int> memberIds, CancellationToken ct);
}

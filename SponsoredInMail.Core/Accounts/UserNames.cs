using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Accounts;

/// <summary>
/// Display names for the user ids that status histories record. Core's history gives ids only; this reads
/// the names for ids the caller already holds (one short-lived context per call), nothing else.
/// </summary>
public sealed class UserNames(IDbContextFactory<AppDbContext> factory)
{
    public async Task<IReadOnlyDictionary<string, string>> ResolveAsync(IEnumerable<string> userIds, CancellationToken ct = default)
    {
        var ids = userIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return new Dictionary<string, string>();
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct);
        return users.ToDictionary(u => u.Id, u => string.IsNullOrEmpty(u.DisplayName) ? u.Email ?? u.Id : u.DisplayName);
    }
}

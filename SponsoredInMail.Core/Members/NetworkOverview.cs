using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Members;

public sealed record NetworkStats(int Members, int ActiveMembers, int Companies, int AdvertiserAccounts, int OptedOutOfAll, int GrantedSenders);

/// <summary>Headline figures of the network for the home pages.</summary>
public sealed class NetworkOverview(IDbContextFactory<AppDbContext> factory, TimeProvider clock, ActivityPolicy activity)
{
    public async Task<NetworkStats> GetAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var activeSince = activity.ActiveSince(clock);
        return new NetworkStats(
            await db.Members.CountAsync(ct),
            await db.Members.CountAsync(m => m.LastActiveAt >= activeSince, ct),
            await db.Companies.CountAsync(ct),
            await db.AdvertiserAccounts.CountAsync(ct),
            await db.MemberOptOuts.Where(o => o.Scope == OptOutScope.All).Select(o => o.MemberId).Distinct().CountAsync(ct),
            await db.SenderPermissions.CountAsync(p => p.Status == Accounts.SenderPermissionStatus.Granted, ct));
    }
}

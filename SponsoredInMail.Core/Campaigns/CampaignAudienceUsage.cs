using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>An audience is in use while a campaign using it is in review, approved, active or paused.</summary>
internal sealed class CampaignAudienceUsage(IDbContextFactory<AppDbContext> factory) : IAudienceUsage
{
    private static readonly CampaignStatus[] Live = Enum.GetValues<CampaignStatus>().Where(CampaignStateMachine.IsLive).ToArray();

    public async Task<bool> IsUsedByLiveCampaignAsync(int savedAudienceId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Campaigns.AnyAsync(c => c.SavedAudienceId == savedAudienceId && Live.Contains(c.Status), ct);
    }

    public async Task<IReadOnlyList<long>> LockUsersAsync(AppDbContext db, int savedAudienceId, CancellationToken ct)
    {
        var users = await UsersAsync(db, savedAudienceId, ct);
        await db.LockAsync<Campaign>(users, ct);
        return users;
    }

    public async Task<IReadOnlyList<long>> UsersAsync(AppDbContext db, int savedAudienceId, CancellationToken ct) =>
        await db.Campaigns.AsNoTracking().Where(c => c.SavedAudienceId == savedAudienceId).Select(c => (long)c.Id).ToListAsync(ct);
}

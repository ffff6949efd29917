using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Audiences;

/// <summary>
/// What every provider's <see cref="IAudienceSource"/> reads alike, through EF: the small tables (companies, opt-outs,
/// launched campaigns) and the change feed's position; and which engagement the index is built from. A provider's
/// source (<c>Data/Sqlite</c>, <c>Data/Postgres</c>) streams the large tables with its own readers.
/// </summary>
internal abstract class AudienceSourceBase(IDbContextFactory<AppDbContext> factory) : IAudienceSource
{
    /// <summary>The engaged-audience event kinds as an SQL list of their numbers, e.g. <c>1, 2, 3</c> (fixed: never user input).</summary>
    protected IDbContextFactory<AppDbContext> Factory { get; } = factory;

    protected static readonly string EngagementKindsSql = string.Join(", ", EngagedAction.EventKinds.Select(k => ((int)k).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public abstract Task ReadMembersAsync(Action<MemberFacts> onMember, CancellationToken ct);
    public abstract Task<IReadOnlyList<(int Id, int AccountId, int[] MemberIds)>> ReadMatchedAudiencesAsync(CancellationToken ct);

    /// <summary>Streams the counted events of <see cref="EngagedAction.EventKinds"/> (<see cref="EngagementKindsSql"/>).</summary>
    public abstract Task ReadEngagementAsync(Action<(int CampaignId, int MemberId, Engagement.EventKind Kind)> onEvent, CancellationToken ct);

    public abstract Task ReadRecentDeliveriesAsync(DateTime since, Action<DeliveryFact> onDelivery, CancellationToken ct);

    public async Task<IReadOnlyList<Company>> ReadCompaniesAsync(CancellationToken ct)
    {
        await using var db = await Factory.CreateDbContextAsync(ct);
        return await db.Companies.AsNoTracking().ToListAsync(ct);
    }

    public async Task<IReadOnlyList<MemberOptOut>> ReadOptOutsAsync(CancellationToken ct)
    {
        await using var db = await Factory.CreateDbContextAsync(ct);
        return await db.MemberOptOuts.AsNoTracking().ToListAsync(ct);
    }

    public async Task<long> ReadChangePositionAsync(CancellationToken ct)
    {
        await using var db = await Factory.CreateDbContextAsync(ct);
        return await db.Changes.MaxAsync(c => (long?)c.Position, ct) ?? 0;
    }

    public async Task<IReadOnlyList<(int Id, int AccountId, string Name)>> ReadLaunchedCampaignsAsync(CancellationToken ct)
    {
        await using var db = await Factory.CreateDbContextAsync(ct);
        return (await db.Campaigns.AsNoTracking().Where(c => c.LaunchedAt != null).Select(c => new { c.Id, c.AdvertiserAccountId, c.Name }).ToListAsync(ct))
            .Select(c => (c.Id, c.AdvertiserAccountId, c.Name)).ToList();
    }

    /// <summary>One string instance per distinct value across a million member rows (countries, industries, titles).</summary>
    protected static string Intern(Dictionary<string, string> pool, string value)
    {
        if (pool.TryGetValue(value, out var existing))
        {
            return existing;
        }
        pool[value] = value;
        return value;
    }
}

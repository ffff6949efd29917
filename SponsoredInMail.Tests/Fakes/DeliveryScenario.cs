using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Data.Sqlite;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Tests.Fakes;

/// <summary>
/// A seeded network with its index built, and a quick way to put Active campaigns in front of the delivery
/// engine (as if reviewed and launched) — for tests of delivery rules, not of the review flow.
/// </summary>
public sealed class DeliveryScenario : IAsyncDisposable
{
    private DeliveryScenario(TestDatabase database) => Database = database;

    public TestDatabase Database { get; }
    public AudienceIndex Index => Database.Get<AudienceIndex>();
    public DeliveryEngine Engine => Database.Get<DeliveryEngine>();

    public static async Task<DeliveryScenario> CreateAsync(int members = 1_500, int randomSeed = 4242, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(randomSeed, settings);
        await database.SeedAsync(members);
        await database.Get<AudienceIndex>().RebuildAsync(database.Get<IAudienceSource>());
        return new DeliveryScenario(database);
    }

    /// <summary>
    /// A scenario over an already seeded database with its index built (a test class's shared fixture); the caller keeps
    /// ownership of the database, so do not dispose this one.
    /// </summary>
    public static DeliveryScenario Over(TestDatabase database) => new(database);

    /// <summary>A second engine over the same database and index, as another worker or a restarted process would be.</summary>
    public DeliveryEngine NewEngine() => ActivatorUtilities.CreateInstance<DeliveryEngine>(Database.Services);

    /// <summary>
    /// An engine with its own audience index built from the database now, as another process would have: it
    /// never hears of the other engines' sends, so only the database's re-check keeps it within the rules.
    /// </summary>
    public async Task<DeliveryEngine> NewProcessEngineAsync()
    {
        var index = ActivatorUtilities.CreateInstance<AudienceIndex>(Database.Services);
        await index.RebuildAsync(Database.Get<IAudienceSource>());
        return ActivatorUtilities.CreateInstance<DeliveryEngine>(Database.Services, index);
    }

    public async Task<int> AccountAsync(string name) => await Database.AccountIdAsync(name);

    /// <summary>An Active campaign of the account, its ad sent by the account's first granted sender.</summary>
    public async Task<int> LaunchAsync(
        int accountId, Targeting targeting, long bidCents, long lifetimeCents, long? dailyCents = null,
        DateTime? startAt = null, DateTime? endAt = null, DateTime? launchedAt = null, Action<Ad>? configureAd = null)
    {
        await using var db = Database.CreateContext();
        var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == accountId && p.Status == SenderPermissionStatus.Granted)
            .OrderBy(p => p.MemberId).Select(p => p.MemberId).FirstAsync();
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        var ad = new Ad
        {
            AdvertiserAccountId = accountId, Name = "Ad", Format = AdFormat.MessageAd, SenderMemberId = sender, Subject = "Hello",
            Body = "Hello %FIRSTNAME%", CtaText = "Go", CtaTarget = CtaTarget.LandingUrl, LandingUrl = "https://example.com",
            CreatedByUserId = "test", CreatedAt = now, UpdatedByUserId = "test", UpdatedAt = now,
        };
        configureAd?.Invoke(ad);
        db.Ads.Add(ad);
        await db.SaveChangesAsync();
        var campaign = new Campaign
        {
            AdvertiserAccountId = accountId, Name = $"Campaign {Guid.NewGuid():N}"[..20], Objective = CampaignObjective.WebsiteVisits, AdId = ad.Id,
            TargetingJson = targeting.ToJson(), AudienceName = "Test audience", BidCents = bidCents, LifetimeBudgetCents = lifetimeCents,
            DailyBudgetCents = dailyCents, StartAt = startAt ?? now.AddHours(-1), EndAt = endAt, Status = CampaignStatus.Active,
            LaunchedAt = launchedAt ?? now, CreatedByUserId = "test", CreatedAt = now, UpdatedByUserId = "test", UpdatedAt = now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();
        return campaign.Id;
    }

    public async Task<Campaign> CampaignAsync(int id)
    {
        await using var db = Database.CreateContext();
        return await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    public async Task<List<Delivery>> DeliveriesAsync(int campaignId)
    {
        await using var db = Database.CreateContext();
        return await db.Deliveries.AsNoTracking().Where(d => d.CampaignId == campaignId).OrderBy(d => d.Id).ToListAsync();
    }

    public async Task SetStatusAsync(int campaignId, CampaignStatus status)
    {
        await using var db = Database.CreateContext();
        await db.Campaigns.Where(c => c.Id == campaignId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, status));
    }

    /// <summary>Marks every member active at the clock's now, in the database and the index.</summary>
    public async Task EveryoneWasActiveJustNowAsync()
    {
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        await using (var db = Database.CreateContext())
        {
            await db.Members.ExecuteUpdateAsync(u => u.SetProperty(m => m.LastActiveAt, now));
        }
        await Index.RebuildAsync(Database.Get<IAudienceSource>());
    }

    public Task<InvariantReport> CheckInvariantsAsync()
    {
        var audience = Database.Get<IOptions<AudienceOptions>>().Value;
        var activity = Database.Get<IOptions<ActivityOptions>>().Value;
        return Database.Get<IDatabaseProviderServices>().CheckDeliveryInvariantsAsync(Database.Get<DatabaseConnection>().ConnectionString, audience.AnyAdvertiserCapDays,
            audience.SameAdvertiserCapDays, activity.ActiveWithinDays);
    }

    /// <summary>Invariant 4: tally cells that disagree with the raw events (0 when all agree).</summary>
    public Task<long> TallyMismatchesAsync() =>
        Database.Get<IDatabaseProviderServices>().TallyMismatchesAsync(Database.Get<DatabaseConnection>().ConnectionString);

    public static Targeting Countries(params string[] codes) => new([new(Facet.Location, codes)], []);

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Data.Postgres;

/// <summary>
/// The few rows a store test needs (accounts, members, Active campaigns, a send batch), written into a
/// <see cref="TestDatabase"/> of PostgreSQL (<see cref="TestDatabase.CreatePostgresAsync"/>: skipped without a server).
/// </summary>
public sealed class StoreTestData : IAsyncDisposable
{
    /// <summary>The database's clock at noon (UTC), so that every test's events stay inside one UTC day.</summary>
    public static readonly DateTime Now = TestDatabase.Now.UtcDateTime;

    private int _sequence;

    private StoreTestData(TestDatabase database) => Database = database;

    public TestDatabase Database { get; }
    public DatabaseConnection Connection => Database.Connection;
    public string ConnectionString => Connection.ConnectionString;
    public ChangeSignal Signal => Database.Get<ChangeSignal>();

    public static async Task<StoreTestData> PostgresAsync() => new(await TestDatabase.CreatePostgresAsync());

    public AppDbContext Context() => Database.CreateContext();

    public Task<long> ScalarAsync(string sql) => Database.ScalarAsync(sql);

    public async Task<int> AccountAsync(string name)
    {
        await using var db = Context();
        var account = new AdvertiserAccount { Name = name, Website = "https://example.com", LogoColor = "#123456", LogoInitials = "AB", CreatedAt = Now };
        db.AdvertiserAccounts.Add(account);
        await db.SaveChangesAsync();
        return account.Id;
    }

    /// <summary>Members active <paramref name="lastActiveDaysAgo"/> days ago, ascending ids.</summary>
    public async Task<List<int>> MembersAsync(int count, int lastActiveDaysAgo = 1)
    {
        await using var db = Context();
        var company = new Company { Name = $"Company {++_sequence}", Domain = "example.com", Industry = "Software", CountryCode = "US" };
        db.Companies.Add(company);
        var members = Enumerable.Range(0, count).Select(i => new Member
        {
            FirstName = "Ada", LastName = $"Member{_sequence}-{i}", Email = $"m{_sequence}-{i}@example.com", Headline = "Engineer",
            CountryCode = "US", Region = "CA", Industry = "Software", Company = company, JobTitle = "Engineer", JobFunction = "Engineering",
            ProfileLanguage = "en", LastActiveAt = Now.AddDays(-lastActiveDaysAgo),
        }).ToList();
        db.Members.AddRange(members);
        await db.SaveChangesAsync();
        return [.. members.Select(m => m.Id).Order()];
    }

    /// <summary>An Active campaign (with an ad whose sender is <paramref name="sender"/>), started yesterday.</summary>
    public async Task<int> CampaignAsync(int account, int sender, long bid, long lifetime, long? daily = null)
    {
        await using var db = Context();
        var ad = new Ad
        {
            AdvertiserAccountId = account, Name = $"Ad {++_sequence}", Format = AdFormat.MessageAd, SenderMemberId = sender, Subject = "Hello",
            LandingUrl = "https://example.com/landing", CreatedByUserId = "u", UpdatedByUserId = "u", CreatedAt = Now, UpdatedAt = Now,
        };
        db.Ads.Add(ad);
        await db.SaveChangesAsync();
        var campaign = new Campaign
        {
            AdvertiserAccountId = account, Name = $"Campaign {_sequence}", Objective = CampaignObjective.WebsiteVisits, AdId = ad.Id,
            BidCents = bid, LifetimeBudgetCents = lifetime, DailyBudgetCents = daily, StartAt = Now.AddDays(-1), Status = CampaignStatus.Active,
            LaunchedAt = Now.AddDays(-1), CreatedByUserId = "u", UpdatedByUserId = "u", CreatedAt = Now, UpdatedAt = Now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();
        return campaign.Id;
    }

    /// <summary>The campaign's (one) ad and its sender.</summary>
    public async Task<(int AdId, int Sender)> AdOfAsync(int campaignId)
    {
        await using var db = Context();
        var ad = await db.Campaigns.Where(c => c.Id == campaignId).Join(db.Ads, c => c.AdId, a => a.Id, (c, a) => new { a.Id, a.SenderMemberId }).SingleAsync();
        return (ad.Id, ad.SenderMemberId);
    }

    /// <summary>A batch at <see cref="Now"/> with the usual windows: active within 30 days, caps as given.</summary>
    public Task<SendBatch> BatchAsync(int campaignId, IReadOnlyList<int> candidates, int anyCapDays = 7, int sameCapDays = 30) =>
        BatchAtAsync(campaignId, candidates, Now, Now.AddDays(-30), Now.AddDays(-anyCapDays), Now.AddDays(-sameCapDays));

    /// <summary>A batch of the campaign's one ad at <paramref name="now"/> with the cutoffs given.</summary>
    public async Task<SendBatch> BatchAtAsync(int campaignId, IReadOnlyList<int> candidates, DateTime now, DateTime activeSince, DateTime anySince, DateTime sameSince)
    {
        var (ad, sender) = await AdOfAsync(campaignId);
        return new SendBatch(campaignId, ad, sender, candidates, now, activeSince, anySince, sameSince);
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

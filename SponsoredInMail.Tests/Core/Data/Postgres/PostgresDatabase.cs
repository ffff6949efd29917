using Microsoft.EntityFrameworkCore;
using Npgsql;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Tests.Core.Data.Postgres;

/// <summary>
/// A PostgreSQL database of its own for one test (<c>sim_test_&lt;guid&gt;</c>, dropped at the end), its schema made by
/// EnsureCreated from the same model, with a few seeding helpers. Skips the test when POSTGRES_CONNECTION is not set.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string Variable = "POSTGRES_CONNECTION";

    /// <summary>A fixed noon (UTC), so that every test's events stay inside one UTC day.</summary>
    public static readonly DateTime Now = new(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc);

    private readonly string _admin;
    private readonly string _name;
    private int _sequence;

    private PostgresDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }
    public ChangeSignal Signal { get; } = new();
    public DatabaseConnection Connection => new(ConnectionString);

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            Assert.Skip($"{Variable} is not set (e.g. Host=127.0.0.1;Port=5432;Username=sim;Password=sim).");
        }
        var admin = new NpgsqlConnectionStringBuilder(configured) { Database = "postgres", Pooling = false }.ToString();
        var name = $"sim_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var database = new PostgresDatabase(admin, name, new NpgsqlConnectionStringBuilder(configured) { Database = name }.ToString());
        await using var db = database.Context();
        await db.Database.EnsureCreatedAsync();
        return database;
    }

    public AppDbContext Context() => new(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(ConnectionString).Options);

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

    public async Task<int?> SenderOfAsync(int campaignId)
    {
        await using var db = Context();
        return await db.Campaigns.Where(c => c.Id == campaignId).Join(db.Ads, c => c.AdId, a => a.Id, (c, a) => (int?)a.SenderMemberId).SingleAsync();
    }

    /// <summary>A batch at <see cref="Now"/> with the usual windows: active within 30 days, caps as given.</summary>
    public async Task<SendBatch> BatchAsync(int campaignId, IReadOnlyList<int> candidates, int anyCapDays = 7, int sameCapDays = 30) =>
        new(campaignId, await SenderOfAsync(campaignId), candidates, Now, Now.AddDays(-30), Now.AddDays(-anyCapDays), Now.AddDays(-sameCapDays));

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var mine = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(mine);
        }
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Api;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>One account's things the API tests point at: a saved audience, an active ad and a draft campaign.</summary>
public sealed record AccountThings(int AccountId, int AudienceId, int AdId, int DraftCampaignId);

/// <summary>
/// The app with both demo accounts given an audience, an ad and a draft campaign, and tokens for them: Contoso
/// read-write and read-only (Maria, a Manager), Northwind read-write (Ben). A generous rate limit, so that the
/// limit never decides another test.
/// </summary>
public class ApiAppFactory : AppFactory
{
    private readonly Lazy<Task<ApiWorld>> _world;

    public ApiAppFactory() => _world = new(() => BuildWorldAsync());

    protected virtual int RequestsPerMinute => 100_000;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Api:RequestsPerMinute", RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task<ApiWorld> WorldAsync() => _world.Value;

    private Task<System.Text.Json.JsonElement>? _document;

    /// <summary>The app's OpenAPI document, read once.</summary>
    public Task<System.Text.Json.JsonElement> DocumentAsync() => _document ??= ReadDocumentAsync();

    private async Task<System.Text.Json.JsonElement> ReadDocumentAsync()
    {
        using var client = CreateBrowserlessClient();
        var text = await client.GetStringAsync("/openapi/v1.json");
        using var parsed = System.Text.Json.JsonDocument.Parse(text);
        return parsed.RootElement.Clone();
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// A client that sends <paramref name="secret"/> as its bearer token (none when null). Every answer it receives from
    /// the API is checked against the OpenAPI document (<see cref="ApiResponseContract"/>).
    /// </summary>
    public HttpClient Client(string? secret)
    {
        var client = CreateDefaultClient(new Uri("http://localhost"), new ApiResponseContract(DocumentAsync));
        if (secret is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
        return client;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async Task<string> TokenAsync(string email, string accountName, ApiTokenScope scope, string name = "Test token")
    {
        _ = Server;
        var userId = await UserIdAsync(email);
        var accountId = await AccountIdAsync(accountName);
        var created = await Get<ApiTokenService>().CreateAsync(userId, accountId, name, scope, TestContext.Current.CancellationToken);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return created.Value!.Secret;
    }

    /// <summary>A new draft of the account, complete enough to submit.</summary>
    public async Task<int> DraftAsync(AccountThings things, string name, CampaignStatus status = CampaignStatus.Draft)
    {
        await using var db = await CreateContextAsync();
        var now = DateTime.UtcNow;
        // Past Draft a campaign carries its audience's snapshot, written with it: the running delivery engine completes an
        // Active campaign without one ("no audience") in its next round, which once landed between an insert and a
        // later update and failed a test expecting the campaign still Active.
        var audience = status == CampaignStatus.Draft ? null
            : await db.SavedAudiences.AsNoTracking().SingleAsync(a => a.Id == things.AudienceId, TestContext.Current.CancellationToken);
        var campaign = new Campaign
        {
            AdvertiserAccountId = things.AccountId, Name = name, Objective = CampaignObjective.WebsiteVisits, SavedAudienceId = things.AudienceId,
            AdId = things.AdId, BidCents = 100, LifetimeBudgetCents = 10_000, Status = status,
            TargetingJson = audience?.TargetingJson, AudienceName = audience?.Name,
            // Tomorrow: the running delivery engine leaves an active test campaign alone.
            StartAt = now.AddDays(1), CreatedByUserId = "test", CreatedAt = now, UpdatedByUserId = "test", UpdatedAt = now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return campaign.Id;
    }

    public async Task<AppDbContext> CreateContextAsync() =>
        await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);

    public async Task<string> UserIdAsync(string email)
    {
        await using var db = await CreateContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync(TestContext.Current.CancellationToken);
    }

    public async Task<int> AccountIdAsync(string name)
    {
        await using var db = await CreateContextAsync();
        return await db.AdvertiserAccounts.Where(a => a.Name == name).Select(a => a.Id).SingleAsync(TestContext.Current.CancellationToken);
    }

    private async Task<ApiWorld> BuildWorldAsync()
    {
        _ = Server;
        var contoso = await ThingsAsync("Contoso Cloud");
        var northwind = await ThingsAsync("Northwind Analytics");
        return new ApiWorld(
            contoso, northwind,
            await TokenAsync("maria@contoso.example", "Contoso Cloud", ApiTokenScope.ReadWrite, "Contoso read-write"),
            await TokenAsync("maria@contoso.example", "Contoso Cloud", ApiTokenScope.ReadOnly, "Contoso read-only"),
            await TokenAsync("ben@northwind.example", "Northwind Analytics", ApiTokenScope.ReadWrite, "Northwind read-write"));
    }

    private async Task<AccountThings> ThingsAsync(string accountName)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await CreateContextAsync();
        var account = await db.AdvertiserAccounts.SingleAsync(a => a.Name == accountName, ct);
        var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == account.Id && p.Status == SenderPermissionStatus.Granted)
            .Select(p => p.MemberId).FirstAsync(ct);
        var manager = await db.AccountMemberships.Where(m => m.AdvertiserAccountId == account.Id && m.Role == AccountRole.Manager)
            .Select(m => m.UserId).FirstAsync(ct);
        var now = DateTime.UtcNow;
        var audience = new SavedAudience
        {
            AdvertiserAccountId = account.Id, Name = $"{accountName} engineers",
            TargetingJson = new Targeting([new FacetCriterion(Facet.Location, ["US"])], []).ToJson(),
            CreatedByUserId = manager, CreatedAt = now, UpdatedByUserId = manager, UpdatedAt = now,
        };
        var ad = new Ad
        {
            AdvertiserAccountId = account.Id, Name = $"{accountName} ad", Format = AdFormat.MessageAd, SenderMemberId = sender, Subject = "Hello",
            Body = "Hello there", CtaText = "Go", CtaTarget = CtaTarget.LandingUrl, LandingUrl = "https://example.com/landing",
            CreatedByUserId = manager, CreatedAt = now, UpdatedByUserId = manager, UpdatedAt = now,
        };
        db.SavedAudiences.Add(audience);
        db.Ads.Add(ad);
        await db.SaveChangesAsync(ct);
        var things = new AccountThings(account.Id, audience.Id, ad.Id, 0);
        return things with { DraftCampaignId = await DraftAsync(things, $"{accountName} draft") };
    }
}

public sealed record ApiWorld(AccountThings Contoso, AccountThings Northwind, string ContosoReadWrite, string ContosoReadOnly, string NorthwindReadWrite);

/// <summary>The API test classes share one app: its start-up and seeding is the slow part.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiAppFactory>
{
    public const string Name = "api";
}

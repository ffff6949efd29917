using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Variants;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Variants;

/// <summary>
/// A small network (the launch minimum lowered to fit it) and campaigns with several ads, taken through draft,
/// review and launch by the real services: Maria manages Contoso and views Northwind; Ben manages Northwind.
/// </summary>
public sealed class VariantScene : IAsyncDisposable
{
    private VariantScene(TestDatabase db) => Database = db;

    public TestDatabase Database { get; }
    public string Maria { get; private set; } = "";
    public string Ben { get; private set; } = "";
    public string Admin { get; private set; } = "";
    public int Contoso { get; private set; }
    public int Northwind { get; private set; }

    public CampaignService Campaigns => Database.Get<CampaignService>();
    public ReviewService Reviews => Database.Get<ReviewService>();
    public VariantService Variants => Database.Get<VariantService>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<VariantScene> CreateAsync()
    {
        var db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?> { ["Audiences:MinimumAudienceSize"] = "20" });
        await db.SeedAsync(600);
        await db.Get<AudienceIndex>().RebuildAsync(db.Get<IAudienceSource>());
        var scene = new VariantScene(db);
        (scene.Maria, scene.Ben, scene.Contoso, scene.Northwind) = await db.DemoCastAsync();
        scene.Admin = await db.UserIdAsync("admin@sponsoredinmail.example");
        return scene;
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();

    /// <summary>The account's manager: Maria for Contoso, Ben for Northwind.</summary>
    public string ManagerOf(int account) => account == Contoso ? Maria : Ben;

    public async Task<int> AdAsync(int account, string name)
    {
        await using var db = Database.CreateContext();
        var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == account && p.Status == SenderPermissionStatus.Granted)
            .Select(p => p.MemberId).FirstAsync(Ct);
        var created = await Database.Get<AdService>().CreateAsync(ManagerOf(account), account,
            new AdInput(name, AdFormat.MessageAd, sender, $"{name} subject", "Hello", "Go", CtaTarget.LandingUrl, "https://example.com/" + Uri.EscapeDataString(name)), Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return created.Value;
    }

    /// <summary>A draft of <paramref name="adCount"/> new ads (A, B, …) to the whole network, returned with its ads in order.</summary>
    public async Task<(int Campaign, IReadOnlyList<int> Ads)> DraftAsync(int account, int adCount, AbTestMetric? abTest = null, AdRotation rotation = AdRotation.Even)
    {
        var manager = ManagerOf(account);
        await using var read = Database.CreateContext();
        var countries = await read.Members.Select(m => m.CountryCode).Distinct().ToListAsync(Ct);
        var audience = await Database.Get<AudienceService>().CreateAsync(manager, account, $"Everyone {Guid.NewGuid():N}", new Targeting([new(Facet.Location, countries)], []), Ct);
        audience.Succeeded.ShouldBeTrue(audience.Outcome.ToString());
        var ads = new List<int>();
        for (var i = 0; i < adCount; i++)
        {
            ads.Add(await AdAsync(account, $"Ad {CampaignAdView.LetterOf(i)} {Guid.NewGuid():N}"));
        }
        var input = new CampaignInput($"Variants {Guid.NewGuid():N}", CampaignObjective.WebsiteVisits, audience.Value, ads[0], 60, 50_000, null, null, null,
            ads, rotation, abTest);
        var created = await Campaigns.CreateDraftAsync(manager, account, input, Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return (created.Value, ads);
    }

    /// <summary>A draft submitted for review.</summary>
    public async Task<(int Campaign, IReadOnlyList<int> Ads)> InReviewAsync(int account, int adCount, AbTestMetric? abTest = null)
    {
        var draft = await DraftAsync(account, adCount, abTest);
        var submitted = await Campaigns.SubmitAsync(ManagerOf(account), account, draft.Campaign, Ct);
        submitted.Succeeded.ShouldBeTrue(submitted.ToString());
        return draft;
    }

    /// <summary>Submitted, approved with all its ads and launched.</summary>
    public async Task<(int Campaign, IReadOnlyList<int> Ads)> ActiveAsync(int account, int adCount, AbTestMetric? abTest = null)
    {
        var campaign = await InReviewAsync(account, adCount, abTest);
        (await Reviews.ApproveAsync(Admin, campaign.Campaign, Ct)).Succeeded.ShouldBeTrue();
        var launched = await Campaigns.LaunchAsync(ManagerOf(account), account, campaign.Campaign, Ct);
        launched.Succeeded.ShouldBeTrue(launched.ToString());
        return campaign;
    }

    public async Task<Campaign> CampaignAsync(int id)
    {
        await using var db = Database.CreateContext();
        return await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id, Ct);
    }

    public async Task<IReadOnlyList<CampaignAd>> CampaignAdsAsync(int id)
    {
        await using var db = Database.CreateContext();
        return await CampaignVariants.ListAsync(db, id, Ct);
    }
}

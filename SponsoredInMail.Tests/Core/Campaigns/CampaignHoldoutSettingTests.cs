using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Campaigns;

/// <summary>A campaign's holdout share: 0–20%, set with the draft, changeable until launch and fixed after, audited.</summary>
public class CampaignHoldoutSettingTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private CampaignService _campaigns = default!;
    private string _maria = "";
    private int _contoso;
    private int _audience;
    private int _ad;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CampaignInput Draft(int holdout = 0) =>
        new("Lift test", CampaignObjective.WebsiteVisits, _audience, _ad, 60, 50_000, null, null, null, HoldoutPercent: holdout);

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?> { ["Audiences:MinimumAudienceSize"] = "20" });
        await _db.SeedAsync(600);
        await _db.Get<AudienceIndex>().RebuildAsync(_db.Get<IAudienceSource>());
        _campaigns = _db.Get<CampaignService>();
        (_maria, _, _contoso, _) = await _db.DemoCastAsync();
        _audience = (await _db.Get<AudienceService>().CreateAsync(_maria, _contoso, "US", new Targeting([new(Facet.Location, ["US"])], []), Ct)).Value;
        await using var db = _db.CreateContext();
        var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == _contoso && p.Status == SenderPermissionStatus.Granted).Select(p => p.MemberId).FirstAsync(Ct);
        _ad = (await _db.Get<AdService>().CreateAsync(_maria, _contoso, new AdInput("Ad", AdFormat.MessageAd, sender, "Hi", "Hello", "Go", CtaTarget.LandingUrl, "https://contoso.example"), Ct)).Value;
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Theory]
    [InlineData(-1)]
    [InlineData(21)]
    [InlineData(100)]
    public async Task AHoldoutOutsideZeroToTwentyIsAFieldErrorAndNothingIsSaved(int percent)
    {
        var result = await _campaigns.CreateDraftAsync(_maria, _contoso, Draft(percent), Ct);

        result.Outcome.ErrorFor("holdout").ShouldBe("The holdout is between 0% and 20% of the audience.");
        await using var db = _db.CreateContext();
        (await db.Campaigns.CountAsync(Ct)).ShouldBe(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(20)]
    public async Task AHoldoutFromZeroToTwentyIsSaved(int percent)
    {
        var id = (await _campaigns.CreateDraftAsync(_maria, _contoso, Draft(percent), Ct)).Value;

        (await _campaigns.GetAsync(_maria, _contoso, id, Ct))!.HoldoutPercent.ShouldBe(percent);
    }

    [Fact]
    public async Task EditingADraftsHoldoutIsAuditedAsAChangedSetting()
    {
        var id = (await _campaigns.CreateDraftAsync(_maria, _contoso, Draft(), Ct)).Value;

        (await _campaigns.UpdateDraftAsync(_maria, _contoso, id, Draft(15), Ct)).Succeeded.ShouldBeTrue();

        (await _campaigns.GetAsync(_maria, _contoso, id, Ct))!.HoldoutPercent.ShouldBe(15);
        await using var db = _db.CreateContext();
        var entry = await db.AuditLog.Where(e => e.EntityId == id.ToString() && e.Action == "settings changed").SingleAsync(Ct);
        entry.Before.ShouldBe("""{"holdoutPercent":0}""");
        entry.After.ShouldBe("""{"holdoutPercent":15}""");
    }

    [Fact]
    public async Task TheHoldoutChangesInReviewAndWhenApprovedButNotAfterLaunch()
    {
        var id = (await _campaigns.CreateDraftAsync(_maria, _contoso, Draft(5), Ct)).Value;
        (await _campaigns.SubmitAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();

        (await _campaigns.SetHoldoutAsync(_maria, _contoso, id, 10, Ct)).Succeeded.ShouldBeTrue();
        (await _campaigns.SetHoldoutAsync(_maria, _contoso, id, 25, Ct)).ErrorFor("holdout").ShouldBe("The holdout is between 0% and 20% of the audience.");
        var admin = await _db.UserIdAsync("admin@sponsoredinmail.example");
        (await _db.Get<ReviewService>().ApproveAsync(admin, id, Ct)).Succeeded.ShouldBeTrue();
        (await _campaigns.SetHoldoutAsync(_maria, _contoso, id, 20, Ct)).Succeeded.ShouldBeTrue();
        (await _campaigns.LaunchAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();

        (await _campaigns.SetHoldoutAsync(_maria, _contoso, id, 0, Ct)).ErrorFor("status")
            .ShouldBe("The holdout cannot change once a campaign has launched; this one is active.");
        // Running settings keep it.
        (await _campaigns.UpdateRunningAsync(_maria, _contoso, id, 70, 60_000, null, null, Ct)).Succeeded.ShouldBeTrue();
        (await _campaigns.PauseAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();
        (await _campaigns.SetHoldoutAsync(_maria, _contoso, id, 0, Ct)).Succeeded.ShouldBeFalse();
        (await _campaigns.GetAsync(_maria, _contoso, id, Ct))!.HoldoutPercent.ShouldBe(20);
        await using var db = _db.CreateContext();
        (await db.AuditLog.CountAsync(e => e.EntityId == id.ToString() && e.Action == "settings changed" && e.After!.Contains("holdoutPercent"), Ct)).ShouldBe(2);
    }

    [Fact]
    public async Task AViewerCannotChangeTheHoldout()
    {
        var (maria, ben, _, northwind) = await _db.DemoCastAsync();
        await using (var db = _db.CreateContext())
        {
            var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == northwind && p.Status == SenderPermissionStatus.Granted).Select(p => p.MemberId).FirstAsync(Ct);
            var ad = (await _db.Get<AdService>().CreateAsync(ben, northwind, new AdInput("Ad", AdFormat.MessageAd, sender, "Hi", "Hello", "Go", CtaTarget.LandingUrl, "https://northwind.example"), Ct)).Value;
            var id = (await _campaigns.CreateDraftAsync(ben, northwind, Draft() with { SavedAudienceId = null, AdId = ad }, Ct)).Value;

            (await _campaigns.SetHoldoutAsync(maria, northwind, id, 10, Ct)).Succeeded.ShouldBeFalse();
            (await _campaigns.GetAsync(ben, northwind, id, Ct))!.HoldoutPercent.ShouldBe(0);
        }
    }

    [Fact]
    public async Task ADuplicateKeepsTheHoldout()
    {
        var id = (await _campaigns.CreateDraftAsync(_maria, _contoso, Draft(12), Ct)).Value;

        var copy = (await _campaigns.DuplicateAsync(_maria, _contoso, id, Ct)).Value;

        (await _campaigns.GetAsync(_maria, _contoso, copy, Ct))!.HoldoutPercent.ShouldBe(12);
    }
}

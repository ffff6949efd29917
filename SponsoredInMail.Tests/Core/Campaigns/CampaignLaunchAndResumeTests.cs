using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Campaigns;

/// <summary>Launch starts an approved campaign; resume restarts a paused one; neither does the other's job.</summary>
public class CampaignLaunchAndResumeTests : IAsyncLifetime
{
    private DeliveryScenario _s = default!;
    private CampaignService _campaigns = default!;
    private string _maria = "";
    private int _contoso;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _s = await DeliveryScenario.CreateAsync(settings: new Dictionary<string, string?> { ["Audiences:MinimumAudienceSize"] = "20" });
        _campaigns = _s.Database.Get<CampaignService>();
        _maria = await _s.Database.UserIdAsync("maria@contoso.example");
        _contoso = await _s.AccountAsync("Contoso Cloud");
    }

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    private async Task<int> CampaignAsync(CampaignStatus status)
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000);
        await _s.SetStatusAsync(id, status);
        return id;
    }

    [Fact]
    public async Task ResumingAnApprovedCampaignIsRefusedAndDoesNotLaunchIt()
    {
        var id = await CampaignAsync(CampaignStatus.Approved);

        var resumed = await _campaigns.ResumeAsync(_maria, _contoso, id, Ct);

        resumed.ErrorFor("status").ShouldBe("Only a paused campaign can be resumed; this one is approved and has never run: launch it instead.");
        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Approved);
    }

    [Fact]
    public async Task LaunchingAPausedCampaignIsRefused()
    {
        var id = await CampaignAsync(CampaignStatus.Paused);

        var launched = await _campaigns.LaunchAsync(_maria, _contoso, id, Ct);

        launched.ErrorFor("status").ShouldBe("Only an approved campaign can be launched; this one is paused: resume it instead.");
        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Paused);
    }

    [Fact]
    public async Task LaunchStartsAnApprovedCampaignAndResumeAPausedOne()
    {
        var approved = await CampaignAsync(CampaignStatus.Approved);
        var paused = await CampaignAsync(CampaignStatus.Paused);

        (await _campaigns.LaunchAsync(_maria, _contoso, approved, Ct)).Succeeded.ShouldBeTrue();
        (await _campaigns.ResumeAsync(_maria, _contoso, paused, Ct)).Succeeded.ShouldBeTrue();

        (await _s.CampaignAsync(approved)).Status.ShouldBe(CampaignStatus.Active);
        (await _s.CampaignAsync(paused)).Status.ShouldBe(CampaignStatus.Active);
    }

    [Fact]
    public async Task ADraftSavedWithoutAStartStartsWhenSaved()
    {
        var input = new CampaignInput("No start", CampaignObjective.WebsiteVisits, null, null, 50, 10_000, null, null, null);

        var created = await _campaigns.CreateDraftAsync(_maria, _contoso, input, Ct);

        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        (await _s.CampaignAsync(created.Value)).StartAt.ShouldBe(_s.Database.Clock.GetUtcNow().UtcDateTime);
    }
}

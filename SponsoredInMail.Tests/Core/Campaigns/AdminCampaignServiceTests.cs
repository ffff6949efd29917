using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Campaigns;

/// <summary>An admin pauses, cancels and resumes any campaign, with a reason, in the history and the audit log.</summary>
public class AdminCampaignServiceTests : IAsyncLifetime
{
    private DeliveryScenario _s = default!;
    private AdminCampaignService _admin = default!;
    private CampaignService _campaigns = default!;
    private string _adminId = "";
    private string _maria = "";
    private int _contoso;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _s = await DeliveryScenario.CreateAsync(settings: new Dictionary<string, string?> { ["Delivery:BatchSize"] = "50" });
        _admin = _s.Database.Get<AdminCampaignService>();
        _campaigns = _s.Database.Get<CampaignService>();
        _adminId = await _s.Database.UserIdAsync("admin@sponsoredinmail.example");
        _maria = await _s.Database.UserIdAsync("maria@contoso.example");
        _contoso = await _s.AccountAsync("Contoso Cloud");
    }

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    private Task<int> ActiveAsync() => _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000);

    [Fact]
    public async Task AnAdminPauseStopsDeliveryAndIsInTheHistoryAndAuditWithTheReason()
    {
        var id = await ActiveAsync();

        var paused = await _admin.PauseAsync(_adminId, id, "  Misleading claim in the subject.  ", Ct);

        paused.Succeeded.ShouldBeTrue(paused.ToString());
        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Paused);
        (await _s.Engine.RunUntilIdleAsync(Ct)).ShouldBe(0);
        (await _s.DeliveriesAsync(id)).ShouldBeEmpty();
        await using var db = _s.Database.CreateContext();
        var change = await db.CampaignStatusChanges.SingleAsync(h => h.CampaignId == id, Ct);
        (change.From, change.To, change.ActorUserId, change.Reason).ShouldBe((CampaignStatus.Active, CampaignStatus.Paused, _adminId, "Misleading claim in the subject."));
        var audit = await db.AuditLog.SingleAsync(e => e.EntityType == "Campaign" && e.EntityId == id.ToString(), Ct);
        (audit.ActorUserId, audit.Action, audit.AdvertiserAccountId).ShouldBe((_adminId, "paused by admin", _contoso));
        audit.After!.ShouldContain("Misleading claim in the subject.");
    }

    [Fact]
    public async Task AnAdminCancelEndsTheCampaignForGood()
    {
        var id = await ActiveAsync();

        (await _admin.CancelAsync(_adminId, id, "The advertiser asked us to stop it.", Ct)).Succeeded.ShouldBeTrue();

        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Canceled);
        (await _s.Engine.RunUntilIdleAsync(Ct)).ShouldBe(0);
        (await _campaigns.ResumeAsync(_maria, _contoso, id, Ct)).ErrorFor("status").ShouldNotBeNull();
        await using var db = _s.Database.CreateContext();
        (await db.AuditLog.SingleAsync(e => e.EntityId == id.ToString(), Ct)).Action.ShouldBe("canceled by admin");
        (await db.CampaignStatusChanges.SingleAsync(h => h.CampaignId == id, Ct)).Reason.ShouldBe("The advertiser asked us to stop it.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task PauseAndCancelWithoutAReasonAreRefusedAndChangeNothing(string? reason)
    {
        var id = await ActiveAsync();

        var pause = await _admin.PauseAsync(_adminId, id, reason, Ct);
        var cancel = await _admin.CancelAsync(_adminId, id, reason, Ct);

        pause.ErrorFor("reason").ShouldBe("Give a reason: the marketer reads it on the campaign page.");
        cancel.ErrorFor("reason").ShouldBe("Give a reason: the marketer reads it on the campaign page.");
        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Active);
        await using var db = _s.Database.CreateContext();
        (await db.CampaignStatusChanges.CountAsync(h => h.CampaignId == id, Ct)).ShouldBe(0);
        (await db.AuditLog.CountAsync(e => e.EntityId == id.ToString(), Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task AMarketerCannotPauseOrCancelAsAnAdmin()
    {
        var id = await ActiveAsync();

        (await _admin.PauseAsync(_maria, id, "Because.", Ct)).ErrorFor("account").ShouldBe("Only an admin can pause, cancel or resume any campaign.");
        (await _admin.CancelAsync(_maria, id, "Because.", Ct)).ErrorFor("account").ShouldNotBeNull();
        (await _admin.ListAsync(_maria, ct: Ct)).ShouldBeEmpty();

        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Active);
    }

    [Fact]
    public async Task OnlyAnAdminResumesWhatAnAdminPaused()
    {
        var id = await ActiveAsync();
        (await _admin.PauseAsync(_adminId, id, "Checking the landing page.", Ct)).Succeeded.ShouldBeTrue();

        var byMarketer = await _campaigns.ResumeAsync(_maria, _contoso, id, Ct);
        var statusAfterMarketer = (await _s.CampaignAsync(id)).Status;
        var byAdmin = await _admin.ResumeAsync(_adminId, id, ct: Ct);

        byMarketer.ErrorFor("status").ShouldBe("An admin paused this campaign (Checking the landing page.); only an admin can resume it.");
        statusAfterMarketer.ShouldBe(CampaignStatus.Paused);
        byAdmin.Succeeded.ShouldBeTrue();
        (await _s.Engine.RunUntilIdleAsync(Ct)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task AMarketerStillResumesWhatTheyPausedThemselves()
    {
        var id = await ActiveAsync();
        (await _campaigns.PauseAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();

        (await _campaigns.ResumeAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();

        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Active);
    }

    [Fact]
    public async Task TheAdminListShowsEveryAccountsCampaigns()
    {
        var mine = await ActiveAsync();
        var theirs = await _s.LaunchAsync(await _s.AccountAsync("Northwind Analytics"), DeliveryScenario.Countries("US"), 50, 10_000);

        var rows = await _admin.ListAsync(_adminId, ct: Ct);

        rows.Select(r => r.Id).ShouldBe([mine, theirs], ignoreOrder: true);
        rows.Single(r => r.Id == theirs).AccountName.ShouldBe("Northwind Analytics");
    }
}

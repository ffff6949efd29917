using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Campaigns;

/// <summary>Why a campaign sends nothing, each reason from a real database, the real engine and a fake clock.</summary>
public class CampaignSendingStatesTests : IAsyncLifetime
{
    private DeliveryScenario _s = default!;
    private CampaignSendingStates _states = default!;
    private int _contoso;
    private int _northwind;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private DateTime Now => _s.Database.Clock.GetUtcNow().UtcDateTime;

    public async ValueTask InitializeAsync()
    {
        _s = await DeliveryScenario.CreateAsync(settings: new Dictionary<string, string?> { ["Delivery:BatchSize"] = "200" });
        _states = _s.Database.Get<CampaignSendingStates>();
        _contoso = await _s.AccountAsync("Contoso Cloud");
        _northwind = await _s.AccountAsync("Northwind Analytics");
    }

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task AnActiveCampaignThatIsSendingHasNothingToExplain()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000);

        var state = await _states.ExplainAsync(id, Ct);

        state.ShouldBe(CampaignSendingState.Sending);
    }

    [Fact]
    public async Task ALaunchedCampaignWithALaterStartSaysWhenItStarts()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000, startAt: Now.AddMinutes(47));

        var state = await _states.ExplainAsync(id, Ct);

        state.Hold.ShouldBe(SendingHold.Scheduled);
        state.Why.ShouldBe("Scheduled — starts 12:47 UTC (in 47 min)");
        (await _s.Engine.RunUntilIdleAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task ACampaignOutOfTodaysBudgetSaysItResumesAtMidnight()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000, dailyCents: 500);
        (await _s.Engine.RunUntilIdleAsync(Ct)).ShouldBe(10);

        var state = await _states.ExplainAsync(id, Ct);

        state.Hold.ShouldBe(SendingHold.DailyBudgetReached);
        state.Why.ShouldBe("Daily budget reached — resumes 00:00 UTC (in 12 h)");
    }

    [Fact]
    public async Task ACampaignWhoseAudienceWasCappedByAnotherAdvertiserSaysHowManyUntilWhen()
    {
        await _s.EveryoneWasActiveJustNowAsync();
        var us = DeliveryScenario.Countries("US");
        await _s.LaunchAsync(_northwind, us, 50, 10_000_000);
        await _s.Engine.RunUntilIdleAsync(Ct);
        _s.Database.Clock.Advance(TimeSpan.FromDays(2));
        var id = await _s.LaunchAsync(_contoso, us, 50, 10_000_000);
        var capped = _s.Index.Count(us, _contoso, await SenderAsync(id)).FrequencyCapped;
        capped.ShouldBeGreaterThan(0);

        await _s.Engine.RunUntilIdleAsync(Ct);
        var state = await _states.ExplainAsync(id, Ct);

        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Completed);
        state.Hold.ShouldBe(SendingHold.EveryoneReachableSent);
        // Northwind's sends were on 23 Nov at 12:00; the 30-day any-advertiser cap lets them go on 23 Dec.
        state.Why.ShouldBe($"Everyone reachable has been sent; {capped:N0} capped until 23 Dec");
    }

    [Fact]
    public async Task ACampaignPausedByItsManagerNamesThem()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000);
        var maria = await _s.Database.UserIdAsync("maria@contoso.example");
        (await _s.Database.Get<CampaignService>().PauseAsync(maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();

        var state = await _states.ExplainAsync(id, Ct);

        state.Hold.ShouldBe(SendingHold.Paused);
        state.Why.ShouldBe("Paused by Maria Garcia on 23 Nov 2026 12:00 UTC");
    }

    [Fact]
    public async Task ACampaignPausedByAnAdminSaysSoWithTheReason()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000);
        var admin = await _s.Database.UserIdAsync("admin@sponsoredinmail.example");
        (await _s.Database.Get<AdminCampaignService>().PauseAsync(admin, id, "The landing page is down.", Ct)).Succeeded.ShouldBeTrue();

        var state = await _states.ExplainAsync(id, Ct);

        state.Hold.ShouldBe(SendingHold.PausedByAdmin);
        state.Why.ShouldBe("Paused by an admin: The landing page is down.");
    }

    [Fact]
    public async Task ACampaignCompletedAtItsEndDateSaysTheEndPassed()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000, startAt: Now.AddHours(1), endAt: Now.AddHours(2));
        _s.Database.Clock.Advance(TimeSpan.FromHours(3));

        await _s.Engine.RunUntilIdleAsync(Ct);
        var state = await _states.ExplainAsync(id, Ct);

        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Completed);
        state.Hold.ShouldBe(SendingHold.EndDatePassed);
        state.Why.ShouldBe("Ended — the end date (23 Nov 2026 14:00 UTC) has passed");
    }

    [Fact]
    public async Task ACampaignThatSpentItsLifetimeBudgetSaysSo()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 100);

        await _s.Engine.RunUntilIdleAsync(Ct);
        var state = await _states.ExplainAsync(id, Ct);

        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Completed);
        state.Hold.ShouldBe(SendingHold.LifetimeBudgetSpent);
        state.Why.ShouldBe("Lifetime budget spent — $1.00 of $1.00");
    }

    [Theory]
    [InlineData(30, "in 30 min")]
    [InlineData(0.5, "in 1 min")]
    [InlineData(185, "in 3 h 5 min")]
    [InlineData(120, "in 2 h")]
    [InlineData(4 * 24 * 60 + 7, "in 4 days")]
    public void RelativeTimesRoundUpToTheMinute(double minutes, string expected) =>
        CampaignSendingStates.In(TimeSpan.FromMinutes(minutes)).ShouldBe(expected);

    private async Task<int?> SenderAsync(int campaignId)
    {
        await using var db = _s.Database.CreateContext();
        var adId = (await _s.CampaignAsync(campaignId)).AdId;
        return db.Ads.Where(a => a.Id == adId).Select(a => (int?)a.SenderMemberId).FirstOrDefault();
    }
}

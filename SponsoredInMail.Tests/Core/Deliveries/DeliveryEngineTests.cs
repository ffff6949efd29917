using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Deliveries;

/// <summary>The delivery engine against a real SQLite database: who gets sent, what it costs, when it stops.</summary>
public class DeliveryEngineTests : IAsyncLifetime
{
    private DeliveryScenario _s = default!;
    private int _contoso;
    private int _northwind;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _s = await DeliveryScenario.CreateAsync(settings: new Dictionary<string, string?> { ["Delivery:BatchSize"] = "100" });
        _contoso = await _s.AccountAsync("Contoso Cloud");
        _northwind = await _s.AccountAsync("Northwind Analytics");
    }

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task EveryDeliverableMemberGetsExactlyOneSendAndTheCampaignCompletes()
    {
        var us = DeliveryScenario.Countries("US");
        var id = await _s.LaunchAsync(_contoso, us, 50, 10_000_000);
        var deliverable = _s.Index.Count(us, _contoso, (await SenderAsync(id))).Deliverable;
        deliverable.ShouldBeGreaterThan(100);

        await _s.Engine.RunUntilIdleAsync(Ct);

        var deliveries = await _s.DeliveriesAsync(id);
        deliveries.Count.ShouldBe(deliverable);
        deliveries.Select(d => d.MemberId).Distinct().Count().ShouldBe(deliverable);
        deliveries.ShouldAllBe(d => d.PriceCents == 50);
        var campaign = await _s.CampaignAsync(id);
        campaign.Status.ShouldBe(CampaignStatus.Completed);
        campaign.SpentCents.ShouldBe(50L * deliverable);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task TheIndexCountsEverySentMemberAsCappedAtOnce()
    {
        var us = DeliveryScenario.Countries("US");
        var id = await _s.LaunchAsync(_contoso, us, 50, 10_000_000);
        var sender = await SenderAsync(id);
        _s.Index.Count(us, _contoso, sender).FrequencyCapped.ShouldBe(0);

        await _s.Engine.RunUntilIdleAsync(Ct);

        var after = _s.Index.Count(us, _contoso, sender);
        after.Deliverable.ShouldBe(0);
        after.FrequencyCapped.ShouldBe((await _s.DeliveriesAsync(id)).Count);
    }

    [Fact]
    public async Task ADailyBudgetForExactlyThreeSendsSendsThreeAndResumesTheNextDay()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000, dailyCents: 150);

        await _s.Engine.RunUntilIdleAsync(Ct);
        (await _s.DeliveriesAsync(id)).Count.ShouldBe(3);
        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Active);

        _s.Database.Clock.Advance(TimeSpan.FromDays(1));
        await _s.Engine.RunUntilIdleAsync(Ct);

        var deliveries = await _s.DeliveriesAsync(id);
        deliveries.Count.ShouldBe(6);
        deliveries.GroupBy(d => d.DeliveredAt.Date).Select(g => g.Sum(d => d.PriceCents)).ShouldAllBe(spend => spend == 150);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task ADailyBudgetThatIsNotAMultipleOfTheBidNeverOverspendsByACent()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 70, 10_000, dailyCents: 200);

        await _s.Engine.RunUntilIdleAsync(Ct);

        (await _s.CampaignAsync(id)).SpentCents.ShouldBe(140);
    }

    [Fact]
    public async Task ALifetimeBudgetSmallerThanOneBidSendsNothingAndCompletes()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 49);

        await _s.Engine.RunUntilIdleAsync(Ct);

        (await _s.DeliveriesAsync(id)).ShouldBeEmpty();
        var campaign = await _s.CampaignAsync(id);
        campaign.Status.ShouldBe(CampaignStatus.Completed);
        campaign.SpentCents.ShouldBe(0);
        await using var db = _s.Database.CreateContext();
        (await db.CampaignStatusChanges.SingleAsync(h => h.CampaignId == id, Ct)).Reason.ShouldBe("The lifetime budget is spent.");
    }

    [Fact]
    public async Task TheLifetimeBudgetStopsTheCampaignAtTheLastWholeSend()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 60, 1_000);

        await _s.Engine.RunUntilIdleAsync(Ct);

        var campaign = await _s.CampaignAsync(id);
        campaign.SpentCents.ShouldBe(960);
        campaign.Status.ShouldBe(CampaignStatus.Completed);
    }

    [Fact]
    public async Task ABidChangedWhileRunningChargesTheNewBidFromTheNextBatch()
    {
        var (maria, id) = await ManagedCampaignAsync(bid: 50);
        await _s.Engine.RunRoundAsync(Ct);
        var campaign = await _s.CampaignAsync(id);

        (await _s.Database.Get<CampaignService>().UpdateRunningAsync(maria, _contoso, id, 80, campaign.LifetimeBudgetCents, null, null, Ct)).Succeeded.ShouldBeTrue();
        await _s.Engine.RunRoundAsync(Ct);

        var deliveries = await _s.DeliveriesAsync(id);
        deliveries.Take(100).ShouldAllBe(d => d.PriceCents == 50);
        deliveries.Skip(100).ShouldAllBe(d => d.PriceCents == 80);
        deliveries.Count.ShouldBe(200);
        (await _s.CampaignAsync(id)).SpentCents.ShouldBe(100 * 50 + 100 * 80);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task ABudgetLoweredBelowTheSpendStopsTheCampaignAndRefundsNothing()
    {
        var (maria, id) = await ManagedCampaignAsync(bid: 50);
        await _s.Engine.RunRoundAsync(Ct);
        (await _s.CampaignAsync(id)).SpentCents.ShouldBe(5_000);

        (await _s.Database.Get<CampaignService>().UpdateRunningAsync(maria, _contoso, id, 50, 1_000, null, null, Ct)).Succeeded.ShouldBeTrue();
        await _s.Engine.RunUntilIdleAsync(Ct);
        await _s.Engine.RunUntilIdleAsync(Ct);

        var campaign = await _s.CampaignAsync(id);
        campaign.Status.ShouldBe(CampaignStatus.Completed);
        campaign.SpentCents.ShouldBe(5_000);
        campaign.LifetimeBudgetCents.ShouldBe(5_000);
        (await _s.DeliveriesAsync(id)).Count.ShouldBe(100);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task TheHigherBidWinsEveryContestedMember()
    {
        var us = DeliveryScenario.Countries("US");
        var low = await _s.LaunchAsync(_contoso, us, 40, 10_000_000);
        var high = await _s.LaunchAsync(_northwind, us, 90, 10_000_000);
        var highCanReach = await ReachableAsync(high);

        await _s.Engine.RunUntilIdleAsync(Ct);

        (await _s.DeliveriesAsync(high)).Count.ShouldBe(highCanReach.Count);
        // The low bidder only gets members the high bidder cannot reach (opted out of it, say).
        (await _s.DeliveriesAsync(low)).ShouldAllBe(d => !highCanReach.Contains(d.MemberId));
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task OnEqualBidsTheEarlierLaunchWins()
    {
        var us = DeliveryScenario.Countries("US");
        var now = _s.Database.Clock.GetUtcNow().UtcDateTime;
        var later = await _s.LaunchAsync(_contoso, us, 60, 10_000_000, launchedAt: now);
        var earlier = await _s.LaunchAsync(_northwind, us, 60, 10_000_000, launchedAt: now.AddMinutes(-5));
        var earlierCanReach = await ReachableAsync(earlier);

        await _s.Engine.RunUntilIdleAsync(Ct);

        (await _s.DeliveriesAsync(earlier)).Count.ShouldBe(earlierCanReach.Count);
        (await _s.DeliveriesAsync(later)).ShouldAllBe(d => !earlierCanReach.Contains(d.MemberId));
    }

    [Fact]
    public async Task ALowerBidderGetsTheMembersTheHigherBidderCannotAffordToday()
    {
        var us = DeliveryScenario.Countries("US");
        var low = await _s.LaunchAsync(_contoso, us, 40, 10_000_000);
        var high = await _s.LaunchAsync(_northwind, us, 90, 10_000_000, dailyCents: 900);

        await _s.Engine.RunUntilIdleAsync(Ct);

        (await _s.DeliveriesAsync(high)).Count.ShouldBe(10);
        (await _s.DeliveriesAsync(low)).Count.ShouldBeGreaterThan(100);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task OptOutsAndCapsAreReCheckedInTheDatabaseEvenWhenTheIndexDoesNotKnow()
    {
        var us = DeliveryScenario.Countries("US");
        var id = await _s.LaunchAsync(_contoso, us, 50, 10_000_000);
        var sender = (await SenderAsync(id))!.Value;
        var candidates = await ActiveUsMembersAsync(4);
        var now = _s.Database.Clock.GetUtcNow().UtcDateTime;
        var other = await _s.LaunchAsync(_northwind, us, 50, 1_000);
        await using (var db = _s.Database.CreateContext())
        {
            // Written straight to the database: the index hears of none of it.
            db.MemberOptOuts.AddRange(
                new MemberOptOut { MemberId = candidates[0], Scope = OptOutScope.All, CreatedAt = now },
                new MemberOptOut { MemberId = candidates[1], Scope = OptOutScope.Advertiser, AdvertiserAccountId = _contoso, CreatedAt = now },
                new MemberOptOut { MemberId = candidates[2], Scope = OptOutScope.Sender, SenderMemberId = sender, CreatedAt = now });
            db.Deliveries.Add(new Delivery { CampaignId = other, MemberId = candidates[3], AdvertiserAccountId = _northwind, PriceCents = 50, DeliveredAt = now.AddDays(-29) });
            await db.SaveChangesAsync(Ct);
            await db.Campaigns.Where(c => c.Id == other).ExecuteUpdateAsync(u => u.SetProperty(c => c.SpentCents, 50).SetProperty(c => c.Status, CampaignStatus.Completed), Ct);
            db.CampaignDailyStats.Add(new CampaignDailyStat { CampaignId = other, Day = DateOnly.FromDateTime(now.AddDays(-29)), Sends = 1, SpendCents = 50 });
            await db.SaveChangesAsync(Ct);
        }

        await _s.Engine.RunUntilIdleAsync(Ct);

        var sent = (await _s.DeliveriesAsync(id)).Select(d => d.MemberId).ToHashSet();
        candidates.ShouldAllBe(m => !sent.Contains(m));
        sent.Count.ShouldBeGreaterThan(100);
        (await _s.Database.Get<DeliveryEngine>().RunUntilIdleAsync(Ct)).ShouldBe(0);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task TheSameAdvertiserCapHoldsForSixtyDaysAcrossItsCampaigns()
    {
        var us = DeliveryScenario.Countries("US");
        var first = await _s.LaunchAsync(_contoso, us, 50, 10_000_000);
        await _s.Engine.RunUntilIdleAsync(Ct);
        var reached = (await _s.DeliveriesAsync(first)).Select(d => d.MemberId).ToHashSet();

        _s.Database.Clock.Advance(TimeSpan.FromDays(45));
        await _s.EveryoneWasActiveJustNowAsync();
        var sameAdvertiser = await _s.LaunchAsync(_contoso, us, 50, 10_000_000);
        var otherAdvertiser = await _s.LaunchAsync(_northwind, us, 40, 10_000_000);
        await _s.Engine.RunUntilIdleAsync(Ct);

        // 45 days on, the any-advertiser cap has lapsed but Contoso's own 60-day cap has not.
        (await _s.DeliveriesAsync(sameAdvertiser)).Count(d => reached.Contains(d.MemberId)).ShouldBe(0);
        (await _s.DeliveriesAsync(otherAdvertiser)).Count(d => reached.Contains(d.MemberId)).ShouldBeGreaterThan(reached.Count / 2);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task APausedCampaignSendsNothingAndResumesWithoutRepeatingAnyone()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000);
        await _s.Engine.RunRoundAsync(Ct);
        await _s.SetStatusAsync(id, CampaignStatus.Paused);

        (await _s.Engine.RunUntilIdleAsync(Ct)).ShouldBe(0);
        (await _s.DeliveriesAsync(id)).Count.ShouldBe(100);

        await _s.SetStatusAsync(id, CampaignStatus.Active);
        await _s.NewEngine().RunUntilIdleAsync(Ct);

        var deliveries = await _s.DeliveriesAsync(id);
        deliveries.Select(d => d.MemberId).Distinct().Count().ShouldBe(deliveries.Count);
        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Completed);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task NothingIsSentBeforeTheStartAndTheEndDateCompletesTheCampaign()
    {
        var now = _s.Database.Clock.GetUtcNow().UtcDateTime;
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000, dailyCents: 500,
            startAt: now.AddHours(2), endAt: now.AddDays(2));

        (await _s.Engine.RunUntilIdleAsync(Ct)).ShouldBe(0);
        _s.Database.Clock.Advance(TimeSpan.FromHours(3));
        (await _s.Engine.RunUntilIdleAsync(Ct)).ShouldBe(10);
        _s.Database.Clock.Advance(TimeSpan.FromDays(2));
        await _s.Engine.RunUntilIdleAsync(Ct);

        var campaign = await _s.CampaignAsync(id);
        campaign.Status.ShouldBe(CampaignStatus.Completed);
        campaign.SpentCents.ShouldBe(500);
    }

    [Fact]
    public async Task TheInvariantCheckFindsACapBreachAndASpendMismatch()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 10_000_000);
        var member = (await ActiveUsMembersAsync(1))[0];
        var now = _s.Database.Clock.GetUtcNow().UtcDateTime;
        var other = await _s.LaunchAsync(_northwind, DeliveryScenario.Countries("US"), 50, 10_000_000);
        await using (var db = _s.Database.CreateContext())
        {
            db.Deliveries.Add(new Delivery { CampaignId = id, MemberId = member, AdvertiserAccountId = _contoso, PriceCents = 50, DeliveredAt = now });
            db.Deliveries.Add(new Delivery { CampaignId = other, MemberId = member, AdvertiserAccountId = _northwind, PriceCents = 50, DeliveredAt = now.AddDays(1) });
            await db.SaveChangesAsync(Ct);
        }

        var report = await _s.CheckInvariantsAsync();

        report.AnyAdvertiserCapBreaches.ShouldBe(1);
        report.SpendMismatches.ShouldBe(2);
        report.TallyMismatches.ShouldBe(2);
    }

    private async Task<HashSet<int>> ReachableAsync(int campaignId)
    {
        var set = _s.Index.DeliverableSet(DeliveryScenario.Countries("US"), (await _s.CampaignAsync(campaignId)).AdvertiserAccountId, await SenderAsync(campaignId));
        var ids = new HashSet<int>();
        for (var i = 0; i < set.Length * 64; i++)
        {
            if ((set[i >> 6] & (1UL << (i & 63))) != 0)
            {
                ids.Add(i);
            }
        }
        return ids;
    }

    private async Task<int?> SenderAsync(int campaignId)
    {
        await using var db = _s.Database.CreateContext();
        return await (from c in db.Campaigns join a in db.Ads on c.AdId equals a.Id where c.Id == campaignId select (int?)a.SenderMemberId).SingleAsync(Ct);
    }

    private async Task<List<int>> ActiveUsMembersAsync(int count)
    {
        var since = _s.Database.Clock.GetUtcNow().UtcDateTime.AddDays(-29);
        await using var db = _s.Database.CreateContext();
        var optedOut = db.MemberOptOuts.Select(o => o.MemberId);
        return await db.Members.Where(m => m.CountryCode == "US" && m.LastActiveAt > since && !optedOut.Contains(m.Id))
            .OrderBy(m => m.Id).Select(m => m.Id).Take(count).ToListAsync(Ct);
    }

    /// <summary>A campaign Maria (Contoso's Manager) can change while it runs.</summary>
    private async Task<(string Maria, int Id)> ManagedCampaignAsync(long bid) =>
        (await _s.Database.UserIdAsync("maria@contoso.example"), await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), bid, 10_000_000));
}

using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Deliveries;

/// <summary>
/// A campaign holding out 20% of its audience: who is held out, that they are never sent or charged, that other
/// campaigns still reach them, and that a restarted engine or another process holds out the same members.
/// </summary>
public class HoldoutDeliveryTests : IAsyncLifetime
{
    private DeliveryScenario _s = default!;
    private int _contoso;
    private int _northwind;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly SponsoredInMail.Core.Audiences.Targeting Audience = DeliveryScenario.Countries("US", "GB", "IN", "DE");

    public async ValueTask InitializeAsync()
    {
        _s = await DeliveryScenario.CreateAsync(members: 4_000, settings: new Dictionary<string, string?> { ["Delivery:BatchSize"] = "500" });
        _contoso = await _s.AccountAsync("Contoso Cloud");
        _northwind = await _s.AccountAsync("Northwind Analytics");
    }

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task TwentyPercentAreHeldOutNeverSentAndNeverCharged()
    {
        var id = await LaunchWithHoldoutAsync(_contoso, bid: 50, percent: 20);

        await _s.Engine.RunUntilIdleAsync(Ct);

        var sent = (await _s.DeliveriesAsync(id)).Select(d => d.MemberId).ToHashSet();
        var held = await HeldOutAsync(id);
        sent.Count.ShouldBeGreaterThan(1_000);
        ((double)held.Count / (held.Count + sent.Count)).ShouldBe(0.20, 0.03);
        sent.Overlaps(held).ShouldBeFalse();
        held.ShouldAllBe(m => HoldoutRules.IsHeldOut(id, m, 20));
        sent.ShouldAllBe(m => !HoldoutRules.IsHeldOut(id, m, 20));
        var campaign = await _s.CampaignAsync(id);
        campaign.SpentCents.ShouldBe(50L * sent.Count);
        campaign.Status.ShouldBe(CampaignStatus.Completed);
        (await _s.Database.ScalarAsync($"SELECT COALESCE(SUM(\"Sends\"), 0) FROM \"CampaignDailyStats\" WHERE \"CampaignId\" = {id}")).ShouldBe(sent.Count);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task AHeldOutMemberIsNotCappedAndReceivesAnotherCampaignTheSameDay()
    {
        var first = await LaunchWithHoldoutAsync(_contoso, bid: 90, percent: 20);
        var second = await _s.LaunchAsync(_northwind, Audience, 50, 10_000_000);

        await _s.Engine.RunUntilIdleAsync(Ct);

        var held = await HeldOutAsync(first);
        var secondSends = await _s.DeliveriesAsync(second);
        var heldAndSentSecond = secondSends.Where(d => held.Contains(d.MemberId)).ToList();
        held.Count.ShouldBeGreaterThan(100);
        // All but those who opted out of Northwind (or its sender) get its message, the same day.
        heldAndSentSecond.Count.ShouldBeGreaterThanOrEqualTo((int)(held.Count * 0.9));
        heldAndSentSecond.ShouldAllBe(d => d.DeliveredAt.Date == _s.Database.Clock.GetUtcNow().UtcDateTime.Date);
        // The members the first campaign did send are capped for the second.
        var sentFirst = (await _s.DeliveriesAsync(first)).Select(d => d.MemberId).ToHashSet();
        secondSends.ShouldAllBe(d => !sentFirst.Contains(d.MemberId));
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task ARestartedEngineAndAnotherProcessHoldOutTheSameMembersAndNeverSendThem()
    {
        var id = await LaunchWithHoldoutAsync(_contoso, bid: 50, percent: 20);
        await _s.Engine.RunRoundAsync(Ct);
        var heldBefore = await HeldOutAsync(id);
        heldBefore.Count.ShouldBeGreaterThan(0);

        // A restart (nothing in memory) and then another process with its own index carry on.
        await _s.NewEngine().RunRoundAsync(Ct);
        await _s.Database.CatchUpIndexAsync();
        await (await _s.NewProcessEngineAsync()).RunUntilIdleAsync(Ct);

        var held = await HeldOutAsync(id);
        var sent = (await _s.DeliveriesAsync(id)).Select(d => d.MemberId).ToList();
        heldBefore.IsSubsetOf(held).ShouldBeTrue();
        sent.ShouldAllBe(m => !held.Contains(m));
        sent.Distinct().Count().ShouldBe(sent.Count);
        held.ShouldAllBe(m => HoldoutRules.IsHeldOut(id, m, 20));
        (await _s.CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Completed);
        (await _s.CheckInvariantsAsync()).Total.ShouldBe(0);
    }

    [Fact]
    public async Task ABudgetThatStopsTheCampaignHoldsOutOnlyAmongTheMembersItReached()
    {
        // 300 sends' worth: the first batch (500 candidates, ~400 to send) is cut short by the lifetime budget.
        var id = await LaunchWithHoldoutAsync(_contoso, bid: 50, percent: 20, lifetimeCents: 15_000);

        await _s.Engine.RunUntilIdleAsync(Ct);

        var sent = (await _s.DeliveriesAsync(id)).Select(d => d.MemberId).ToList();
        var held = await HeldOutAsync(id);
        sent.Count.ShouldBe(300);
        (await _s.CampaignAsync(id)).SpentCents.ShouldBe(15_000);
        held.ShouldAllBe(m => m < sent.Max());
        ((double)held.Count / (held.Count + sent.Count)).ShouldBe(0.20, 0.05);
    }

    [Fact]
    public async Task WithoutAHoldoutNobodyIsHeldOut()
    {
        var id = await LaunchWithHoldoutAsync(_contoso, bid: 50, percent: 0);

        await _s.Engine.RunUntilIdleAsync(Ct);

        (await HeldOutAsync(id)).ShouldBeEmpty();
        (await _s.DeliveriesAsync(id)).Count.ShouldBeGreaterThan(1_000);
    }

    private async Task<int> LaunchWithHoldoutAsync(int accountId, long bid, int percent, long lifetimeCents = 10_000_000)
    {
        var id = await _s.LaunchAsync(accountId, Audience, bid, lifetimeCents);
        await using var db = _s.Database.CreateContext();
        await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.HoldoutPercent, percent), Ct);
        return id;
    }

    private async Task<HashSet<int>> HeldOutAsync(int campaignId)
    {
        await using var db = _s.Database.CreateContext();
        return [.. await db.CampaignHoldouts.Where(h => h.CampaignId == campaignId).Select(h => h.MemberId).ToListAsync(Ct)];
    }
}

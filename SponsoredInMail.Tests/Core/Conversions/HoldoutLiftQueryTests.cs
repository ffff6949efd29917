using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Conversions;

/// <summary>
/// Who converted in each group, on hand-made deliveries, holdout rows and conversion events: a conversion counts
/// from the send or hold time to that plus its definition's post-send window, both ends included.
/// </summary>
public class HoldoutLiftQueryTests : IAsyncLifetime
{
    private DeliveryScenario _s = default!;
    private int _contoso;
    private int _northwind;
    private int _campaign;
    private List<int> _members = [];
    private DateTime _t;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _s = await DeliveryScenario.CreateAsync(members: 300);
        _contoso = await _s.AccountAsync("Contoso Cloud");
        _northwind = await _s.AccountAsync("Northwind Analytics");
        _campaign = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 1_000_000);
        _t = _s.Database.Clock.GetUtcNow().UtcDateTime.AddHours(1);
        await using var db = _s.Database.CreateContext();
        await db.Campaigns.Where(c => c.Id == _campaign)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.HoldoutPercent, 10).SetProperty(c => c.SpentCents, 600), Ct);
        _members = await db.Members.OrderBy(m => m.Id).Select(m => m.Id).Take(40).ToListAsync(Ct);
    }

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task AConversionExactlyAtTheEndOfTheWindowCountsAndOneMinuteLaterDoesNot()
    {
        var week = await DefinitionAsync(_contoso, "Sign-up", postSendDays: 7);
        int[] sent = [.. _members[..12]];
        int[] held = [.. _members[12..16]];
        await SendAsync(sent, _t);
        await HoldAsync(held, _t);
        await ConvertAsync(_contoso, week, held[0], _t.AddDays(7));               // last instant of the window: counts
        await ConvertAsync(_contoso, week, held[1], _t.AddDays(7).AddMinutes(1)); // a minute late: does not
        await ConvertAsync(_contoso, week, sent[0], _t);                          // at the send itself: counts
        await ConvertAsync(_contoso, week, sent[1], _t.AddMinutes(-1));           // before the send: does not
        await ConvertAsync(_contoso, week, sent[2], _t.AddDays(3));               // inside: counts
        await ConvertAsync(_contoso, week, sent[2], _t.AddDays(4));               // the same member again: still one converter

        var lift = (await LiftAsync())!;

        lift.HoldoutPercent.ShouldBe(10);
        lift.Estimate.SentMembers.ShouldBe(12);
        lift.Estimate.SentConverters.ShouldBe(2);
        lift.Estimate.HeldOutMembers.ShouldBe(4);
        lift.Estimate.HeldOutConverters.ShouldBe(1);
        lift.Estimate.SentRate!.Value.ShouldBe(2 / 12.0, 1e-12);
        lift.Estimate.HeldOutRate!.Value.ShouldBe(0.25, 1e-12);
        lift.Estimate.Outcome.ShouldBe(LiftOutcome.NotEnoughData);
    }

    [Fact]
    public async Task EachEventUsesItsOwnDefinitionsWindow()
    {
        var day = await DefinitionAsync(_contoso, "Download", postSendDays: 1);
        var month = await DefinitionAsync(_contoso, "Purchase", postSendDays: 30);
        int[] sent = [.. _members[..3]];
        await SendAsync(sent, _t);
        await HoldAsync([_members[3]], _t);
        await ConvertAsync(_contoso, day, sent[0], _t.AddDays(2));   // outside the 1-day window
        await ConvertAsync(_contoso, month, sent[1], _t.AddDays(2)); // inside the 30-day window
        await ConvertAsync(_contoso, month, _members[3], _t.AddDays(29));

        var lift = (await LiftAsync())!;

        lift.Estimate.SentConverters.ShouldBe(1);
        lift.Estimate.HeldOutConverters.ShouldBe(1);
    }

    [Fact]
    public async Task OnlyTheCampaignsAccountsEventsNamingAMemberCount()
    {
        var ours = await DefinitionAsync(_contoso, "Lead", postSendDays: 7);
        var theirs = await DefinitionAsync(_northwind, "Lead", postSendDays: 7);
        await SendAsync([_members[0]], _t);
        await HoldAsync([_members[1]], _t);
        await ConvertAsync(_northwind, theirs, _members[0], _t.AddHours(1));
        await ConvertAsync(_northwind, theirs, _members[1], _t.AddHours(1));
        await ConvertAsync(_contoso, ours, null, _t.AddHours(1));
        // A member of neither group converting does not count either.
        await ConvertAsync(_contoso, ours, _members[2], _t.AddHours(1));

        var lift = (await LiftAsync())!;

        lift.Estimate.SentConverters.ShouldBe(0);
        lift.Estimate.HeldOutConverters.ShouldBe(0);
    }

    [Fact]
    public async Task IncrementalConversionsAndTheirCostUseTheCampaignsSpend()
    {
        var definition = await DefinitionAsync(_contoso, "Sign-up", postSendDays: 30);
        int[] sent = [.. _members[..30]];
        int[] held = [.. _members[30..40]];
        await SendAsync(sent, _t);
        await HoldAsync(held, _t);
        foreach (var member in sent[..6].Concat(held[..1]))
        {
            await ConvertAsync(_contoso, definition, member, _t.AddDays(1));
        }

        var lift = (await LiftAsync())!;

        // 20% of 30 sent against 10% of 10 held out: (0.2 − 0.1) × 30 = 3 incremental conversions for $6.00.
        lift.Estimate.IncrementalConversions!.Value.ShouldBe(3, 1e-9);
        lift.Estimate.CostPerIncrementalCents.ShouldBe(200);
        lift.SpentCents.ShouldBe(600);
    }

    [Fact]
    public async Task ACampaignWithoutAHoldoutHasNoLift()
    {
        await using (var db = _s.Database.CreateContext())
        {
            await db.Campaigns.Where(c => c.Id == _campaign).ExecuteUpdateAsync(u => u.SetProperty(c => c.HoldoutPercent, 0), Ct);
        }

        (await LiftAsync()).ShouldBeNull();
    }

    [Fact]
    public async Task OnlyTheAccountsPeopleSeeTheLift()
    {
        var (maria, ben, contoso, _) = await _s.Database.DemoCastAsync();
        var service = _s.Database.Get<HoldoutLiftService>();

        (await service.ForCampaignAsync(maria, contoso, _campaign, Ct)).ShouldNotBeNull();
        (await service.ForCampaignAsync(ben, contoso, _campaign, Ct)).ShouldBeNull();
        (await service.ForCampaignAsync(ben, _northwind, _campaign, Ct)).ShouldBeNull();
    }

    private async Task<HoldoutLift?> LiftAsync()
    {
        await using var db = _s.Database.CreateContext();
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == _campaign, Ct);
        return await HoldoutLiftQuery.ForAsync(db, campaign, Ct);
    }

    private async Task<int> DefinitionAsync(int accountId, string name, int postSendDays)
    {
        await using var db = _s.Database.CreateContext();
        var definition = new ConversionDefinition
        {
            AdvertiserAccountId = accountId, Name = name, Category = ConversionCategory.Lead, PostSendDays = postSendDays,
            TagKey = $"cv_{Guid.NewGuid():N}"[..19], CreatedAt = _t.AddDays(-10),
        };
        db.ConversionDefinitions.Add(definition);
        await db.SaveChangesAsync(Ct);
        return definition.Id;
    }

    private async Task SendAsync(IEnumerable<int> members, DateTime at)
    {
        await using var db = _s.Database.CreateContext();
        var ad = (await db.Campaigns.SingleAsync(c => c.Id == _campaign, Ct)).AdId!.Value;
        db.Deliveries.AddRange(members.Select(m => new Delivery { CampaignId = _campaign, MemberId = m, AdvertiserAccountId = _contoso, AdId = ad, PriceCents = 50, DeliveredAt = at }));
        await db.SaveChangesAsync(Ct);
    }

    private async Task HoldAsync(IEnumerable<int> members, DateTime at)
    {
        await using var db = _s.Database.CreateContext();
        db.CampaignHoldouts.AddRange(members.Select(m => new CampaignHoldout { CampaignId = _campaign, MemberId = m, AdvertiserAccountId = _contoso, HeldAt = at }));
        await db.SaveChangesAsync(Ct);
    }

    private async Task ConvertAsync(int accountId, int definitionId, int? memberId, DateTime at)
    {
        await using var db = _s.Database.CreateContext();
        db.ConversionEvents.Add(new ConversionEvent
        {
            AdvertiserAccountId = accountId, ConversionDefinitionId = definitionId, MemberId = memberId, OccurredAt = at, ReceivedAt = at,
            Source = ConversionSource.Api, EventId = Guid.NewGuid().ToString("N"),
        });
        await db.SaveChangesAsync(Ct);
    }
}

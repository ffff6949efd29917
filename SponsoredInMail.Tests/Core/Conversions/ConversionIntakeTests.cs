using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Conversions;

/// <summary>Conversions received by tag and API, matched and credited to the last touch, against a real database.</summary>
public class ConversionIntakeTests : IAsyncLifetime
{
    private DeliveryScenario _s = default!;
    private string _maria = "";
    private string _ben = "";
    private int _contoso;
    private int _northwind;
    private int _campaign;
    private int _demoRequest;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private ConversionIntake Intake => _s.Database.Get<ConversionIntake>();
    private ConversionDefinitionService Definitions => _s.Database.Get<ConversionDefinitionService>();
    private DateTime Now => _s.Database.Clock.GetUtcNow().UtcDateTime;

    public async ValueTask InitializeAsync()
    {
        _s = await DeliveryScenario.CreateAsync(members: 400);
        (_maria, _ben, _contoso, _northwind) = await _s.Database.DemoCastAsync();
        _campaign = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 1_000_000,
            configureAd: ad => ad.LandingUrl = "https://contoso.example/landing");
        await _s.Engine.RunUntilIdleAsync(Ct);
        _demoRequest = await DefinitionAsync("Demo request", ConversionCounting.OncePerMemberPerWindow);
    }

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task AConversionFromTheTagWithTheLandingPagesClickIdIsCreditedToThatClick()
    {
        var (delivery, _) = await DeliveryAsync(0);
        var clickId = await ClickAsync(delivery);

        var recorded = await Intake.FromTagAsync(await TagKeyAsync(_demoRequest), clickId, "ORDER-1", null, ConversionSource.Tag, Ct);

        recorded.Value!.Status.ShouldBe(ConversionStatus.Attributed);
        recorded.Value.CampaignId.ShouldBe(_campaign);
        recorded.Value.Touch.ShouldBe(AttributionTouch.Click);
        recorded.Value.Counted.ShouldBeTrue();
        await using var db = _s.Database.CreateContext();
        var row = await db.ConversionEvents.SingleAsync(Ct);
        (row.DeliveryId, row.ValueCents, row.Source).ShouldBe((delivery, 5_000L, ConversionSource.Tag));
        (await db.Changes.CountAsync(c => c.Kind == nameof(ConversionAttributed), Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task ThirtyDaysAfterTheClickIsCreditedAndThirtyOneDaysIsUnattributed()
    {
        var (delivery, member) = await DeliveryAsync(0);
        await ClickAsync(delivery);
        var clickedAt = Now;
        _s.Database.Clock.Advance(TimeSpan.FromDays(32));

        var recorded = await Intake.FromApiAsync(_contoso,
        [
            new ApiConversion(_demoRequest, "day-30", clickedAt.AddDays(30), null, await EmailHashAsync(member), null),
            new ApiConversion(_demoRequest, "day-31", clickedAt.AddDays(31), null, await EmailHashAsync(member), null),
        ], Ct);

        recorded.Value!.Select(o => (o.EventId, o.Status, o.Touch)).ShouldBe(
        [
            ("day-30", ConversionStatus.Attributed, AttributionTouch.Click),
            ("day-31", ConversionStatus.Unattributed, AttributionTouch.None),
        ]);
        await using var db = _s.Database.CreateContext();
        (await db.ConversionEvents.SingleAsync(e => e.EventId == "day-31", Ct)).MemberId.ShouldBe(member);
    }

    [Fact]
    public async Task AClickOnOneCampaignBeatsALaterSendOfAnother()
    {
        var (delivery, member) = await DeliveryAsync(0);
        await ClickAsync(delivery);
        var other = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("GB"), 40, 1_000_000);
        await SendAsync(other, member, Now.AddDays(2));
        _s.Database.Clock.Advance(TimeSpan.FromDays(3));

        var recorded = await Intake.FromApiAsync(_contoso, [new ApiConversion(_demoRequest, "a", Now, null, await EmailHashAsync(member), null)], Ct);

        (recorded.Value![0].CampaignId, recorded.Value[0].Touch).ShouldBe((_campaign, AttributionTouch.Click));
    }

    [Fact]
    public async Task WithoutAClickTheLatestSendInsideItsWindowGetsTheCredit()
    {
        var (_, member) = await DeliveryAsync(0);
        var other = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("GB"), 40, 1_000_000);
        await SendAsync(other, member, Now.AddDays(1));
        _s.Database.Clock.Advance(TimeSpan.FromDays(2));

        var recorded = await Intake.FromApiAsync(_contoso, [new ApiConversion(_demoRequest, "a", Now, null, await EmailHashAsync(member), null)], Ct);

        (recorded.Value![0].CampaignId, recorded.Value[0].Touch).ShouldBe((other, AttributionTouch.Send));
    }

    [Fact]
    public async Task NothingIsEverCreditedToAnotherAccountsCampaigns()
    {
        var (delivery, member) = await DeliveryAsync(0);
        var clickId = await ClickAsync(delivery);
        var northwindDefinition = await DefinitionAsync("Trial", ConversionCounting.EveryTime, _ben, _northwind);

        var byClick = await Intake.FromTagAsync(await TagKeyAsync(northwindDefinition), clickId, null, null, ConversionSource.Tag, Ct);
        var byEmail = await Intake.FromApiAsync(_northwind, [new ApiConversion(northwindDefinition, "x", Now, clickId, await EmailHashAsync(member), null)], Ct);

        byClick.Value!.Status.ShouldBe(ConversionStatus.Unattributed);
        byEmail.Value![0].Status.ShouldBe(ConversionStatus.Unattributed);
        await using var db = _s.Database.CreateContext();
        (await db.ConversionEvents.Where(e => e.AdvertiserAccountId == _northwind).Select(e => e.MemberId).ToListAsync(Ct)).ShouldAllBe(m => m == null);
    }

    [Fact]
    public async Task TheSameEventIdIsStoredOnceAndAnsweredAsADuplicate()
    {
        var (_, member) = await DeliveryAsync(0);
        var hash = await EmailHashAsync(member);
        var first = await Intake.FromApiAsync(_contoso, [new ApiConversion(_demoRequest, "ORDER-7", Now, null, hash, 1_000)], Ct);
        var again = await Intake.FromApiAsync(_contoso,
            [new ApiConversion(_demoRequest, "ORDER-7", Now, null, hash, 1_000), new ApiConversion(_demoRequest, "ORDER-8", Now, null, null, null),
             new ApiConversion(_demoRequest, "ORDER-8", Now, null, null, null)], Ct);

        again.Value!.Select(o => o.Status).ShouldBe([ConversionStatus.Duplicate, ConversionStatus.Unattributed, ConversionStatus.Duplicate]);
        again.Value![0].ConversionEventId.ShouldBe(first.Value![0].ConversionEventId);
        again.Value[2].ConversionEventId.ShouldBe(again.Value[1].ConversionEventId);
        await using var db = _s.Database.CreateContext();
        (await db.ConversionEvents.CountAsync(Ct)).ShouldBe(2);
    }

    [Fact]
    public async Task OncePerMemberPerWindowCountsOneAndEveryTimeCountsAll()
    {
        var (delivery, _) = await DeliveryAsync(0);
        var clickId = await ClickAsync(delivery);
        var purchase = await DefinitionAsync("Purchase", ConversionCounting.EveryTime);

        var once = await Intake.FromApiAsync(_contoso,
            [new ApiConversion(_demoRequest, "o1", Now, clickId, null, null), new ApiConversion(_demoRequest, "o2", Now, clickId, null, null)], Ct);
        var every = await Intake.FromApiAsync(_contoso,
            [new ApiConversion(purchase, "p1", Now, clickId, null, 100), new ApiConversion(purchase, "p2", Now, clickId, null, 200)], Ct);

        once.Value!.Select(o => (o.Status, o.Counted)).ShouldBe([(ConversionStatus.Attributed, true), (ConversionStatus.Attributed, false)]);
        every.Value!.Select(o => o.Counted).ShouldBe([true, true]);
    }

    [Fact]
    public async Task ANewClickOpensANewWindowThatCountsAgain()
    {
        var (delivery, _) = await DeliveryAsync(0);
        var firstClick = await ClickAsync(delivery);
        (await Intake.FromApiAsync(_contoso, [new ApiConversion(_demoRequest, "a", Now, firstClick, null, null)], Ct)).Value![0].Counted.ShouldBeTrue();
        _s.Database.Clock.Advance(TimeSpan.FromDays(1));
        var secondClick = await ClickAsync(delivery);

        (await Intake.FromApiAsync(_contoso, [new ApiConversion(_demoRequest, "b", Now, secondClick, null, null)], Ct)).Value![0].Counted.ShouldBeTrue();
    }

    [Fact]
    public async Task ABadBatchNamesEveryProblemByFieldAndStoresNothing()
    {
        var northwindDefinition = await DefinitionAsync("Trial", ConversionCounting.EveryTime, _ben, _northwind);
        var result = await Intake.FromApiAsync(_contoso,
        [
            new ApiConversion(_demoRequest, "ok", Now, null, null, null),
            new ApiConversion(northwindDefinition, "theirs", Now, null, null, null),
            new ApiConversion(_demoRequest, null, Now, null, null, null),
            new ApiConversion(_demoRequest, "future", Now.AddHours(1), null, null, null),
            new ApiConversion(_demoRequest, "old", Now.AddDays(-91), null, null, null),
            new ApiConversion(_demoRequest, "forged", Now, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null, null),
            new ApiConversion(_demoRequest, "hash", Now, null, "not-a-hash", null),
            new ApiConversion(_demoRequest, "value", Now, null, null, -5),
        ], Ct);

        result.Succeeded.ShouldBeFalse();
        result.Outcome.Errors.Select(e => e.Field).ShouldBe(
            ["events[1].conversionId", "events[2].eventId", "events[3].occurredAt", "events[4].occurredAt", "events[5].clickId", "events[6].emailSha256", "events[7].valueCents"],
            ignoreOrder: true);
        (await Intake.FromApiAsync(_contoso, [], Ct)).Outcome.Errors.Single().Field.ShouldBe("events");
        (await Intake.FromApiAsync(_contoso, Enumerable.Range(0, 1_001).Select(i => new ApiConversion(_demoRequest, $"e{i}", Now, null, null, null)).ToList(), Ct))
            .Outcome.Errors.Single().Message.ShouldContain("at most 1,000");
        await using var db = _s.Database.CreateContext();
        (await db.ConversionEvents.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task TheTagRefusesAnUnknownOrArchivedConversionAndIgnoresAForgedClickId()
    {
        (await Intake.FromTagAsync("cv_nope", null, null, null, ConversionSource.Tag, Ct)).Succeeded.ShouldBeFalse();
        var key = await TagKeyAsync(_demoRequest);
        var forged = await Intake.FromTagAsync(key, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null, null, ConversionSource.Pixel, Ct);
        forged.Value!.Status.ShouldBe(ConversionStatus.Unattributed);

        (await Definitions.SetArchivedAsync(_maria, _contoso, _demoRequest, archived: true, Ct)).Succeeded.ShouldBeTrue();
        (await Intake.FromTagAsync(key, null, null, null, ConversionSource.Tag, Ct)).Succeeded.ShouldBeFalse();
        await using var db = _s.Database.CreateContext();
        (await db.ConversionEvents.CountAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task AConversionBeforeTheSendIsNotCredited()
    {
        var (_, member) = await DeliveryAsync(0);
        var recorded = await Intake.FromApiAsync(_contoso, [new ApiConversion(_demoRequest, "early", Now.AddHours(-1), null, await EmailHashAsync(member), null)], Ct);
        recorded.Value![0].Status.ShouldBe(ConversionStatus.Unattributed);
    }

    /// <summary>
    /// Many requests at once for one member's window: exactly one is counted. Without the account lock in
    /// <c>ConversionIntake.RecordAsync</c> each transaction reads "none counted yet" and several count (seen on PostgreSQL).
    /// </summary>
    [Fact]
    public async Task ConcurrentConversionsOfOneWindowCountOnce()
    {
        var (delivery, _) = await DeliveryAsync(0);
        var clickId = await ClickAsync(delivery);
        var intakes = Enumerable.Range(0, 8).Select(_ => Intake).ToList();

        var results = await Task.WhenAll(intakes.Select((intake, i) =>
            Task.Run(() => intake.FromApiAsync(_contoso, [new ApiConversion(_demoRequest, $"race-{i}", Now, clickId, null, null)], Ct), Ct)));

        results.Count(r => r.Value![0].Counted).ShouldBe(1);
        await using var db = _s.Database.CreateContext();
        (await db.ConversionEvents.CountAsync(e => e.Counted, Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task ConcurrentRetriesWithOneEventIdStoreOneEvent()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => Intake.FromApiAsync(_contoso, [new ApiConversion(_demoRequest, "retry", Now, null, null, null)], Ct), Ct)));

        results.ShouldAllBe(r => r.Succeeded);
        results.Select(r => r.Value![0].ConversionEventId).Distinct().Count().ShouldBe(1);
        await using var db = _s.Database.CreateContext();
        (await db.ConversionEvents.CountAsync(Ct)).ShouldBe(1);
    }

    private async Task<int> DefinitionAsync(string name, ConversionCounting counting, string? user = null, int? account = null)
    {
        var created = await Definitions.CreateAsync(user ?? _maria, account ?? _contoso,
            new ConversionDefinitionInput(name, ConversionCategory.Lead, 5_000, 30, 7, counting), Ct);
        created.Succeeded.ShouldBeTrue(string.Join("; ", created.Outcome.Errors.Select(e => e.Message)));
        return created.Value;
    }

    private async Task<string> TagKeyAsync(int definition)
    {
        await using var db = _s.Database.CreateContext();
        return await db.ConversionDefinitions.Where(d => d.Id == definition).Select(d => d.TagKey).SingleAsync(Ct);
    }

    private async Task<(long Delivery, int Member)> DeliveryAsync(int index)
    {
        var delivery = (await _s.DeliveriesAsync(_campaign))[index];
        return (delivery.Id, delivery.MemberId);
    }

    /// <summary>The member opens the message and clicks its CTA; returns the click id on the landing URL.</summary>
    private async Task<string> ClickAsync(long delivery)
    {
        var member = (await _s.DeliveriesAsync(_campaign)).Single(d => d.Id == delivery).MemberId;
        var message = (await _s.Database.Get<InboxService>().OpenSponsoredAsync(member, delivery, ct: Ct))!.MessageAd!;
        var landing = await _s.Database.Get<EngagementService>().ClickAsync(message.CtaUrl![InboxService.TrackingPath.Length..], Ct);
        var clickId = new Uri(landing!).Query.TrimStart('?').Split('&').Single(p => p.StartsWith(ClickIds.Parameter + "=", StringComparison.Ordinal))[8..];
        (await _s.Database.Get<TrackingTokens>().ReadClickIdAsync(clickId, Ct))!.Value.DeliveryId.ShouldBe(delivery);
        return clickId;
    }

    private async Task SendAsync(int campaign, int member, DateTime at)
    {
        await using var db = _s.Database.CreateContext();
        var adId = await db.Campaigns.Where(c => c.Id == campaign).Select(c => c.AdId!.Value).SingleAsync(Ct);
        db.Deliveries.Add(new Delivery { CampaignId = campaign, MemberId = member, AdvertiserAccountId = _contoso, AdId = adId, PriceCents = 40, DeliveredAt = at });
        await db.SaveChangesAsync(Ct);
    }

    private async Task<string> EmailHashAsync(int member)
    {
        await using var db = _s.Database.CreateContext();
        return MemberEmailHashes.Of(await db.Members.Where(m => m.Id == member).Select(m => m.Email).SingleAsync(Ct)).ToUpperInvariant();
    }
}

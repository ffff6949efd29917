using SponsoredInMail.Core.Webhooks;

namespace SponsoredInMail.Tests.Core.Webhooks;

/// <summary>The delivery log read a page at a time by id (the API's cursor), an endpoint's version, and one delivery by its endpoint.</summary>
public class WebhookServicePagingTests : IAsyncLifetime
{
    private WebhookScenario _s = default!;
    private WebhookService Service => _s.Service;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _s = await WebhookScenario.CreateAsync(allowPrivateTargets: false);

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task TheDeliveryLogPagesNewestFirstBeforeAnIdAndFiltersByStatus()
    {
        var endpoint = await _s.EndpointAsync("https://crm.contoso.example/hooks", WebhookEvents.LeadCreated);
        for (var i = 0; i < 3; i++)
        {
            await _s.LeadAsync(email: $"lee{i}@example.com");
        }
        await _s.CatchUpOutboxAsync();
        var all = (await _s.DeliveriesAsync()).Where(d => d.WebhookEndpointId == endpoint.Id).OrderByDescending(d => d.Id).ToList();
        all.Count.ShouldBe(3);

        var first = await Service.DeliveriesAsync(_s.Maria, _s.Contoso, endpoint.Id, null, null, 2, Ct);
        var rest = await Service.DeliveriesAsync(_s.Maria, _s.Contoso, endpoint.Id, null, first[^1].Id, 2, Ct);
        var failed = await Service.DeliveriesAsync(_s.Maria, _s.Contoso, endpoint.Id, WebhookDeliveryStatus.Failed, null, 10, Ct);
        var elsewhere = await Service.DeliveriesAsync(_s.Ben, _s.Northwind, endpoint.Id, null, null, 10, Ct);

        first.Select(d => d.Id).Concat(rest.Select(d => d.Id)).ShouldBe(all.Select(d => d.Id));
        failed.ShouldBeEmpty();
        elsewhere.ShouldBeEmpty();
        (await Service.DeliveryAsync(_s.Maria, _s.Contoso, endpoint.Id, all[0].Id, Ct))!.IdempotencyKey.ShouldBe(all[0].IdempotencyKey);
        (await Service.DeliveryAsync(_s.Ben, _s.Northwind, endpoint.Id, all[0].Id, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task EveryChangeOfAnEndpointMovesItsVersion()
    {
        var endpoint = await _s.EndpointAsync("https://crm.contoso.example/hooks");
        endpoint.UpdatedAt.ShouldBe(endpoint.CreatedAt);

        _s.Database.Clock.Advance(TimeSpan.FromMinutes(1));
        (await Service.RotateSecretAsync(_s.Maria, _s.Contoso, endpoint.Id, Ct)).Succeeded.ShouldBeTrue();
        var rotated = (await Service.GetAsync(_s.Maria, _s.Contoso, endpoint.Id, Ct))!;
        _s.Database.Clock.Advance(TimeSpan.FromMinutes(1));
        (await Service.DisableAsync(_s.Maria, _s.Contoso, endpoint.Id, Ct)).Succeeded.ShouldBeTrue();
        var disabled = (await Service.GetAsync(_s.Maria, _s.Contoso, endpoint.Id, Ct))!;

        rotated.UpdatedAt.ShouldBeGreaterThan(endpoint.UpdatedAt);
        disabled.UpdatedAt.ShouldBeGreaterThan(rotated.UpdatedAt);
        (await Service.GetAsync(_s.Ben, _s.Northwind, endpoint.Id, Ct)).ShouldBeNull();
    }
}

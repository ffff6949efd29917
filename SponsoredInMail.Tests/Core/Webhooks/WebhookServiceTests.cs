using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Webhooks;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Webhooks;

/// <summary>An account's webhook endpoints: Managers create and change them, Viewers see them with the secret masked.</summary>
public class WebhookServiceTests : IAsyncLifetime
{
    private WebhookScenario _s = default!;
    private WebhookService Service => _s.Service;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _s = await WebhookScenario.CreateAsync(allowPrivateTargets: false);

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task AManagerCreatesAnEndpointWithASigningSecret()
    {
        var created = await Service.CreateAsync(_s.Maria, _s.Contoso,
            new WebhookEndpointInput("https://crm.contoso.example/hooks", WebhookEvents.LeadCreated | WebhookEvents.ConversionAttributed), Ct);

        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        var endpoint = created.Value!;
        endpoint.Secret.ShouldStartWith("whsec_");
        endpoint.Secret.Length.ShouldBe(6 + 43);
        endpoint.SecretVisible.ShouldBeTrue();
        endpoint.IsEnabled.ShouldBeTrue();
        endpoint.Events.ShouldBe(WebhookEvents.LeadCreated | WebhookEvents.ConversionAttributed);
        await using var db = _s.Database.CreateContext();
        var audit = await db.AuditLog.SingleAsync(a => a.EntityType == "WebhookEndpoint", Ct);
        audit.Action.ShouldBe("Webhook endpoint created");
        audit.After!.ShouldNotContain(endpoint.Secret);
    }

    [Fact]
    public async Task AViewerListsTheEndpointsWithTheSecretMaskedAndCannotChangeThem()
    {
        // Maria views Northwind, which Ben manages.
        var endpoint = await _s.EndpointAsync("https://bi.northwind.example/hook", account: _s.Northwind);

        var seen = (await Service.ListAsync(_s.Maria, _s.Northwind, Ct)).ShouldHaveSingleItem();
        var create = await Service.CreateAsync(_s.Maria, _s.Northwind, new WebhookEndpointInput("https://x.example/hook", WebhookEvents.LeadCreated), Ct);
        var disable = await Service.DisableAsync(_s.Maria, _s.Northwind, endpoint.Id, Ct);
        var rotate = await Service.RotateSecretAsync(_s.Maria, _s.Northwind, endpoint.Id, Ct);

        seen.Url.ShouldBe("https://bi.northwind.example/hook");
        seen.SecretVisible.ShouldBeFalse();
        seen.Secret.ShouldBe(WebhookRules.MaskedSecret);
        seen.Secret.ShouldNotContain(endpoint.Secret[6..10]);
        create.Outcome.ErrorFor("account").ShouldBe("Only a Manager of this account can change webhooks.");
        disable.ErrorFor("account").ShouldBe("Only a Manager of this account can change webhooks.");
        rotate.ErrorFor("account").ShouldBe("Only a Manager of this account can change webhooks.");
        (await _s.EndpointRowAsync(endpoint.Id)).Secret.ShouldBe(endpoint.Secret);
    }

    [Fact]
    public async Task AnotherAccountsEndpointsAreNotFound()
    {
        var endpoint = await _s.EndpointAsync("https://crm.contoso.example/hook");

        (await Service.ListAsync(_s.Ben, _s.Contoso, Ct)).ShouldBeEmpty();
        (await Service.DeleteAsync(_s.Ben, _s.Contoso, endpoint.Id, Ct)).ErrorFor("account").ShouldBe("Advertiser account not found.");
        // Ben's own account does not find Contoso's endpoint by its id.
        (await Service.DeleteAsync(_s.Ben, _s.Northwind, endpoint.Id, Ct)).ErrorFor("webhook").ShouldBe("Webhook endpoint not found.");
        (await Service.DeliveriesAsync(_s.Ben, _s.Northwind, endpoint.Id, 0, 10, Ct)).TotalCount.ShouldBe(0);
        (await _s.EndpointRowAsync(endpoint.Id)).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("https://localhost/hook", "localhost")]
    [InlineData("https://127.0.0.1/hook", "loopback")]
    [InlineData("https://[::ffff:10.0.0.1]/hook", "private")]
    [InlineData("https://169.254.169.254/latest", "link-local")]
    [InlineData("http://crm.contoso.example/hook", "https://")]
    [InlineData("not a url", "absolute https://")]
    public async Task ARefusedUrlChangesNothingAndSaysWhy(string url, string expected)
    {
        var created = await Service.CreateAsync(_s.Maria, _s.Contoso, new WebhookEndpointInput(url, WebhookEvents.LeadCreated), Ct);

        created.Succeeded.ShouldBeFalse();
        created.Outcome.ErrorFor("url")!.ShouldContain(expected);
        (await Service.ListAsync(_s.Maria, _s.Contoso, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AnEndpointNeedsAtLeastOneEvent()
    {
        var created = await Service.CreateAsync(_s.Maria, _s.Contoso, new WebhookEndpointInput("https://crm.contoso.example/hook", WebhookEvents.None), Ct);

        created.Outcome.ErrorFor("events").ShouldBe("Choose at least one event.");
    }

    [Fact]
    public async Task AnAccountHasAtMostTenEndpoints()
    {
        for (var i = 0; i < WebhookRules.MaxEndpointsPerAccount; i++)
        {
            await _s.EndpointAsync($"https://crm.contoso.example/hook/{i}");
        }

        var eleventh = await Service.CreateAsync(_s.Maria, _s.Contoso, new WebhookEndpointInput("https://crm.contoso.example/hook/10", WebhookEvents.LeadCreated), Ct);

        eleventh.Outcome.ErrorFor("url").ShouldBe("An account can have at most 10 webhook endpoints; delete one first.");
        (await Service.ListAsync(_s.Maria, _s.Contoso, Ct)).Count.ShouldBe(10);
    }

    [Fact]
    public async Task AManagerChangesTheUrlAndEventsButABadChangeLeavesItAsItWas()
    {
        var endpoint = await _s.EndpointAsync("https://crm.contoso.example/hook", WebhookEvents.LeadCreated);

        var bad = await Service.UpdateAsync(_s.Maria, _s.Contoso, endpoint.Id, new WebhookEndpointInput("https://10.1.1.1/x", WebhookEvents.None), Ct);
        var good = await Service.UpdateAsync(_s.Maria, _s.Contoso, endpoint.Id,
            new WebhookEndpointInput("https://crm2.contoso.example/hook", WebhookEvents.CampaignStatusChanged), Ct);

        bad.ErrorFor("url").ShouldNotBeNull();
        bad.ErrorFor("events").ShouldNotBeNull();
        good.Succeeded.ShouldBeTrue(good.ToString());
        var row = await _s.EndpointRowAsync(endpoint.Id);
        row.Url.ShouldBe("https://crm2.contoso.example/hook");
        row.Events.ShouldBe(WebhookEvents.CampaignStatusChanged);
        row.Secret.ShouldBe(endpoint.Secret);
    }

    [Fact]
    public async Task DisablingShowsWhoAndWhenAndEnablingClearsIt()
    {
        var endpoint = await _s.EndpointAsync("https://crm.contoso.example/hook");

        (await Service.DisableAsync(_s.Maria, _s.Contoso, endpoint.Id, Ct)).Succeeded.ShouldBeTrue();
        var disabled = (await Service.ListAsync(_s.Maria, _s.Contoso, Ct)).Single();
        (await Service.DisableAsync(_s.Maria, _s.Contoso, endpoint.Id, Ct)).ErrorFor("webhook").ShouldBe("This endpoint is already disabled.");
        (await Service.EnableAsync(_s.Maria, _s.Contoso, endpoint.Id, Ct)).Succeeded.ShouldBeTrue();

        disabled.IsEnabled.ShouldBeFalse();
        disabled.DisabledReason.ShouldBe("Disabled by Maria Garcia on 23 Nov 2026 12:00 UTC.");
        (await Service.ListAsync(_s.Maria, _s.Contoso, Ct)).Single().IsEnabled.ShouldBeTrue();
    }

    [Fact]
    public async Task RotatingTheSecretReplacesIt()
    {
        var endpoint = await _s.EndpointAsync("https://crm.contoso.example/hook");

        (await Service.RotateSecretAsync(_s.Maria, _s.Contoso, endpoint.Id, Ct)).Succeeded.ShouldBeTrue();

        var rotated = (await Service.ListAsync(_s.Maria, _s.Contoso, Ct)).Single().Secret;
        rotated.ShouldStartWith("whsec_");
        rotated.ShouldNotBe(endpoint.Secret);
    }

    [Fact]
    public async Task DeletingAnEndpointDeletesItsLog()
    {
        var endpoint = await _s.EndpointAsync("https://crm.contoso.example/hook");
        await _s.LeadAsync();
        await _s.CatchUpOutboxAsync();
        (await _s.DeliveriesAsync()).ShouldHaveSingleItem();

        (await Service.DeleteAsync(_s.Maria, _s.Contoso, endpoint.Id, Ct)).Succeeded.ShouldBeTrue();

        (await Service.ListAsync(_s.Maria, _s.Contoso, Ct)).ShouldBeEmpty();
        (await _s.DeliveriesAsync()).ShouldBeEmpty();
    }
}

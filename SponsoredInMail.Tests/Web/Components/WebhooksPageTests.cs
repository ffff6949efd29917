using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Webhooks;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Accounts;

namespace SponsoredInMail.Tests.Web.Components;

/// <summary>The account's webhooks page: Managers add endpoints and see their secret, read the log and replay; Viewers only look.</summary>
public class WebhooksPageTests : BunitTestBase
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public WebhooksPageTests(SeededDatabase seeded) : base(seeded) =>
        Services.AddSingleton(Database.Get<WebhookService>());

    private static string NewUrl() => $"https://crm.contoso.example/{Guid.NewGuid():N}";

    private static IElement Card(IRenderedComponent<WebhooksPage> page, string url) =>
        page.FindAll("[data-testid=webhook-endpoint]").Single(c => c.TextContent.Contains(url));

    private static IElement Input(IRenderedComponent<WebhooksPage> page, string testId)
    {
        var element = page.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    private async Task<WebhookEndpoint> EndpointRowAsync(int account, string url, Action<WebhookEndpoint>? shape = null)
    {
        await using var db = Database.CreateContext();
        var endpoint = new WebhookEndpoint
        {
            AdvertiserAccountId = account, Url = url, Secret = WebhookRules.NewSecret(), Events = WebhookRules.AllEvents,
            CreatedAt = Database.Clock.GetUtcNow().UtcDateTime, CreatedBy = await UserIdAsync("maria@contoso.example"),
        };
        shape?.Invoke(endpoint);
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(Ct);
        return endpoint;
    }

    [Fact]
    public async Task AManagerAddsAnEndpointAndSeesItsSecret()
    {
        await SignInAsAsync("maria@contoso.example");
        var contoso = await AccountIdAsync("Contoso Cloud");
        RenderPopoverProvider();
        var page = Render<WebhooksPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => page.Find("[data-testid=webhook-url]"));
        var url = NewUrl();

        await page.InvokeAsync(() => Input(page, "webhook-url").Change(url));
        await page.InvokeAsync(() => Input(page, "'webhook-event-conversion.attributed'").Change(true));
        await page.InvokeAsync(() => page.Find("[data-testid=webhook-save]").Click());

        page.WaitForAssertion(() => Card(page, url));
        await using var db = Database.CreateContext();
        var row = await db.WebhookEndpoints.SingleAsync(e => e.Url == url, Ct);
        row.Events.ShouldBe(WebhookEvents.LeadCreated | WebhookEvents.ConversionAttributed);
        var card = Card(page, url);
        card.QuerySelector("[data-testid=webhook-secret]")!.TextContent.ShouldBe(row.Secret);
        card.QuerySelector("[data-testid=webhook-status]")!.TextContent.Trim().ShouldBe("Enabled");
        card.TextContent.ShouldContain("Lead created, Conversion attributed");
    }

    [Fact]
    public async Task APrivateTargetIsRefusedAtTheFieldAndNothingIsAdded()
    {
        await SignInAsAsync("maria@contoso.example");
        var contoso = await AccountIdAsync("Contoso Cloud");
        RenderPopoverProvider();
        var page = Render<WebhooksPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => page.Find("[data-testid=webhook-url]"));

        await page.InvokeAsync(() => Input(page, "webhook-url").Change("https://169.254.169.254/latest/meta-data"));
        await page.InvokeAsync(() => page.Find("[data-testid=webhook-save]").Click());

        page.WaitForAssertion(() => page.Markup.ShouldContain("points to a link-local address; webhooks are only sent to public internet addresses"));
        await using var db = Database.CreateContext();
        (await db.WebhookEndpoints.AnyAsync(e => e.Url.Contains("169.254"), Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task AViewerSeesTheEndpointsWithTheSecretMaskedAndNoControls()
    {
        var northwind = await AccountIdAsync("Northwind Analytics");
        var url = NewUrl();
        var endpoint = await EndpointRowAsync(northwind, url);
        await SignInAsAsync("maria@contoso.example"); // a Viewer of Northwind
        RenderPopoverProvider();

        var page = Render<WebhooksPage>(p => p.Add(x => x.AccountId, northwind));

        page.WaitForAssertion(() => Card(page, url));
        page.Find("[data-testid=webhook-viewer-note]");
        page.Markup.ShouldNotContain(endpoint.Secret);
        Card(page, url).QuerySelector("[data-testid=webhook-secret]")!.TextContent.ShouldBe(WebhookRules.MaskedSecret);
        page.FindAll("[data-testid=webhook-form]").ShouldBeEmpty();
        page.FindAll("[data-testid=webhook-secret-show]").ShouldBeEmpty();
        page.FindAll("[data-testid=webhook-delete]").ShouldBeEmpty();
    }

    [Fact]
    public async Task ADisabledEndpointShowsWhyAndAManagerEnablesIt()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var url = NewUrl();
        const string reason = "Disabled on 24 Nov 2026 12:00 UTC after failing for 24 hours: last answer 503.";
        var endpoint = await EndpointRowAsync(contoso, url, e => (e.DisabledAt, e.DisabledReason) = (Database.Clock.GetUtcNow().UtcDateTime, reason));
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var page = Render<WebhooksPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => Card(page, url));

        var card = Card(page, url);
        card.QuerySelector("[data-testid=webhook-disabled-notice]")!.TextContent.ShouldContain(reason);
        card.QuerySelector("[data-testid=webhook-status]")!.TextContent.Trim().ShouldBe("Disabled");
        await page.InvokeAsync(() => Card(page, url).QuerySelector("[data-testid=webhook-enable]")!.Click());

        page.WaitForAssertion(() => Card(page, url).QuerySelector("[data-testid=webhook-status]")!.TextContent.Trim().ShouldBe("Enabled"));
        Card(page, url).QuerySelector("[data-testid=webhook-disabled-notice]").ShouldBeNull();
        await using var db = Database.CreateContext();
        (await db.WebhookEndpoints.SingleAsync(e => e.Id == endpoint.Id, Ct)).DisabledAt.ShouldBeNull();
    }

    [Fact]
    public async Task TheDeliveryLogPagesNewestFirstAndAManagerReplaysAFailedDelivery()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var url = NewUrl();
        var endpoint = await EndpointRowAsync(contoso, url);
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        await using (var db = Database.CreateContext())
        {
            for (var i = 0; i < 25; i++)
            {
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    WebhookEndpointId = endpoint.Id, AdvertiserAccountId = contoso, EventType = WebhookRules.LeadCreated, IdempotencyKey = $"lead.created:{9000 + i}",
                    Payload = "{}", CreatedAt = now.AddMinutes(-i - 1), Status = i == 0 ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Delivered,
                    Attempts = i == 0 ? 31 : 1, LastStatusCode = i == 0 ? 503 : 200, LastDurationMs = 42, LastAttemptAt = now.AddMinutes(-i),
                    DeliveredAt = i == 0 ? null : now.AddMinutes(-i),
                });
            }
            await db.SaveChangesAsync(Ct);
        }
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var page = Render<WebhooksPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => Card(page, url));

        await page.InvokeAsync(() => Card(page, url).QuerySelector("[data-testid=webhook-log-toggle]")!.Click());
        page.WaitForAssertion(() => Card(page, url).QuerySelectorAll("[data-testid=webhook-delivery]").Length.ShouldBe(20));
        var first = Card(page, url).QuerySelectorAll("[data-testid=webhook-delivery]")[0];
        first.TextContent.ShouldContain("lead.created:9000");
        first.TextContent.ShouldContain("Failed");
        first.TextContent.ShouldContain("503");
        first.TextContent.ShouldContain("42 ms");
        await page.InvokeAsync(() => Card(page, url).QuerySelector("[data-testid=webhook-log-older]")!.Click());
        page.WaitForAssertion(() => Card(page, url).QuerySelectorAll("[data-testid=webhook-delivery]").Length.ShouldBe(5));
        await page.InvokeAsync(() => Card(page, url).QuerySelector("[data-testid=webhook-log-newer]")!.Click());
        page.WaitForAssertion(() => Card(page, url).QuerySelectorAll("[data-testid=webhook-delivery]").Length.ShouldBe(20));

        await page.InvokeAsync(() => Card(page, url).QuerySelector("[aria-label='Replay lead.created:9000']")!.Click());

        page.WaitForAssertion(() => Card(page, url).QuerySelectorAll("[data-testid=webhook-delivery]")[0].TextContent.ShouldNotContain("Failed"));
        await using var check = Database.CreateContext();
        var replayed = await check.WebhookDeliveries.SingleAsync(d => d.WebhookEndpointId == endpoint.Id && d.IdempotencyKey == "lead.created:9000", Ct);
        replayed.Status.ShouldBe(WebhookDeliveryStatus.Pending);
        replayed.NextAttemptAt.ShouldBe(now);
    }

    [Fact]
    public async Task AnotherAccountsWebhooksPageIsNotFound()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        await SignInAsAsync("ben@northwind.example");
        RenderPopoverProvider();

        var page = Render<WebhooksPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Markup.ShouldContain("Account not found"));
        page.FindAll("[data-testid=webhook-endpoint]").ShouldBeEmpty();
    }
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Conversions;

namespace SponsoredInMail.Tests.Web.Components;

/// <summary>The account's conversions page: definitions and their snippets for every seat; Managers create, edit and archive.</summary>
public class ConversionsPageTests : BunitTestBase
{
    private const string Maria = "maria@contoso.example";
    private const string Ben = "ben@northwind.example";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ConversionsPageTests(SeededDatabase seeded) : base(seeded) =>
        Services.AddSingleton(Database.Get<ConversionDefinitionService>());

    private ConversionDefinitionService Definitions => Database.Get<ConversionDefinitionService>();

    private async Task<ConversionDefinitionView> DefinitionAsync(string manager, string account, string name, long? valueCents = null)
    {
        var accountId = await AccountIdAsync(account);
        var user = await UserIdAsync(manager);
        var created = await Definitions.CreateAsync(user, accountId, new ConversionDefinitionInput(name, ConversionCategory.Purchase, valueCents, 7, 1), Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return (await Definitions.GetAsync(user, accountId, created.Value, Ct))!;
    }

    private async Task<IRenderedComponent<ConversionsPage>> RenderPageAsync(string email, string account)
    {
        await SignInAsAsync(email);
        RenderPopoverProvider();
        var accountId = await AccountIdAsync(account);
        var page = Render<ConversionsPage>(p => p.Add(x => x.AccountId, accountId));
        page.WaitForAssertion(() => page.Find("[data-testid=install-tag]"));
        return page;
    }

    [Fact]
    public async Task TheDefinitionsAreListedWithTheirWindowsAndTheSnippetsCarryTheirTagKey()
    {
        var definition = await DefinitionAsync(Maria, "Contoso Cloud", $"Order {Guid.NewGuid():N}"[..20], valueCents: 4900);

        var page = await RenderPageAsync(Maria, "Contoso Cloud");

        var row = page.Find($"[data-testid=conversion-row][data-tag-key={definition.TagKey}]");
        row.TextContent.ShouldContain(definition.Name);
        row.TextContent.ShouldContain("Purchase");
        row.TextContent.ShouldContain("$49.00");
        row.TextContent.ShouldContain("7-day click · 1-day send");
        row.QuerySelector("[data-testid=conversion-received]")!.TextContent.Trim().ShouldBe("0 / 0");
        row.QuerySelector("[data-testid=conversion-status]")!.TextContent.Trim().ShouldBe("Active");
        page.Find("[data-testid=snippet-loader] pre").TextContent
            .ShouldBe("<script>window.simTag=window.simTag||function(){(simTag.q=simTag.q||[]).push(arguments)};</script>\n<script async src=\"http://localhost/c/tag.js\"></script>");
        var snippets = page.Find($"[data-testid=snippets][data-tag-key={definition.TagKey}]");
        snippets.QuerySelector("[data-testid=snippet-event] pre")!.TextContent.ShouldBe($"<script>simTag('convert', '{definition.TagKey}', {{ eventId: 'ORDER-123' }});</script>");
        snippets.QuerySelector("[data-testid=snippet-pixel] pre")!.TextContent
            .ShouldBe($"<img src=\"http://localhost/c/px?c={definition.TagKey}&clid=CLICK_ID\" width=\"1\" height=\"1\" alt=\"\">");
        snippets.TextContent.ShouldContain("simclid");
        page.Find("[data-testid=conversions-api-note]").TextContent.ShouldContain("POST /api/v1/conversions/events");
    }

    [Fact]
    public async Task ADefinitionWithoutAValueAsksTheTagForOne()
    {
        var definition = await DefinitionAsync(Maria, "Contoso Cloud", $"Signup {Guid.NewGuid():N}"[..20]);

        var page = await RenderPageAsync(Maria, "Contoso Cloud");

        page.Find($"[data-testid=snippets][data-tag-key={definition.TagKey}] [data-testid=snippet-event] pre").TextContent
            .ShouldBe($"<script>simTag('convert', '{definition.TagKey}', {{ valueCents: 4900, eventId: 'ORDER-123' }});</script>");
        page.Find($"[data-testid=conversion-row][data-tag-key={definition.TagKey}]").TextContent.ShouldContain("Sent with each event");
    }

    [Fact]
    public async Task CopyPutsTheSnippetOnTheClipboard()
    {
        var page = await RenderPageAsync(Maria, "Contoso Cloud");

        await page.InvokeAsync(() => page.Find("[data-testid=snippet-loader] [data-testid=copy-snippet]").Click());

        var copied = JSInterop.VerifyInvoke("navigator.clipboard.writeText");
        copied.Arguments[0].ShouldBe(page.Find("[data-testid=snippet-loader] pre").TextContent);
    }

    [Fact]
    public async Task AManagerCreatesAConversionWithAValueInDollars()
    {
        var name = $"Demo {Guid.NewGuid():N}"[..20];
        var page = await RenderPageAsync(Maria, "Contoso Cloud");

        await page.InvokeAsync(() => page.Find("[data-testid=conversion-new]").Click());
        await page.InvokeAsync(() => page.Find("[data-testid=conversion-name]").Input(name));
        await page.InvokeAsync(() => page.Find("[data-testid=conversion-value]").Input("49.00"));
        await page.InvokeAsync(() => Input(page, "conversion-counting-EveryTime").Click());
        await page.InvokeAsync(() => page.Find("[data-testid=conversion-save]").Click());

        page.WaitForAssertion(() => page.FindAll("[data-testid=conversion-form]").ShouldBeEmpty());
        await using var db = Database.CreateContext();
        var saved = await db.ConversionDefinitions.SingleAsync(d => d.Name == name, Ct);
        saved.ValueCents.ShouldBe(4900);
        saved.PostClickDays.ShouldBe(30);
        saved.PostSendDays.ShouldBe(7);
        saved.Counting.ShouldBe(ConversionCounting.EveryTime);
        saved.TagKey.ShouldStartWith("cv_");
        page.WaitForAssertion(() => page.Find($"[data-testid=snippets][data-tag-key={saved.TagKey}]"));
        page.Find($"[data-testid=conversion-row][data-tag-key={saved.TagKey}]").TextContent.ShouldContain("Every conversion");
    }

    [Fact]
    public async Task AValueOverTheLimitIsShownAtTheFieldAndNothingIsCreated()
    {
        var name = $"Too dear {Guid.NewGuid():N}"[..20];
        var page = await RenderPageAsync(Maria, "Contoso Cloud");

        await page.InvokeAsync(() => page.Find("[data-testid=conversion-new]").Click());
        await page.InvokeAsync(() => page.Find("[data-testid=conversion-name]").Input(name));
        await page.InvokeAsync(() => page.Find("[data-testid=conversion-value]").Input("2000000"));
        await page.InvokeAsync(() => page.Find("[data-testid=conversion-save]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=conversion-form]").TextContent.ShouldContain("The value must be between 0 and 1,000,000.00."));
        await page.InvokeAsync(() => page.Find("[data-testid=conversion-value]").Input("twelve"));
        await page.InvokeAsync(() => page.Find("[data-testid=conversion-save]").Click());
        page.WaitForAssertion(() => page.Find("[data-testid=conversion-form]").TextContent.ShouldContain("Enter the value in dollars and cents"));
        await using var db = Database.CreateContext();
        (await db.ConversionDefinitions.AnyAsync(d => d.Name == name, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task AManagerEditsTheWindowsOfAConversion()
    {
        var definition = await DefinitionAsync(Maria, "Contoso Cloud", $"Edit {Guid.NewGuid():N}"[..20]);
        var page = await RenderPageAsync(Maria, "Contoso Cloud");

        await page.InvokeAsync(() => page.Find($"[aria-label='Edit {definition.Name}']").Click());
        page.Find("[data-testid=conversion-form]").TextContent.ShouldContain($"Edit {definition.Name}");
        await page.InvokeAsync(() => page.Find("[data-testid=conversion-value]").Input("12.50"));
        await page.InvokeAsync(() => page.Find("[data-testid=conversion-save]").Click());

        page.WaitForAssertion(() => page.Find($"[data-testid=conversion-row][data-tag-key={definition.TagKey}]").TextContent.ShouldContain("$12.50"));
        (await Definitions.GetAsync(await UserIdAsync(Maria), await AccountIdAsync("Contoso Cloud"), definition.Id, Ct))!.ValueCents.ShouldBe(1250);
    }

    [Fact]
    public async Task AManagerArchivesAConversionAndRestoresIt()
    {
        var definition = await DefinitionAsync(Maria, "Contoso Cloud", $"Archive {Guid.NewGuid():N}"[..20]);
        var page = await RenderPageAsync(Maria, "Contoso Cloud");

        await page.InvokeAsync(() => page.Find($"[aria-label='Archive {definition.Name}']").Click());

        page.WaitForAssertion(() => page.FindAll($"[data-testid=conversion-row][data-tag-key={definition.TagKey}]").ShouldBeEmpty());
        page.FindAll($"[data-testid=snippets][data-tag-key={definition.TagKey}]").ShouldBeEmpty("an archived conversion accepts no events");
        (await Definitions.GetAsync(await UserIdAsync(Maria), await AccountIdAsync("Contoso Cloud"), definition.Id, Ct))!.IsArchived.ShouldBeTrue();

        await page.InvokeAsync(() => Input(page, "conversion-show-archived").Change(true));
        page.WaitForAssertion(() => page.Find($"[data-testid=conversion-row][data-tag-key={definition.TagKey}] [data-testid=conversion-status]")
            .TextContent.ShouldStartWith("Archived"));
        await page.InvokeAsync(() => page.Find($"[aria-label='Restore {definition.Name}']").Click());
        page.WaitForAssertion(() => page.Find($"[data-testid=conversion-row][data-tag-key={definition.TagKey}] [data-testid=conversion-status]")
            .TextContent.Trim().ShouldBe("Active"));
    }

    [Fact]
    public async Task AViewerSeesTheConversionsAndSnippetsButCannotChangeThem()
    {
        var definition = await DefinitionAsync(Ben, "Northwind Analytics", $"Viewer {Guid.NewGuid():N}"[..20]);

        var page = await RenderPageAsync(Maria, "Northwind Analytics");

        page.Find("[data-testid=conversion-viewer-note]");
        page.Find($"[data-testid=conversion-row][data-tag-key={definition.TagKey}]");
        page.Find($"[data-testid=snippets][data-tag-key={definition.TagKey}]");
        page.FindAll("[data-testid=conversion-new]").ShouldBeEmpty();
        page.FindAll("[data-testid=conversion-edit]").ShouldBeEmpty();
        page.FindAll("[data-testid=conversion-archive]").ShouldBeEmpty();
    }

    [Fact]
    public async Task AnotherAccountsConversionsPageIsNotFound()
    {
        await SignInAsAsync(Ben);
        var contoso = await AccountIdAsync("Contoso Cloud");

        var page = Render<ConversionsPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Markup.ShouldContain("Account not found"));
        page.FindAll("[data-testid=install-tag]").ShouldBeEmpty();
    }

    [Fact]
    public async Task RecentConversionsShowTheirCampaignOrUnattributed()
    {
        var definition = await DefinitionAsync(Maria, "Contoso Cloud", $"Recent {Guid.NewGuid():N}"[..20]);
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (campaignId, campaignName, _, _) = await new Reports.ReportTestData(Database).MessageAdAsync("Contoso Cloud", sends: 1);
        await using (var db = Database.CreateContext())
        {
            var now = Database.Clock.GetUtcNow().UtcDateTime;
            db.ConversionEvents.AddRange(
                new ConversionEvent
                {
                    AdvertiserAccountId = contoso, ConversionDefinitionId = definition.Id, EventId = $"ORD-{definition.Id}-1", Source = ConversionSource.Api,
                    OccurredAt = now.AddMinutes(-5), ReceivedAt = now.AddMinutes(-5), ValueCents = 4900, Touch = AttributionTouch.Click, CampaignId = campaignId,
                    TouchAt = now.AddHours(-1), Counted = true,
                },
                new ConversionEvent
                {
                    AdvertiserAccountId = contoso, ConversionDefinitionId = definition.Id, Source = ConversionSource.Pixel,
                    OccurredAt = now, ReceivedAt = now, ValueCents = 0, Touch = AttributionTouch.None,
                });
            await db.SaveChangesAsync(Ct);
        }

        var page = await RenderPageAsync(Maria, "Contoso Cloud");

        page.WaitForAssertion(() => page.FindAll("[data-testid=recent-row]").Count.ShouldBeGreaterThanOrEqualTo(2));
        var rows = page.FindAll("[data-testid=recent-row]").Where(r => r.TextContent.Contains(definition.Name)).ToList();
        rows.Count.ShouldBe(2);
        rows[0].TextContent.ShouldContain("Pixel");
        rows[0].TextContent.ShouldContain("Unattributed");
        rows[1].TextContent.ShouldContain("Conversions API");
        rows[1].TextContent.ShouldContain("Post-click");
        rows[1].TextContent.ShouldContain("$49.00");
        rows[1].TextContent.ShouldContain($"ORD-{definition.Id}-1");
        rows[1].QuerySelector($"a[href='/accounts/{contoso}/campaigns/{campaignId}/report']")!.TextContent.ShouldBe(campaignName);
        page.Find($"[data-testid=conversion-row][data-tag-key={definition.TagKey}] [data-testid=conversion-received]").TextContent.Trim().ShouldBe("2 / 1");
    }

    private static AngleSharp.Dom.IElement Input(IRenderedComponent<ConversionsPage> page, string testId)
    {
        var element = page.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}

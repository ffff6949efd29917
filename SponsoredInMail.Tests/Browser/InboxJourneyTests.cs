using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Web.Components.Inbox;

namespace SponsoredInMail.Tests.Browser;

/// <summary>
/// The member's side in Chromium: open a sponsored message and follow its CTA to the stored URL, fill a lead form,
/// walk a conversation to its lead form, opt out of a company; then the marketers' lead list and audience breakdown
/// show it. Axe runs on the inbox, a message and the settings page.
/// </summary>
[Collection(BrowserCollection.Name)]
public class InboxJourneyTests(BrowserFixture browser)
{
    private const int Mia = 1;

    [Fact]
    public async Task AMemberReadsClicksFillsFormsWalksAConversationAndOptsOut()
    {
        browser.SkipWhenUnavailable();
        var factory = browser.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var data = new InboxTestData(factory, () => DateTime.UtcNow);
        var landing = browser.BaseUrl.TrimEnd('/') + "/health";
        await data.AdAsync("Contoso Cloud", _ => { });
        var contosoMessage = await data.MessageAdAsync(Mia, "Contoso Cloud", "Journey: your cloud guide", DateTime.UtcNow.AddDays(-70));
        await PointCtaAtAsync(factory, contosoMessage, landing);
        var northwindForm = await data.LeadFormAsync(await AccountAsync(factory, "Northwind Analytics"));
        await data.MessageAdAsync(Mia, "Northwind Analytics", "Journey: the benchmark report", DateTime.UtcNow.AddDays(-35), northwindForm);
        var fabrikamForm = await data.LeadFormAsync(await AccountAsync(factory, "Fabrikam Health"));
        await data.ConversationAsync(Mia, "Fabrikam Health", DateTime.UtcNow.AddDays(-1), fabrikamForm);

        // Maria's view of an audience Mia belongs to, before anything happens.
        var contoso = await AccountAsync(factory, "Contoso Cloud");
        var maria = await UserAsync(factory, "maria@contoso.example");
        string miasCountry;
        await using (var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            miasCountry = await db.Members.Where(m => m.Id == Mia).Select(m => m.CountryCode).SingleAsync(TestContext.Current.CancellationToken);
        }
        var us = new Targeting([new FacetCriterion(Facet.Location, [miasCountry])], []);
        var audienceId = (await browser.Services.GetRequiredService<AudienceService>().CreateAsync(maria, contoso, $"Journey US {Guid.NewGuid():N}"[..20], us, TestContext.Current.CancellationToken)).Value;
        var marketer = await browser.NewPageAsync(1400, 1000);
        await marketer.LoginAsync("maria@contoso.example");
        await marketer.GotoAsync($"/accounts/{contoso}/audiences/{audienceId}");
        await marketer.WaitForInteractiveAsync();
        var optedOutBefore = int.Parse(await marketer.GetByTestId("opted-out").InnerTextAsync(), System.Globalization.NumberStyles.AllowThousands);

        // The member's inbox: three sponsored messages pinned and labelled.
        var member = await browser.NewPageAsync(1280, 900);
        await member.LoginAsync("member@sponsoredinmail.example");
        await member.GetByRole(AriaRole.Link, new() { Name = "Inbox", Exact = true }).ClickAsync();
        await member.WaitForInteractiveAsync();
        var items = member.GetByTestId("inbox-item");
        // Sponsored ones only: the InMail journey (same app) may already have put a "Journey:" InMail in Mia's inbox.
        await Assertions.Expect(member.Locator("[data-testid=inbox-item][data-kind=sponsored]").Filter(new() { HasText = "Journey:" })).ToHaveCountAsync(2);
        await Assertions.Expect(items.First).ToHaveAttributeAsync("data-kind", "sponsored");
        (await member.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();

        // 1. Open the Contoso message and follow its CTA: it lands on the stored URL.
        await items.Filter(new() { HasText = "Journey: your cloud guide" }).ClickAsync();
        await Assertions.Expect(member.GetByTestId("message-subject").First).ToContainTextAsync("your cloud guide");
        var cta = member.GetByTestId("message-cta");
        await Assertions.Expect(cta).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/t/"));
        (await member.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        var landed = await member.RunAndWaitForPopupAsync(() => cta.ClickAsync());
        await landed.WaitForLoadStateAsync();
        landed.Url.ShouldBe(landing);
        await landed.CloseAsync();

        // 2. The Northwind message's CTA opens its lead form, prefilled; consent, submit, thanks.
        await items.Filter(new() { HasText = "Journey: the benchmark report" }).ClickAsync();
        await Assertions.Expect(member.GetByTestId("message-subject").First).ToContainTextAsync("the benchmark report");
        await member.GetByTestId("message-cta").ClickAsync();
        await FillLeadFormAsync(member);

        // 3. The Fabrikam conversation: "Yes please" shows the next message, "Get a call" opens the form.
        await member.Locator("[data-testid=inbox-item][data-kind=sponsored]").Filter(new() { HasText = "Quick question" }).ClickAsync();
        await Assertions.Expect(member.GetByTestId("message-subject").First).ToContainTextAsync("Quick question");
        await member.GetByTestId("conversation-button").Filter(new() { HasText = "Yes please" }).ClickAsync();
        await Assertions.Expect(member.GetByTestId("conversation-bubble").Filter(new() { HasText = "How would you like it?" })).ToBeVisibleAsync();
        await member.GetByTestId("conversation-button").Filter(new() { HasText = "Get a call" }).ClickAsync();
        await FillLeadFormAsync(member);

        // 4. Opt out of Contoso from inside its message.
        await items.Filter(new() { HasText = "Journey: your cloud guide" }).ClickAsync();
        await Assertions.Expect(member.GetByTestId("message-subject").First).ToContainTextAsync("your cloud guide");
        await member.Locator("[data-testid=opt-out-menu] button").First.ClickAsync();
        await member.GetByTestId("opt-out-advertiser").ClickAsync();
        await Assertions.Expect(member.GetByTestId("opt-out-done")).ToBeVisibleAsync();

        // Settings lists it, with an undo.
        await member.GotoAsync("/settings");
        await member.WaitForInteractiveAsync();
        await Assertions.Expect(member.GetByTestId("optout-row").Filter(new() { HasText = "Contoso Cloud" })).ToBeVisibleAsync();
        (await member.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();

        // The marketers see it: Maria's breakdown counts one more opted out; Ben's lead list has Mia's lead.
        await marketer.ReloadAsync();
        await marketer.WaitForInteractiveAsync();
        await Assertions.Expect(marketer.GetByTestId("opted-out")).ToHaveTextAsync((optedOutBefore + 1).ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        var ben = await browser.NewPageAsync(1400, 1000);
        await ben.LoginAsync("ben@northwind.example");
        await ben.GotoAsync($"/accounts/{await AccountAsync(factory, "Northwind Analytics")}/leads");
        await ben.WaitForInteractiveAsync();
        await Assertions.Expect(ben.GetByTestId("leads-grid")).ToContainTextAsync("Mia");

        await member.Context.CloseAsync();
        await marketer.Context.CloseAsync();
        await ben.Context.CloseAsync();
    }

    [Fact]
    public async Task TheInboxWorksAtPhoneWidthWithoutSidewaysScrolling()
    {
        browser.SkipWhenUnavailable();
        var factory = browser.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var data = new InboxTestData(factory, () => DateTime.UtcNow);
        await data.MessageAdAsync(2, "Contoso Cloud", "Phone: a message for Sam", DateTime.UtcNow.AddHours(-3));
        var page = await browser.NewPageAsync(390, 844);
        await page.LoginAsync("rep@sponsoredinmail.example");
        await page.GotoAsync("/inbox");
        await page.WaitForInteractiveAsync();

        await page.GetByTestId("inbox-item").Filter(new() { HasText = "Phone: a message for Sam" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("message-subject").First).ToContainTextAsync("Phone: a message for Sam");
        await Assertions.Expect(page.GetByTestId("inbox-back")).ToBeVisibleAsync();

        (await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth")).ShouldBeTrue();
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await page.Context.CloseAsync();
    }

    private static async Task FillLeadFormAsync(IPage page)
    {
        var form = page.GetByTestId("lead-form");
        await Assertions.Expect(form).ToBeVisibleAsync();
        await Assertions.Expect(form.GetByTestId("lead-field").First).Not.ToHaveValueAsync("");
        await Assertions.Expect(form.GetByTestId("lead-privacy")).ToBeVisibleAsync();
        await form.GetByTestId("lead-choice").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").First.ClickAsync();
        await form.GetByTestId("lead-consent").CheckAsync();
        await form.GetByTestId("lead-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("lead-thanks")).ToBeVisibleAsync();
    }

    private static async Task PointCtaAtAsync(IDbContextFactory<AppDbContext> factory, long deliveryId, string url)
    {
        await using var db = await factory.CreateDbContextAsync();
        var adId = await (from d in db.Deliveries where d.Id == deliveryId join c in db.Campaigns on d.CampaignId equals c.Id select c.AdId).SingleAsync();
        await db.Ads.Where(a => a.Id == adId).ExecuteUpdateAsync(u => u.SetProperty(a => a.LandingUrl, url));
    }

    private static async Task<int> AccountAsync(IDbContextFactory<AppDbContext> factory, string name)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.AdvertiserAccounts.Where(a => a.Name == name).Select(a => a.Id).SingleAsync();
    }

    private static async Task<string> UserAsync(IDbContextFactory<AppDbContext> factory, string email)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }
}

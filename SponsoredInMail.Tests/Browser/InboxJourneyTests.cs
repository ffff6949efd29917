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
public class InboxJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task AMemberReadsClicksFillsFormsWalksAConversationAndOptsOut()
    {
        Browser.SkipWhenUnavailable();
        var factory = Browser.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var data = new InboxTestData(factory, () => DateTime.UtcNow);
        var landing = Browser.BaseUrl.TrimEnd('/') + "/health";
        // Everything written here is this test's own: a new member, three new advertisers and their marketers.
        var mia = await People.NewMemberAsync("Mia");
        var contoso = await People.NewAdvertiserAsync("Contoso");
        var northwind = await People.NewAdvertiserAsync("Northwind");
        var fabrikam = await People.NewAdvertiserAsync("Fabrikam");
        var contosoMessage = await data.MessageAdAsync(mia.MemberId, contoso.AccountName, "Journey: your cloud guide", DateTime.UtcNow.AddDays(-70));
        await PointCtaAtAsync(factory, contosoMessage, landing);
        var northwindForm = await data.LeadFormAsync(northwind.AccountId);
        await data.MessageAdAsync(mia.MemberId, northwind.AccountName, "Journey: the benchmark report", DateTime.UtcNow.AddDays(-35), northwindForm);
        var fabrikamForm = await data.LeadFormAsync(fabrikam.AccountId);
        await data.ConversationAsync(mia.MemberId, fabrikam.AccountName, DateTime.UtcNow.AddDays(-1), fabrikamForm);

        // Contoso's marketer's view of an audience Mia belongs to, before anything happens.
        var us = new Targeting([new FacetCriterion(Facet.Location, [mia.CountryCode])], []);
        var audienceId = (await Browser.Services.GetRequiredService<AudienceService>().CreateAsync(contoso.Marketer.UserId, contoso.AccountId, $"Journey US {Guid.NewGuid():N}"[..20], us, TestContext.Current.CancellationToken)).Value;
        var marketer = await NewPageAsync(1400, 1000);
        await marketer.LoginAsync(contoso.Email);
        await marketer.GotoAsync($"/accounts/{contoso.AccountId}/audiences/{audienceId}");
        await marketer.WaitForInteractiveAsync();
        var optedOutBefore = int.Parse(await marketer.GetByTestId("opted-out").InnerTextAsync(), System.Globalization.NumberStyles.AllowThousands);

        // The member's inbox: three sponsored messages pinned and labelled.
        var member = await NewPageAsync(1280, 900);
        await member.LoginAsync(mia.Email);
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
        landed.Url.ShouldStartWith(landing + "?simclid=");
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
        await Assertions.Expect(member.GetByTestId("optout-row").Filter(new() { HasText = contoso.AccountName })).ToBeVisibleAsync();
        (await member.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();

        // The marketers see it: Contoso's breakdown counts one more opted out; Northwind's lead list has Mia's lead.
        await marketer.ReloadAsync();
        await marketer.WaitForInteractiveAsync();
        await Assertions.Expect(marketer.GetByTestId("opted-out")).ToHaveTextAsync((optedOutBefore + 1).ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        var ben = await NewPageAsync(1400, 1000);
        await ben.LoginAsync(northwind.Email);
        await ben.GotoAsync($"/accounts/{northwind.AccountId}/leads");
        await ben.WaitForInteractiveAsync();
        await Assertions.Expect(ben.GetByTestId("leads-grid")).ToContainTextAsync(mia.LastName);
    }

    [Fact]
    public async Task TheInboxWorksAtPhoneWidthWithoutSidewaysScrolling()
    {
        Browser.SkipWhenUnavailable();
        var factory = Browser.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var data = new InboxTestData(factory, () => DateTime.UtcNow);
        var sam = await People.NewSalesRepAsync();
        var advertiser = await People.NewAdvertiserAsync("Contoso");
        await data.MessageAdAsync(sam.MemberId, advertiser.AccountName, "Phone: a message for Sam", DateTime.UtcNow.AddHours(-3));
        var page = await NewPageAsync(390, 844);
        await page.LoginAsync(sam.Email);
        await page.GotoAsync("/inbox");
        await page.WaitForInteractiveAsync();

        await page.GetByTestId("inbox-item").Filter(new() { HasText = "Phone: a message for Sam" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("message-subject").First).ToContainTextAsync("Phone: a message for Sam");
        await Assertions.Expect(page.GetByTestId("inbox-back")).ToBeVisibleAsync();

        (await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth")).ShouldBeTrue();
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
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
        var adId = await db.Deliveries.Where(d => d.Id == deliveryId).Select(d => d.AdId).SingleAsync();
        await db.Ads.Where(a => a.Id == adId).ExecuteUpdateAsync(u => u.SetProperty(a => a.LandingUrl, url));
    }
}

using Microsoft.Playwright;

namespace SponsoredInMail.Tests.Browser;

/// <summary>A marketer composes a Message Ad in Chromium, watches the personalized preview, and saves it.</summary>
[Collection(BrowserCollection.Name)]
public class AdJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task AMarketerComposesPreviewsAndSavesAMessageAd()
    {
        Browser.SkipWhenUnavailable();
        var advertiser = await People.NewAdvertiserAsync("Contoso");
        var page = await NewPageAsync(1400, 1000);
        await page.LoginAsync(advertiser.Email);

        await page.GetByRole(AriaRole.Link, new() { Name = "Ads", Exact = true }).ClickAsync();
        await page.GetByTestId("new-message-ad").ClickAsync();
        await page.Locator("#app-state[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.GetByTestId("ad-name").FillAsync("Spring analytics webinar");
        await page.GetByTestId("ad-subject").FillAsync("%FIRSTNAME%, join our webinar");
        await page.GetByTestId("ad-body").FillAsync("Hi %FIRSTNAME%,\nWe'd love to see you. Read [the agenda](https://contoso.example/agenda).");
        await page.GetByTestId("ad-cta").FillAsync("Save my seat");
        await page.GetByTestId("ad-landing-url").FillAsync("https://contoso.example/register");

        var preview = page.GetByTestId("ad-preview");
        await Assertions.Expect(preview.GetByTestId("message-subject")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(?!%FIRSTNAME%).+, join our webinar$"));
        await Assertions.Expect(preview.GetByTestId("message-body").Locator("a")).ToHaveAttributeAsync("href", "https://contoso.example/agenda");
        await Assertions.Expect(preview.GetByTestId("message-cta")).ToHaveTextAsync("Save my seat");
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();

        await SaveAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Ads", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("ad-list")).ToContainTextAsync("Spring analytics webinar");
    }

    [Fact]
    public async Task AMarketerBuildsAThreeMessageConversationWithALeadFormAndClicksThroughIt()
    {
        Browser.SkipWhenUnavailable();
        var advertiser = await People.NewAdvertiserAsync("Northwind");
        var page = await NewPageAsync(1400, 1100);
        await page.LoginAsync(advertiser.Email);

        await page.GetByRole(AriaRole.Link, new() { Name = "Lead gen forms", Exact = true }).ClickAsync();
        await page.GetByTestId("new-lead-form").ClickAsync();
        await WaitInteractiveAsync(page);
        await page.GetByTestId("lf-name").FillAsync("Buyer's guide form");
        await page.GetByTestId("lf-headline").FillAsync("Get the 2026 buyer's guide");
        await page.GetByTestId("lf-privacy").FillAsync("https://northwind.example/privacy");
        await Assertions.Expect(page.GetByTestId("lead-form-preview")).ToContainTextAsync("Get the 2026 buyer's guide");
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await page.GetByTestId("save-lead-form").ClickAsync();
        await page.WaitForAddressAsync("/lead-forms/\\d+$");

        await page.GetByRole(AriaRole.Link, new() { Name = "Ads", Exact = true }).ClickAsync();
        await page.GetByTestId("new-conversation-ad").ClickAsync();
        await WaitInteractiveAsync(page);
        await page.GetByTestId("ad-name").FillAsync("Analytics qualifier");
        await page.GetByTestId("ad-subject").FillAsync("Quick question, %FIRSTNAME%");
        await page.GetByTestId("add-message").ClickAsync();
        await page.GetByTestId("add-message").ClickAsync();
        var messages = page.GetByTestId("conversation-message");
        await Assertions.Expect(messages).ToHaveCountAsync(3);

        await messages.Nth(0).GetByTestId("message-text").FillAsync("Are you evaluating analytics tools this year?");
        var first = messages.Nth(0).GetByTestId("conversation-button-row").First;
        await first.GetByTestId("button-text").FillAsync("Tell me more");
        await ChooseAsync(page, first.GetByTestId("button-target"), "Message 2");
        await messages.Nth(1).GetByTestId("message-text").FillAsync("Great: our buyer's guide compares the top tools.");
        var second = messages.Nth(1).GetByTestId("conversation-button-row").First;
        await second.GetByTestId("button-text").FillAsync("Get the guide");
        await ChooseAsync(page, second.GetByTestId("button-action"), "Lead gen form");
        await ChooseAsync(page, second.GetByTestId("button-form"), "Buyer's guide form");
        await messages.Nth(2).GetByTestId("message-text").FillAsync("No problem. Here is our blog.");
        await messages.Nth(2).GetByTestId("conversation-button-row").First.GetByTestId("button-text").FillAsync("Thanks");
        // A click can land while the previous field's change is still rendering: click until the third row is there.
        var firstRows = messages.Nth(0).GetByTestId("conversation-button-row");
        for (var attempt = 0; attempt < 3 && await firstRows.CountAsync() < 3; attempt++)
        {
            await messages.Nth(0).GetByTestId("add-button").ClickAsync();
            try
            {
                await Assertions.Expect(firstRows).ToHaveCountAsync(3, new() { Timeout = 2_000 });
            }
            catch (PlaywrightException)
            {
            }
        }
        await Assertions.Expect(firstRows).ToHaveCountAsync(3);
        var later = firstRows.Nth(2);
        await later.GetByTestId("button-text").FillAsync("Maybe later");
        await ChooseAsync(page, later.GetByTestId("button-action"), "Next message");
        await ChooseAsync(page, later.GetByTestId("button-target"), "Message 3");

        await Assertions.Expect(page.GetByTestId("graph-problems")).ToHaveCountAsync(0);
        var preview = page.GetByTestId("ad-preview");
        await preview.GetByRole(AriaRole.Button, new() { Name = "Tell me more" }).ClickAsync();
        await Assertions.Expect(preview.GetByTestId("conversation-bubble")).ToHaveCountAsync(2);
        await preview.GetByRole(AriaRole.Button, new() { Name = "Get the guide" }).ClickAsync();
        await Assertions.Expect(preview.GetByTestId("conversation-outcome")).ToHaveTextAsync("Opens the lead gen form.");
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();

        await page.GetByTestId("save-ad").ClickAsync();
        await page.WaitForAddressAsync("/ads/\\d+$");
    }

    /// <summary>Saves and waits for the ad's own URL; a click lost to a field's re-render is repeated (the URL only changes on success).</summary>
    private static async Task SaveAsync(IPage page)
    {
        var saved = new System.Text.RegularExpressions.Regex("/ads/\\d+$");
        for (var attempt = 0; attempt < 3 && !saved.IsMatch(page.Url); attempt++)
        {
            await page.GetByTestId("save-ad").ClickAsync();
            try
            {
                await page.WaitForAddressAsync(saved, 5_000);
            }
            catch (PlaywrightException)
            {
            }
        }
        page.Url.ShouldMatch("/ads/\\d+$");
    }

    private static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("#app-state[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = option }).First.ClickAsync();
        await Assertions.Expect(select).ToHaveValueAsync(option);
    }

    [Fact]
    public async Task TooLongFieldsAreNamedAndNothingIsSaved()
    {
        Browser.SkipWhenUnavailable();
        var advertiser = await People.NewAdvertiserAsync("Northwind");
        var page = await NewPageAsync(1400, 1000);
        await page.LoginAsync(advertiser.Email);
        await page.GotoAsync($"/accounts/{advertiser.AccountId}/ads/new/message");
        await page.Locator("#app-state[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        await page.GetByTestId("ad-name").FillAsync("Too long");
        await page.GetByTestId("ad-subject").FillAsync(new string('s', 61));
        await page.GetByTestId("save-ad").ClickAsync();

        await Assertions.Expect(page.GetByText("Subject must be 1–60 characters; it has 61.").First).ToBeVisibleAsync();
        page.Url.ShouldEndWith("/ads/new/message");
    }
}

using Microsoft.Playwright;

namespace SponsoredInMail.Tests.Browser;

/// <summary>A marketer composes a Message Ad in Chromium, watches the personalized preview, and saves it.</summary>
[Collection(BrowserCollection.Name)]
public class AdJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task AMarketerComposesPreviewsAndSavesAMessageAd()
    {
        browser.SkipWhenUnavailable();
        var page = await browser.NewPageAsync(1400, 1000);
        await page.LoginAsync("maria@contoso.example");

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

        await page.GetByTestId("save-ad").ClickAsync();
        await page.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(url, "/ads/\\d+$"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Ads", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("ad-list")).ToContainTextAsync("Spring analytics webinar");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TooLongFieldsAreNamedAndNothingIsSaved()
    {
        browser.SkipWhenUnavailable();
        var page = await browser.NewPageAsync(1400, 1000);
        await page.LoginAsync("ben@northwind.example");
        await page.GotoAsync("/accounts/2/ads/new/message");
        await page.Locator("#app-state[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        await page.GetByTestId("ad-name").FillAsync("Too long");
        await page.GetByTestId("ad-subject").FillAsync(new string('s', 61));
        await page.GetByTestId("save-ad").ClickAsync();

        await Assertions.Expect(page.GetByText("Subject must be 1–60 characters; it has 61.").First).ToBeVisibleAsync();
        page.Url.ShouldEndWith("/ads/new/message");
        await page.Context.CloseAsync();
    }
}

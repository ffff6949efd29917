using Microsoft.Playwright;

namespace SponsoredInMail.Tests.Browser;

/// <summary>Real Chromium: each role logs in and finds its way; admin pages stay closed to others; pages pass axe.</summary>
[Collection(BrowserCollection.Name)]
public class ShellJourneyTests(BrowserFixture browser)
{
    [Theory]
    [InlineData("admin@sponsoredinmail.example", "Members", "My profile")]
    [InlineData("maria@contoso.example", "Account & team", "Members")]
    [InlineData("ben@northwind.example", "Account & team", "Members")]
    [InlineData("member@sponsoredinmail.example", "My profile", "Members")]
    [InlineData("rep@sponsoredinmail.example", "My profile", "Account & team")]
    public async Task EachRoleLogsInAndSeesItsOwnNavigation(string email, string expectedLink, string absentLink)
    {
        browser.SkipWhenUnavailable();
        var page = await browser.NewPageAsync();

        await page.LoginAsync(email);

        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = expectedLink })).ToBeVisibleAsync();
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = absentLink })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AMarketerSentToAnAdminUrlIsRefused()
    {
        browser.SkipWhenUnavailable();
        var page = await browser.NewPageAsync();
        await page.LoginAsync("ben@northwind.example");

        await page.GotoAsync("/admin/members");

        page.Url.ShouldContain("/Account/AccessDenied");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AMarketerSwitchesAdvertiserAccount()
    {
        browser.SkipWhenUnavailable();
        var page = await browser.NewPageAsync();
        await page.LoginAsync("maria@contoso.example");

        await page.GetByTestId("account-switcher").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem).Filter(new() { HasText = "Northwind Analytics" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("account-name")).ToHaveTextAsync("Northwind Analytics");
        await Assertions.Expect(page.GetByTestId("account-switcher")).ToContainTextAsync("Northwind Analytics");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AnAdminSearchesTheNetworkAndOpensAProfile()
    {
        browser.SkipWhenUnavailable();
        var page = await browser.NewPageAsync();
        await page.LoginAsync("admin@sponsoredinmail.example");

        await page.GetByRole(AriaRole.Link, new() { Name = "Members", Exact = true }).ClickAsync();
        await page.GetByTestId("member-search").FillAsync("Morgan");
        await page.GetByRole(AriaRole.Link, new() { Name = "Mia Morgan" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("member-name")).ToHaveTextAsync("Mia Morgan");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task LoggingOutReturnsToTheLoginPage()
    {
        browser.SkipWhenUnavailable();
        var page = await browser.NewPageAsync();
        await page.LoginAsync("member@sponsoredinmail.example");

        await page.GetByTestId("user-menu").ClickAsync();
        await page.GetByTestId("logout").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/Login"));
        await page.GotoAsync("/");

        page.Url.ShouldContain("/Account/Login");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(null, "/Account/Login")]
    [InlineData("admin@sponsoredinmail.example", "/")]
    [InlineData("admin@sponsoredinmail.example", "/admin/members")]
    [InlineData("maria@contoso.example", "/")]
    [InlineData("member@sponsoredinmail.example", "/me")]
    public async Task PagesHaveNoSeriousAccessibilityViolations(string? email, string path)
    {
        browser.SkipWhenUnavailable();
        var page = await browser.NewPageAsync();
        if (email is not null)
        {
            await page.LoginAsync(email);
        }

        await page.GotoAsync(path);
        if (email is not null)
        {
            await page.WaitForInteractiveAsync();
            await page.Locator("h1").First.WaitForAsync();
        }

        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await page.Context.CloseAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

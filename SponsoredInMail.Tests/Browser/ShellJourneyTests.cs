using Microsoft.Playwright;

namespace SponsoredInMail.Tests.Browser;

/// <summary>Real Chromium: each role logs in and finds its way; admin pages stay closed to others; pages pass axe.</summary>
[Collection(BrowserCollection.Name)]
public class ShellJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Theory]
    [InlineData("admin@sponsoredinmail.example", "Members", "My profile")]
    [InlineData("maria@contoso.example", "Account & team", "Members")]
    [InlineData("ben@northwind.example", "Account & team", "Members")]
    [InlineData("member@sponsoredinmail.example", "My profile", "Members")]
    [InlineData("rep@sponsoredinmail.example", "My profile", "Account & team")]
    public async Task EachRoleLogsInAndSeesItsOwnNavigation(string email, string expectedLink, string absentLink)
    {
        Browser.SkipWhenUnavailable();
        var page = await NewPageAsync();

        await page.LoginAsync(email);

        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = expectedLink })).ToBeVisibleAsync();
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = absentLink })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AMarketerSentToAnAdminUrlIsRefused()
    {
        Browser.SkipWhenUnavailable();
        var page = await NewPageAsync();
        await page.LoginAsync("ben@northwind.example");

        await page.GotoAsync("/admin/members");

        page.Url.ShouldContain("/Account/AccessDenied");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AMarketerSwitchesAdvertiserAccount()
    {
        Browser.SkipWhenUnavailable();
        var advertiser = await People.NewAdvertiserAsync("Contoso");
        var (_, northwind) = await People.AddAccountAsync(advertiser.Marketer, "Northwind", SponsoredInMail.Core.Accounts.AccountRole.Viewer);
        var page = await NewPageAsync();
        await page.LoginAsync(advertiser.Email);

        await page.GetByTestId("account-switcher").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem).Filter(new() { HasText = northwind }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("account-name")).ToHaveTextAsync(northwind);
        await Assertions.Expect(page.GetByTestId("account-switcher")).ToContainTextAsync(northwind);
    }

    [Fact]
    public async Task AnAdminSearchesTheNetworkAndOpensAProfile()
    {
        Browser.SkipWhenUnavailable();
        var page = await NewPageAsync();
        await page.LoginAsync("admin@sponsoredinmail.example");

        await page.GetByRole(AriaRole.Link, new() { Name = "Members", Exact = true }).ClickAsync();
        await page.GetByTestId("member-search").FillAsync("Morgan");
        await page.GetByRole(AriaRole.Link, new() { Name = "Mia Morgan" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("member-name")).ToHaveTextAsync("Mia Morgan");
    }

    [Fact]
    public async Task LoggingOutReturnsToTheLoginPage()
    {
        Browser.SkipWhenUnavailable();
        var page = await NewPageAsync();
        await page.LoginAsync("member@sponsoredinmail.example");

        await page.GetByTestId("user-menu").ClickAsync();
        await page.GetByTestId("logout").ClickAsync();
        await page.WaitForAddressAsync("/Account/Login");
        await page.GotoAsync("/");

        page.Url.ShouldContain("/Account/Login");
    }

    [Theory]
    [InlineData(null, "/Account/Login")]
    [InlineData("admin@sponsoredinmail.example", "/")]
    [InlineData("admin@sponsoredinmail.example", "/admin/members")]
    [InlineData("maria@contoso.example", "/")]
    [InlineData("member@sponsoredinmail.example", "/me")]
    public async Task PagesHaveNoSeriousAccessibilityViolations(string? email, string path)
    {
        Browser.SkipWhenUnavailable();
        var page = await NewPageAsync();
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
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

using Microsoft.Playwright;

namespace SponsoredInMail.Tests.Browser;

/// <summary>At 390 px (a phone) every role reaches the theme toggle, its menus and Log out; the audience builder keeps its count in sight.</summary>
[Collection(BrowserCollection.Name)]
public class PhoneLayoutTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const int Width = AccessibilitySweepTests.PhoneWidth;

    [Theory]
    [InlineData(RolePages.Admin)]
    [InlineData(RolePages.Marketer)]
    [InlineData(RolePages.Member)]
    [InlineData(RolePages.SalesRep)]
    public async Task EveryRoleReachesTheThemeToggleItsMenusAndLogOutAtPhoneWidth(string role)
    {
        Browser.SkipWhenUnavailable();
        var tour = await RolePages.ForAsync(role, People, Browser.Services);
        var page = await NewPageAsync(Width, AccessibilitySweepTests.PhoneHeight);
        await page.LoginAsync(tour.Email!);
        await page.Locator("h1").First.WaitForAsync();

        (await page.ScrollsSidewaysAsync()).ShouldBeFalse("the home page scrolls sideways");
        await ShouldBeOnScreenAsync(page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark theme" }), "the theme toggle");

        // The navigation opens and fits; every link in it can be reached.
        var toggleNav = page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        await Assertions.Expect(nav).Not.ToBeInViewportAsync();
        await toggleNav.ClickAsync();
        await Assertions.Expect(nav).ToBeInViewportAsync();
        await ShouldFitAsync(page.Locator(".mud-drawer").First, "the navigation drawer");
        var links = nav.GetByRole(AriaRole.Link);
        for (var i = 0; i < await links.CountAsync(); i++)
        {
            await links.Nth(i).ScrollIntoViewIfNeededAsync();
            await ShouldBeOnScreenAsync(links.Nth(i), $"navigation link {await links.Nth(i).InnerTextAsync()}");
        }
        // Closed again by a tap beside it.
        await page.Locator(".mud-drawer-overlay").ClickAsync(new() { Position = new() { X = Width - 20, Y = 400 } });
        await Assertions.Expect(nav).Not.ToBeInViewportAsync();

        // The user menu opens on screen, fits, and logs out.
        var userMenu = page.GetByTestId("user-menu");
        await ShouldBeOnScreenAsync(userMenu.Locator("button").First, "the user menu button");
        await userMenu.Locator("button").First.ClickAsync();
        var logout = page.GetByTestId("logout");
        await Assertions.Expect(logout).ToBeVisibleAsync();
        await ShouldBeOnScreenAsync(logout, "Log out");
        await ShouldFitAsync(page.Locator(".mud-popover-open").Filter(new() { Has = logout }), "the user menu");
        await logout.ClickAsync();
        await page.WaitForAddressAsync("/Account/Login");
    }

    [Fact]
    public async Task TheAudienceBuilderKeepsItsBreakdownInSightAtPhoneWidth()
    {
        Browser.SkipWhenUnavailable();
        var advertiser = await People.NewAdvertiserAsync("Phone");
        var page = await NewPageAsync(Width, AccessibilitySweepTests.PhoneHeight);
        await page.LoginAsync(advertiser.Email);
        await page.GotoAsync($"/accounts/{advertiser.AccountId}/audiences/new");
        await page.WaitForInteractiveAsync();

        await page.PickFacetAsync("include-Location", "United States");
        var summary = page.GetByTestId("size-summary");
        await Assertions.Expect(summary).ToBeInViewportAsync();
        var deliverable = await page.GetByTestId("deliverable").InnerTextAsync();
        await Assertions.Expect(summary).ToContainTextAsync(deliverable);
        // The whole line, not a number in it: "2 deliverable" is a substring of "26 matching".
        var before = await summary.InnerTextAsync();

        // Still in sight while the marketer works through the last of the pickers, and following them.
        await page.Locator("[data-testid^='include-']").Last.ScrollIntoViewIfNeededAsync();
        await page.PickFacetAsync("include-Seniority", "Director");
        await Assertions.Expect(summary).ToBeInViewportAsync();
        await Assertions.Expect(summary).Not.ToHaveTextAsync(before);
        (await page.ScrollsSidewaysAsync()).ShouldBeFalse();
    }

    private static async Task ShouldBeOnScreenAsync(ILocator element, string what)
    {
        await Assertions.Expect(element).ToBeVisibleAsync();
        var box = await element.BoundingBoxAsync();
        box.ShouldNotBeNull($"{what} has no box");
        box.X.ShouldBeGreaterThanOrEqualTo(0, $"{what} starts off the left edge");
        (box.X + box.Width).ShouldBeLessThanOrEqualTo(Width + 0.5f, $"{what} runs off the right edge");
    }

    private static async Task ShouldFitAsync(ILocator element, string what)
    {
        var box = await element.BoundingBoxAsync();
        box.ShouldNotBeNull($"{what} has no box");
        box.X.ShouldBeGreaterThanOrEqualTo(-0.5f, $"{what} is cut off on the left");
        (box.X + box.Width).ShouldBeLessThanOrEqualTo(Width + 0.5f, $"{what} is cut off on the right");
    }
}

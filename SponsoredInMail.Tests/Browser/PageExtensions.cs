using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SponsoredInMail.Core.Seeding;

namespace SponsoredInMail.Tests.Browser;

internal static class PageExtensions
{
    /// <summary>Logs in through the login form and waits for the interactive home page.</summary>
    public static async Task LoginAsync(this IPage page, string email, string password = DemoData.Password)
    {
        await page.GotoAsync("/Account/Login");
        await page.Locator("[name='Input.Email']").FillAsync(email);
        await page.Locator("[name='Input.Password']").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitToLeaveAsync("/Account/Login");
        await page.WaitForInteractiveAsync();
    }

    /// <summary>
    /// Waits until the page's address matches <paramref name="pattern"/> (a regular expression searched in the whole
    /// URL). It polls the browser's own address: <c>IPage.WaitForURLAsync</c> compares the address it last heard of and
    /// only then starts listening for navigations, so a navigation landing between the two is never seen and the test
    /// times out on a page that is already there (CI failed so after a save's client-side navigation, and a loop of one
    /// journey under load after the login's redirect).
    /// </summary>
    public static Task WaitForAddressAsync(this IPage page, string pattern, float? timeout = null) =>
        page.WaitForAddressAsync(new Regex(pattern), timeout);

    /// <inheritdoc cref="WaitForAddressAsync(IPage, string, float?)"/>
    public static Task WaitForAddressAsync(this IPage page, Regex pattern, float? timeout = null) =>
        Assertions.Expect(page).ToHaveURLAsync(pattern, new() { Timeout = timeout });

    /// <summary>Waits until the page's address no longer matches <paramref name="pattern"/>; polls, as <see cref="WaitForAddressAsync(IPage, string, float?)"/>.</summary>
    public static Task WaitToLeaveAsync(this IPage page, string pattern, float? timeout = null) =>
        Assertions.Expect(page).Not.ToHaveURLAsync(new Regex(pattern), new() { Timeout = timeout });

    /// <summary>
    /// Clicks the campaign wizard's Next and waits for its next step, or for the wizard's refusal, whichever comes first;
    /// a refusal, or a step that never comes, fails with the errors the page shows.
    /// </summary>
    public static async Task WizardNextAsync(this IPage page)
    {
        var actions = page.GetByTestId("wizard-actions");
        var step = int.Parse(await actions.GetAttributeAsync("data-step") ?? "0", CultureInfo.InvariantCulture);
        await page.GetByTestId("wizard-next").ClickAsync();
        var next = (step + 1).ToString(CultureInfo.InvariantCulture);
        var refused = page.GetByTestId("wizard-errors");
        try
        {
            await page.Locator($"[data-testid='wizard-actions'][data-step='{next}'], [data-testid='wizard-errors']").First.WaitForAsync();
            if (!await refused.IsVisibleAsync())
            {
                return;
            }
        }
        catch (TimeoutException)
        {
        }
        var errors = await page.Locator("[data-testid='wizard-errors'], .mud-input-error").AllInnerTextsAsync();
        throw new ShouldAssertException(
            $"the wizard did not go from step {step} to {next}: {string.Join(" | ", errors.Select(e => e.Trim()).Where(e => e.Length > 0).DefaultIfEmpty("no error shown"))}");
    }

    /// <summary>Waits until the Blazor circuit is up, so clicks reach interactive components.</summary>
    public static async Task WaitForInteractiveAsync(this IPage page)
    {
        await page.Locator("#app-state[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    /// <summary>axe-core over WCAG 2 A/AA rules; returns the serious and critical violations.</summary>
    public static async Task<IReadOnlyList<string>> SeriousAccessibilityViolationsAsync(this IPage page)
    {
        // A snackbar fading in or out is translucent, and axe reads that frame's blend as low contrast: check once every
        // snackbar on the page is fully shown (they fade in over a fraction of a second; a poll, not a fixed wait).
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('.mud-snackbar')].every(s => getComputedStyle(s).opacity === '1')", null, new() { Timeout = 10_000 });
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact}: {v.Id} — {v.Help} ({string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))})"
                + (v.Nodes.FirstOrDefault()?.Any?.FirstOrDefault()?.Message is { Length: > 0 } why ? $" [{why}]" : ""))
            .ToList();
    }

    /// <summary>Picks a facet value in the audience builder: type it, choose the suggestion, wait for the chip.</summary>
    public static async Task PickFacetAsync(this IPage page, string picker, string label)
    {
        var input = page.GetByTestId(picker).Locator("input");
        await input.ClickAsync();
        await input.FillAsync(label);
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = label + " (" }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId(picker).Locator(".mud-chip")).ToContainTextAsync([label]);
    }

    /// <summary>Whether the document is wider than the window (the page scrolls sideways).</summary>
    public static Task<bool> ScrollsSidewaysAsync(this IPage page) =>
        page.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth");
}

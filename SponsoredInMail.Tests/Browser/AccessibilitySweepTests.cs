using Microsoft.Playwright;

namespace SponsoredInMail.Tests.Browser;

/// <summary>
/// Every page of every role, at desktop width and at 390 px (a phone), under axe: no serious or critical violation
/// anywhere, and at 390 px no page scrolls sideways. One login per role: the desktop and the phone page share it.
/// </summary>
[Collection(BrowserCollection.Name)]
public class AccessibilitySweepTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    public const int PhoneWidth = 390;
    public const int PhoneHeight = 844;

    /// <summary>The page's width and the elements that stick out on the right (outermost and innermost), to say what to fix.</summary>
    private const string WidestScript = """
        () => {
            const width = document.documentElement.clientWidth, out = [];
            for (const e of document.querySelectorAll('body *')) {
                const r = e.getBoundingClientRect();
                if (r.width > 0 && r.right > width + 1) {
                    out.push(e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).slice(0, 3).join('.') : '') + ' (' + Math.round(r.right) + ')');
                }
            }
            return document.documentElement.scrollWidth + ' > ' + width + ': ' + out.slice(0, 2).concat(out.slice(-3)).join(', ');
        }
        """;

    [Theory]
    [InlineData(RolePages.Anonymous)]
    [InlineData(RolePages.Admin)]
    [InlineData(RolePages.Marketer)]
    [InlineData(RolePages.Member)]
    [InlineData(RolePages.SalesRep)]
    public async Task EveryPageHasNoSeriousViolationsAtDesktopAndPhoneWidthAndNoneScrollsSideways(string role)
    {
        Browser.SkipWhenUnavailable();
        var tour = await RolePages.ForAsync(role, People, Browser.Services);
        var desktop = await NewPageAsync(1366, 900);
        if (tour.Email is not null)
        {
            await desktop.LoginAsync(tour.Email);
        }
        var phone = await desktop.Context.NewPageAsync();
        await phone.SetViewportSizeAsync(PhoneWidth, PhoneHeight);

        var problems = new List<string>();
        foreach (var target in tour.Pages)
        {
            foreach (var (page, width) in new[] { (desktop, "desktop"), (phone, $"{PhoneWidth} px") })
            {
                await page.VisitAsync(target);
                problems.AddRange((await page.SeriousAccessibilityViolationsAsync()).Select(v => $"{target.Name} ({target.Path}) at {width}: {v}"));
            }
            if (await phone.ScrollsSidewaysAsync())
            {
                problems.Add($"{target.Name} ({target.Path}) at {PhoneWidth} px scrolls sideways: {await phone.EvaluateAsync<string>(WidestScript)}");
            }
        }

        problems.ShouldBeEmpty($"{role}: {problems.Count} problem(s):{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }
}

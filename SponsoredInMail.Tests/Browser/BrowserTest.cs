using Microsoft.Playwright;

namespace SponsoredInMail.Tests.Browser;

/// <summary>
/// Base of every browser test class: fresh people per test (<see cref="People"/>), pages closed afterwards, and on
/// failure, in the test output, what each open page showed (its URL and any snackbar, alert or field error) and the
/// last <see cref="LogLinesOnFailure"/> lines of the app's log.
/// </summary>
public abstract class BrowserTest(BrowserFixture browser) : IAsyncDisposable
{
    public const int LogLinesOnFailure = 40;

    private readonly List<IBrowserContext> _contexts = [];

    protected BrowserFixture Browser => browser;

    private TestPeople? _people;

    /// <summary>Makes the members, logins and accounts this test writes to.</summary>
    protected TestPeople People => _people ??= new(browser.Services);

    /// <summary>A page in its own browser context (own cookies), closed when the test ends.</summary>
    protected async Task<IPage> NewPageAsync(int width = 1366, int height = 900)
    {
        var page = await browser.NewPageAsync(width, height);
        _contexts.Add(page.Context);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            foreach (var page in _contexts.SelectMany(c => c.Pages))
            {
                TestContext.Current.TestOutputHelper?.WriteLine(await ShownAsync(page));
            }
            if (browser.Log is { } log)
            {
                TestContext.Current.TestOutputHelper?.WriteLine(
                    $"--- last {LogLinesOnFailure} lines of the app log ---{Environment.NewLine}{string.Join(Environment.NewLine, log.Tail(LogLinesOnFailure))}");
            }
        }
        foreach (var context in _contexts)
        {
            try
            {
                await context.CloseAsync();
            }
            catch (PlaywrightException)
            {
                // Already closed by the test.
            }
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>A page's URL and the messages it shows (snackbars, alerts, field errors), a few lines at most.</summary>
    private static async Task<string> ShownAsync(IPage page)
    {
        try
        {
            var messages = await page.Locator(".mud-snackbar, .mud-alert, .mud-input-helper-text.mud-input-error, [role=alert]")
                .EvaluateAllAsync<string[]>("els => els.map(e => e.innerText.trim()).filter(t => t.length > 0).slice(0, 8)",
                    null).WaitAsync(TimeSpan.FromSeconds(5));
            return $"--- page {page.Url} ---{Environment.NewLine}shows: {(messages.Length == 0 ? "no message" : string.Join(" | ", messages.Distinct()))}";
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            return $"--- page {page.Url} --- (could not be read: {e.GetType().Name})";
        }
    }
}

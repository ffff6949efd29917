using Microsoft.Playwright;

namespace SponsoredInMail.Tests.Browser;

/// <summary>
/// Base of every browser test class: fresh people per test (<see cref="People"/>), pages closed afterwards, and on
/// failure the last <see cref="LogLinesOnFailure"/> lines of the app's log in the test output.
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
        if (TestContext.Current.TestState?.Result == TestResult.Failed && browser.Log is { } log)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"--- last {LogLinesOnFailure} lines of the app log ---{Environment.NewLine}{string.Join(Environment.NewLine, log.Tail(LogLinesOnFailure))}");
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
}

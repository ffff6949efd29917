using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Browser;

/// <summary>
/// The app on a real Kestrel port and Debian's Chromium driven by Playwright. Without a Chromium the
/// browser tests skip themselves with a clear message — unless REQUIRE_BROWSER_TESTS=1 (CI), where they fail.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumCandidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    private AppFactory? _app;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>The app's log, kept in memory (see <see cref="AppLog"/>); null when the browser tests are skipped.</summary>
    public AppLog? Log { get; private set; }
    public string BaseUrl { get; private set; } = "";
    public string? SkipReason { get; private set; }

    /// <summary>The app's services, to arrange data the journey needs (e.g. real company names).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The app is not running.");

    public static bool BrowserTestsRequired => Environment.GetEnvironmentVariable("REQUIRE_BROWSER_TESTS") == "1";

    /// <summary>CHROMIUM_PATH, else Debian's Chromium (or a Chrome) where it is usually installed; null when there is none.</summary>
    public static string? FindChromium()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured
            ? configured
            : ChromiumCandidates.FirstOrDefault(File.Exists);
        return chromium is not null && File.Exists(chromium) ? chromium : null;
    }

    public static string NoChromium => "No Chromium found (looked for CHROMIUM_PATH, " + string.Join(", ", ChromiumCandidates) +
        "). Install it with `apt-get install -y chromium` to run the browser tests.";

    /// <summary>How every browser test starts Chromium.</summary>
    public static BrowserTypeLaunchOptions LaunchOptions(string chromium) => new()
    {
        ExecutablePath = chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    };

    public async ValueTask InitializeAsync()
    {
        var chromium = FindChromium();
        if (chromium is null)
        {
            SkipReason = NoChromium;
            if (BrowserTestsRequired)
            {
                throw new InvalidOperationException("REQUIRE_BROWSER_TESTS=1 but " + SkipReason);
            }
            return;
        }

        _app = new AppFactory();
        Log = _app.Log;
        _app.UseKestrel(0);
        _app.StartServer();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First().Replace("[::]", "localhost").Replace("0.0.0.0", "localhost").Replace("127.0.0.1", "localhost");

        // Expectations poll for as long as actions wait (Playwright's default is 5 s): on a loaded 2-core CI machine a
        // Blazor re-render after a click has taken longer, and a poll that ends early is a flaky test, not a finding.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(LaunchOptions(chromium));
    }

    /// <summary>Call first in every browser test.</summary>
    public void SkipWhenUnavailable()
    {
        if (SkipReason is not null)
        {
            Assert.Skip(SkipReason);
        }
    }

    public async Task<IPage> NewPageAsync(int width = 1366, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

using System.Collections.Concurrent;
using Microsoft.Playwright;
using SponsoredInMail.Core.Seeding;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Browser;

/// <summary>
/// Three app processes on one PostgreSQL database behind nginx (<see cref="AppCluster"/>, as deploy/local-cluster.sh
/// runs them), driven through nginx only. Needs POSTGRES_CONNECTION and nginx; skips with the reason otherwise.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterJourneyTests(ClusterFixture cluster) : IAsyncDisposable
{
    /// <summary>Waits in this class: three instances, PostgreSQL, nginx and Chromium share two cores.</summary>
    private const int ClusterTimeoutMs = 30_000;

    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>
    /// Ben (Northwind's marketer) sees his saved audience's count and builds a campaign for it with the wizard; the admin
    /// approves it; Ben launches it; Mia, a member it targets, then finds it in her inbox. Three browsers, each staying on
    /// one instance throughout; when Mia's instance dies, nginx takes her to a live one and she is still signed in.
    /// (The demo's approved "Year-end data webinar" would be shorter, but it is scheduled to start in three days.)
    /// </summary>
    [Fact]
    public async Task AMarketerLaunchesThroughNginxAndTheMemberSeesTheMessageEvenAfterHerInstanceDies()
    {
        var app = cluster.Start();
        var (ben, benUpstreams) = await NewPageAsync(app);
        var (admin, adminUpstreams) = await NewPageAsync(app);
        var (mia, miaUpstreams) = await NewPageAsync(app);
        var campaignName = $"Cluster webinar {Guid.NewGuid():N}"[..24];

        // Mia's inbox before the launch: the demo history already holds an older message from the same ad.
        await mia.LoginAsync("member@sponsoredinmail.example");
        await mia.GotoAsync("/inbox");
        await mia.WaitForInteractiveAsync();
        await Assertions.Expect(mia.GetByTestId("inbox-list")).ToBeVisibleAsync();
        var webinar = mia.GetByTestId("inbox-item").Filter(new() { HasText = "analytics benchmark" });
        var before = await webinar.CountAsync();

        // Ben sees the count of his saved audience.
        await ben.LoginAsync("ben@northwind.example");
        await ben.GetByRole(AriaRole.Link, new() { Name = "Audiences", Exact = true }).ClickAsync();
        await ben.GetByRole(AriaRole.Link, new() { Name = "Data leaders in Europe" }).ClickAsync();
        await ben.WaitForInteractiveAsync();
        await Assertions.Expect(ben.GetByTestId("matching")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-9][0-9,]*$"));

        // … builds a campaign for it with the demo ad and submits it.
        await ben.GetByRole(AriaRole.Link, new() { Name = "Campaigns", Exact = true }).ClickAsync();
        await ben.GetByTestId("new-campaign").ClickAsync();
        await ben.WaitForInteractiveAsync();
        await ben.GetByTestId("campaign-name").FillAsync(campaignName);
        await ChooseAsync(ben, ben.GetByTestId("campaign-audience"), "Data leaders in Europe");
        await Assertions.Expect(ben.GetByTestId("audience-sentence")).ToBeVisibleAsync();
        await ben.WizardNextAsync();
        await AddAdAsync(ben, "Analytics benchmark report");
        await ben.WizardNextAsync();
        await ben.GetByTestId("campaign-bid").FillAsync("0.90");
        await ben.WizardNextAsync();
        await ben.GetByTestId("campaign-lifetime").FillAsync("100");
        await ben.WizardNextAsync();
        await Assertions.Expect(ben.GetByTestId("campaign-start-date")).ToHaveValueAsync("");
        await ben.WizardNextAsync();
        await Assertions.Expect(ben.GetByTestId("forecast-sends")).ToBeVisibleAsync();
        await ben.GetByTestId("wizard-submit").ClickAsync();
        await ben.WaitForAddressAsync("/campaigns/\\d+$", ClusterTimeoutMs);
        var campaignPage = ben.Url;
        await Assertions.Expect(ben.GetByTestId("campaign-status").First).ToHaveAttributeAsync("data-status", "InReview");

        // The admin approves it.
        await admin.LoginAsync("admin@sponsoredinmail.example");
        await admin.GotoAsync("/admin/review");
        await admin.WaitForInteractiveAsync();
        await admin.GetByTestId("review-link").Filter(new() { HasText = campaignName }).ClickAsync();
        await admin.WaitForInteractiveAsync();
        await admin.GetByTestId("approve").ClickAsync();
        await admin.WaitForAddressAsync("/admin/review$", ClusterTimeoutMs);

        // Ben launches it.
        await ben.GotoAsync(campaignPage);
        await ben.WaitForInteractiveAsync();
        await Assertions.Expect(ben.GetByTestId("campaign-status").First).ToHaveAttributeAsync("data-status", "Approved");
        await ben.GetByTestId("action-launch").ClickAsync();
        await Assertions.Expect(ben.GetByTestId("campaign-status").First).Not.ToHaveAttributeAsync("data-status", "Approved");
        (await ben.GetByTestId("action-error").CountAsync()).ShouldBe(0, "the launch was refused");

        // Mia's inbox shows the new message (reloading while the engine sends: polls, no fixed wait).
        try
        {
            await UntilAsync(async () =>
            {
                await mia.ReloadAsync();
                await mia.WaitForInteractiveAsync();
                return await webinar.CountAsync() > before;
            }, "the launched campaign's message in Mia's inbox", TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException e)
        {
            var database = new SponsoredInMail.Core.Data.DatabaseConnection(app.ConnectionString, SponsoredInMail.Core.Data.DatabaseProvider.Postgres);
            Task<long> Scalar(string sql) => TestDatabaseServer.ScalarAsync(database, sql);
            var campaign = "(SELECT \"Id\" FROM \"Campaigns\" WHERE \"Name\" = '" + campaignName + "')";
            throw new TimeoutException($"{e.Message} Campaign status {await Scalar($"SELECT \"Status\" FROM \"Campaigns\" WHERE \"Id\" = {campaign}")}, "
                + $"{await Scalar($"SELECT COUNT(*) FROM \"Deliveries\" WHERE \"CampaignId\" = {campaign}")} deliveries, "
                + $"{await Scalar($"SELECT COUNT(*) FROM \"Deliveries\" WHERE \"CampaignId\" = {campaign} AND \"MemberId\" = 1")} to Mia; "
                + $"Mia's inbox shows {await webinar.CountAsync()} (before: {before}).", e);
        }

        var after = await webinar.CountAsync();

        // Affinity: each browser talked to one instance only (pages, static files, form posts).
        benUpstreams.Distinct().Count().ShouldBe(1, $"Ben's requests went to {string.Join(", ", benUpstreams.Distinct())}");
        adminUpstreams.Distinct().Count().ShouldBe(1, $"the admin's requests went to {string.Join(", ", adminUpstreams.Distinct())}");
        miaUpstreams.Distinct().Count().ShouldBe(1, $"Mia's requests went to {string.Join(", ", miaUpstreams.Distinct())}");

        // Her instance dies: nginx passes her requests to a live instance, and she is still signed in there. (A new tab
        // in her browser: the old one's Blazor script reloads it by itself once its circuit is lost.)
        var pinned = app.InstanceAt(miaUpstreams.First());
        pinned.Kill();
        await mia.CloseAsync();
        var (again, againUpstreams) = await NewPageAsync(app, mia.Context);
        await again.GotoAsync("/inbox");
        await again.WaitForInteractiveAsync();
        again.Url.ShouldEndWith("/inbox", customMessage: "still signed in on another instance");
        await Assertions.Expect(again.GetByTestId("inbox-item").Filter(new() { HasText = "analytics benchmark" })).ToHaveCountAsync(after);
        againUpstreams.ShouldNotBeEmpty();
        againUpstreams.ShouldAllBe(u => app.InstanceAt(u).Number != pinned.Number, "no request was answered by the dead instance");
    }

    /// <summary>Browsers without the affinity cookie spread over the instances; one with it always reaches the same one.</summary>
    [Fact]
    public async Task NginxSpreadsNewBrowsersAndPinsEachToItsInstance()
    {
        var app = cluster.Start();
        using var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        var ct = TestContext.Current.CancellationToken;

        var fresh = new List<(string Upstream, string Cookie)>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await client.GetAsync("/health", ct);
            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
            var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("sim_route=", StringComparison.Ordinal));
            fresh.Add((AnsweredBy(response), cookie.Split(';')[0]));
        }
        // Three live instances (two after the other test killed one): 30 random keys all on one is ~1e-9.
        fresh.Select(f => f.Upstream).Distinct().Count().ShouldBeGreaterThan(1, "requests without the cookie spread over the instances");

        foreach (var (upstream, cookie) in fresh.Take(5))
        {
            for (var i = 0; i < 5; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
                request.Headers.Add("Cookie", cookie);
                using var response = await client.SendAsync(request, ct);
                AnsweredBy(response).ShouldBe(upstream, $"the browser with {cookie} stays on its instance");
            }
        }
    }

    /// <summary>
    /// The instance that answered: after a failed attempt (the instance the other test killed, until nginx marks it
    /// failed, and again each time its fail_timeout lapses) nginx lists every one it tried, "dead:port, live:port".
    /// </summary>
    private static string AnsweredBy(HttpResponseMessage response) => AnsweredBy(response.Headers.GetValues("X-Upstream").Single());

    private static string AnsweredBy(string upstreamHeader) => upstreamHeader.Split(',').Last().Trim();

    private async Task<(IPage Page, ConcurrentQueue<string> Upstreams)> NewPageAsync(AppCluster app, IBrowserContext? browser = null)
    {
        var context = browser;
        if (context is null)
        {
            context = await cluster.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = app.BaseUrl,
                ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            });
            context.SetDefaultTimeout(ClusterTimeoutMs);
            _contexts.Add(context);
        }
        var page = await context.NewPageAsync();
        // Which instance answered each request (nginx's X-Upstream header).
        var upstreams = new ConcurrentQueue<string>();
        page.Response += (_, response) =>
        {
            if (response.Url.StartsWith(app.BaseUrl, StringComparison.Ordinal) && response.Headers.TryGetValue("x-upstream", out var upstream)
                && !string.IsNullOrEmpty(upstream))
            {
                upstreams.Enqueue(AnsweredBy(upstream));
            }
        };
        return (page, upstreams);
    }

    /// <summary>Picks an ad in the wizard's Ad step: the select clears for the next one and the ad joins the chosen list.</summary>
    private static async Task AddAdAsync(IPage page, string adName)
    {
        await page.GetByTestId("campaign-ad").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = adName }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("chosen-ads")).ToContainTextAsync(adName);
    }

    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = option }).First.ClickAsync();
        await Assertions.Expect(select).ToHaveValueAsync(option);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:N0} s for: {what}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed && cluster.App is { } app)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(app.LogTails(BrowserTest.LogLinesOnFailure));
        }
        foreach (var context in _contexts)
        {
            try
            {
                await context.CloseAsync();
            }
            catch (PlaywrightException)
            {
            }
        }
    }
}

/// <summary>One cluster (three instances, nginx, Chromium) for the tests of <see cref="ClusterJourneyTests"/>.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int Instances = 3;

    private IPlaywright? _playwright;
    private string? _skipReason;
    private Exception? _startFailure;

    public AppCluster? App { get; private set; }

    public IBrowser Browser { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        _skipReason = AppCluster.SkipReason;
        if (_skipReason is not null)
        {
            return;
        }
        var chromium = BrowserFixture.FindChromium();
        if (chromium is null)
        {
            _skipReason = BrowserFixture.NoChromium;
            if (BrowserFixture.BrowserTestsRequired)
            {
                throw new InvalidOperationException("REQUIRE_BROWSER_TESTS=1 but " + _skipReason);
            }
            return;
        }
        try
        {
            App = await AppCluster.StartAsync(Instances, new Dictionary<string, string>
            {
                // A small network seeds in seconds; the demo campaigns give Ben an approved one to launch.
                ["Seed__Members"] = "5000",
                ["Seed__DemoCampaigns"] = "true",
                // On 5,000 members the demo history's frequency caps leave fewer than the production minimum deliverable.
                ["Audiences__MinimumAudienceSize"] = "1",
                ["Logging__LogLevel__Default"] = "Information",
            });
        }
        catch (InvalidOperationException e)
        {
            // Reported by each test (with the instances' logs), not as a fixture crash without them.
            _startFailure = e;
            return;
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(BrowserFixture.LaunchOptions(chromium));
    }

    /// <summary>Call first in each test: skips without PostgreSQL, nginx or Chromium; fails when the cluster did not start.</summary>
    public AppCluster Start()
    {
        if (_skipReason is not null)
        {
            Assert.Skip(_skipReason);
        }
        if (_startFailure is not null)
        {
            throw new InvalidOperationException(_startFailure.Message, _startFailure);
        }
        return App!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;
using static SponsoredInMail.Benchmarks.Stats;

namespace SponsoredInMail.Benchmarks;

internal sealed record TrackingOptionsCli(int Seconds, int Connections, int Members, DatabaseProvider Provider = DatabaseProvider.Sqlite, string? Db = null, bool KeepDb = false, string? Url = null, int WarmupSeconds = 0)
{
    public static TrackingOptionsCli Parse(string[] args)
    {
        int seconds = 10, connections = 64, members = 20_000;
        var provider = DatabaseProvider.Sqlite;
        string? db = null;
        var keep = false;
        string? url = null;
        var warmup = 0;
        for (var i = 0; i < args.Length; i++)
        {
            int Count(int min)
            {
                var name = args[i];
                var text = i + 1 < args.Length ? args[++i] : throw new UsageException($"option {name} needs a value.");
                return int.TryParse(text.Replace("_", "", StringComparison.Ordinal), out var v) && v >= min
                    ? v : throw new UsageException($"{name} expects a whole number of at least {min}, got '{text}'.");
            }
            switch (args[i])
            {
                case "--seconds": seconds = Count(1); break;
                case "--connections": connections = Count(1); break;
                case "--members": members = Count(Core.Seeding.DemoData.ReservedProfiles); break;
                case "--database":
                    provider = BenchDatabase.ParseProvider(i + 1 < args.Length ? args[++i] : throw new UsageException("option --database needs a value."));
                    break;
                case "--db": db = i + 1 < args.Length ? args[++i] : throw new UsageException("option --db needs a value."); break;
                case "--keep-db": keep = true; break;
                case "--warmup-seconds": warmup = Count(0); break;
                case "--url":
                    url = i + 1 < args.Length ? args[++i] : throw new UsageException("option --url needs a value.");
                    if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
                    {
                        throw new UsageException($"--url expects an http(s) base URL such as http://127.0.0.1:8080, got '{url}'.");
                    }
                    url = url.TrimEnd('/');
                    break;
                default: throw new UsageException($"unknown option '{args[i]}' for tracking (known: --seconds, --connections, --members, --database, --db, --keep-db, --url, --warmup-seconds).");
            }
        }
        if (url is not null && db is null)
        {
            throw new UsageException("--url needs --db: the database (file or PostgreSQL name) the app at that URL runs on, to sign tokens for its deliveries.");
        }
        if (url is not null && keep)
        {
            throw new UsageException("--keep-db has no meaning with --url: the running app's database is never dropped.");
        }
        return new TrackingOptionsCli(seconds, connections, members, provider, db, keep, url, warmup);
    }
}

/// <summary>
/// tracking: runs the web app (Release build, its own process) on loopback over a freshly seeded database with the
/// demo campaigns, signs tracking tokens for real deliveries and their stored links, drives GET /t/{token} with C
/// concurrent connections for S seconds, and compares the redirects received with the click events stored.
/// With <c>--url</c> it starts nothing: it drives an app already running there (e.g. several instances behind nginx,
/// deploy/local-cluster.sh) over the database named by <c>--db</c>, which that app has seeded.
/// </summary>
internal sealed class TrackingScenario(TrackingOptionsCli options)
{
    public async Task<int> RunAsync()
    {
        if (options.Url is { } url)
        {
            return await RunAgainstAsync(url);
        }
        var directory = Path.Combine(Path.GetTempPath(), $"sim-tracking-{Guid.NewGuid():N}");
        var database = BenchDatabase.Resolve(options.Provider, options.Db ?? (options.Provider == DatabaseProvider.Sqlite ? Path.Combine(directory, "tracking.db") : null), "sim-tracking");
        if (await database.ExistsAsync())
        {
            throw new UsageException($"{database} exists: tracking starts from an empty database the app seeds.");
        }
        Directory.CreateDirectory(directory);
        await database.CreateAsync();
        // The app pools its connections (as in production); this process opens its own.
        var connection = database.IsPostgres ? database.Connection.ConnectionString : $"Data Source={database.Name}";
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var app = StartApp(database.Provider, connection, baseUrl, options.Members);
        try
        {
            await WaitHealthyAsync(baseUrl, app);
            var tokens = await TokensAsync(database);
            Log.Info($"{N(tokens.Count)} signed tokens over real deliveries; driving {options.Connections} connections for {options.Seconds} s…");
            var before = await LastEventIdAsync(database);
            var (sent, errors, latencies, seconds) = await DriveAsync(baseUrl, tokens);
            var stored = await StoredClicksSinceAsync(database, before);
            Console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"RESULT scenario=tracking events_per_s={sent / seconds:F0} p50_ms={Stats.Percentile(latencies, 50):F2} p99_ms={Stats.Percentile(latencies, 99):F2} errors={errors} stored={stored} sent={sent}"));
            return stored == sent && errors == 0 ? 0 : 1;
        }
        finally
        {
            if (!app.HasExited)
            {
                app.Kill(entireProcessTree: true);
                await app.WaitForExitAsync();
            }
            if (!options.KeepDb)
            {
                await database.DropAsync();
            }
            else
            {
                Log.Info($"kept {database}");
            }
            if (!options.KeepDb || database.IsPostgres || options.Db is not null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>--url: an app someone else runs, on an existing, seeded database that is left as it is.</summary>
    private async Task<int> RunAgainstAsync(string baseUrl)
    {
        var database = BenchDatabase.Resolve(options.Provider, options.Db, "sim-tracking");
        if (!await database.ExistsAsync())
        {
            throw new UsageException($"{database} does not exist: --url drives a running app over the database it has seeded.");
        }
        using (var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            try
            {
                (await probe.GetAsync(baseUrl + "/health")).EnsureSuccessStatusCode();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new UsageException($"{baseUrl}/health does not answer: {e.Message}");
            }
        }
        var tokens = await TokensAsync(database);
        if (options.WarmupSeconds > 0)
        {
            // Freshly started instances JIT and fill their caches: not what a steady state costs.
            Log.Info($"warming up: clicks for {options.WarmupSeconds} s (not measured)…");
            await DriveAsync(baseUrl, tokens, TimeSpan.FromSeconds(options.WarmupSeconds));
        }
        Log.Info($"{N(tokens.Count)} signed tokens over real deliveries; driving {baseUrl} with {options.Connections} connections for {options.Seconds} s…");
        var before = await LastEventIdAsync(database);
        var (sent, errors, latencies, seconds) = await DriveAsync(baseUrl, tokens);
        var stored = await StoredClicksSinceAsync(database, before);
        Console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"RESULT scenario=tracking url={baseUrl} events_per_s={sent / seconds:F0} p50_ms={Stats.Percentile(latencies, 50):F2} p99_ms={Stats.Percentile(latencies, 99):F2} errors={errors} stored={stored} sent={sent}"));
        return stored == sent && errors == 0 ? 0 : 1;
    }

    private static Process StartApp(DatabaseProvider provider, string connection, string baseUrl, int members)
    {
        var here = AppContext.BaseDirectory; // …/SponsoredInMail.Benchmarks/bin/{Configuration}/net10.0/
        var framework = Path.GetFileName(Path.TrimEndingDirectorySeparator(here));
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(here)))!;
        var webBin = Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", "SponsoredInMail.Web", "bin", configuration, framework));
        var dll = Path.Combine(webBin, "SponsoredInMail.Web.dll");
        if (!File.Exists(dll))
        {
            throw new UsageException($"{dll} is missing: build the solution in {configuration} first.");
        }
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = webBin, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = provider.ToString();
        start.Environment["ConnectionStrings__DefaultConnection"] = connection;
        start.Environment["Urls"] = baseUrl;
        start.Environment["Seed__Members"] = members.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Delivery__RunInBackground"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        Log.Info($"starting the web app: {dll} on {baseUrl} (seeding {N(members)} members with the demo campaigns)…");
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { Console.Error.WriteLine("  app: " + line); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(string baseUrl, Process app)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (app.HasExited)
            {
                throw new InvalidOperationException($"the web app exited with code {app.ExitCode}.");
            }
            try
            {
                if ((await client.GetAsync(baseUrl + "/health")).IsSuccessStatusCode)
                {
                    Log.Info($"web app healthy after {F(watch.Elapsed.TotalSeconds, 1)} s");
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("the web app did not become healthy within 3 minutes.");
    }

    /// <summary>
    /// Tokens for every delivery of a message ad with a landing URL, signed with the app's own key: the one it stored in
    /// the database on first use, or Tracking__SigningKey when that is set (in this process's environment as in the app's).
    /// </summary>
    private static async Task<List<string>> TokensAsync(BenchDatabase database)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System)
            .AddSponsoredInMailData(_ => database.Connection).AddSponsoredInMailCore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Tracking:SigningKey"] = Environment.GetEnvironmentVariable("Tracking__SigningKey"),
            }).Build());
        services.AddSponsoredInMailIdentity();
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var registry = provider.GetRequiredService<AdLinkRegistry>();
        var signer = provider.GetRequiredService<TrackingTokens>();
        await using var db = await factory.CreateDbContextAsync();
        var rows = await (from d in db.Deliveries join c in db.Campaigns on d.CampaignId equals c.Id join a in db.Ads on c.AdId equals a.Id
                          select new { d.Id, Ad = a }).Take(20_000).ToListAsync();
        var tokens = new List<string>();
        foreach (var group in rows.GroupBy(r => r.Ad.Id))
        {
            var ad = group.First().Ad;
            var links = AdLinkRegistry.LinksOf(ad);
            if (links.Count == 0)
            {
                continue;
            }
            var ids = await registry.EnsureAsync(ad.Id, links);
            foreach (var row in group)
            {
                tokens.Add(await signer.IssueAsync(row.Id, ids[links[tokens.Count % links.Count]]));
            }
        }
        if (tokens.Count == 0)
        {
            throw new InvalidOperationException("the seeded database has no deliveries with links to click.");
        }
        return tokens;
    }

    private async Task<(long Sent, long Errors, List<double> Latencies, double Seconds)> DriveAsync(string baseUrl, List<string> tokens, TimeSpan? length = null)
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = options.Connections, UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        // Warm-up: JIT, connection pool, the app's first-use paths.
        await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(i => client.GetAsync("/health")));
        long sent = 0, errors = 0, next = 0;
        var latencies = new ConcurrentBag<double>();
        var deadline = Stopwatch.StartNew();
        var duration = length ?? TimeSpan.FromSeconds(options.Seconds);
        var workers = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(async () =>
        {
            var local = new List<double>();
            while (deadline.Elapsed < duration)
            {
                var token = tokens[(int)(Interlocked.Increment(ref next) % tokens.Count)];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync("/t/" + token, HttpCompletionOption.ResponseHeadersRead);
                    if (response.StatusCode == HttpStatusCode.Redirect)
                    {
                        Interlocked.Increment(ref sent);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                local.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            foreach (var l in local)
            {
                latencies.Add(l);
            }
        })).ToList();
        await Task.WhenAll(workers);
        return (sent, errors, latencies.ToList(), deadline.Elapsed.TotalSeconds);
    }

    // The run's clicks are the events after the last one stored before it, read by key range: a count over the whole
    // table (millions of rows after a few runs against one database) would still be scanning as the next run starts.
    private static Task<long> LastEventIdAsync(BenchDatabase database) =>
        database.ScalarAsync("SELECT COALESCE(MAX(\"Id\"), 0) FROM \"EngagementEvents\"");

    private static Task<long> StoredClicksSinceAsync(BenchDatabase database, long lastId) =>
        database.ScalarAsync($"SELECT COUNT(*) FROM \"EngagementEvents\" WHERE \"Id\" > {lastId} AND \"AdLinkId\" IS NOT NULL");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

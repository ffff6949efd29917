using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Data.Sqlite;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Seeding;
using static SponsoredInMail.Benchmarks.Stats;

namespace SponsoredInMail.Benchmarks;

/// <summary>Options of the send-run scenario.</summary>
internal sealed record SendRunOptions(int Members, string? Db, bool KeepDb, bool Resume, int BatchSize, int RoundDelayMs, bool PrepareOnly = false, DatabaseProvider Provider = DatabaseProvider.Sqlite)
{
    public static SendRunOptions Parse(string[] args)
    {
        int? members = null;
        string? db = null;
        bool keep = false, resume = false, prepareOnly = false;
        var batch = 20_000;
        var delay = 0;
        var provider = DatabaseProvider.Sqlite;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new UsageException($"option {args[i]} needs a value.");
            int Count(string name, int min)
            {
                var text = Next();
                return int.TryParse(text.Replace("_", "", StringComparison.Ordinal), out var v) && v >= min
                    ? v : throw new UsageException($"{name} expects a whole number of at least {min}, got '{text}'.");
            }
            switch (args[i])
            {
                case "--members": members = Count("--members", DemoData.ReservedProfiles); break;
                case "--db": db = Next(); break;
                case "--database": provider = BenchDatabase.ParseProvider(Next()); break;
                case "--keep-db": keep = true; break;
                case "--resume": resume = true; break;
                case "--prepare-only": prepareOnly = true; break;
                case "--batch": batch = Count("--batch", 1); break;
                case "--round-delay-ms": delay = Count("--round-delay-ms", 0); break;
                default: throw new UsageException($"unknown option '{args[i]}' for send-run (known: --members, --database, --db, --keep-db, --resume, --prepare-only, --batch, --round-delay-ms).");
            }
        }
        if (resume && db is null)
        {
            throw new UsageException("--resume needs --db PATH (or NAME on postgres): it continues the run stored there.");
        }
        if (!resume && members is null)
        {
            throw new UsageException("send-run needs --members N.");
        }
        if (prepareOnly && (resume || db is null))
        {
            throw new UsageException("--prepare-only needs --db PATH (or NAME on postgres) and no --resume: it seeds and launches, then stops.");
        }
        return new SendRunOptions(members ?? 0, db, keep || resume || prepareOnly, resume, batch, delay, prepareOnly, provider);
    }
}

/// <summary>
/// send-run: seeds N members (all active), launches one campaign at the whole network with budget to spare,
/// runs the delivery engine until it completes, and checks invariants 1–3 with plain SQL. With --resume it
/// continues a run stored in --db (after the process running it was killed) instead of starting one.
/// </summary>
internal sealed class SendRunScenario(SendRunOptions options)
{
    public async Task<int> RunAsync()
    {
        var database = BenchDatabase.Resolve(options.Provider, options.Db, $"sim-send-{options.Members}");
        var existed = await database.ExistsAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:BatchSize"] = options.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // One campaign at the whole network: no demo campaigns or their history.
            ["Seed:DemoCampaigns"] = "false",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSponsoredInMailData(_ => database.Connection)
            .AddSponsoredInMailCore(configuration);
        services.AddSponsoredInMailIdentity();
        var provider = services.BuildServiceProvider();
        var createdHere = false;
        try
        {
            int campaignId;
            if (options.Resume)
            {
                if (!existed)
                {
                    throw new UsageException($"{database} does not exist: --resume continues a run stored there.");
                }
                campaignId = await ActiveCampaignAsync(provider);
                Log.Info($"send-run --resume: continuing campaign {campaignId} in {database}");
            }
            else
            {
                if (existed)
                {
                    throw new UsageException($"{database} exists: send-run starts from an empty database (or pass --resume).");
                }
                await database.CreateAsync();
                createdHere = true;
                Log.Info($"send-run: {database}");
                await SeedAsync(provider);
                campaignId = await LaunchAsync(provider);
                // The send runs in a fresh process, as it would in the app (seeding is a separate command too):
                // this process's memory still holds what seeding a million members left behind.
                await provider.DisposeAsync();
                return options.PrepareOnly ? 0 : await RunResumeProcessAsync(database);
            }
            return await SendAsync(provider, database, campaignId);
        }
        finally
        {
            await provider.DisposeAsync();
            if (!options.KeepDb && createdHere)
            {
                await database.DropAsync();
            }
        }
    }

    private Task SeedAsync(ServiceProvider provider) => SeedActiveNetworkAsync(provider, options.Members);

    /// <summary>Migrates and seeds N members (no demo campaigns), then makes every member active now.</summary>
    internal static async Task SeedActiveNetworkAsync(ServiceProvider provider, int members)
    {
        var watch = Stopwatch.StartNew();
        await provider.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        Log.Info($"seeding {N(members)} members…");
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<NetworkSeeder>().SeedAsync(members, new AudienceCountScenario.SeedProgressLog());
        }
        // The whole network is eligible: everyone was active just now (opt-outs still apply).
        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var now = DateTime.UtcNow;
        // One statement over every member: longer than the default 30 s command timeout on a busy PostgreSQL host.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        await db.Members.ExecuteUpdateAsync(u => u.SetProperty(m => m.LastActiveAt, now));
        Log.Info($"seeded in {F(watch.Elapsed.TotalSeconds, 1)} s; {Memory()}");
    }

    /// <summary>One campaign of the first account, approved and launched, at every country (the whole network).</summary>
    internal static async Task<int> LaunchAsync(ServiceProvider provider)
    {
        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var account = await db.AdvertiserAccounts.OrderBy(a => a.Id).FirstAsync();
        var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == account.Id && p.Status == SenderPermissionStatus.Granted)
            .OrderBy(p => p.MemberId).Select(p => p.MemberId).FirstAsync();
        var now = DateTime.UtcNow;
        var ad = new Ad
        {
            AdvertiserAccountId = account.Id, Name = "Benchmark ad", Format = AdFormat.MessageAd, SenderMemberId = sender,
            Subject = "Hello %FIRSTNAME%", Body = "A benchmark message.", CtaText = "Learn more", CtaTarget = CtaTarget.LandingUrl,
            LandingUrl = "https://example.com", CreatedByUserId = "benchmark", CreatedAt = now, UpdatedByUserId = "benchmark", UpdatedAt = now,
        };
        db.Ads.Add(ad);
        await db.SaveChangesAsync();
        var everywhere = new Targeting([new FacetCriterion(Facet.Location, Taxonomy.Countries.Select(c => c.Code).ToList())], []);
        var campaign = new Campaign
        {
            AdvertiserAccountId = account.Id, Name = "Send-run benchmark", Objective = CampaignObjective.WebsiteVisits, AdId = ad.Id,
            TargetingJson = everywhere.ToJson(), AudienceName = "Whole network", BidCents = 50, LifetimeBudgetCents = 1_000_000_000,
            StartAt = now.AddMinutes(-1), Status = CampaignStatus.Active, LaunchedAt = now,
            CreatedByUserId = "benchmark", CreatedAt = now, UpdatedByUserId = "benchmark", UpdatedAt = now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();
        return campaign.Id;
    }

    private async Task<int> RunResumeProcessAsync(BenchDatabase database)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(SendRunScenario).Assembly.Location);
        }
        string[] args = ["send-run", .. database.ChildArgs, "--resume", "--batch", options.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--round-delay-ms", options.RoundDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        Log.Info("starting the send in a fresh process (send-run --resume)…");
        using var child = Process.Start(start)!;
        await child.WaitForExitAsync();
        return child.ExitCode;
    }

    private static string Memory()
    {
        using var process = Process.GetCurrentProcess();
        return $"working set {process.WorkingSet64 / 1048576} MB, peak {process.PeakWorkingSet64 / 1048576} MB, managed {GC.GetTotalMemory(false) / 1048576} MB";
    }

    private static async Task<int> ActiveCampaignAsync(ServiceProvider provider)
    {
        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Campaigns.Where(c => c.Status == CampaignStatus.Active).Select(c => c.Id).SingleAsync();
    }

    private async Task<int> SendAsync(ServiceProvider provider, BenchDatabase database, int campaignId)
    {
        var index = provider.GetRequiredService<AudienceIndex>();
        var build = Stopwatch.StartNew();
        await index.RebuildAsync(provider.GetRequiredService<IAudienceSource>());
        Log.Info($"audience index built in {F(build.Elapsed.TotalSeconds, 1)} s ({N(index.MemberCount)} members); {Memory()}");
        var before = await database.ScalarAsync($"SELECT COUNT(*) FROM \"Deliveries\" WHERE \"CampaignId\" = {campaignId}");

        var engine = provider.GetRequiredService<DeliveryEngine>();
        var watch = Stopwatch.StartNew();
        var sends = 0L;
        var rounds = 0;
        while (true)
        {
            var round = await engine.RunRoundAsync();
            sends += round.Sent;
            rounds++;
            if (rounds % 10 == 0)
            {
                Log.Info($"{N(sends)} sends in {F(watch.Elapsed.TotalSeconds, 1)} s");
            }
            if (round.Sent == 0 && round.Completed == 0 && round.HeldOut == 0)
            {
                break;
            }
            if (options.RoundDelayMs > 0)
            {
                await Task.Delay(options.RoundDelayMs);
            }
        }
        var seconds = watch.Elapsed.TotalSeconds;
        Log.Info($"sent; {Memory()}");
        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;

        var audience = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<AudienceOptions>>().Value;
        var activity = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ActivityOptions>>().Value;
        var check = Stopwatch.StartNew();
        var report = await provider.GetRequiredService<IDatabaseProviderServices>().CheckDeliveryInvariantsAsync(database.UnhurriedConnectionString, audience.AnyAdvertiserCapDays, audience.SameAdvertiserCapDays, activity.ActiveWithinDays);
        Log.Info($"invariant check in {F(check.Elapsed.TotalSeconds, 1)} s: {report}");
        var status = await database.ScalarAsync($"SELECT \"Status\" FROM \"Campaigns\" WHERE \"Id\" = {campaignId}");
        Log.Info($"campaign status {(CampaignStatus)status}; {N(before)} sends existed before this run; {rounds} rounds");

        var members = await database.ScalarAsync("SELECT COUNT(*) FROM \"Members\"");
        Console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"RESULT scenario=send-run members={members} sends={sends} seconds={F(seconds, 2)} sends_per_s={(seconds > 0 ? sends / seconds : 0):F0} peak_mb={peakMb:F0} invariant_violations={report.Total}"));
        return report.Total == 0 && (CampaignStatus)status == CampaignStatus.Completed ? 0 : 1;
    }
}

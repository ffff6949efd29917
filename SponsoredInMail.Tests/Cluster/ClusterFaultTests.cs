using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Api;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Seeding;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Cluster;

/// <summary>
/// Three app processes on one PostgreSQL database: three competing campaigns launched through different instances,
/// clicks driven at all three, the delivery leader killed with SIGKILL mid-run. The campaigns complete on the
/// survivors, plain SQL finds no violation of invariants 1–4, and every click that got an answer is stored.
/// </summary>
public class ClusterFaultTests(ITestOutputHelper output)
{
    private const int Members = 6_000;
    private const int SendsPerCampaign = 1_500;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Seed__DemoCampaigns"] = "false",
        // Small batches: a run of several hundred rounds, long enough to kill the leader in the middle of it.
        ["Delivery__BatchSize"] = "10",
        ["Delivery__IdleDelayMilliseconds"] = "200",
        ["ChangeFeed__PollSeconds"] = "2",
    };

    private static readonly Dictionary<string, string?> DemoCampaignsOff = new() { ["Seed:DemoCampaigns"] = "false" };

    private static DatabaseConnection Postgres(string connectionString) => new(connectionString, DatabaseProvider.Postgres);

    private sealed record Prepared(int[] Campaigns, string[] Tokens, int[] Ads);

    [Fact]
    public async Task KillingTheDeliveryLeaderMidRunLosesNothingAndASurvivorFinishesTheCampaigns()
    {
        Assert.SkipUnless(TestDatabaseServer.IsPostgres, "Runs in the PostgreSQL pass (TEST_DATABASE=postgres): several instances need a shared server.");
        if (AppCluster.SkipReason is { } why)
        {
            Assert.Skip(why);
        }

        Prepared? prepared = null;
        await using var cluster = await AppCluster.StartAsync(3, Settings, Ct, async connection => prepared = await PrepareAsync(connection));
        try
        {
            await RunAsync(cluster, prepared!);
        }
        catch (Exception) when (Describe(cluster))
        {
            throw;
        }
    }

    private bool Describe(AppCluster cluster)
    {
        output.WriteLine(cluster.LogTails(25));
        return false;
    }

    private async Task RunAsync(AppCluster cluster, Prepared prepared)
    {
        await using var services = InstanceServices.Build(Postgres(cluster.ConnectionString), TimeProvider.System, DemoCampaignsOff);
        var database = new DatabaseConnection(cluster.ConnectionString, DatabaseProvider.Postgres);
        var leader = await PollAsync(() => Task.FromResult(cluster.Instances.SingleOrDefault(i => i.ReadLog().Contains(LeadsLine, StringComparison.Ordinal))),
            l => l is not null, TimeSpan.FromSeconds(30), "one instance to lead");

        // Clicks at all three instances for the whole run, on deliveries as they appear (from the first).
        using var stopClicks = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var clicks = new ClickDriver(services, cluster.Instances.Select(i => i.Url).ToArray(), prepared.Ads);
        var driving = clicks.RunAsync(perInstance: 3, stopClicks.Token);

        // Three competing campaigns (same audience, bids 60 / 50 / 40), each launched through a different instance.
        for (var i = 0; i < 3; i++)
        {
            using var client = new HttpClient { BaseAddress = new Uri(cluster.Instances[i].Url) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", prepared.Tokens[i]);
            using var launched = await client.PostAsync($"/api/v1/campaigns/{prepared.Campaigns[i]}/launch", null, Ct);
            launched.StatusCode.ShouldBe(HttpStatusCode.OK, await launched.Content.ReadAsStringAsync(Ct));
        }

        var total = SendsPerCampaign * 3L;
        await PollAsync(() => TestDatabaseServer.ScalarAsync(database, """SELECT COUNT(*) FROM "Deliveries" """, Ct), sent => sent >= total / 5,
            TimeSpan.FromSeconds(90), "a fifth of the sends");
        await PollAsync(() => Task.FromResult(clicks.AnsweredBy.Count), answering => answering == 3, TimeSpan.FromSeconds(60), "clicks answered by every instance");
        var beforeKill = await TestDatabaseServer.ScalarAsync(database, """SELECT COUNT(*) FROM "Deliveries" """, Ct);
        var killedAt = Stopwatch.StartNew();
        output.WriteLine($"Killing at {DateTime.UtcNow:HH:mm:ss.f}; clicks so far: {clicks.Answered} answered, {clicks.Unanswered} not.");
        leader!.Kill();
        output.WriteLine($"Killed the leader, instance {leader.Number}, after {beforeKill} of {total} sends.");
        beforeKill.ShouldBeLessThan(total, "the leader must die mid-run");

        var survivors = cluster.Instances.Where(i => i != leader).ToList();
        var successor = await PollAsync(() => Task.FromResult(survivors.SingleOrDefault(i => i.ReadLog().Contains(LeadsLine, StringComparison.Ordinal))),
            s => s is not null, TimeSpan.FromSeconds(30), "a survivor to take the lead");
        var takeover = killedAt.Elapsed;
        await PollAsync(() => TestDatabaseServer.ScalarAsync(database, """SELECT COUNT(*) FROM "Deliveries" """, Ct), sent => sent > beforeKill,
            TimeSpan.FromSeconds(30), "the new leader's first send");
        var firstSendAfterKill = killedAt.Elapsed;
        output.WriteLine($"Takeover: instance {successor!.Number} led {takeover.TotalSeconds:F2} s after the kill and sent {firstSendAfterKill.TotalSeconds:F2} s after it.");
        Console.WriteLine($"CLUSTER takeover_s={takeover.TotalSeconds:F2} first_send_after_kill_s={firstSendAfterKill.TotalSeconds:F2}");
        takeover.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(5));

        await PollAsync(() => TestDatabaseServer.ScalarAsync(database, $"""SELECT COUNT(*) FROM "Campaigns" WHERE "Status" = {(int)CampaignStatus.Completed}""", Ct),
            done => done == 3, TimeSpan.FromMinutes(3), "the three campaigns to complete");
        await stopClicks.CancelAsync();
        await driving;

        var provider = services.GetRequiredService<IDatabaseProviderServices>();
        var invariants = await provider.CheckDeliveryInvariantsAsync(cluster.ConnectionString, 30, 60, 30, Ct);
        invariants.Total.ShouldBe(0, invariants.ToString());
        (await provider.TallyMismatchesAsync(cluster.ConnectionString, Ct)).ShouldBe(0, "invariant 4: tallies agree with the events");
        (await TestDatabaseServer.ScalarAsync(database, """SELECT COUNT(*) FROM "Deliveries" """, Ct)).ShouldBe(total);

        var stored = await TestDatabaseServer.ScalarAsync(database, """SELECT COUNT(*) FROM "EngagementEvents" WHERE "AdLinkId" IS NOT NULL""", Ct);
        output.WriteLine($"Clicks: {clicks.Answered} answered (by instance: {string.Join(", ", clicks.AnsweredBy.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}), {clicks.Unanswered} without an answer ({string.Join(", ", clicks.Failures.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"))}), {stored} stored; the leader was {leader.Url}.");
        clicks.AnsweredBy.Count.ShouldBe(3, "every instance answered clicks");
        stored.ShouldBeGreaterThanOrEqualTo(clicks.Answered, "every click that got an answer is stored");
        stored.ShouldBeLessThanOrEqualTo(clicks.Answered + clicks.Unanswered, "nothing is stored that was not clicked");
    }

    private const string LeadsLine = "This instance leads";

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:N0} s for {what}; last value: {value}");
            }
            await Task.Delay(50, Ct);
        }
    }

    /// <summary>Seeds the network (everyone active), three approved campaigns and a read-write token for each.</summary>
    private static async Task<Prepared> PrepareAsync(string connectionString)
    {
        await using var services = InstanceServices.Build(Postgres(connectionString), TimeProvider.System, DemoCampaignsOff);
        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync(Ct);
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<NetworkSeeder>().SeedAsync(Members, null, Ct);
        }
        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Ct);
        var now = DateTime.UtcNow;
        await db.Members.ExecuteUpdateAsync(u => u.SetProperty(m => m.LastActiveAt, now), Ct);

        var maria = await db.Users.Where(u => u.Email == "maria@contoso.example").Select(u => u.Id).SingleAsync(Ct);
        var ben = await db.Users.Where(u => u.Email == "ben@northwind.example").Select(u => u.Id).SingleAsync(Ct);
        var contoso = await db.AdvertiserAccounts.Where(a => a.Name == "Contoso Cloud").Select(a => a.Id).SingleAsync(Ct);
        var northwind = await db.AdvertiserAccounts.Where(a => a.Name == "Northwind Analytics").Select(a => a.Id).SingleAsync(Ct);
        (string User, int Account, long Bid)[] plans = [(maria, contoso, 60), (ben, northwind, 50), (maria, contoso, 40)];
        var everyone = new Targeting([new FacetCriterion(Facet.Location, Taxonomy.Countries.Select(c => c.Code).ToList())], []);
        var campaigns = new int[3];
        var ads = new int[3];
        var tokens = new string[3];
        for (var i = 0; i < 3; i++)
        {
            var (user, account, bid) = plans[i];
            var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == account && p.Status == SenderPermissionStatus.Granted)
                .OrderBy(p => p.MemberId).Select(p => p.MemberId).FirstAsync(Ct);
            var ad = new Ad
            {
                AdvertiserAccountId = account, Name = $"Fault test ad {i + 1}", Format = AdFormat.MessageAd, SenderMemberId = sender,
                Subject = "Hello %FIRSTNAME%", Body = "A message.", CtaText = "Learn more", CtaTarget = CtaTarget.LandingUrl,
                LandingUrl = $"https://example.com/{i + 1}", CreatedByUserId = user, CreatedAt = now, UpdatedByUserId = user, UpdatedAt = now,
            };
            db.Ads.Add(ad);
            await db.SaveChangesAsync(Ct);
            var campaign = new Campaign
            {
                AdvertiserAccountId = account, Name = $"Fault test {i + 1}", Objective = CampaignObjective.WebsiteVisits, AdId = ad.Id,
                TargetingJson = everyone.ToJson(), AudienceName = "Whole network", BidCents = bid, LifetimeBudgetCents = SendsPerCampaign * bid,
                StartAt = now.AddMinutes(-1), Status = CampaignStatus.Approved,
                CreatedByUserId = user, CreatedAt = now, UpdatedByUserId = user, UpdatedAt = now,
            };
            db.Campaigns.Add(campaign);
            await db.SaveChangesAsync(Ct);
            campaigns[i] = campaign.Id;
            ads[i] = ad.Id;
            var token = await services.GetRequiredService<ApiTokenService>().CreateAsync(user, account, $"Fault test {i + 1}", ApiTokenScope.ReadWrite, Ct);
            tokens[i] = token.Value!.Secret;
        }
        return new Prepared(campaigns, tokens, ads);
    }

    /// <summary>Clicks the tracked links of deliveries as they are made, spread over every instance.</summary>
    private sealed class ClickDriver(IServiceProvider services, string[] instances, int[] ads)
    {
        private long _answered, _unanswered;
        public long Answered => Interlocked.Read(ref _answered);
        public long Unanswered => Interlocked.Read(ref _unanswered);
        public ConcurrentDictionary<string, long> AnsweredBy { get; } = new();
        public ConcurrentDictionary<string, long> Failures { get; } = new();

        public async Task RunAsync(int perInstance, CancellationToken stop)
        {
            var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
            var signer = services.GetRequiredService<TrackingTokens>();
            var links = new Dictionary<int, int>();
            await using (var db = await factory.CreateDbContextAsync(Ct))
            {
                foreach (var adId in ads)
                {
                    var ad = await db.Ads.AsNoTracking().SingleAsync(a => a.Id == adId, Ct);
                    var own = AdLinkRegistry.LinksOf(ad);
                    links[adId] = (await services.GetRequiredService<AdLinkRegistry>().EnsureAsync(adId, own, Ct))[own[0]];
                }
            }
            var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            var workers = instances.SelectMany(url => Enumerable.Range(0, perInstance).Select(n => Task.Run(async () =>
            {
                var random = new Random(url.GetHashCode() ^ n);
                while (!stop.IsCancellationRequested)
                {
                    (long Id, int AdId)[] recent;
                    await using (var db = await factory.CreateDbContextAsync(Ct))
                    {
                        recent = (await (from d in db.Deliveries join c in db.Campaigns on d.CampaignId equals c.Id
                                         orderby d.Id descending select new { d.Id, c.AdId }).Take(200).ToListAsync(Ct))
                            .Select(r => (r.Id, r.AdId!.Value)).ToArray();
                    }
                    if (recent.Length == 0)
                    {
                        await Task.Delay(50, Ct);
                        continue;
                    }
                    for (var i = 0; i < 20 && !stop.IsCancellationRequested; i++)
                    {
                        var (delivery, adId) = recent[random.Next(recent.Length)];
                        var token = await signer.IssueAsync(delivery, links[adId], Ct);
                        try
                        {
                            using var response = await client.GetAsync($"{url}/t/{token}", Ct);
                            if (response.StatusCode == HttpStatusCode.Redirect)
                            {
                                Interlocked.Increment(ref _answered);
                                AnsweredBy.AddOrUpdate(url, 1, (_, n) => n + 1);
                            }
                            else
                            {
                                Interlocked.Increment(ref _unanswered);
                                Failures.AddOrUpdate($"{url} {(int)response.StatusCode}", 1, (_, n) => n + 1);
                            }
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !Ct.IsCancellationRequested)
                        {
                            // The killed instance, or a request cut off with it: not answered; the dead one is not hammered.
                            Interlocked.Increment(ref _unanswered);
                            Failures.AddOrUpdate($"{url} {e.GetType().Name}", 1, (_, n) => n + 1);
                            await Task.Delay(100, Ct);
                        }
                    }
                }
            })));
            await Task.WhenAll(workers);
        }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SponsoredInMail.Core.Cluster;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Cluster;

/// <summary>One leader among instances sharing a database; when it goes, another takes over within a check or two.</summary>
public class LeadershipTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeCandidatesElectOneLeaderAndASurvivorTakesOverWhenItStops()
    {
        Assert.SkipUnless(TestDatabaseServer.IsPostgres, "Instances compete for the lead only on PostgreSQL (TEST_DATABASE=postgres); SQLite's one process always leads.");
        await using var db = await TestDatabase.CreateAsync();
        var provider = db.Get<IDatabaseProviderServices>();
        var candidates = Enumerable.Range(0, 3).Select(_ => new Leadership(provider, db.Connection, NullLogger<Leadership>.Instance)).ToArray();
        var lifetimes = candidates.Select(_ => CancellationTokenSource.CreateLinkedTokenSource(Ct)).ToArray();
        var running = candidates.Select((c, i) => c.RunAsync(lifetimes[i].Token)).ToArray();
        try
        {
            await Poll.UntilAsync(() => candidates.Count(c => c.IsLeader) == 1, "one leader", TimeSpan.FromSeconds(10));
            // Several checks later there is still exactly one.
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < Leadership.CheckEvery * 3)
            {
                candidates.Count(c => c.IsLeader).ShouldBe(1);
                await Task.Delay(50, Ct);
            }

            var leader = Array.FindIndex(candidates, c => c.IsLeader);
            var term = await candidates[leader].WaitUntilLeaderAsync(Ct);
            await lifetimes[leader].CancelAsync(); // the leader's process stops: its lock connection closes
            await running[leader];
            term.IsCancellationRequested.ShouldBeTrue("a stopped leader's term ends");
            watch.Restart();
            await Poll.UntilAsync(() => candidates.Where((_, i) => i != leader).Count(c => c.IsLeader) == 1, "a survivor to lead", TimeSpan.FromSeconds(5));
            output.WriteLine($"Takeover after {watch.Elapsed.TotalMilliseconds:F0} ms.");
            candidates[leader].IsLeader.ShouldBeFalse();
        }
        finally
        {
            foreach (var lifetime in lifetimes)
            {
                await lifetime.CancelAsync();
            }
            await Task.WhenAll(running);
        }
    }
}

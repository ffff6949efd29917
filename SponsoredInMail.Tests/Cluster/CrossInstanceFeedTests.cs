using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Cluster;

/// <summary>
/// Two app instances on one PostgreSQL database: what one commits reaches the other's audience index through
/// LISTEN/NOTIFY well within a second, not at the next poll.
/// </summary>
public class CrossInstanceFeedTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnOptOutMadeThroughOneInstanceShowsInAnotherInstancesAudienceCountWithinASecond()
    {
        Assert.SkipUnless(TestDatabaseServer.IsPostgres, "Instances share a database server only on PostgreSQL (TEST_DATABASE=postgres).");
        await using var a = await TestDatabase.CreateAsync();
        await a.SeedAsync(1_000);
        var account = await a.AccountIdAsync("Contoso Cloud");

        // Instance B: its own signal, feed, listener and index on the same database. Its poll is a minute away,
        // so only a notification can wake it in time.
        var settings = new Dictionary<string, string?> { ["ChangeFeed:PollSeconds"] = "60" };
        await using var b = InstanceServices.Build(a.Connection, a.Clock, settings);
        var index = b.GetRequiredService<AudienceIndex>();
        await index.RebuildAsync(b.GetRequiredService<IAudienceSource>(), Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var following = b.GetRequiredService<ChangeFeed>().RunAsync(stop.Token);
        try
        {
            var everyone = DeliveryScenario.Countries([.. Taxonomy.Countries.Select(c => c.Code)]);
            var before = index.Count(everyone, account).OptedOut;
            // Let B's first read of the table (and its LISTEN) happen before the change.
            await Poll.UntilAsync(async () => await TestDatabaseServer.ScalarAsync(a.Connection,
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'", Ct) == 1,
                "B's listener to be listening", TimeSpan.FromSeconds(10));

            var member = await FirstMemberNotOptedOutAsync(a);
            var watch = Stopwatch.StartNew();
            (await a.Get<OptOutService>().OptOutOfAllAsync(member, Ct)).Succeeded.ShouldBeTrue();
            var committed = watch.Elapsed;
            await Poll.UntilAsync(() => index.Count(everyone, account).OptedOut == before + 1, "B's index to count the opt-out", TimeSpan.FromSeconds(5));
            var seen = watch.Elapsed;
            output.WriteLine($"Opt-out committed through A in {committed.TotalMilliseconds:F0} ms; B's count showed it {seen.TotalMilliseconds:F0} ms after the request began.");
            seen.ShouldBeLessThan(TimeSpan.FromSeconds(1));
        }
        finally
        {
            await stop.CancelAsync();
            await following;
        }
    }

    private static async Task<int> FirstMemberNotOptedOutAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        return context.Members.Where(m => !context.MemberOptOuts.Any(o => o.MemberId == m.Id)).OrderBy(m => m.Id).Select(m => m.Id).First();
    }
}

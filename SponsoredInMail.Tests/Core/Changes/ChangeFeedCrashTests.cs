using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Changes;

/// <summary>
/// A process that commits changes and is killed (SIGKILL) before it dispatches any of them loses nothing: another
/// process's index catches up from the table without ever being signalled, and the killed process's durable follower,
/// restarted, receives every change after its cursor.
/// </summary>
public class ChangeFeedCrashTests
{
    private const int OptOuts = 400;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChangesCommittedBeforeAKillReachEveryFollowerAfterwards()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.SeedAsync(300);
        var index = db.Get<AudienceIndex>();
        await index.RebuildAsync(db.Get<IAudienceSource>(), Ct);
        var everyone = DeliveryScenario.Countries("US", "GB", "DE", "FR", "IN", "BR", "CA", "AU", "NL", "ES", "IT", "JP", "SG", "SE", "MX");
        var account = await db.AccountIdAsync("Contoso Cloud");
        var optedOutBefore = index.Count(everyone, account).OptedOut;

        using (var writer = BenchmarkProcess.Start(["feed-writer", .. TestDatabaseServer.BenchmarkArgs(db.Connection), "--opt-outs", OptOuts.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            _ = writer.StandardError.ReadToEndAsync(Ct);
            var committed = 0;
            while (committed < 20 && await writer.StandardOutput.ReadLineAsync(Ct) is { } line)
            {
                committed += line.StartsWith("committed ", StringComparison.Ordinal) ? 1 : 0;
            }
            writer.Kill(entireProcessTree: true);
            await writer.WaitForExitAsync(Ct);
        }
        // Members already opted out of everything by the seed make no new row and no change.
        var killedAfter = await TestDatabaseServer.ScalarAsync(db.Connection, "SELECT COUNT(*) FROM \"Changes\" WHERE \"Kind\" = 'OptOutChanged'", Ct);
        killedAfter.ShouldBeGreaterThan(0);
        (await TestDatabaseServer.ScalarAsync(db.Connection, $"SELECT COUNT(*) FROM \"MemberOptOuts\" WHERE \"Scope\" = 1 AND \"MemberId\" = {OptOuts}", Ct)).ShouldBe(0, "the writer was killed part way");

        // This process was never signalled; reading the table brings its index up to date.
        (await db.Get<ChangeFeed>().CatchUpAsync(AudienceIndexFollower.SubscriberName, Ct)).ShouldBeTrue();
        var rebuilt = new AudienceIndex(db.Get<Microsoft.Extensions.Options.IOptions<AudienceOptions>>(),
            db.Get<Microsoft.Extensions.Options.IOptions<SponsoredInMail.Core.Members.ActivityOptions>>(), db.Clock);
        await rebuilt.RebuildAsync(db.Get<IAudienceSource>(), Ct);
        index.Count(everyone, account).ShouldBe(rebuilt.Count(everyone, account));
        index.Count(everyone, account).OptedOut.ShouldBeGreaterThan(optedOutBefore);

        // The killed process, restarted: its durable follower gets every opt-out committed before the kill.
        using var drain = BenchmarkProcess.Start(["feed-writer", .. TestDatabaseServer.BenchmarkArgs(db.Connection), "--drain"]);
        var output = await drain.StandardOutput.ReadToEndAsync(Ct);
        var errors = await drain.StandardError.ReadToEndAsync(Ct);
        await drain.WaitForExitAsync(Ct);
        drain.ExitCode.ShouldBe(0, errors.Length > 2_000 ? errors[^2_000..] : errors);
        var received = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("received ", StringComparison.Ordinal)).ToList();
        received.Count.ShouldBe((int)killedAfter);
    }
}

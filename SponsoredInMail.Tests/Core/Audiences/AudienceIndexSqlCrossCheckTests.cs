using System.Globalization;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Audiences;

/// <summary>
/// The index's breakdowns (matching, opted out, capped, inactive, deliverable) equal the same counts computed in plain
/// SQL on the database: the benchmark's audience-count, small, on whichever provider the tests run on (its SQL
/// baseline exists for both: SqlAudienceCounter and its Sqlite/Postgres dialects).
/// </summary>
public class AudienceIndexSqlCrossCheckTests
{
    private const int Members = 3_000;
    private const int Targetings = 60;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryTargetingOfTheMixCountsTheSameInTheIndexAndInPlainSql()
    {
        var database = await TestDatabaseServer.NewDatabaseAsync("sim-count");
        try
        {
            // 30 seconds into a minute, so that the activity cutoff is not on a whole minute of the clock.
            var now = TestDatabase.Now.AddSeconds(30).ToString("O", CultureInfo.InvariantCulture);
            using var count = BenchmarkProcess.Start([
                "audience-count", .. TestDatabaseServer.BenchmarkArgs(database), "--members", $"{Members}",
                "--queries", $"{Targetings}", "--sql-queries", $"{Targetings}", "--warmup", "0", "--now", now]);
            var errors = count.StandardError.ReadToEndAsync(Ct);
            var output = await count.StandardOutput.ReadToEndAsync(Ct);
            await count.WaitForExitAsync(Ct);
            var log = await errors;

            count.ExitCode.ShouldBe(0, log.Length > 3_000 ? log[^3_000..] : log);
            log.ShouldContain($"verified: all {Targetings} SQL breakdowns equal the index's");
            output.ShouldStartWith("RESULT scenario=audience-count");
        }
        finally
        {
            await TestDatabaseServer.DropAsync(database);
        }
    }
}

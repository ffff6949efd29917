using SponsoredInMail.Tests.Fakes;
using System.Diagnostics;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Tests.Core.Deliveries;

/// <summary>
/// Kills the process running a send part way (SIGKILL, not a graceful stop), restarts it, lets it finish, and
/// checks with plain SQL that every eligible member got exactly one delivery and invariants 1–3 hold.
/// The send runs in the benchmark program (send-run --resume), which the test project builds first.
/// </summary>
public class DeliveryCrashTests
{
    private const int Members = 20_000;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AKilledSendRunResumesWithoutRepeatingOrSkippingAnyone()
    {
        // A database the benchmark creates (a temp file, or a PostgreSQL database on TestDatabaseServer's server).
        var database = TestDatabaseServer.NewDatabaseName("sim-crash");
        var db = TestDatabaseServer.BenchmarkArgs(database);
        try
        {
            (await RunToEndAsync(["send-run", "--members", Members.ToString(), .. db, "--prepare-only"])).ShouldBe(0);

            using (var victim = Start(["send-run", .. db, "--resume", "--batch", "250", "--round-delay-ms", "40"]))
            {
                var watch = Stopwatch.StartNew();
                while (await CountAsync(database, "SELECT COUNT(*) FROM \"Deliveries\"") < 1_000)
                {
                    victim.HasExited.ShouldBeFalse("the send finished or failed before it could be killed");
                    watch.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(2));
                    await Task.Delay(15, Ct);
                }
                victim.Kill(entireProcessTree: true);
                await victim.WaitForExitAsync(Ct);
            }
            var atKill = await CountAsync(database, "SELECT COUNT(*) FROM \"Deliveries\"");
            var eligible = await CountAsync(database, EligibleSql("COUNT(*)"));
            atKill.ShouldBeLessThan(eligible, "the kill came after the run had finished");

            // The restarted run finishes; its exit code says the SQL invariant check found nothing and the campaign completed.
            (await RunToEndAsync(["send-run", .. db, "--resume", "--batch", "2000"])).ShouldBe(0);

            (await CountAsync(database, "SELECT COUNT(*) FROM \"Deliveries\"")).ShouldBe(eligible);
            (await CountAsync(database, "SELECT COUNT(*) FROM (SELECT \"MemberId\" FROM \"Deliveries\" GROUP BY \"MemberId\" HAVING COUNT(*) > 1) AS x")).ShouldBe(0);
            (await CountAsync(database, $"SELECT COUNT(*) FROM ({EligibleSql("m.\"Id\"")} EXCEPT SELECT \"MemberId\" FROM \"Deliveries\") AS x")).ShouldBe(0);
            (await CountAsync(database, "SELECT COUNT(*) FROM \"Campaigns\" AS c WHERE c.\"SpentCents\" <> (SELECT SUM(\"PriceCents\") FROM \"Deliveries\" AS d WHERE d.\"CampaignId\" = c.\"Id\")")).ShouldBe(0);
        }
        finally
        {
            await TestDatabaseServer.DropAsync(database);
        }
    }

    /// <summary>Members the benchmark campaign may reach: everyone (all active) except those opted out of it.</summary>
    private static string EligibleSql(string select) => $"""
        SELECT {select} FROM "Members" AS m
        WHERE NOT EXISTS (
          SELECT 1 FROM "MemberOptOuts" AS o, "Campaigns" AS c JOIN "Ads" AS a ON a."Id" = c."AdId"
          WHERE o."MemberId" = m."Id" AND (o."Scope" = 1 OR (o."Scope" = 2 AND o."AdvertiserAccountId" = c."AdvertiserAccountId") OR (o."Scope" = 3 AND o."SenderMemberId" = a."SenderMemberId")))
        """;

    private static Task<long> CountAsync(DatabaseConnection database, string sql) => TestDatabaseServer.ScalarAsync(database, sql, Ct);

    private static async Task<int> RunToEndAsync(string[] args)
    {
        using var process = Start(args);
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var errors = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        TestContext.Current.TestOutputHelper?.WriteLine(await output + await errors);
        return process.ExitCode;
    }

    private static Process Start(string[] args)
    {
        var process = Fakes.BenchmarkProcess.Start(args);
        if (!args.Contains("--prepare-only") && args.Contains("--round-delay-ms"))
        {
            // Drain the victim's output so it never blocks on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync(Ct);
            _ = process.StandardError.ReadToEndAsync(Ct);
        }
        return process;
    }
}

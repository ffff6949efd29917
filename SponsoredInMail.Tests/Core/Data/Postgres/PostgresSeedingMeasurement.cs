using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Seeding;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Data.Postgres;

/// <summary>
/// Times NetworkSeeder with the Postgres writer. Runs only when POSTGRES_SEED_MEMBERS is set (e.g. 1000000),
/// besides POSTGRES_CONNECTION; the figure goes to the test output.
/// </summary>
public class PostgresSeedingMeasurement
{
    public const string Variable = "POSTGRES_SEED_MEMBERS";

    [Fact]
    public async Task SeedsTheNetworkThroughTheBulkWriter()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(Variable), out var members))
        {
            Assert.Skip($"{Variable} is not set: the measurement runs on request only.");
        }
        await using var pg = await TestDatabase.CreatePostgresAsync();
        var phases = new Dictionary<string, TimeSpan>();
        var total = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        var current = "";
        var progress = new SynchronousProgress(p =>
        {
            if (p.Stage != current)
            {
                if (current.Length > 0)
                {
                    phases[current] = phase.Elapsed;
                }
                current = p.Stage;
                phase.Restart();
            }
        });

        await pg.SeedAsync(members, progress);
        phases[current] = phase.Elapsed;
        total.Stop();

        await using var db = pg.CreateContext();
        (await db.Members.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(members);
        var report = $"Seeded {members:N0} members on PostgreSQL in {total.Elapsed.TotalSeconds:F1} s ("
            + string.Join(", ", phases.Select(p => $"{p.Key} {p.Value.TotalSeconds:F1} s")) + ")";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Console.WriteLine(report);
    }

    private sealed class SynchronousProgress(Action<SeedProgress> report) : IProgress<SeedProgress>
    {
        public void Report(SeedProgress value) => report(value);
    }
}

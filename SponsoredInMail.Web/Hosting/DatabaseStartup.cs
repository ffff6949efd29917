using System.Diagnostics;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Seeding;

namespace SponsoredInMail.Web.Hosting;

internal static class DatabaseStartup
{
    /// <summary>Applies migrations; on the very first run also seeds the demo network (Seed:Members).</summary>
    public static async Task PrepareDatabaseAsync(this IServiceProvider services, ILogger logger, CancellationToken ct = default)
    {
        var database = services.GetRequiredService<DatabaseInitializer>();
        await using var startup = await database.HoldStartupLockAsync(ct);
        await database.MigrateAsync(ct);
        if (await database.IsSeededAsync(ct))
        {
            return;
        }
        var members = services.GetRequiredService<IOptions<SeedOptions>>().Value.Members;
        logger.LogInformation("First run: seeding a demo network of {Members:N0} members…", members);
        var stopwatch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<NetworkSeeder>().SeedAsync(members, null, ct);
        logger.LogInformation("Seeded {Members:N0} members in {Seconds:F1} s.", members, stopwatch.Elapsed.TotalSeconds);
    }
}

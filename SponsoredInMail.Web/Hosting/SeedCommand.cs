using System.Diagnostics;
using System.Globalization;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Seeding;

namespace SponsoredInMail.Web.Hosting;

/// <summary>
/// `dotnet run --project SponsoredInMail.Web -- seed [--members N]`: deletes the database, recreates it and
/// seeds N members (default Seed:Members) in bulk, with a progress bar, then exits without serving.
/// </summary>
internal static class SeedCommand
{
    public const int MaxMembers = 20_000_000;

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == "seed";

    public static async Task<int> RunAsync(string[] args, IServiceProvider services)
    {
        if (!TryParseMembers(args, out var members, out var error))
        {
            await Console.Error.WriteLineAsync(error);
            return 2;
        }
        var database = services.GetRequiredService<DatabaseInitializer>();
        var stopwatch = Stopwatch.StartNew();
        await database.DeleteAsync();
        await database.MigrateAsync();
        await using (var scope = services.CreateAsyncScope())
        {
            var seeder = scope.ServiceProvider.GetRequiredService<NetworkSeeder>();
            await seeder.SeedAsync(members, new TerminalProgressBar(), CancellationToken.None);
        }
        Console.WriteLine();
        Console.WriteLine($"Seeded {(members ?? services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SeedOptions>>().Value.Members).ToString("N0", CultureInfo.InvariantCulture)} members in {stopwatch.Elapsed.TotalSeconds:F1} s.");
        return 0;
    }

    internal static bool TryParseMembers(string[] args, out int? members, out string error)
    {
        members = null;
        error = "";
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is "--members" or "-n")
            {
                if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n)
                    || n < DemoData.ReservedProfiles || n > MaxMembers)
                {
                    error = $"--members needs a whole number from {DemoData.ReservedProfiles} to {MaxMembers:N0}.";
                    return false;
                }
                members = n;
                i++;
            }
            else
            {
                error = $"Unknown option '{args[i]}'. Usage: seed [--members N]";
                return false;
            }
        }
        return true;
    }

    /// <summary>Redraws one line: stage, bar, count and rate. Plain lines when output is redirected.</summary>
    private sealed class TerminalProgressBar : IProgress<SeedProgress>
    {
        private Stopwatch _clock = Stopwatch.StartNew();
        private string _stage = "";
        private long _lastDrawnPercent = -1;

        public void Report(SeedProgress value)
        {
            if (value.Stage != _stage)
            {
                if (_stage.Length > 0)
                {
                    Console.WriteLine();
                }
                _stage = value.Stage;
                _lastDrawnPercent = -1;
                _clock = Stopwatch.StartNew();
            }
            var percent = value.Total == 0 ? 100 : value.Done * 100 / value.Total;
            if (percent == _lastDrawnPercent)
            {
                return;
            }
            _lastDrawnPercent = percent;
            const int width = 30;
            var filled = (int)(percent * width / 100);
            var rate = value.Done / Math.Max(0.001, _clock.Elapsed.TotalSeconds);
            var line = $"{value.Stage,-20} [{new string('#', filled)}{new string('-', width - filled)}] {percent,3}%  {value.Done:N0}/{value.Total:N0}  {rate:N0}/s";
            Console.Write(Console.IsOutputRedirected ? line + Environment.NewLine : "\r" + line);
        }
    }
}

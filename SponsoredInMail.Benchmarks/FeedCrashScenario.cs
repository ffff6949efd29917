using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Benchmarks;

/// <summary>
/// A helper process for the change-feed crash test (not a benchmark). <c>feed-writer [--database sqlite|postgres] --db PATH|NAME
/// --opt-outs N</c> opens the database with a durable follower "crash-probe" (its cursor made at the head), then commits N opt-outs through the
/// product's service, printing "committed M" after each, and never dispatches: it waits to be killed. <c>feed-writer
/// --db PATH --drain</c> is the restarted process: it hands the probe what it has not read and prints "received M" per
/// opt-out.
/// </summary>
internal static class FeedCrashScenario
{
    private const string Probe = "crash-probe";

    public static async Task<int> RunAsync(string[] args)
    {
        var db = Value(args, "--db") ?? throw new UsageException("feed-writer needs --db PATH (or NAME with --database postgres).");
        var database = BenchDatabase.Resolve(Value(args, "--database") is { } kind ? BenchDatabase.ParseProvider(kind) : DatabaseProvider.Sqlite, db, "unused");
        var probe = new PrintingProbe();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSponsoredInMailData(_ => database.Connection)
            .AddSponsoredInMailCore(new ConfigurationBuilder().Build());
        services.AddSponsoredInMailIdentity();
        services.AddSingleton<IChangeSubscriber>(probe);
        await using var provider = services.BuildServiceProvider();
        var feed = provider.GetRequiredService<ChangeFeed>();

        if (args.Contains("--drain"))
        {
            (await feed.CatchUpAsync(Probe)).ShouldHold("the probe catches up");
            return 0;
        }

        var count = int.Parse(Value(args, "--opt-outs") ?? throw new UsageException("feed-writer needs --opt-outs N or --drain."), System.Globalization.CultureInfo.InvariantCulture);
        (await feed.CatchUpAsync(Probe)).ShouldHold("the probe's cursor is made");
        var optOuts = provider.GetRequiredService<OptOutService>();
        for (var member = 1; member <= count; member++)
        {
            await optOuts.OptOutOfAllAsync(member);
            Console.Out.WriteLine($"committed {member}");
            await Console.Out.FlushAsync();
        }
        Console.Out.WriteLine("waiting");
        await Console.Out.FlushAsync();
        await Task.Delay(Timeout.Infinite);
        return 0;
    }

    private static string? Value(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static void ShouldHold(this bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Expected: {what}.");
        }
    }

    private sealed class PrintingProbe : IChangeSubscriber
    {
        public string Name => Probe;
        public bool Durable => true;
        public ValueTask<long> StartPositionAsync(ChangeFeed feed, CancellationToken ct) => ValueTask.FromResult(0L);

        public Task HandleAsync(IReadOnlyList<ChangeEnvelope> changes, CancellationToken ct)
        {
            foreach (var change in changes)
            {
                if (change.Change is OptOutChanged optOut)
                {
                    Console.Out.WriteLine($"received {optOut.MemberId}");
                }
            }
            return Console.Out.FlushAsync(ct);
        }
    }
}

using System.Globalization;

namespace SponsoredInMail.Benchmarks;

/// <summary>Parses <c>SCENARIO [options]</c>, prints help, and dispatches to the scenario.</summary>
internal static class CommandLine
{
    public const string HelpText = """
        SponsoredInMail.Benchmarks: timed harness for the product's hot paths (not BenchmarkDotNet).

        Usage:
          dotnet run -c Release --project SponsoredInMail.Benchmarks -- audience-count --members N [options]
          dotnet run -c Release --project SponsoredInMail.Benchmarks -- send-run --members N [--batch B] [--db PATH --keep-db]
          dotnet run -c Release --project SponsoredInMail.Benchmarks -- send-run --db PATH --resume
          dotnet run -c Release --project SponsoredInMail.Benchmarks -- tracking --seconds S --connections C [--members N]
          dotnet run -c Release --project SponsoredInMail.Benchmarks -- tracking --url URL --db PATH|NAME [--seconds S] [--connections C] [--warmup-seconds W]
          dotnet run -c Release --project SponsoredInMail.Benchmarks -- report --deliveries N [--runs R] [--ads K]
          dotnet run -c Release --project SponsoredInMail.Benchmarks -- rotation [--members N] [--batch B] [--seed S]
          dotnet run -c Release --project SponsoredInMail.Benchmarks -- holdout [--runs R] [--members N] [--holdout P] [--base-rate B] [--lift L] [--seed S]
          Every scenario but rotation and holdout also takes --database sqlite|postgres (default sqlite) and [--db PATH|NAME] [--keep-db].

        --database postgres  Runs on PostgreSQL: POSTGRES_CONNECTION (required) names the server, a connection string
                           without a database (e.g. Host=127.0.0.1;Port=5432;Username=sim;Password=sim). The run creates
                           its own database sim_bench_<guid> (or --db NAME) and drops it at the end unless --keep-db.
                           audience-count skips its SQL baseline there (it is SQLite SQL).

        report             Sends one campaign to N members with the real engine, writes ~90 days of realistic engagement
                           (opens ~47%, clicks ~5% of openers, lead forms) with tallies derived by SQL and checked equal,
                           then times the full campaign report over 90 days R times (default 21, after 2 warm-ups).
                           --ads K (2-10) gives the campaign K ads, its deliveries spread over them in turn, so the report
                           also breaks every figure down by ad (exit code 1 unless the ads add up to the campaign).
                           Prints: RESULT scenario=report deliveries=N ads=K median_ms=… p95_ms=…

        rotation           Simulates ad rotation (no database): two ads with true click-to-open rates 3% and 6%, 40% opens,
                           N members (default 50,000) in batches of B (default 1,000), shares recomputed per batch, once
                           Optimize and once Even. Exit code 1 if Optimize sends under 70% to the better ad or under 10%
                           to either, or Even strays more than 2% from 50/50.
                           Prints: RESULT scenario=rotation optimize_better_share=… even_max_deviation=… optimize_min_share=…

        holdout            Simulates holdout tests with a known true lift (no database): R runs (default 100, seeds S, S+1, …;
                           default S = 1) of N members (default 100,000), P% held out by the product's hash (default 10),
                           held-out members converting at B (default 0.02) and sent ones at B × (1 + L) (default L = 0.20);
                           each run's 95% interval from the product's lift rules. Exit code 1 if it covers the true lift in
                           under 90% of the runs.
                           Prints: RESULT scenario=holdout runs=R coverage=… members=N holdout_percent=P true_lift=L
                           mean_lift=… mean_ci_width=…

        tracking           Runs the web app (its Release build, own process) on loopback over a new database seeded with
                           N members (default 20,000) and the demo campaigns, signs tracking tokens for real deliveries,
                           drives GET /t/{token} with C connections for S seconds, then compares redirects with stored
                           click events. Prints: RESULT scenario=tracking events_per_s=… p50_ms=… p99_ms=… errors=…
                           stored=… sent=…
                           --url URL starts no app: it drives one already running at URL (e.g. instances behind nginx,
                           deploy/local-cluster.sh) over the seeded database --db names, which it leaves in place;
                           --warmup-seconds W clicks for W seconds first, unmeasured (fresh instances JIT).

        send-run           Seeds N members (all made active), launches one campaign at the whole network with budget
                           to spare, runs the delivery engine until the campaign completes, then checks invariants 1-3
                           with plain SQL. --resume continues the run stored in --db (e.g. after a kill);
                           --prepare-only seeds and launches into --db and stops (the crash test uses both).
                           Prints: RESULT scenario=send-run members=N sends=… seconds=… sends_per_s=… peak_mb=…
                           invariant_violations=…

        Scenarios:
          audience-count   Seeds (or reuses) a network of N members with the product's seeder, builds the
                           in-memory AudienceIndex from it, counts a fixed, seeded mix of realistic targetings with
                           AudienceIndex.Count and times them, then computes the same breakdown (matching, opted out,
                           frequency-capped, inactive, deliverable) with plain SQL on the same database, checks that
                           every count is equal, and times the SQL.

        Options:
          --members N        Members in the network (required, at least 10; "1_000_000" is accepted).
          --queries Q        Targetings counted with the index (default 200).
          --sql-queries S    How many of those (the first S) are also counted, timed and verified with SQL
                             (default: Q up to 100,000 members, else min(Q, 30); 0 skips SQL, speedup is then 0).
          --warmup W         Untimed index counts before the timed pass, and untimed SQL queries before the SQL
                             pass (default 10 for the index, min(W, 2) for SQL).
          --database D       sqlite (default) or postgres (see above); the SQL baseline runs on either.
          --db PATH          SQLite file (or PostgreSQL database name) to use. If it already holds exactly N members it is reused as is (no
                             seeding); if it is missing or empty it is created and seeded; any other member count
                             is an error. Without --db a temp file is used.
          --keep-db          Keep a database file this run created (a reused file is never deleted).
          --now INSTANT      Count as of this UTC instant, e.g. 2026-12-03T20:14:30Z (default: the time the run
                             starts). The clock is frozen at it for the whole run either way.
          -h, --help         This text.

        Output: progress and details on stderr; on success exactly one line on stdout:
          RESULT scenario=audience-count members=N index_median_ms=… index_p95_ms=… sql_median_ms=… speedup=…
                 index_bytes_per_member=… build_s=…
        Exit codes: 0 success, 1 count mismatch between index and SQL (or a failure), 2 bad command line.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            return Usage("no scenario given.");
        }
        if (args.Any(a => a is "-h" or "--help"))
        {
            Console.Out.WriteLine(HelpText);
            return 0;
        }
        switch (args[0])
        {
            case "audience-count":
                AudienceCountOptions options;
                try
                {
                    options = AudienceCountOptions.Parse(args.AsSpan(1));
                }
                catch (UsageException e)
                {
                    return Usage(e.Message);
                }
                try
                {
                    return await new AudienceCountScenario(options).RunAsync();
                }
                catch (UsageException e)
                {
                    return Usage(e.Message);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Console.Error.WriteLine($"error: the benchmark failed: {e}");
                    return 1;
                }
            case "report":
                try
                {
                    return await new ReportScenario(ReportOptionsCli.Parse(args[1..])).RunAsync();
                }
                catch (UsageException e)
                {
                    return Usage(e.Message);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Console.Error.WriteLine($"error: the benchmark failed: {e}");
                    return 1;
                }
            case "tracking":
                try
                {
                    return await new TrackingScenario(TrackingOptionsCli.Parse(args[1..])).RunAsync();
                }
                catch (UsageException e)
                {
                    return Usage(e.Message);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Console.Error.WriteLine($"error: the benchmark failed: {e}");
                    return 1;
                }
            case "feed-writer":
                try
                {
                    return await FeedCrashScenario.RunAsync(args[1..]);
                }
                catch (UsageException e)
                {
                    return Usage(e.Message);
                }
            case "rotation":
                try
                {
                    return new RotationScenario(RotationOptions.Parse(args[1..])).Run();
                }
                catch (UsageException e)
                {
                    return Usage(e.Message);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Console.Error.WriteLine($"error: the benchmark failed: {e}");
                    return 1;
                }
            case "holdout":
                try
                {
                    return new HoldoutScenario(HoldoutOptions.Parse(args[1..])).Run();
                }
                catch (UsageException e)
                {
                    return Usage(e.Message);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Console.Error.WriteLine($"error: the benchmark failed: {e}");
                    return 1;
                }
            case "send-run":
                try
                {
                    return await new SendRunScenario(SendRunOptions.Parse(args[1..])).RunAsync();
                }
                catch (UsageException e)
                {
                    return Usage(e.Message);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Console.Error.WriteLine($"error: the benchmark failed: {e}");
                    return 1;
                }
            default:
                return Usage(args[0].StartsWith('-')
                    ? $"expected a scenario before the options, got '{args[0]}'."
                    : $"unknown scenario '{args[0]}' (known: audience-count, send-run, tracking, report, rotation, holdout).");
        }
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine("Run with --help for usage.");
        return 2;
    }
}

internal sealed class UsageException(string message) : Exception(message);

/// <summary>Options of the audience-count scenario.</summary>
internal sealed record AudienceCountOptions(
    int Members, int Queries, int SqlQueries, int Warmup, string? Db, bool KeepDb, DateTimeOffset? Now,
    SponsoredInMail.Core.Data.DatabaseProvider Provider = SponsoredInMail.Core.Data.DatabaseProvider.Sqlite)
{
    public const int DefaultQueries = 200;
    public const int DefaultWarmup = 10;

    public static AudienceCountOptions Parse(ReadOnlySpan<string> args)
    {
        int? members = null;
        int? queries = null;
        int? sqlQueries = null;
        int? warmup = null;
        string? db = null;
        var keepDb = false;
        DateTimeOffset? now = null;
        var provider = SponsoredInMail.Core.Data.DatabaseProvider.Sqlite;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string name;
            string? inlineValue = null;
            var equals = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 2)
            {
                name = arg[..equals];
                inlineValue = arg[(equals + 1)..];
            }
            else
            {
                name = arg;
            }
            if (!seen.Add(name))
            {
                throw new UsageException($"option {name} given twice.");
            }

            switch (name)
            {
                case "--members":
                    members = ParseCount(name, Value(args, ref i, name, inlineValue), min: SponsoredInMail.Core.Seeding.DemoData.ReservedProfiles);
                    break;
                case "--queries":
                    queries = ParseCount(name, Value(args, ref i, name, inlineValue), min: 1);
                    break;
                case "--sql-queries":
                    sqlQueries = ParseCount(name, Value(args, ref i, name, inlineValue), min: 0);
                    break;
                case "--warmup":
                    warmup = ParseCount(name, Value(args, ref i, name, inlineValue), min: 0);
                    break;
                case "--database":
                    provider = BenchDatabase.ParseProvider(Value(args, ref i, name, inlineValue));
                    break;
                case "--db":
                    db = Value(args, ref i, name, inlineValue);
                    if (string.IsNullOrWhiteSpace(db))
                    {
                        throw new UsageException("--db needs a file path (or a database name on postgres).");
                    }
                    break;
                case "--now":
                    var text = Value(args, ref i, name, inlineValue);
                    if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
                    {
                        throw new UsageException($"--now expects a date and time such as 2026-12-03T20:14:30Z, got '{text}'.");
                    }
                    now = instant;
                    break;
                case "--keep-db":
                    if (inlineValue is not null)
                    {
                        throw new UsageException("--keep-db takes no value.");
                    }
                    keepDb = true;
                    break;
                default:
                    throw new UsageException(arg.StartsWith('-')
                        ? $"unknown option '{name}' for audience-count (known: --members, --queries, --sql-queries, --warmup, --database, --db, --keep-db, --now, --help)."
                        : $"unexpected argument '{arg}'.");
            }
        }

        if (members is not { } n)
        {
            throw new UsageException("audience-count needs --members N.");
        }
        var q = queries ?? DefaultQueries;
        var s = sqlQueries ?? (n <= 100_000 ? q : Math.Min(q, 30));
        if (s > q)
        {
            throw new UsageException($"--sql-queries ({s}) cannot exceed --queries ({q}): SQL verifies the index's counts.");
        }
        return new AudienceCountOptions(n, q, s, warmup ?? DefaultWarmup, db, keepDb, now, provider);
    }

    private static string Value(ReadOnlySpan<string> args, ref int i, string name, string? inlineValue)
    {
        if (inlineValue is not null)
        {
            return inlineValue;
        }
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new UsageException($"option {name} needs a value.");
        }
        return args[++i];
    }

    private static int ParseCount(string name, string text, int min)
    {
        if (!int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new UsageException($"{name} expects a whole number, got '{text}'.");
        }
        if (value < min)
        {
            throw new UsageException($"{name} must be at least {min}, got {value}.");
        }
        return value;
    }
}

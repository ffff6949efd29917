using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Seeding;
using static SponsoredInMail.Benchmarks.Stats;

namespace SponsoredInMail.Benchmarks;

/// <summary>
/// audience-count: how fast <see cref="AudienceIndex.Count"/> answers a realistic targeting compared with
/// plain SQL on the same network (SQLite or PostgreSQL), how much memory the index takes per member, how long it takes to
/// build — and that both give exactly the same breakdown.
/// </summary>
internal sealed class AudienceCountScenario(AudienceCountOptions options)
{
    public async Task<int> RunAsync()
    {
        var n = options.Members;
        var database = BenchDatabase.Resolve(options.Provider, options.Db, $"sim-bench-{n}");
        var existed = await database.ExistsAsync();
        var clock = new FrozenClock(options.Now ?? DateTimeOffset.UtcNow);
        Log.Info($"audience-count: members={N(n)} queries={options.Queries} sql_queries={options.SqlQueries} warmup={options.Warmup}");
        Log.Info($"database: {database}{(existed ? " (exists)" : " (new)")}; clock frozen at {clock.GetUtcNow():yyyy-MM-dd HH:mm:ss.FFFFFFF}Z");

        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(clock)
            .AddSponsoredInMailData(_ => database.Connection)
            .AddSponsoredInMailCore(new ConfigurationBuilder()
                // The network only: the SQL check counts members, not demo campaigns' deliveries.
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Seed:DemoCampaigns"] = "false" }).Build());
        services.AddSponsoredInMailIdentity();
        var provider = services.BuildServiceProvider();
        try
        {
            if (!existed)
            {
                await database.CreateAsync();
            }
            await PrepareDatabaseAsync(provider, database);
            return await MeasureAsync(provider, database, clock);
        }
        finally
        {
            await provider.DisposeAsync();
            await CleanupAsync(database, createdHere: !existed);
        }
    }

    /// <summary>Migrates, then seeds unless the file already holds exactly N members.</summary>
    private async Task PrepareDatabaseAsync(ServiceProvider provider, BenchDatabase database)
    {
        var n = options.Members;
        var watch = Stopwatch.StartNew();
        await provider.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        var present = await database.ScalarAsync("SELECT COUNT(*) FROM \"Members\"");
        if (present == n)
        {
            Log.Info($"reusing the database: it already holds {N(present)} members (no seeding)");
            return;
        }
        if (present != 0)
        {
            throw new UsageException(
                $"{database} holds {N(present)} members, not {N(n)}: delete it or pass another --db.");
        }

        Log.Info($"seeding {N(n)} members with NetworkSeeder (seed {new SeedOptions().RandomSeed})…");
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<NetworkSeeder>().SeedAsync(n, new SeedProgressLog());
        }
        var bytes = await database.SizeBytesAsync();
        Log.Info($"seeded in {F(watch.Elapsed.TotalSeconds, 1)} s; database {F(bytes / 1048576.0, 1)} MiB");
    }

    private async Task<int> MeasureAsync(ServiceProvider provider, BenchDatabase database, FrozenClock clock)
    {
        var n = options.Members;
        var accountId = (int)await database.ScalarAsync("SELECT \"Id\" FROM \"AdvertiserAccounts\" ORDER BY \"Id\" LIMIT 1", orElse: -1);
        if (accountId < 0)
        {
            throw new InvalidOperationException("The database has no advertiser account.");
        }

        // 1. Build the index from the database.
        var index = provider.GetRequiredService<AudienceIndex>();
        var source = provider.GetRequiredService<IAudienceSource>();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        Log.Info($"building the audience index from {database.Provider}…");
        var build = Stopwatch.StartNew();
        await index.RebuildAsync(source);
        build.Stop();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var estimated = index.EstimatedBytes;
        if (index.MemberCount != n)
        {
            throw new InvalidOperationException($"The index holds {N(index.MemberCount)} members, the database {N(n)}.");
        }
        var heapDelta = heapAfter - heapBefore;
        Log.Info($"index built in {F(build.Elapsed.TotalSeconds)} s; EstimatedBytes {N(estimated)} ({F((double)estimated / n, 2)} B/member); "
            + $"GC.GetTotalMemory delta {N(heapDelta)} ({F((double)heapDelta / n, 2)} B/member)");

        // 2. Time the index.
        var targetings = TargetingMix.Generate(options.Queries);
        Log.Info($"index: {options.Warmup} warm-up counts, then {targetings.Count} timed counts for account {accountId}");
        for (var i = 0; i < options.Warmup; i++)
        {
            index.Count(targetings[i % targetings.Count], accountId);
        }
        var indexResults = new AudienceBreakdown[targetings.Count];
        var indexMs = new double[targetings.Count];
        for (var i = 0; i < targetings.Count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            indexResults[i] = index.Count(targetings[i], accountId);
            indexMs[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        var indexMedian = Median(indexMs);
        var indexP95 = Percentile(indexMs, 95);
        Log.Info($"index: median {F(indexMedian)} ms, p95 {F(indexP95)} ms, min {F(indexMs.Min())} ms, max {F(indexMs.Max())} ms");
        var matching = indexResults.Select(r => (double)r.Matching).ToArray();
        var deliverable = indexResults.Select(r => (double)r.Deliverable).ToArray();
        Log.Info($"audience sizes (index): matching min {N((long)matching.Min())} / median {N((long)Median(matching))} / max {N((long)matching.Max())}; "
            + $"deliverable median {N((long)Median(deliverable))}; {indexResults.Count(r => r.Matching == 0)} of {targetings.Count} match nobody");
        GC.KeepAlive(index);

        // 3. The same breakdown with plain SQL: timed, and checked against the index.
        var sqlMs = new List<double>();
        var mismatches = 0;
        if (options.SqlQueries > 0)
        {
            var activeSince = provider.GetRequiredService<ActivityPolicy>().ActiveSince(clock);
            await using System.Data.Common.DbConnection connection = database.IsPostgres
                ? new NpgsqlConnection(database.UnhurriedConnectionString)
                : new SqliteConnection(database.Connection.ConnectionString);
            await connection.OpenAsync();
            SqlAudienceCounter sql = connection is NpgsqlConnection pg
                ? new Postgres.PostgresAudienceCounter(pg, accountId, activeSince)
                : new Sqlite.SqliteAudienceCounter((SqliteConnection)connection, accountId, activeSince);
            var sqlWarmup = Math.Min(options.Warmup, 2);
            Log.Info($"SQL: {sqlWarmup} warm-up queries, then {options.SqlQueries} timed queries (active since {activeSince:yyyy-MM-dd HH:mm:ss.FFFFFFF}; capped is 0: the network has no deliveries)");
            for (var i = 0; i < sqlWarmup; i++)
            {
                sql.Count(targetings[i % options.SqlQueries]);
            }
            var progress = Stopwatch.StartNew();
            for (var i = 0; i < options.SqlQueries; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var expected = sql.Count(targetings[i]);
                sqlMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (expected != indexResults[i])
                {
                    mismatches++;
                    Console.Error.WriteLine($"MISMATCH targeting #{i}: index {indexResults[i]} vs SQL {expected}");
                    Console.Error.WriteLine($"  targeting: {targetings[i].ToJson()}");
                    if (mismatches <= 3)
                    {
                        Console.Error.WriteLine($"  SQL: {sql.Describe(targetings[i])}");
                    }
                }
                if (progress.Elapsed.TotalSeconds >= 10)
                {
                    Log.Info($"SQL: {i + 1}/{options.SqlQueries} queries, median so far {F(Median(sqlMs), 1)} ms");
                    progress.Restart();
                }
            }
            Log.Info($"SQL: median {F(Median(sqlMs))} ms, p95 {F(Percentile(sqlMs, 95))} ms, min {F(sqlMs.Min())} ms, max {F(sqlMs.Max())} ms");
        }
        else
        {
            Log.Info("SQL: skipped (--sql-queries 0): nothing verified, speedup reported as 0");
        }

        if (mismatches > 0)
        {
            Console.Error.WriteLine($"FAILED: {mismatches} of {options.SqlQueries} targetings counted differently by AudienceIndex and SQL.");
            return 1;
        }
        if (options.SqlQueries > 0)
        {
            Log.Info($"verified: all {options.SqlQueries} SQL breakdowns equal the index's (Matching, OptedOut, FrequencyCapped, Inactive, Deliverable)");
        }

        var sqlMedian = Median(sqlMs);
        var speedup = indexMedian > 0 && sqlMs.Count > 0 ? sqlMedian / indexMedian : 0;
        Console.Out.WriteLine(
            $"RESULT scenario=audience-count members={n} index_median_ms={F(indexMedian)} index_p95_ms={F(indexP95)} "
            + $"sql_median_ms={F(sqlMedian)} speedup={F(speedup, 2)} index_bytes_per_member={F((double)estimated / n, 2)} "
            + $"build_s={F(build.Elapsed.TotalSeconds)}");
        return 0;
    }

    /// <summary>Deletes the database if this run created it, unless --keep-db; a database that was there before is never deleted.</summary>
    private async Task CleanupAsync(BenchDatabase database, bool createdHere)
    {
        if (!createdHere)
        {
            return;
        }
        if (options.KeepDb)
        {
            Log.Info($"kept {database} (reuse it with {string.Join(' ', database.ChildArgs)})");
            return;
        }
        await database.DropAsync();
    }

    /// <summary>Seeding progress on stderr: every stage, and members every 10%.</summary>
    internal sealed class SeedProgressLog : IProgress<SeedProgress>
    {
        private string _stage = "";
        private long _nextMembers;

        public void Report(SeedProgress value)
        {
            if (value.Stage != _stage)
            {
                _stage = value.Stage;
                _nextMembers = 0;
            }
            if (value.Stage == "Members")
            {
                if (value.Done < _nextMembers && value.Done < value.Total)
                {
                    return;
                }
                _nextMembers = value.Done + Math.Max(1, value.Total / 10);
            }
            else if (value.Done != 0 && value.Done < value.Total)
            {
                return;
            }
            Log.Info($"  seed: {value.Stage} {N(value.Done)}/{N(value.Total)}");
        }
    }
}

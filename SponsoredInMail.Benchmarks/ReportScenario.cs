using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Data.Sqlite;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Reports;
using static SponsoredInMail.Benchmarks.Stats;

namespace SponsoredInMail.Benchmarks;

internal sealed record ReportOptionsCli(int Deliveries, int Runs)
{
    public static ReportOptionsCli Parse(string[] args)
    {
        int? deliveries = null;
        var runs = 21;
        for (var i = 0; i < args.Length; i++)
        {
            int Count(int min)
            {
                var name = args[i];
                var text = i + 1 < args.Length ? args[++i] : throw new UsageException($"option {name} needs a value.");
                return int.TryParse(text.Replace("_", "", StringComparison.Ordinal), out var v) && v >= min
                    ? v : throw new UsageException($"{name} expects a whole number of at least {min}, got '{text}'.");
            }
            switch (args[i])
            {
                case "--deliveries": deliveries = Count(100); break;
                case "--runs": runs = Count(1); break;
                default: throw new UsageException($"unknown option '{args[i]}' for report (known: --deliveries, --runs).");
            }
        }
        return new ReportOptionsCli(deliveries ?? throw new UsageException("report needs --deliveries N."), runs);
    }
}

/// <summary>
/// report: a campaign with N deliveries (sent by the real engine to a network of about N members) and realistic
/// engagement over 90 days — ~47% opens, ~5% of openers click, a share of lead form opens and leads — written in bulk
/// with tallies derived from the events by SQL (and checked equal). Then times the full campaign report (KPIs, 90 days
/// of series, funnel, demographics) over those 90 days.
/// </summary>
internal sealed class ReportScenario(ReportOptionsCli options)
{
    public async Task<int> RunAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sim-report-{Guid.NewGuid():N}.db");
        var connection = $"Data Source={path};Pooling=False";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Seed:DemoCampaigns"] = "false", ["Delivery:BatchSize"] = "20000",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System)
            .AddSponsoredInMailData(connection).AddSponsoredInMailCore(configuration);
        services.AddSponsoredInMailIdentity();
        var provider = services.BuildServiceProvider();
        try
        {
            // ~2% of members are opted out: seed enough members for N sends.
            await SendRunScenario.SeedActiveNetworkAsync(provider, options.Deliveries + options.Deliveries / 25 + DemoDataReserve);
            var campaignId = await SendRunScenario.LaunchAsync(provider);
            await LimitToAsync(path, campaignId, options.Deliveries);
            var index = provider.GetRequiredService<AudienceIndex>();
            await index.RebuildAsync(provider.GetRequiredService<IAudienceSource>());
            var sent = await provider.GetRequiredService<DeliveryEngine>().RunUntilIdleAsync();
            Log.Info($"{N(sent)} deliveries sent by the engine");
            await GenerateEngagementAsync(path, campaignId);
            var mismatches = await EngagementTallyCheck.MismatchesAsync(connection);
            Log.Info($"tally check: {mismatches} mismatching cells");

            var reports = provider.GetRequiredService<ReportService>();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var range = new ReportRange(today.AddDays(-89), today);
            var accountId = (int)await AudienceCountScenario.ScalarAsync(path, $"SELECT AdvertiserAccountId FROM Campaigns WHERE Id = {campaignId}");
            var times = new List<double>();
            CampaignReport? report = null;
            for (var run = 0; run < options.Runs + 2; run++)
            {
                var watch = Stopwatch.StartNew();
                report = await reports.CampaignReportAsync(accountId, campaignId, range);
                if (run >= 2)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
            Log.Info($"report: sends {N(report!.Kpis.Sends)}, opens {N(report.Kpis.Opens)}, clicks {N(report.Kpis.Clicks)}, leads {N(report.Kpis.Leads)}, " +
                     $"{report.Series.Count} days, {report.Demographics.Sum(d => d.Rows.Count)} demographic rows");
            Console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"RESULT scenario=report deliveries={report.Kpis.Sends} median_ms={Stats.Median(times):F1} p95_ms={Stats.Percentile(times, 95):F1}"));
            return mismatches == 0 ? 0 : 1;
        }
        finally
        {
            await provider.DisposeAsync();
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private const int DemoDataReserve = 100;

    /// <summary>Caps the campaign's budget at exactly N sends at its bid.</summary>
    private static async Task LimitToAsync(string path, int campaignId, int deliveries)
    {
        await using var sqlite = new SqliteConnection($"Data Source={path};Pooling=False");
        await sqlite.OpenAsync();
        await using var command = sqlite.CreateCommand();
        command.CommandText = "UPDATE Campaigns SET LifetimeBudgetCents = BidCents * $n WHERE Id = $c";
        command.Parameters.AddWithValue("$n", deliveries);
        command.Parameters.AddWithValue("$c", campaignId);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Opens, repeat opens, clicks and lead form activity over 90 days, then the tallies, first opens and first clicks from them (one click per delivery at most, so clickers = clicks).</summary>
    private static async Task GenerateEngagementAsync(string path, int campaignId)
    {
        var watch = Stopwatch.StartNew();
        await using var sqlite = new SqliteConnection($"Data Source={path};Pooling=False");
        await sqlite.OpenAsync();
        var deliveries = new List<(long Id, int Member)>();
        await using (var read = sqlite.CreateCommand())
        {
            read.CommandText = $"SELECT Id, MemberId FROM Deliveries WHERE CampaignId = {campaignId}";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                deliveries.Add((reader.GetInt64(0), reader.GetInt32(1)));
            }
        }
        var linkId = await NewLinkAsync(sqlite, campaignId);
        var random = new Random(90);
        var start = DateTime.UtcNow.Date.AddDays(-89);
        await using var transaction = (SqliteTransaction)await sqlite.BeginTransactionAsync();
        await using var insert = sqlite.CreateCommand();
        insert.CommandText = "INSERT INTO EngagementEvents (DeliveryId, CampaignId, MemberId, Kind, At, Counted, AdLinkId, Detail) VALUES ($d, $c, $m, $k, $at, $counted, $link, NULL)";
        var p = new[] { "$d", "$c", "$m", "$k", "$at", "$counted", "$link" }.Select(n => insert.Parameters.Add(new SqliteParameter(n, null))).ToArray();
        p[1].Value = campaignId;
        long events = 0;
        async Task Add(long delivery, int member, int kind, DateTime at, bool counted, int? link)
        {
            p[0].Value = delivery;
            p[2].Value = member;
            p[3].Value = kind;
            p[4].Value = at;
            p[5].Value = counted;
            p[6].Value = (object?)link ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync();
            events++;
        }
        foreach (var (id, member) in deliveries)
        {
            if (random.NextDouble() >= 0.47)
            {
                continue;
            }
            var at = start.AddMinutes(random.Next(0, 90 * 1440 - 1));
            await Add(id, member, 1, at, true, null);
            if (random.NextDouble() < 0.1)
            {
                await Add(id, member, 1, at.AddMinutes(30), false, null);
            }
            if (random.NextDouble() < 0.05)
            {
                await Add(id, member, 2, at.AddMinutes(2), true, linkId);
            }
            if (random.NextDouble() < 0.02)
            {
                await Add(id, member, 5, at.AddMinutes(3), true, null);
                if (random.NextDouble() < 0.5)
                {
                    await Add(id, member, 6, at.AddMinutes(5), true, null);
                }
            }
        }
        await using (var derive = sqlite.CreateCommand())
        {
            derive.CommandText = $"""
                UPDATE Deliveries SET FirstOpenedAt = (SELECT MIN(At) FROM EngagementEvents e WHERE e.DeliveryId = Deliveries.Id AND e.Kind = 1 AND e.Counted = 1)
                WHERE CampaignId = {campaignId};
                UPDATE Deliveries SET FirstClickedAt = (SELECT MIN(At) FROM EngagementEvents e WHERE e.DeliveryId = Deliveries.Id AND e.Kind = 2 AND e.Counted = 1)
                WHERE CampaignId = {campaignId};
                INSERT INTO CampaignDailyStats (CampaignId, Day, Sends, SpendCents, Opens, ButtonClicks, LeadFormOpens, Leads,
                                                LinkClicks, BannerClicks, ConversationClicks, NotInterested, OptOuts, UniqueClickers)
                SELECT CampaignId, date(At), 0, 0, SUM(Kind = 1), SUM(Kind = 2), SUM(Kind = 5), SUM(Kind = 6), 0, 0, 0, 0, 0, SUM(Kind = 2)
                FROM EngagementEvents WHERE CampaignId = {campaignId} AND Counted = 1 GROUP BY 1, 2
                ON CONFLICT (CampaignId, Day) DO UPDATE SET Opens = excluded.Opens, ButtonClicks = excluded.ButtonClicks,
                    LeadFormOpens = excluded.LeadFormOpens, Leads = excluded.Leads, UniqueClickers = excluded.UniqueClickers;
                """;
            await derive.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        Log.Info($"{N(events)} engagement events and their tallies written in {F(watch.Elapsed.TotalSeconds, 1)} s");
    }

    private static async Task<int> NewLinkAsync(SqliteConnection sqlite, int campaignId)
    {
        await using var command = sqlite.CreateCommand();
        command.CommandText = $"""
            INSERT INTO AdLinks (AdId, Kind, Url) SELECT AdId, 1, 'https://example.com' FROM Campaigns WHERE Id = {campaignId};
            SELECT last_insert_rowid();
            """;
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

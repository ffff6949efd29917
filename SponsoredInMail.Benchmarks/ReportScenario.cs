using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Variants;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Data.Sqlite;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Reports;
using static SponsoredInMail.Benchmarks.Stats;

namespace SponsoredInMail.Benchmarks;

internal sealed record ReportOptionsCli(int Deliveries, int Runs, DatabaseProvider Provider = DatabaseProvider.Sqlite, string? Db = null, bool KeepDb = false, int Ads = 1)
{
    public static ReportOptionsCli Parse(string[] args)
    {
        int? deliveries = null;
        var runs = 21;
        var provider = DatabaseProvider.Sqlite;
        string? db = null;
        var keep = false;
        var ads = 1;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new UsageException($"option {args[i]} needs a value.");
            int Count(int min)
            {
                var name = args[i];
                var text = Next();
                return int.TryParse(text.Replace("_", "", StringComparison.Ordinal), out var v) && v >= min
                    ? v : throw new UsageException($"{name} expects a whole number of at least {min}, got '{text}'.");
            }
            switch (args[i])
            {
                case "--deliveries": deliveries = Count(100); break;
                case "--runs": runs = Count(1); break;
                case "--database": provider = BenchDatabase.ParseProvider(Next()); break;
                case "--db": db = Next(); break;
                case "--keep-db": keep = true; break;
                case "--ads": ads = Count(1); break;
                default: throw new UsageException($"unknown option '{args[i]}' for report (known: --deliveries, --runs, --ads, --database, --db, --keep-db).");
            }
        }
        if (ads > VariantRules.MaxAds)
        {
            throw new UsageException($"--ads is at most {VariantRules.MaxAds}, got {ads}.");
        }
        return new ReportOptionsCli(deliveries ?? throw new UsageException("report needs --deliveries N."), runs, provider, db, keep, ads);
    }
}

/// <summary>
/// report: a campaign with N deliveries (sent by the real engine to a network of about N members) and realistic
/// engagement over 90 days — ~47% opens, ~5% of openers click, a share of lead form opens and leads — written in bulk
/// with tallies derived from the events by SQL (and checked equal). Then times the full campaign report (KPIs, 90 days
/// of series, funnel, demographics) over those 90 days. With --ads K the campaign carries K ads, its deliveries given
/// them in turn (by id), so the report also breaks every figure down by ad from the raw rows.
/// </summary>
internal sealed class ReportScenario(ReportOptionsCli options)
{
    public async Task<int> RunAsync()
    {
        var database = BenchDatabase.Resolve(options.Provider, options.Db, "sim-report");
        if (await database.ExistsAsync())
        {
            throw new UsageException($"{database} exists: report starts from an empty database.");
        }
        await database.CreateAsync();
        Log.Info($"report: {database}");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Seed:DemoCampaigns"] = "false", ["Delivery:BatchSize"] = "20000",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System)
            .AddSponsoredInMailData(_ => database.Connection).AddSponsoredInMailCore(configuration);
        services.AddSponsoredInMailIdentity();
        var provider = services.BuildServiceProvider();
        try
        {
            // ~2% of members are opted out: seed enough members for N sends.
            await SendRunScenario.SeedActiveNetworkAsync(provider, options.Deliveries + options.Deliveries / 25 + DemoDataReserve);
            var campaignId = await SendRunScenario.LaunchAsync(provider);
            await database.ExecuteAsync($"UPDATE \"Campaigns\" SET \"LifetimeBudgetCents\" = \"BidCents\" * {options.Deliveries} WHERE \"Id\" = {campaignId}");
            var index = provider.GetRequiredService<AudienceIndex>();
            await index.RebuildAsync(provider.GetRequiredService<IAudienceSource>());
            var sent = await provider.GetRequiredService<DeliveryEngine>().RunUntilIdleAsync();
            Log.Info($"{N(sent)} deliveries sent by the engine");
            if (database.IsPostgres)
            {
                await GeneratePostgresEngagementAsync(database, campaignId);
            }
            else
            {
                await GenerateEngagementAsync(database.Connection.ConnectionString, campaignId);
            }
            if (options.Ads > 1)
            {
                await SpreadOverAdsAsync(provider, campaignId, options.Ads);
            }
            var mismatches = await provider.GetRequiredService<IDatabaseProviderServices>().TallyMismatchesAsync(database.UnhurriedConnectionString);
            Log.Info($"tally check: {mismatches} mismatching cells");

            var reports = provider.GetRequiredService<ReportService>();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var range = new ReportRange(today.AddDays(-89), today);
            var accountId = (int)await database.ScalarAsync($"SELECT \"AdvertiserAccountId\" FROM \"Campaigns\" WHERE \"Id\" = {campaignId}");
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
                     $"{report.Series.Count} days, {report.Demographics.Sum(d => d.Rows.Count)} demographic rows, {report.Ads.Count} ads");
            // The ads must add up to the campaign, figure by figure, or the breakdown is wrong however fast it is.
            var adsAddUp = Kpis.Sum(report.Ads.Select(a => a.Kpis)) == report.Kpis;
            Console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"RESULT scenario=report deliveries={report.Kpis.Sends} ads={report.Ads.Count} median_ms={Stats.Median(times):F1} p95_ms={Stats.Percentile(times, 95):F1}"));
            return mismatches == 0 && adsAddUp ? 0 : 1;
        }
        finally
        {
            await provider.DisposeAsync();
            if (options.KeepDb)
            {
                Log.Info($"kept {database}");
            }
            else
            {
                await database.DropAsync();
            }
        }
    }

    private const int DemoDataReserve = 100;

    /// <summary>Copies of the campaign's ad as its ads B, C, …, listed in order, and its deliveries given them in turn by id.</summary>
    private static async Task SpreadOverAdsAsync(ServiceProvider provider, int campaignId, int ads)
    {
        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var first = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.AdId!.Value).SingleAsync();
        var template = await db.Ads.AsNoTracking().SingleAsync(a => a.Id == first);
        List<int> ids = [first];
        for (var i = 1; i < ads; i++)
        {
            var copy = new Ad
            {
                AdvertiserAccountId = template.AdvertiserAccountId, Name = $"{template.Name} {ReportService.Letter(i)}", Format = template.Format,
                SenderMemberId = template.SenderMemberId, Subject = template.Subject, Body = template.Body, CtaText = template.CtaText, CtaTarget = template.CtaTarget,
                LandingUrl = template.LandingUrl, CreatedByUserId = "benchmark", CreatedAt = template.CreatedAt, UpdatedByUserId = "benchmark", UpdatedAt = template.UpdatedAt,
            };
            db.Ads.Add(copy);
            await db.SaveChangesAsync();
            ids.Add(copy.Id);
        }
        await db.CampaignAds.Where(a => a.CampaignId == campaignId).ExecuteDeleteAsync();
        db.CampaignAds.AddRange(ids.Select((ad, i) => new CampaignAd { CampaignId = campaignId, AdId = ad, Position = i, Review = AdReview.Approved }));
        await db.SaveChangesAsync();
        for (var i = 0; i < ads; i++)
        {
            var (ad, remainder) = (ids[i], i);
            await db.Deliveries.Where(d => d.CampaignId == campaignId && d.Id % ads == remainder).ExecuteUpdateAsync(u => u.SetProperty(d => d.AdId, ad));
        }
        Log.Info($"deliveries spread over {ads} ads");
    }

    /// <summary>Opens, repeat opens, clicks and lead form activity over 90 days, then the tallies, first opens and first clicks from them (one click per delivery at most, so clickers = clicks).</summary>
    private static async Task GenerateEngagementAsync(string connection, int campaignId)
    {
        var watch = Stopwatch.StartNew();
        await using var sqlite = new SqliteConnection(connection);
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

    /// <summary>
    /// The same engagement as <see cref="GenerateEngagementAsync"/> (same seeded draws, deliveries in id order) on
    /// PostgreSQL: the events by binary COPY, then first opens, first clicks and tallies derived by SQL, in one transaction.
    /// </summary>
    private static async Task GeneratePostgresEngagementAsync(BenchDatabase database, int campaignId)
    {
        var watch = Stopwatch.StartNew();
        await using var pg = new NpgsqlConnection(database.UnhurriedConnectionString);
        await pg.OpenAsync();
        var deliveries = new List<(long Id, int Member)>();
        await using (var read = new NpgsqlCommand($"SELECT \"Id\", \"MemberId\" FROM \"Deliveries\" WHERE \"CampaignId\" = {campaignId} ORDER BY \"Id\"", pg))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                deliveries.Add((reader.GetInt64(0), reader.GetInt32(1)));
            }
        }
        int linkId;
        await using (var link = new NpgsqlCommand($"""
            INSERT INTO "AdLinks" ("AdId", "Kind", "Url") SELECT "AdId", 1, 'https://example.com' FROM "Campaigns" WHERE "Id" = {campaignId} RETURNING "Id"
            """, pg))
        {
            linkId = Convert.ToInt32(await link.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        var random = new Random(90);
        var start = DateTime.SpecifyKind(DateTime.UtcNow.Date.AddDays(-89), DateTimeKind.Utc);
        await using var transaction = await pg.BeginTransactionAsync();
        long events = 0;
        await using (var copy = await pg.BeginBinaryImportAsync("""
            COPY "EngagementEvents" ("DeliveryId", "CampaignId", "MemberId", "Kind", "At", "Counted", "AdLinkId") FROM STDIN (FORMAT BINARY)
            """))
        {
            async Task Add(long delivery, int member, int kind, DateTime at, bool counted, int? link)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(delivery, NpgsqlDbType.Bigint);
                await copy.WriteAsync(campaignId, NpgsqlDbType.Integer);
                await copy.WriteAsync(member, NpgsqlDbType.Integer);
                await copy.WriteAsync(kind, NpgsqlDbType.Integer);
                await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(counted, NpgsqlDbType.Boolean);
                if (link is { } id)
                {
                    await copy.WriteAsync(id, NpgsqlDbType.Integer);
                }
                else
                {
                    await copy.WriteNullAsync();
                }
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
            await copy.CompleteAsync();
        }
        await using (var derive = new NpgsqlCommand($"""
            UPDATE "Deliveries" AS d SET "FirstOpenedAt" = e."First"
            FROM (SELECT "DeliveryId", MIN("At") AS "First" FROM "EngagementEvents" WHERE "CampaignId" = {campaignId} AND "Kind" = 1 AND "Counted" GROUP BY 1) AS e
            WHERE d."Id" = e."DeliveryId";
            UPDATE "Deliveries" AS d SET "FirstClickedAt" = e."First"
            FROM (SELECT "DeliveryId", MIN("At") AS "First" FROM "EngagementEvents" WHERE "CampaignId" = {campaignId} AND "Kind" = 2 AND "Counted" GROUP BY 1) AS e
            WHERE d."Id" = e."DeliveryId";
            INSERT INTO "CampaignDailyStats" ("CampaignId", "Day", "Sends", "SpendCents", "Opens", "ButtonClicks", "LeadFormOpens", "Leads",
                                              "LinkClicks", "BannerClicks", "ConversationClicks", "NotInterested", "OptOuts", "UniqueClickers")
            SELECT "CampaignId", ("At" AT TIME ZONE 'UTC')::date, 0, 0, COUNT(*) FILTER (WHERE "Kind" = 1), COUNT(*) FILTER (WHERE "Kind" = 2),
                   COUNT(*) FILTER (WHERE "Kind" = 5), COUNT(*) FILTER (WHERE "Kind" = 6), 0, 0, 0, 0, 0, COUNT(*) FILTER (WHERE "Kind" = 2)
            FROM "EngagementEvents" WHERE "CampaignId" = {campaignId} AND "Counted" GROUP BY 1, 2
            ON CONFLICT ("CampaignId", "Day") DO UPDATE SET "Opens" = excluded."Opens", "ButtonClicks" = excluded."ButtonClicks",
                "LeadFormOpens" = excluded."LeadFormOpens", "Leads" = excluded."Leads", "UniqueClickers" = excluded."UniqueClickers";
            ANALYZE;
            """, pg, transaction))
        {
            derive.CommandTimeout = 0;
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

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Core.Reports;

/// <summary>
/// Campaign, account and platform reports. Figures come from the daily tallies (kept equal to the raw events,
/// invariant 4); a campaign's figures by ad, which the per-campaign tallies cannot give, from the raw deliveries and
/// events at report time (<see cref="AdFiguresQuery"/>); the Conversation Ad funnel from the raw button events;
/// demographics from the members who opened or clicked, tabulated by the audience index's facet bitsets. A campaign of
/// another account reads as missing.
/// </summary>
public sealed class ReportService(
    IDbContextFactory<AppDbContext> factory, AccountScope scope, AudienceIndex index, IEngagedMembers engagedMembers,
    IOptions<ReportOptions> options, TimeProvider clock)
{
    public static readonly Facet[] DemographicFacets = [Facet.Seniority, Facet.JobFunction, Facet.Industry, Facet.CompanySize, Facet.Location];

    /// <summary>The last 30 days up to today (UTC), or the given range clamped to <see cref="ReportRange.MaxDays"/>.</summary>
    public ReportRange RangeOrDefault(DateOnly? from, DateOnly? to)
    {
        var end = to ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var start = from ?? end.AddDays(-29);
        if (start > end)
        {
            (start, end) = (end, start);
        }
        return end.DayNumber - start.DayNumber >= ReportRange.MaxDays ? new ReportRange(end.AddDays(-(ReportRange.MaxDays - 1)), end) : new ReportRange(start, end);
    }

    /// <param name="range">Null: the campaign's whole life (<see cref="LifetimeAsync"/>).</param>
    public async Task<CampaignReport?> CampaignAsync(string actorUserId, int accountId, int campaignId, ReportRange? range, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return null;
        }
        return await CampaignReportAsync(accountId, campaignId, range, ct);
    }

    /// <summary>The report without the seat check (the API checks its token's account instead).</summary>
    public async Task<CampaignReport?> CampaignReportAsync(int accountId, int campaignId, ReportRange? requested, CancellationToken ct = default)
    {
        // A requested range follows the rules; the whole life (no range) is the campaign's own and may be longer.
        if (requested is not null)
        {
            ReportRangeRules.Guard(requested, Today());
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await AccountScope.FindAsync<Campaign>(db, accountId, campaignId, ct, tracking: false) is not { } campaign)
        {
            return null;
        }
        var range = requested ?? await LifetimeAsync(db, campaign, ct);
        var ads = await AdsOfAsync(db, campaign, withScripts: true, ct);
        var stats = await db.CampaignDailyStats.AsNoTracking()
            .Where(s => s.CampaignId == campaignId && s.Day >= range.From && s.Day <= range.To).ToListAsync(ct);
        var series = Series(stats, range);
        var kpis = Kpis.Sum(series.Select(p => p.Kpis));
        IReadOnlyList<FunnelStep>? funnel = null;
        IReadOnlyList<AdReportRow> adRows;
        if (ads.Count > 1)
        {
            adRows = await AdRowsAsync(db, campaignId, ads, range, withFunnels: true, ct);
        }
        else
        {
            // One ad carries every send: its figures are the campaign's, read from the tallies like them.
            var only = ads.SingleOrDefault();
            if (only?.Script is { } script)
            {
                var (presses, links) = await PressesAsync(db, campaignId, range, byAd: false, ct);
                funnel = Funnel(script, kpis.Opens, presses, links);
            }
            adRows = only is null ? [] : [new AdReportRow(only.AdId, only.Letter, only.Name, kpis, Share(kpis.Sends, kpis.Sends), series, funnel)];
        }
        var demographics = await DemographicsAsync(campaignId, range, ct);
        var conversions = await Conversions.ConversionFigures.ForCampaignAsync(db, campaignId, range, kpis, ct);
        return new CampaignReport(campaign.Id, campaign.Name, campaign.Status, ads.FirstOrDefault()?.Format == AdFormat.ConversationAd, range,
            kpis, series, funnel, demographics, adRows, conversions);
    }

    /// <summary>
    /// One campaign's ads over the range, figures only (no funnels): the account report's breakdown of a campaign,
    /// loaded when it is expanded. Null when the campaign is not the account's or the user has no seat on it.
    /// </summary>
    public async Task<IReadOnlyList<AdReportRow>?> CampaignAdsAsync(string actorUserId, int accountId, int campaignId, ReportRange range, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return null;
        }
        ReportRangeRules.Guard(range, Today());
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await AccountScope.FindAsync<Campaign>(db, accountId, campaignId, ct, tracking: false) is not { } campaign)
        {
            return null;
        }
        var ads = await AdsOfAsync(db, campaign, withScripts: false, ct);
        if (ads.Count > 1)
        {
            return await AdRowsAsync(db, campaignId, ads, range, withFunnels: false, ct);
        }
        var stats = await db.CampaignDailyStats.AsNoTracking()
            .Where(s => s.CampaignId == campaignId && s.Day >= range.From && s.Day <= range.To).ToListAsync(ct);
        var series = Series(stats, range);
        var kpis = Kpis.Sum(series.Select(p => p.Kpis));
        return [.. ads.Select(a => new AdReportRow(a.AdId, a.Letter, a.Name, kpis, Share(kpis.Sends, kpis.Sends), series, null))];
    }

    /// <summary>
    /// Every campaign of the account with its ads' figures over the range (no daily series, no funnels): the account's
    /// campaigns table by ad. A campaign with one ad gets one row with the campaign's figures; the ads of the others are
    /// counted together in one pair of grouped queries.
    /// </summary>
    public async Task<IReadOnlyList<AccountCampaignAds>?> AccountAdsAsync(string actorUserId, int accountId, ReportRange range, CancellationToken ct = default)
    {
        if (await AccountAsync(actorUserId, accountId, range, ct) is not { } report)
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var listed = await (from ca in db.CampaignAds.AsNoTracking()
                            join c in db.Campaigns on ca.CampaignId equals c.Id
                            where c.AdvertiserAccountId == accountId
                            join a in db.Ads on ca.AdId equals a.Id
                            orderby ca.CampaignId, ca.Position
                            select new { ca.CampaignId, ca.AdId, ca.Position, a.Name }).ToListAsync(ct);
        // Campaigns made before ads were listed per campaign carry their one ad.
        var bare = await (from c in db.Campaigns.AsNoTracking()
                          where c.AdvertiserAccountId == accountId && c.AdId != null && !db.CampaignAds.Any(ca => ca.CampaignId == c.Id)
                          join a in db.Ads on c.AdId equals a.Id
                          select new { CampaignId = c.Id, AdId = a.Id, Position = 0, a.Name }).ToListAsync(ct);
        var adsOf = listed.Concat(bare).GroupBy(a => a.CampaignId)
            .ToDictionary(g => g.Key, g => g.Select(a => new AdInfo(a.AdId, Letter(a.Position), a.Name, default, null)).ToList());
        var several = adsOf.Where(c => c.Value.Count > 1).Select(c => c.Key).ToList();
        var cells = (await AdFiguresQuery.DailyAsync(db, several, range, ct)).ToLookup(c => c.CampaignId);
        var extraNames = await ExtraAdNamesAsync(db, cells.SelectMany(g => g).Select(c => c.AdId).Except(listed.Select(a => a.AdId)).ToList(), ct);
        return [.. report.Campaigns.Select(row =>
        {
            var ads = adsOf.GetValueOrDefault(row.CampaignId) ?? [];
            return new AccountCampaignAds(row, ads.Count > 1
                ? AdRows(WithExtraAds(ads, cells[row.CampaignId], extraNames), cells[row.CampaignId], range, withSeries: false)
                : [.. ads.Select(a => new AdReportRow(a.AdId, a.Letter, a.Name, row.Kpis, Share(row.Kpis.Sends, row.Kpis.Sends), [], null))]);
        })];
    }

    /// <summary>"A", "B", … by position (as the campaign's own pages letter its ads).</summary>
    public static string Letter(int position) => ((char)('A' + position)).ToString();

    /// <summary>A campaign's ad as the report names it; <see cref="Script"/> only when asked for.</summary>
    private sealed record AdInfo(int AdId, string Letter, string Name, AdFormat Format, ConversationScript? Script);

    /// <summary>The campaign's ads in order (its one ad when it was made before ads were listed per campaign).</summary>
    private static async Task<List<AdInfo>> AdsOfAsync(AppDbContext db, Campaign campaign, bool withScripts, CancellationToken ct)
    {
        var rows = await (from ca in db.CampaignAds.AsNoTracking()
                          where ca.CampaignId == campaign.Id
                          join a in db.Ads on ca.AdId equals a.Id
                          orderby ca.Position
                          select new { a.Id, ca.Position, a.Name, a.Format, Json = withScripts ? a.ConversationJson : null }).ToListAsync(ct);
        if (rows.Count == 0 && campaign.AdId is { } first)
        {
            rows = await db.Ads.AsNoTracking().Where(a => a.Id == first)
                .Select(a => new { a.Id, Position = 0, a.Name, a.Format, Json = withScripts ? a.ConversationJson : null }).ToListAsync(ct);
        }
        return [.. rows.Select(r => new AdInfo(r.Id, Letter(r.Position), r.Name, r.Format, r.Json is null ? null : ConversationScript.FromJson(r.Json)))];
    }

    /// <summary>
    /// The ads' figures, series and (<paramref name="withFunnels"/>) funnels from the raw rows. An ad that sent but is no
    /// longer listed (a campaign edited before this report existed) is added after the others, so that nothing sent is
    /// left out of the sum.
    /// </summary>
    private static async Task<IReadOnlyList<AdReportRow>> AdRowsAsync(
        AppDbContext db, int campaignId, List<AdInfo> ads, ReportRange range, bool withFunnels, CancellationToken ct)
    {
        var cells = await AdFiguresQuery.DailyAsync(db, [campaignId], range, ct);
        var extra = await ExtraAdNamesAsync(db, cells.Select(c => c.AdId).Except(ads.Select(a => a.AdId)).ToList(), ct);
        var rows = AdRows(WithExtraAds(ads, cells, extra), cells, range, withSeries: true);
        if (!withFunnels || ads.All(a => a.Script is null))
        {
            return rows;
        }
        var (presses, links) = await PressesAsync(db, campaignId, range, byAd: true, ct);
        var scripts = ads.ToDictionary(a => a.AdId, a => a.Script);
        return [.. rows.Select(r => scripts.GetValueOrDefault(r.AdId) is { } script
            ? r with { Funnel = Funnel(script, r.Kpis.Opens, [.. presses.Where(p => p.AdId == r.AdId)], links) }
            : r)];
    }

    private static List<AdReportRow> AdRows(List<AdInfo> ads, IEnumerable<AdDay> cells, ReportRange range, bool withSeries)
    {
        var byAd = cells.GroupBy(c => c.AdId).ToDictionary(g => g.Key, g => g.ToDictionary(c => c.Day, c => c.Kpis));
        var totals = ads.ToDictionary(a => a.AdId, a => byAd.TryGetValue(a.AdId, out var days) ? Kpis.Sum(days.Values) : Kpis.Zero);
        var sends = totals.Values.Sum(k => k.Sends);
        return [.. ads.Select(a =>
        {
            var days = byAd.GetValueOrDefault(a.AdId);
            IReadOnlyList<DailyPoint> series = withSeries
                ? [.. Enumerable.Range(0, range.Days).Select(i => range.From.AddDays(i)).Select(d => new DailyPoint(d, days?.GetValueOrDefault(d) ?? Kpis.Zero))]
                : [];
            return new AdReportRow(a.AdId, a.Letter, a.Name, totals[a.AdId], Share(totals[a.AdId].Sends, sends), series, null);
        })];
    }

    /// <summary>The listed ads, then any ad that sent without being listed, lettered after the last listed one.</summary>
    private static List<AdInfo> WithExtraAds(List<AdInfo> ads, IEnumerable<AdDay> cells, IReadOnlyDictionary<int, string> names)
    {
        var next = ads.Count == 0 ? 0 : ads.Max(a => a.Letter[0] - 'A') + 1;
        return
        [
            .. ads,
            .. cells.Select(c => c.AdId).Distinct().Where(id => ads.All(a => a.AdId != id)).Order()
                .Select((id, i) => new AdInfo(id, Letter(next + i), names.GetValueOrDefault(id, $"Ad #{id}"), default, null)),
        ];
    }

    private static async Task<IReadOnlyDictionary<int, string>> ExtraAdNamesAsync(AppDbContext db, List<int> ids, CancellationToken ct) =>
        ids.Count == 0 ? new Dictionary<int, string>() : await db.Ads.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct);

    private static double? Share(long part, long of) => of == 0 ? null : (double)part / of;

    /// <summary>
    /// A campaign's whole life, the default of its report: from its launch (its creation if it never launched) to today,
    /// or to the day it ended (completed, canceled or archived); widened to every day it has figures on (a late open
    /// after the end still counts), so that the report's totals are the campaign list's.
    /// </summary>
    private async Task<ReportRange> LifetimeAsync(AppDbContext db, Campaign campaign, CancellationToken ct)
    {
        var days = db.CampaignDailyStats.AsNoTracking().Where(s => s.CampaignId == campaign.Id);
        var first = await days.OrderBy(s => s.Day).Select(s => (DateOnly?)s.Day).FirstOrDefaultAsync(ct);
        var last = await days.OrderByDescending(s => s.Day).Select(s => (DateOnly?)s.Day).FirstOrDefaultAsync(ct);
        var start = DateOnly.FromDateTime(campaign.LaunchedAt ?? campaign.CreatedAt);
        var end = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (campaign.Status is CampaignStatus.Completed or CampaignStatus.Canceled or CampaignStatus.Archived)
        {
            var ended = await db.CampaignStatusChanges.AsNoTracking()
                .Where(h => h.CampaignId == campaign.Id && (h.To == CampaignStatus.Completed || h.To == CampaignStatus.Canceled || h.To == CampaignStatus.Archived))
                .OrderBy(h => h.At).Select(h => (DateTime?)h.At).FirstOrDefaultAsync(ct);
            end = DateOnly.FromDateTime(ended ?? campaign.UpdatedAt);
        }
        start = first is { } f && f < start ? f : start;
        end = last is { } l && l > end ? l : end;
        return new ReportRange(start, end < start ? start : end);
    }

    /// <summary>Every campaign of the account over the range, with totals and the daily series of the sum.</summary>
    public async Task<AccountReport?> AccountAsync(string actorUserId, int accountId, ReportRange range, CancellationToken ct = default) =>
        !await scope.HasSeatAsync(actorUserId, accountId, ct) ? null : await AccountReportAsync(accountId, range, ct);

    public async Task<AccountReport> AccountReportAsync(int accountId, ReportRange range, CancellationToken ct = default)
    {
        ReportRangeRules.Guard(range, Today());
        await using var db = await factory.CreateDbContextAsync(ct);
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => c.AdvertiserAccountId == accountId)
            .Select(c => new { c.Id, c.Name, c.Status }).ToListAsync(ct);
        var ids = campaigns.Select(c => c.Id).ToList();
        var stats = await db.CampaignDailyStats.AsNoTracking()
            .Where(s => ids.Contains(s.CampaignId) && s.Day >= range.From && s.Day <= range.To).ToListAsync(ct);
        var byCampaign = stats.GroupBy(s => s.CampaignId).ToDictionary(g => g.Key, g => Kpis.Sum(g.Select(ToKpis)));
        var adCounts = await (from ca in db.CampaignAds.AsNoTracking()
                              join c in db.Campaigns on ca.CampaignId equals c.Id
                              where c.AdvertiserAccountId == accountId
                              group ca by ca.CampaignId into g
                              select new { CampaignId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.CampaignId, g => g.Count, ct);
        var rows = campaigns.Select(c => new AccountCampaignRow(c.Id, c.Name, c.Status, byCampaign.GetValueOrDefault(c.Id, Kpis.Zero), adCounts.GetValueOrDefault(c.Id, 1)))
            .OrderByDescending(r => r.Kpis.SpendCents).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        var series = Series(stats, range);
        return new AccountReport(range, rows, Kpis.Sum(series.Select(p => p.Kpis)), series);
    }

    /// <summary>Admins: spend, sends, live campaigns, the review queue's age and the top accounts.</summary>
    public async Task<PlatformOverview?> PlatformAsync(string adminUserId, ReportRange range, CancellationToken ct = default)
    {
        ReportRangeRules.Guard(range, Today());
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.IsAdminAsync(adminUserId, ct))
        {
            return null;
        }
        var stats = await (from s in db.CampaignDailyStats.AsNoTracking()
                           where s.Day >= range.From && s.Day <= range.To
                           join c in db.Campaigns on s.CampaignId equals c.Id
                           select new { Stat = s, c.AdvertiserAccountId }).ToListAsync(ct);
        var names = await db.AdvertiserAccounts.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.Name, ct);
        var top = stats.GroupBy(s => s.AdvertiserAccountId)
            .Select(g => new TopAccount(g.Key, names.GetValueOrDefault(g.Key, "?"), g.Sum(s => s.Stat.SpendCents), g.Sum(s => (long)s.Stat.Sends)))
            .OrderByDescending(t => t.SpendCents).Take(5).ToList();
        var active = await db.Campaigns.CountAsync(c => c.Status == CampaignStatus.Active, ct);
        var inReview = await db.Campaigns.Where(c => c.Status == CampaignStatus.InReview).Select(c => c.Id).ToListAsync(ct);
        var oldest = inReview.Count == 0 ? (DateTime?)null
            : await db.CampaignStatusChanges.Where(h => inReview.Contains(h.CampaignId) && h.To == CampaignStatus.InReview).MinAsync(h => (DateTime?)h.At, ct);
        var series = Series(stats.Select(s => s.Stat).ToList(), range);
        return new PlatformOverview(range, stats.Sum(s => s.Stat.SpendCents), stats.Sum(s => (long)s.Stat.Sends), active, inReview.Count,
            oldest is { } at ? clock.GetUtcNow().UtcDateTime - at : null, top, series);
    }

    private static List<DailyPoint> Series(IReadOnlyList<CampaignDailyStat> stats, ReportRange range)
    {
        var byDay = stats.GroupBy(s => s.Day).ToDictionary(g => g.Key, g => Kpis.Sum(g.Select(ToKpis)));
        return Enumerable.Range(0, range.Days).Select(i => range.From.AddDays(i)).Select(d => new DailyPoint(d, byDay.GetValueOrDefault(d, Kpis.Zero))).ToList();
    }

    private static Kpis ToKpis(CampaignDailyStat s) => new(
        s.Sends, s.Opens, s.ButtonClicks, s.LinkClicks, s.BannerClicks, s.ConversationClicks, s.UniqueClickers, s.LeadFormOpens, s.Leads, s.NotInterested,
        s.OptOuts, s.SpendCents);

    /// <summary>Conversation button presses (and "not interested") of the range, per ad when <paramref name="byAd"/>, with the URLs of the links pressed.</summary>
    private sealed record Press(int AdId, string? Detail, int? AdLinkId, long Presses, long Members);

    private static async Task<(List<Press> Presses, Dictionary<int, string> Links)> PressesAsync(
        AppDbContext db, int campaignId, ReportRange range, bool byAd, CancellationToken ct)
    {
        var (from, to) = Bounds(range);
        var events = db.EngagementEvents.AsNoTracking()
            .Where(e => e.CampaignId == campaignId && e.At >= from && e.At < to && (e.Kind == EventKind.ConversationButton || e.Kind == EventKind.NotInterested));
        List<Press> presses = byAd
            ? [.. (await (from e in events
                          join d in db.Deliveries on e.DeliveryId equals d.Id
                          group e by new { d.AdId, e.Detail, e.AdLinkId } into g
                          select new { g.Key.AdId, g.Key.Detail, g.Key.AdLinkId, Presses = g.Count(), Members = g.Select(e => e.DeliveryId).Distinct().Count() })
                    .ToListAsync(ct)).Select(p => new Press(p.AdId, p.Detail, p.AdLinkId, p.Presses, p.Members))]
            : [.. (await events.GroupBy(e => new { e.Detail, e.AdLinkId })
                    .Select(g => new { g.Key.Detail, g.Key.AdLinkId, Presses = g.Count(), Members = g.Select(e => e.DeliveryId).Distinct().Count() })
                    .ToListAsync(ct)).Select(p => new Press(0, p.Detail, p.AdLinkId, p.Presses, p.Members))];
        var linkIds = presses.Where(p => p.AdLinkId != null).Select(p => p.AdLinkId!.Value).Distinct().ToList();
        var links = await db.AdLinks.AsNoTracking().Where(l => linkIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Url, ct);
        return (presses, links);
    }

    /// <summary>
    /// Per message: reached (the first by every opener; later ones by a press leading to them), presses per button
    /// (URL buttons counted from their tracked clicks), and dropped (reached without pressing anything there).
    /// </summary>
    private static IReadOnlyList<FunnelStep> Funnel(ConversationScript script, long opens, IReadOnlyList<Press> presses, IReadOnlyDictionary<int, string> links)
    {
        (long Presses, long Members) Pressed(ConversationMessage message, ConversationButton button)
        {
            var byDetail = presses.Where(p => p.Detail == $"{message.Id}/{button.Id}");
            var byLink = button.Action == ButtonAction.Url ? presses.Where(p => p.AdLinkId is { } id && links.GetValueOrDefault(id) == button.Url) : [];
            var all = byDetail.Concat(byLink).ToList();
            return (all.Sum(p => p.Presses), all.Sum(p => p.Members));
        }

        var reached = new Dictionary<string, long> { [script.FirstMessageId] = opens };
        foreach (var message in script.Messages)
        {
            foreach (var button in message.Buttons.Where(b => b.Action == ButtonAction.NextMessage && b.TargetMessageId is not null))
            {
                reached[button.TargetMessageId!] = reached.GetValueOrDefault(button.TargetMessageId!) + Pressed(message, button).Members;
            }
        }
        return script.Messages.Select(message =>
        {
            var buttons = message.Buttons.Select(b => (Button: b, Count: Pressed(message, b))).ToList();
            var reach = reached.GetValueOrDefault(message.Id);
            return new FunnelStep(message.Id, message.Text, reach,
                buttons.Select(b => new FunnelButton(b.Button.Id, b.Button.Text, LeadsTo(script, b.Button), b.Count.Presses)).ToList(),
                Math.Max(0, reach - buttons.Sum(b => b.Count.Members)));
        }).ToList();
    }

    private static string LeadsTo(ConversationScript script, ConversationButton button) => button.Action switch
    {
        ButtonAction.NextMessage => script.Find(button.TargetMessageId)?.Text is { } text
            ? $"message “{(text.Length > 40 ? text[..40] + "…" : text)}”" : "next message",
        ButtonAction.Url => button.Url ?? "URL",
        ButtonAction.LeadForm => "lead form",
        _ => "ends",
    };

    /// <summary>Members who opened / clicked in the range, read from the covering index, then tabulated per facet.</summary>
    private async Task<IReadOnlyList<DemographicTable>> DemographicsAsync(int campaignId, ReportRange range, CancellationToken ct)
    {
        var (from, to) = Bounds(range);
        var opened = await MembersAsync(campaignId, [EventKind.Open], from, to, ct);
        var clicked = await MembersAsync(campaignId, EventKinds.Clicks, from, to, ct);
        var threshold = options.Value.PrivacyThreshold;
        return DemographicFacets.Select(facet =>
        {
            var clicks = index.Tabulate(facet, clicked).ToDictionary(r => r.Value, r => r.Count);
            var groups = index.Tabulate(facet, opened);
            var shown = groups.Where(g => g.Count >= threshold)
                .Select(g => new DemographicRow(g.Value, index.Label(facet, g.Value), g.Count, clicks.GetValueOrDefault(g.Value) is var c && c >= threshold ? c : null))
                .ToList();
            return new DemographicTable(facet, shown, groups.Count - shown.Count);
        }).ToList();
    }

    private async Task<ulong[]> MembersAsync(int campaignId, EventKind[] kinds, DateTime from, DateTime to, CancellationToken ct)
    {
        var set = new ulong[Bits.WordsFor(index.MemberCount + 1)];
        foreach (var kind in kinds)
        {
            await engagedMembers.ForEachAsync(campaignId, kind, from, to, member => Bits.SetGrowing(ref set, member), ct);
        }
        return set;
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static (DateTime From, DateTime To) Bounds(ReportRange range) =>
        (range.From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), range.To.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
}

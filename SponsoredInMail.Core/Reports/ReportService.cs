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
/// invariant 4); the Conversation Ad funnel from the raw button events; demographics from the members who opened or
/// clicked, tabulated by the audience index's facet bitsets. A campaign of another account reads as missing.
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
        var ad = await db.Ads.AsNoTracking().FirstOrDefaultAsync(a => a.Id == campaign.AdId, ct);
        var stats = await db.CampaignDailyStats.AsNoTracking()
            .Where(s => s.CampaignId == campaignId && s.Day >= range.From && s.Day <= range.To).ToListAsync(ct);
        var series = Series(stats, range);
        var funnel = ad?.Conversation is { } script ? await FunnelAsync(db, campaignId, script, series.Sum(p => p.Kpis.Opens), range, ct) : null;
        var demographics = await DemographicsAsync(campaignId, range, ct);
        return new CampaignReport(campaign.Id, campaign.Name, campaign.Status, ad?.Format == AdFormat.ConversationAd, range,
            Kpis.Sum(series.Select(p => p.Kpis)), series, funnel, demographics);
    }

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
        var rows = campaigns.Select(c => new AccountCampaignRow(c.Id, c.Name, c.Status, byCampaign.GetValueOrDefault(c.Id, Kpis.Zero)))
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

    /// <summary>
    /// Per message: reached (the first by every opener; later ones by a press leading to them), presses per button
    /// (URL buttons counted from their tracked clicks), and dropped (reached without pressing anything there).
    /// </summary>
    private static async Task<IReadOnlyList<FunnelStep>> FunnelAsync(AppDbContext db, int campaignId, ConversationScript script, long opens, ReportRange range, CancellationToken ct)
    {
        var (from, to) = Bounds(range);
        var presses = await db.EngagementEvents.AsNoTracking()
            .Where(e => e.CampaignId == campaignId && e.At >= from && e.At < to && (e.Kind == EventKind.ConversationButton || e.Kind == EventKind.NotInterested))
            .GroupBy(e => new { e.Detail, e.AdLinkId })
            .Select(g => new { g.Key.Detail, g.Key.AdLinkId, Presses = g.Count(), Members = g.Select(e => e.DeliveryId).Distinct().Count() })
            .ToListAsync(ct);
        var linkIds = presses.Where(p => p.AdLinkId != null).Select(p => p.AdLinkId!.Value).ToList();
        var links = await db.AdLinks.AsNoTracking().Where(l => linkIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Url, ct);

        (long Presses, long Members) Pressed(ConversationMessage message, ConversationButton button)
        {
            var byDetail = presses.Where(p => p.Detail == $"{message.Id}/{button.Id}");
            var byLink = button.Action == ButtonAction.Url ? presses.Where(p => p.AdLinkId is { } id && links.GetValueOrDefault(id) == button.Url) : [];
            var all = byDetail.Concat(byLink).ToList();
            return (all.Sum(p => (long)p.Presses), all.Sum(p => (long)p.Members));
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

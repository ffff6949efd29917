using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Core.Reports;

/// <summary>One ad's figures on one UTC day.</summary>
public sealed record AdDay(int CampaignId, int AdId, DateOnly Day, Kpis Kpis);

/// <summary>
/// Campaigns' figures per ad and day, counted at report time from the raw rows (the daily tallies are per campaign
/// only), by the tallies' own rules (invariant 4) and on the same UTC days (<c>DateOnly.FromDateTime</c> in SQL), so that
/// the ads of a campaign add up to its figures. Two grouped
/// queries, each limited to the campaigns and the range:
/// <list type="number">
/// <item>the deliveries, in one pass: sends and spend by the day they were sent, members who opened and who clicked by the
/// day of their first open and first click (the deliveries' own marks);</item>
/// <item>every other counted event (clicks by kind, lead form opens, leads, "not interested", opt-outs) by day and kind,
/// each given the ad of its delivery — a few percent of the events, opens being most of them.</item>
/// </list>
/// </summary>
public static class AdFiguresQuery
{
    public static async Task<IReadOnlyList<AdDay>> DailyAsync(AppDbContext db, IReadOnlyCollection<int> campaignIds, ReportRange range, CancellationToken ct)
    {
        if (campaignIds.Count == 0)
        {
            return [];
        }
        var (start, end) = (range.From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), range.To.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var deliveries = await db.Deliveries.AsNoTracking()
            .Where(d => campaignIds.Contains(d.CampaignId)
                && ((d.DeliveredAt >= start && d.DeliveredAt < end)
                    || (d.FirstOpenedAt >= start && d.FirstOpenedAt < end)
                    || (d.FirstClickedAt >= start && d.FirstClickedAt < end)))
            .GroupBy(d => new
            {
                d.CampaignId, d.AdId, Sent = DateOnly.FromDateTime(d.DeliveredAt),
                Opened = (DateOnly?)DateOnly.FromDateTime(d.FirstOpenedAt!.Value), Clicked = (DateOnly?)DateOnly.FromDateTime(d.FirstClickedAt!.Value),
            })
            .Select(g => new { g.Key.CampaignId, g.Key.AdId, g.Key.Sent, g.Key.Opened, g.Key.Clicked, Count = g.LongCount(), Spend = g.Sum(d => d.PriceCents) })
            .ToListAsync(ct);
        var events = await (from e in db.EngagementEvents.AsNoTracking()
                            where campaignIds.Contains(e.CampaignId) && e.Kind != EventKind.Open && e.Counted && e.At >= start && e.At < end
                            join d in db.Deliveries on e.DeliveryId equals d.Id
                            group e by new { e.CampaignId, d.AdId, Day = DateOnly.FromDateTime(e.At), e.Kind } into g
                            select new { g.Key.CampaignId, g.Key.AdId, g.Key.Day, g.Key.Kind, Count = g.LongCount() }).ToListAsync(ct);

        var cells = new Dictionary<(int CampaignId, int AdId, DateOnly Day), Kpis>();
        void Add(int campaignId, int adId, DateOnly day, Kpis kpis)
        {
            if (day < range.From || day > range.To)
            {
                return;
            }
            var key = (campaignId, adId, day);
            cells[key] = cells.TryGetValue(key, out var before) ? Kpis.Sum([before, kpis]) : kpis;
        }
        foreach (var d in deliveries)
        {
            Add(d.CampaignId, d.AdId, d.Sent, Kpis.Zero with { Sends = d.Count, SpendCents = d.Spend });
            if (d.Opened is { } opened)
            {
                Add(d.CampaignId, d.AdId, opened, Kpis.Zero with { Opens = d.Count });
            }
            if (d.Clicked is { } clicked)
            {
                Add(d.CampaignId, d.AdId, clicked, Kpis.Zero with { UniqueClickers = d.Count });
            }
        }
        foreach (var e in events)
        {
            Add(e.CampaignId, e.AdId, e.Day, Of(e.Kind, e.Count));
        }
        return [.. cells.Select(c => new AdDay(c.Key.CampaignId, c.Key.AdId, c.Key.Day, c.Value))];
    }

    /// <summary>The figure an event kind counts in (<see cref="EngagementRules.TallyOf"/>), as Kpis; opens are counted from the deliveries.</summary>
    private static Kpis Of(EventKind kind, long count) => EngagementRules.TallyOf(kind) switch
    {
        Tally.ButtonClicks => Kpis.Zero with { ButtonClicks = count },
        Tally.LinkClicks => Kpis.Zero with { LinkClicks = count },
        Tally.BannerClicks => Kpis.Zero with { BannerClicks = count },
        Tally.LeadFormOpens => Kpis.Zero with { LeadFormOpens = count },
        Tally.Leads => Kpis.Zero with { Leads = count },
        Tally.ConversationClicks => Kpis.Zero with { ConversationClicks = count },
        Tally.NotInterested => Kpis.Zero with { NotInterested = count },
        Tally.OptOuts => Kpis.Zero with { OptOuts = count },
        _ => Kpis.Zero,
    };
}

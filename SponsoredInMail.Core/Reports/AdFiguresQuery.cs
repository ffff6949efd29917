using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Core.Reports;

/// <summary>One ad's figures on one UTC day.</summary>
public sealed record AdDay(int CampaignId, int AdId, DateOnly Day, Kpis Kpis);

/// <summary>
/// Campaigns' figures per ad and day, counted at report time from the raw rows (the daily tallies are per campaign
/// only): sends and spend from the deliveries by the day they were sent, members who clicked by the day of their first
/// click, every other figure from the counted engagement events by the day they happened, each event given the ad of
/// its delivery. The same rules as the tallies (invariant 4), so the ads of a campaign add up to its figures. Two
/// grouped queries, each limited to the campaigns and the range.
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
        var deliveries = db.Deliveries.AsNoTracking().Where(d => campaignIds.Contains(d.CampaignId));
        var sent = deliveries.Where(d => d.DeliveredAt >= start && d.DeliveredAt < end)
            .Select(d => new { d.CampaignId, d.AdId, Day = d.DeliveredAt.Date, Sends = 1L, Spend = d.PriceCents, Clickers = 0L });
        var firstClicked = deliveries.Where(d => d.FirstClickedAt >= start && d.FirstClickedAt < end)
            .Select(d => new { d.CampaignId, d.AdId, Day = d.FirstClickedAt!.Value.Date, Sends = 0L, Spend = 0L, Clickers = 1L });
        var sends = await sent.Concat(firstClicked)
            .GroupBy(x => new { x.CampaignId, x.AdId, x.Day })
            .Select(g => new { g.Key.CampaignId, g.Key.AdId, g.Key.Day, Sends = g.Sum(x => x.Sends), Spend = g.Sum(x => x.Spend), Clickers = g.Sum(x => x.Clickers) })
            .ToListAsync(ct);
        var events = await (from e in db.EngagementEvents.AsNoTracking()
                            where campaignIds.Contains(e.CampaignId) && e.Counted && e.At >= start && e.At < end
                            join d in db.Deliveries on e.DeliveryId equals d.Id
                            group e by new { e.CampaignId, d.AdId, Day = e.At.Date, e.Kind } into g
                            select new { g.Key.CampaignId, g.Key.AdId, g.Key.Day, g.Key.Kind, Count = g.LongCount() }).ToListAsync(ct);

        var cells = new Dictionary<(int CampaignId, int AdId, DateOnly Day), Kpis>();
        void Add(int campaignId, int adId, DateTime day, Kpis kpis)
        {
            var key = (campaignId, adId, DateOnly.FromDateTime(day));
            cells[key] = cells.TryGetValue(key, out var before) ? Kpis.Sum([before, kpis]) : kpis;
        }
        foreach (var s in sends)
        {
            Add(s.CampaignId, s.AdId, s.Day, Kpis.Zero with { Sends = s.Sends, SpendCents = s.Spend, UniqueClickers = s.Clickers });
        }
        foreach (var e in events)
        {
            Add(e.CampaignId, e.AdId, e.Day, Of(e.Kind, e.Count));
        }
        return [.. cells.Select(c => new AdDay(c.Key.CampaignId, c.Key.AdId, c.Key.Day, c.Value))];
    }

    /// <summary>The figure an event kind counts in (<see cref="EngagementRules.TallyOf"/>), as Kpis.</summary>
    private static Kpis Of(EventKind kind, long count) => EngagementRules.TallyOf(kind) switch
    {
        Tally.Opens => Kpis.Zero with { Opens = count },
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

using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Core.Conversions;

/// <summary>Counted conversions of one UTC day (by when the member converted).</summary>
/// <param name="Day">The UTC day.</param>
/// <param name="Conversions">Counted conversions.</param>
/// <param name="ValueCents">Their value, in cents.</param>
/// <param name="PostClick">Of them, credited to a click.</param>
/// <param name="PostSend">Of them, credited to a send without a click.</param>
public sealed record ConversionDay(DateOnly Day, long Conversions, long ValueCents, long PostClick, long PostSend);

/// <summary>Counted conversions credited to one ad of the campaign.</summary>
/// <param name="AdId">The ad's id.</param>
/// <param name="Conversions">Counted conversions.</param>
/// <param name="ValueCents">Their value, in cents.</param>
/// <param name="PostClick">Of them, credited to a click.</param>
/// <param name="PostSend">Of them, credited to a send without a click.</param>
public sealed record AdConversions(int AdId, long Conversions, long ValueCents, long PostClick, long PostSend);

/// <summary>Counted conversions of one definition.</summary>
/// <param name="ConversionId">The conversion definition's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Conversions">Counted conversions.</param>
/// <param name="ValueCents">Their value, in cents.</param>
public sealed record DefinitionConversions(int ConversionId, string Name, long Conversions, long ValueCents);

/// <summary>
/// A campaign's conversions over a report's range: counted (attributed, by the definitions' counting rules) conversions
/// and their value, split post-click vs post-send, per day, per ad and per definition; with the range's spend and sends,
/// the conversion rate (conversions ÷ sends), cost per conversion and return on ad spend (value ÷ spend).
/// </summary>
/// <param name="Conversions">Counted conversions.</param>
/// <param name="ValueCents">Their value, in cents.</param>
/// <param name="PostClick">Of them, credited to a click.</param>
/// <param name="PostSend">Of them, credited to a send without a click.</param>
/// <param name="SpendCents">The campaign's spend over the range, in cents.</param>
/// <param name="Sends">The campaign's sends over the range.</param>
/// <param name="Daily">Per UTC day.</param>
/// <param name="Ads">Per ad.</param>
/// <param name="Definitions">Per conversion definition.</param>
public sealed record ConversionFigures(
    long Conversions, long ValueCents, long PostClick, long PostSend, long SpendCents, long Sends,
    IReadOnlyList<ConversionDay> Daily, IReadOnlyList<AdConversions> Ads, IReadOnlyList<DefinitionConversions> Definitions)
{
    /// <summary>Conversions per send, 0–1 (null without sends).</summary>
    public double? ConversionRate => Sends == 0 ? null : (double)Conversions / Sends;

    /// <summary>Spend ÷ conversions, in cents (null without conversions).</summary>
    public long? CostPerConversionCents => Conversions == 0 ? null : (SpendCents + Conversions / 2) / Conversions;

    /// <summary>Conversion value per unit of spend (2.5 = 250%); null without spend.</summary>
    public double? ReturnOnAdSpend => SpendCents == 0 ? null : (double)ValueCents / SpendCents;

    public static ConversionFigures None(long spendCents, long sends) => new(0, 0, 0, 0, spendCents, sends, [], [], []);

    /// <summary>The campaign's counted conversions that happened on the range's days; spend and sends are the range's.</summary>
    public static async Task<ConversionFigures> ForCampaignAsync(AppDbContext db, int campaignId, ReportRange range, Kpis kpis, CancellationToken ct)
    {
        var from = range.From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var until = range.To.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var rows = await db.ConversionEvents.AsNoTracking()
            .Where(e => e.CampaignId == campaignId && e.OccurredAt >= from && e.OccurredAt < until && e.Counted)
            .Select(e => new { e.OccurredAt, e.ValueCents, e.Touch, e.AdId, e.ConversionDefinitionId }).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return None(kpis.SpendCents, kpis.Sends);
        }
        var names = await db.ConversionDefinitions.AsNoTracking().Where(d => rows.Select(r => r.ConversionDefinitionId).Distinct().Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var daily = rows.GroupBy(r => DateOnly.FromDateTime(r.OccurredAt))
            .Select(g => new ConversionDay(g.Key, g.LongCount(), g.Sum(r => r.ValueCents), g.LongCount(r => r.Touch == AttributionTouch.Click), g.LongCount(r => r.Touch == AttributionTouch.Send)))
            .OrderBy(d => d.Day).ToList();
        var ads = rows.GroupBy(r => r.AdId ?? 0)
            .Select(g => new AdConversions(g.Key, g.LongCount(), g.Sum(r => r.ValueCents), g.LongCount(r => r.Touch == AttributionTouch.Click), g.LongCount(r => r.Touch == AttributionTouch.Send)))
            .OrderByDescending(a => a.Conversions).ToList();
        var definitions = rows.GroupBy(r => r.ConversionDefinitionId)
            .Select(g => new DefinitionConversions(g.Key, names.GetValueOrDefault(g.Key, "Conversion"), g.LongCount(), g.Sum(r => r.ValueCents)))
            .OrderByDescending(d => d.Conversions).ThenBy(d => d.Name).ToList();
        return new ConversionFigures(rows.Count, rows.Sum(r => r.ValueCents), rows.LongCount(r => r.Touch == AttributionTouch.Click),
            rows.LongCount(r => r.Touch == AttributionTouch.Send), kpis.SpendCents, kpis.Sends, daily, ads, definitions);
    }
}

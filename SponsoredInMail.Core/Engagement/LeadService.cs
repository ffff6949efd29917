using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Engagement;

/// <summary>One lead as the account sees it: who, from which campaign and form, and the answers in form order.</summary>
public sealed record LeadRow(long Id, DateTime SubmittedAt, DateTime UpdatedAt, int CampaignId, string CampaignName, string FormName, int MemberId, IReadOnlyList<KeyValuePair<string, string>> Answers);

/// <summary>An account's leads (any seat may read them; another account's leads are never visible).</summary>
public sealed class LeadService(IDbContextFactory<AppDbContext> factory, AccountScope scope)
{
    public async Task<Page<LeadRow>> ListAsync(string actorUserId, int accountId, int? campaignId, int skip, int take, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return new Page<LeadRow>([], 0);
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Leads.AsNoTracking().Where(l => l.AdvertiserAccountId == accountId);
        if (campaignId is { } campaign)
        {
            query = query.Where(l => l.CampaignId == campaign);
        }
        var total = await query.CountAsync(ct);
        var rows = await (from l in query.OrderByDescending(l => l.SubmittedAt).ThenByDescending(l => l.Id).Skip(skip).Take(Math.Clamp(take, 1, 10_000))
                          join c in db.Campaigns on l.CampaignId equals c.Id
                          join f in db.LeadGenForms on l.LeadFormId equals f.Id
                          select new { Lead = l, Campaign = c.Name, Form = f.Name }).ToListAsync(ct);
        return new Page<LeadRow>(rows.Select(r => new LeadRow(r.Lead.Id, r.Lead.SubmittedAt, r.Lead.UpdatedAt, r.Lead.CampaignId, r.Campaign, r.Form, r.Lead.MemberId,
            (JsonSerializer.Deserialize<Dictionary<string, string>>(r.Lead.AnswersJson) ?? []).ToList())).ToList(), total);
    }

    /// <summary>
    /// One page of the account's leads, newest first by id, after the lead <paramref name="beforeId"/> (a keyset, so a page
    /// is stable while new leads arrive), optionally of one campaign and submitted within UTC days from–to. Reads one
    /// more than <paramref name="limit"/> so the caller knows whether there is a next page. Null when the campaign is
    /// not the account's.
    /// </summary>
    public async Task<IReadOnlyList<LeadRow>?> PageAsync(
        string actorUserId, int accountId, int? campaignId, DateOnly? from, DateOnly? to, long? beforeId, int limit, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Leads.AsNoTracking().Where(l => l.AdvertiserAccountId == accountId);
        if (campaignId is { } campaign)
        {
            if (!await db.Campaigns.WhereOwned(accountId, campaign).AnyAsync(ct))
            {
                return null;
            }
            query = query.Where(l => l.CampaignId == campaign);
        }
        if (from is { } first)
        {
            var start = first.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(l => l.SubmittedAt >= start);
        }
        if (to is { } last)
        {
            var end = last.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(l => l.SubmittedAt < end);
        }
        if (beforeId is { } before)
        {
            query = query.Where(l => l.Id < before);
        }
        var rows = await (from l in query.OrderByDescending(l => l.Id).Take(Math.Clamp(limit, 1, 1_000) + 1)
                          join c in db.Campaigns on l.CampaignId equals c.Id
                          join f in db.LeadGenForms on l.LeadFormId equals f.Id
                          select new { Lead = l, Campaign = c.Name, Form = f.Name }).ToListAsync(ct);
        return rows.OrderByDescending(r => r.Lead.Id).Select(r => new LeadRow(r.Lead.Id, r.Lead.SubmittedAt, r.Lead.UpdatedAt, r.Lead.CampaignId, r.Campaign, r.Form,
            r.Lead.MemberId, (JsonSerializer.Deserialize<Dictionary<string, string>>(r.Lead.AnswersJson) ?? []).ToList())).ToList();
    }

    /// <summary>Every lead of the account (or one of its campaigns) as CSV: one column per answer label, formula-safe cells; null when not found.</summary>
    public async Task<string?> ExportCsvAsync(string actorUserId, int accountId, int? campaignId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return null;
        }
        if (campaignId is { } campaign)
        {
            // Another account's campaign (or none) is not found, rather than an empty file that suggests it has no leads.
            await using var db = await factory.CreateDbContextAsync(ct);
            if (!await db.Campaigns.WhereOwned(accountId, campaign).AnyAsync(ct))
            {
                return null;
            }
        }
        var leads = (await ListAsync(actorUserId, accountId, campaignId, 0, 10_000, ct)).Items;
        var labels = leads.SelectMany(l => l.Answers.Select(a => a.Key)).Distinct().ToList();
        return CsvExport.Write(["submitted_at", "campaign", "form", .. labels],
            leads.Select(l => (IReadOnlyList<string>)[
                l.SubmittedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), l.CampaignName, l.FormName,
                .. labels.Select(label => l.Answers.FirstOrDefault(a => a.Key == label).Value ?? "")]));
    }
}

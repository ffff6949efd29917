using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Audit;

/// <summary>Filters for the admin audit page; every field optional. Dates are inclusive UTC days.</summary>
public sealed record AuditFilter(
    string? EntityType = null, string? EntityId = null, int? AccountId = null, string? Actor = null, string? Action = null,
    DateOnly? From = null, DateOnly? To = null);

/// <summary>One audit line with the actor's and account's names resolved for display.</summary>
public sealed record AuditRow(long Id, DateTime At, string Actor, string? AccountName, string EntityType, string EntityId, string Action, string? Before, string? After);

/// <summary>Browses the append-only audit log, newest first by time (ties by id); admins only.</summary>
public sealed class AuditLogQuery(IDbContextFactory<AppDbContext> factory)
{
    public async Task<Page<AuditRow>> SearchAsync(string adminUserId, AuditFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.IsAdminAsync(adminUserId, ct))
        {
            return new Page<AuditRow>([], 0);
        }
        var query = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.EntityType))
        {
            query = query.Where(e => e.EntityType == filter.EntityType);
        }
        if (!string.IsNullOrWhiteSpace(filter.EntityId))
        {
            query = query.Where(e => e.EntityId == filter.EntityId.Trim());
        }
        if (filter.AccountId is { } account)
        {
            query = query.Where(e => e.AdvertiserAccountId == account);
        }
        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            var action = LikePattern.Contains(filter.Action.Trim());
            query = query.Where(e => EF.Functions.Like(e.Action.ToLower(), action, LikePattern.EscapeCharacter));
        }
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var actor = LikePattern.Contains(filter.Actor.Trim());
            var userIds = db.Users.Where(u => EF.Functions.Like(u.Email!.ToLower(), actor, LikePattern.EscapeCharacter)).Select(u => u.Id);
            query = query.Where(e => userIds.Contains(e.ActorUserId) || EF.Functions.Like(e.ActorUserId.ToLower(), actor, LikePattern.EscapeCharacter));
        }
        if (filter.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(e => e.At >= start);
        }
        if (filter.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(e => e.At < end);
        }
        var total = await query.CountAsync(ct);
        var rows = await (from e in query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Skip(skip).Take(Math.Clamp(take, 1, 200))
                          select new
                          {
                              Entry = e,
                              Actor = db.Users.Where(u => u.Id == e.ActorUserId).Select(u => u.Email).FirstOrDefault(),
                              Account = db.AdvertiserAccounts.Where(a => a.Id == e.AdvertiserAccountId).Select(a => a.Name).FirstOrDefault(),
                          }).ToListAsync(ct);
        return new Page<AuditRow>(rows.Select(r => new AuditRow(r.Entry.Id, r.Entry.At, r.Actor ?? r.Entry.ActorUserId, r.Account,
            r.Entry.EntityType, r.Entry.EntityId, r.Entry.Action, r.Entry.Before, r.Entry.After)).ToList(), total);
    }

    /// <summary>The entity types present, for the filter's choices.</summary>
    public async Task<IReadOnlyList<string>> EntityTypesAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.AuditLog.AsNoTracking().Select(e => e.EntityType).Distinct().OrderBy(t => t).ToListAsync(ct);
    }
}

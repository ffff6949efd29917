using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.InMail;

/// <summary>A member an InMail can go to: what a sales rep sees when choosing (no e-mail address).</summary>
public sealed record InMailRecipient(int Id, string Name, string JobTitle, string CompanyName)
{
    public string Label => $"{Name} — {JobTitle}, {CompanyName}";
}

/// <summary>A login with the SalesRep role and its seat, if it has one.</summary>
public sealed record SalesRepSeat(string UserId, string DisplayName, string Email, int? MemberId, SeatTier? Tier, DateTime? AssignedAt);

/// <summary>
/// Reads for the InMail pages: the composer's member search by name, title or company (no e-mail: a sales rep does
/// not see members' addresses, unlike the admin's <c>MemberDirectory</c>), a rep's seat, and the admin's list of sales
/// reps. Reads only; every write goes through <see cref="InMailService"/>.
/// </summary>
public sealed class InMailDirectory(IDbContextFactory<AppDbContext> factory)
{
    public async Task<IReadOnlyList<InMailRecipient>> SearchRecipientsAsync(string? text, int? excludeMemberId, int take = 10, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var members = db.Members.AsNoTracking();
        var words = LikePattern.Words(text);
        if (words.Count == 0)
        {
            return [];
        }
        foreach (var word in words)
        {
            // Names from their start; title and company from any word's start too ("%" + prefix).
            var prefix = LikePattern.StartsWith(word);
            members = members.Where(m => EF.Functions.Like(m.FirstName.ToLower(), prefix, LikePattern.EscapeCharacter)
                || EF.Functions.Like(m.LastName.ToLower(), prefix, LikePattern.EscapeCharacter)
                || EF.Functions.Like(m.JobTitle.ToLower(), "%" + prefix, LikePattern.EscapeCharacter)
                || EF.Functions.Like(m.Company!.Name.ToLower(), "%" + prefix, LikePattern.EscapeCharacter));
        }
        if (excludeMemberId is { } self)
        {
            members = members.Where(m => m.Id != self);
        }
        return await members.OrderBy(m => m.LastName).ThenBy(m => m.FirstName).ThenBy(m => m.Id).Take(Math.Clamp(take, 1, 50))
            .Select(m => new InMailRecipient(m.Id, m.FirstName + " " + m.LastName, m.JobTitle, m.Company!.Name))
            .ToListAsync(ct);
    }

    public async Task<InMailRecipient?> FindRecipientAsync(int memberId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Members.AsNoTracking().Where(m => m.Id == memberId)
            .Select(m => new InMailRecipient(m.Id, m.FirstName + " " + m.LastName, m.JobTitle, m.Company!.Name))
            .FirstOrDefaultAsync(ct);
    }

    public async Task<SeatTier?> SeatTierAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.SalesSeats.AsNoTracking().Where(s => s.UserId == userId).Select(s => (SeatTier?)s.Tier).FirstOrDefaultAsync(ct);
    }

    /// <summary>Every login with the SalesRep role, by name, with its seat tier (null: no seat yet).</summary>
    public async Task<IReadOnlyList<SalesRepSeat>> SalesRepsAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var reps = await (from u in db.Users.AsNoTracking()
                          join ur in db.UserRoles on u.Id equals ur.UserId
                          join r in db.Roles on ur.RoleId equals r.Id
                          where r.Name == AppRoles.SalesRep
                          join s in db.SalesSeats on u.Id equals s.UserId into seats
                          from s in seats.DefaultIfEmpty()
                          select new SalesRepSeat(u.Id, u.DisplayName, u.Email ?? "", u.MemberId, s == null ? null : s.Tier, s == null ? null : s.AssignedAt))
            .ToListAsync(ct);
        return reps.OrderBy(r => r.DisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Email, StringComparer.OrdinalIgnoreCase).ToList();
    }
}

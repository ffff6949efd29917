using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Members;

public enum MemberSort
{
    Name,
    Company,
    Title,
    Seniority,
    Country,
    Industry,
    LastActive,
    Id,
}

/// <summary>What the admin Members grid asks for: free text, facet filters, sort and page.</summary>
public sealed record MemberQuery
{
    public const int MaxPageSize = 100;

    public string? Search { get; init; }
    public string? CountryCode { get; init; }
    public string? Industry { get; init; }
    public string? JobFunction { get; init; }
    public Seniority? Seniority { get; init; }
    public bool? ActiveOnly { get; init; }
    public MemberSort Sort { get; init; } = MemberSort.Name;
    public bool Descending { get; init; }
    public int Page { get; init; }
    public int PageSize { get; init; } = 25;
}

public sealed record MemberRow(
    int Id, string Name, string Email, string JobTitle, string CompanyName, Seniority Seniority,
    string CountryCode, string Region, string Industry, DateTime LastActiveAt);

public sealed record MemberProfile(
    Member Member, Company Company, IReadOnlyList<string> Skills,
    IReadOnlyList<OptOutView> OptOuts, IReadOnlyList<SenderPermissionView> SenderPermissions,
    bool IsActive);

public sealed record OptOutView(OptOutScope Scope, string Subject, DateTime CreatedAt);

public sealed record SenderPermissionView(int AccountId, string AccountName, SenderPermissionStatus Status, DateTime RequestedAt);

/// <summary>Reads the member network: the admin's look-up and every profile page.</summary>
public sealed class MemberDirectory(IDbContextFactory<AppDbContext> factory, TimeProvider clock, ActivityPolicy activity)
{
    public async Task<Page<MemberRow>> SearchAsync(MemberQuery query, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var members = Filter(db.Members.AsNoTracking(), query, activity.ActiveSince(clock));
        var total = await members.CountAsync(ct);
        var pageSize = Math.Clamp(query.PageSize, 1, MemberQuery.MaxPageSize);
        var rows = await Sort(members, query.Sort, query.Descending)
            .Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)
            .Select(m => new MemberRow(m.Id, m.FirstName + " " + m.LastName, m.Email, m.JobTitle, m.Company!.Name,
                m.Seniority, m.CountryCode, m.Region, m.Industry, m.LastActiveAt))
            .ToListAsync(ct);
        return new Page<MemberRow>(rows, total);
    }

    public async Task<MemberProfile?> GetProfileAsync(int memberId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var member = await db.Members.AsNoTracking().Include(m => m.Company).FirstOrDefaultAsync(m => m.Id == memberId, ct);
        if (member is null)
        {
            return null;
        }
        var accountNames = await db.AdvertiserAccounts.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.Name, ct);
        var optOutRows = await db.MemberOptOuts.AsNoTracking().Where(o => o.MemberId == memberId)
            .OrderByDescending(o => o.CreatedAt).ToListAsync(ct);
        var senderIds = optOutRows.Where(o => o.SenderMemberId is not null).Select(o => o.SenderMemberId!.Value).ToList();
        var senderNames = await db.Members.AsNoTracking().Where(m => senderIds.Contains(m.Id))
            .ToDictionaryAsync(m => m.Id, m => m.FirstName + " " + m.LastName, ct);
        var optOuts = optOutRows.Select(o => new OptOutView(o.Scope, o.Scope switch
        {
            OptOutScope.All => "All sponsored messages",
            OptOutScope.Advertiser => accountNames.GetValueOrDefault(o.AdvertiserAccountId ?? 0, "Unknown advertiser"),
            _ => senderNames.GetValueOrDefault(o.SenderMemberId ?? 0, "Unknown sender"),
        }, o.CreatedAt)).ToList();
        var permissions = await db.SenderPermissions.AsNoTracking().Where(p => p.MemberId == memberId)
            .OrderByDescending(p => p.RequestedAt)
            .Select(p => new SenderPermissionView(p.AdvertiserAccountId, p.AdvertiserAccount!.Name, p.Status, p.RequestedAt))
            .ToListAsync(ct);
        return new MemberProfile(member, member.Company!, member.SkillIds.Select(Taxonomy.SkillName).ToList(),
            optOuts, permissions, member.LastActiveAt >= activity.ActiveSince(clock));
    }

    internal static IQueryable<Member> Filter(IQueryable<Member> members, MemberQuery query, DateTime activeSince)
    {
        foreach (var word in LikePattern.Words(query.Search))
        {
            var prefix = LikePattern.StartsWith(word);
            members = members.Where(m => EF.Functions.Like(m.FirstName.ToLower(), prefix, LikePattern.EscapeCharacter)
                || EF.Functions.Like(m.LastName.ToLower(), prefix, LikePattern.EscapeCharacter)
                || EF.Functions.Like(m.Email.ToLower(), prefix, LikePattern.EscapeCharacter)
                || EF.Functions.Like(m.JobTitle.ToLower(), "%" + prefix, LikePattern.EscapeCharacter));
        }
        if (!string.IsNullOrWhiteSpace(query.CountryCode))
        {
            members = members.Where(m => m.CountryCode == query.CountryCode);
        }
        if (!string.IsNullOrWhiteSpace(query.Industry))
        {
            members = members.Where(m => m.Industry == query.Industry);
        }
        if (!string.IsNullOrWhiteSpace(query.JobFunction))
        {
            members = members.Where(m => m.JobFunction == query.JobFunction);
        }
        if (query.Seniority is { } seniority)
        {
            members = members.Where(m => m.Seniority == seniority);
        }
        if (query.ActiveOnly is { } activeOnly)
        {
            members = activeOnly ? members.Where(m => m.LastActiveAt >= activeSince) : members.Where(m => m.LastActiveAt < activeSince);
        }
        return members;
    }

    private static IQueryable<Member> Sort(IQueryable<Member> members, MemberSort sort, bool descending) => sort switch
    {
        MemberSort.Company => descending ? members.OrderByDescending(m => m.Company!.Name).ThenBy(m => m.Id) : members.OrderBy(m => m.Company!.Name).ThenBy(m => m.Id),
        MemberSort.Title => descending ? members.OrderByDescending(m => m.JobTitle).ThenBy(m => m.Id) : members.OrderBy(m => m.JobTitle).ThenBy(m => m.Id),
        MemberSort.Seniority => descending ? members.OrderByDescending(m => m.Seniority).ThenBy(m => m.Id) : members.OrderBy(m => m.Seniority).ThenBy(m => m.Id),
        MemberSort.Country => descending ? members.OrderByDescending(m => m.CountryCode).ThenBy(m => m.Id) : members.OrderBy(m => m.CountryCode).ThenBy(m => m.Id),
        MemberSort.Industry => descending ? members.OrderByDescending(m => m.Industry).ThenBy(m => m.Id) : members.OrderBy(m => m.Industry).ThenBy(m => m.Id),
        MemberSort.LastActive => descending ? members.OrderByDescending(m => m.LastActiveAt).ThenBy(m => m.Id) : members.OrderBy(m => m.LastActiveAt).ThenBy(m => m.Id),
        MemberSort.Id => descending ? members.OrderByDescending(m => m.Id) : members.OrderBy(m => m.Id),
        _ => descending
            ? members.OrderByDescending(m => m.LastName).ThenByDescending(m => m.FirstName).ThenBy(m => m.Id)
            : members.OrderBy(m => m.LastName).ThenBy(m => m.FirstName).ThenBy(m => m.Id),
    };
}

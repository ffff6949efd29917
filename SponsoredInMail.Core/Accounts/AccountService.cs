using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Accounts;

public sealed record AccountSummary(int Id, string Name, string Website, string LogoColor, string LogoInitials, AccountRole Role);

public sealed record TeamMember(string UserId, string DisplayName, string Email, AccountRole Role);

public sealed record SenderView(int MemberId, string Name, string Headline, SenderPermissionStatus Status, DateTime RequestedAt);

public sealed record AccountDetails(AccountSummary Account, IReadOnlyList<TeamMember> Team, IReadOnlyList<SenderView> Senders);

/// <summary>
/// Advertiser accounts and who may act on them. Every read and write of account data starts by asking
/// this service (through <see cref="AccountScope"/>) for the caller's role on the account: no role, no data (tenant isolation).
/// </summary>
public sealed class AccountService(IDbContextFactory<AppDbContext> factory, TimeProvider clock)
{
    public async Task<IReadOnlyList<AccountSummary>> GetAccountsForUserAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.AccountMemberships.AsNoTracking()
            .Where(m => m.UserId == userId)
            .OrderBy(m => m.AdvertiserAccount!.Name)
            .Select(m => new AccountSummary(m.AdvertiserAccountId, m.AdvertiserAccount!.Name, m.AdvertiserAccount.Website,
                m.AdvertiserAccount.LogoColor, m.AdvertiserAccount.LogoInitials, m.Role))
            .ToListAsync(ct);
    }

    /// <summary>The caller's role on the account, or null when they have none (treat as "not found").</summary>
    public async Task<AccountRole?> GetRoleAsync(string userId, int accountId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.AccountMemberships.AsNoTracking()
            .Where(m => m.UserId == userId && m.AdvertiserAccountId == accountId)
            .Select(m => (AccountRole?)m.Role)
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>Account page data, or null when the caller has no seat on the account.</summary>
    public async Task<AccountDetails?> GetDetailsAsync(string userId, int accountId, CancellationToken ct = default)
    {
        var summary = (await GetAccountsForUserAsync(userId, ct)).FirstOrDefault(a => a.Id == accountId);
        if (summary is null)
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var team = await (from m in db.AccountMemberships.AsNoTracking()
                          join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                          where m.AdvertiserAccountId == accountId
                          orderby u.DisplayName
                          select new TeamMember(u.Id, u.DisplayName, u.Email!, m.Role)).ToListAsync(ct);
        var senders = await db.SenderPermissions.AsNoTracking()
            .Where(p => p.AdvertiserAccountId == accountId)
            .OrderBy(p => p.Status).ThenBy(p => p.Member!.LastName)
            .Select(p => new SenderView(p.MemberId, p.Member!.FirstName + " " + p.Member.LastName, p.Member.Headline, p.Status, p.RequestedAt))
            .ToListAsync(ct);
        return new AccountDetails(summary, team, senders);
    }

    /// <summary>A Manager gives a marketer (by login e-mail) a seat on the account.</summary>
    public async Task<Result> AddTeamMemberAsync(string actorUserId, int accountId, string email, AccountRole role, CancellationToken ct = default)
    {
        if (await RequireTeamManagerAsync(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        if (!Enum.IsDefined(role))
        {
            return Result.Fail("role", "Choose Manager or Viewer.");
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await LockTeamAsync(db, actorUserId, accountId, ct) is { } refusedNow)
        {
            return refusedNow;
        }
        var normalized = (email ?? "").Trim().ToUpperInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is null)
        {
            return Result.Fail("email", "No login has this e-mail address.");
        }
        var isMarketer = await (from ur in db.UserRoles
                                join r in db.Roles on ur.RoleId equals r.Id
                                where ur.UserId == user.Id && r.Name == AppRoles.Marketer
                                select ur).AnyAsync(ct);
        if (!isMarketer)
        {
            return Result.Fail("email", "This login is not a marketer; only marketers can join an advertiser account.");
        }
        if (await db.AccountMemberships.AnyAsync(m => m.AdvertiserAccountId == accountId && m.UserId == user.Id, ct))
        {
            return Result.Fail("email", "This marketer is already on the account's team.");
        }
        db.AccountMemberships.Add(new AccountMembership
        {
            AdvertiserAccountId = accountId, UserId = user.Id, Role = role, CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>Changes a seat's role; an account always keeps at least one Manager.</summary>
    public async Task<Result> ChangeRoleAsync(string actorUserId, int accountId, string userId, AccountRole role, CancellationToken ct = default)
    {
        if (await RequireTeamManagerAsync(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await LockTeamAsync(db, actorUserId, accountId, ct) is { } refusedNow)
        {
            return refusedNow;
        }
        var seat = await db.AccountMemberships.FirstOrDefaultAsync(m => m.AdvertiserAccountId == accountId && m.UserId == userId, ct);
        if (seat is null)
        {
            return Result.Fail("user", "This person is not on the account's team.");
        }
        if (seat.Role == AccountRole.Manager && role != AccountRole.Manager && await IsLastManagerAsync(db, accountId, ct))
        {
            return Result.Fail("role", "An account needs at least one Manager; make someone else Manager first.");
        }
        seat.Role = role;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>Removes a seat; the last Manager cannot be removed.</summary>
    public async Task<Result> RemoveTeamMemberAsync(string actorUserId, int accountId, string userId, CancellationToken ct = default)
    {
        if (await RequireTeamManagerAsync(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await LockTeamAsync(db, actorUserId, accountId, ct) is { } refusedNow)
        {
            return refusedNow;
        }
        var seat = await db.AccountMemberships.FirstOrDefaultAsync(m => m.AdvertiserAccountId == accountId && m.UserId == userId, ct);
        if (seat is null)
        {
            return Result.Fail("user", "This person is not on the account's team.");
        }
        if (seat.Role == AccountRole.Manager && await IsLastManagerAsync(db, accountId, ct))
        {
            return Result.Fail("user", "An account needs at least one Manager; the last Manager cannot leave.");
        }
        db.AccountMemberships.Remove(seat);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result.Ok;
    }

    private async Task<Result?> RequireTeamManagerAsync(string actorUserId, int accountId, CancellationToken ct) =>
        AccountScope.RefuseUnlessManager(await GetRoleAsync(actorUserId, accountId, ct), "change its team");

    /// <summary>
    /// Team changes of one account take turns (the last-Manager rule spans rows, some not there yet): the account's
    /// team is locked by name before anything is read, then the actor's own seat is checked again under the lock
    /// (a Manager removed or demoted meanwhile is refused). Null when the actor may go ahead.
    /// </summary>
    private static async Task<Result?> LockTeamAsync(AppDbContext db, string actorUserId, int accountId, CancellationToken ct)
    {
        await db.LockNameAsync($"team:{accountId}", ct);
        var role = await db.AccountMemberships.AsNoTracking().Where(m => m.UserId == actorUserId && m.AdvertiserAccountId == accountId)
            .Select(m => (AccountRole?)m.Role).FirstOrDefaultAsync(ct);
        return AccountScope.RefuseUnlessManager(role, "change its team");
    }

    private static async Task<bool> IsLastManagerAsync(AppDbContext db, int accountId, CancellationToken ct) =>
        await db.AccountMemberships.CountAsync(m => m.AdvertiserAccountId == accountId && m.Role == AccountRole.Manager, ct) <= 1;
}

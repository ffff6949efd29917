using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Accounts;

/// <summary>A sender request or permission as the advertiser account sees it.</summary>
public sealed record AccountSenderView(
    int PermissionId, int MemberId, string Name, string Headline, SenderPermissionStatus Status, DateTime RequestedAt, DateTime? RespondedAt);

/// <summary>A member who lets the account send in their name: one choice of the ad editor's sender picker.</summary>
public sealed record GrantedSender(int MemberId, string Name, string Headline);

/// <summary>
/// A request or permission as the member sees it in their settings. <paramref name="AdsInTheirName"/> counts the
/// account's ads that use the member as sender and are not canceled: revoking cancels exactly those.
/// </summary>
public sealed record MemberSenderRequest(
    int PermissionId, int AccountId, string AccountName, string Website, string LogoColor, string LogoInitials,
    SenderPermissionStatus Status, DateTime RequestedAt, DateTime? RespondedAt, int AdsInTheirName);

/// <summary>
/// Told when a member revokes sender permission, inside the revocation's transaction and after the account's ads
/// have been canceled (campaigns, a later issue, cancel theirs here). Use the given context: whatever it writes,
/// through <c>ExecuteUpdate</c> or tracked changes (the service saves after the last listener), commits or rolls
/// back together with the revocation. Throwing rolls everything back and reaches the caller of
/// <see cref="SenderService.RevokeAsync"/>. Listeners are resolved once, so register them as singletons.
/// </summary>
public interface ISenderRevocationListener
{
    Task OnSenderRevokedAsync(AppDbContext db, int accountId, int senderMemberId, string reason, CancellationToken ct);
}

/// <summary>
/// Sender permissions: an advertiser account asks a member for permission to send sponsored messages in their name,
/// the member accepts, declines or later revokes it; a revocation cancels every ad of that account using that sender.
/// Marketer-side calls take the login's user id and check the account role (Viewers read, Managers request);
/// member-side calls take the member id of the login, and another member's permission answers like a missing one.
/// </summary>
public sealed class SenderService(
    IDbContextFactory<AppDbContext> factory,
    AccountScope scope,
    TimeProvider clock,
    IEnumerable<ISenderRevocationListener> listeners)
{
    /// <summary>What <see cref="Ad.UpdatedByUserId"/> says on ads canceled by a revocation (no user did it).</summary>
    public const string RevocationActor = "system:sender-revoked";

    private readonly IReadOnlyList<ISenderRevocationListener> _listeners = listeners.ToList();

    // ---- Marketer side -------------------------------------------------------------------------------------

    /// <summary>
    /// A Manager asks a member for sender permission. A declined or revoked permission may be asked again: it
    /// becomes Pending with a new request date. Returns the permission id.
    /// </summary>
    public async Task<Result<int>> RequestAsync(string actorUserId, int accountId, int memberId, CancellationToken ct = default)
    {
        if (await scope.RequireManagerAsync(actorUserId, accountId, "request sender permission", ct) is { } refused)
        {
            return refused;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        // Two requests for the same member take turns (SQLite: the IMMEDIATE transaction; PostgreSQL: a lock on the
        // pair, as there may be no row to lock yet), so that one adds the permission and the other sees it.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockNameAsync($"sender-permission:{accountId}:{memberId}", ct);
        var existing = await db.SenderPermissions.AsNoTracking()
            .Where(p => p.AdvertiserAccountId == accountId && p.MemberId == memberId).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
        if (existing is { } existingId)
        {
            await db.LockAsync<SenderPermission>(existingId, ct);
        }
        var member = await db.Members.AsNoTracking()
            .Where(m => m.Id == memberId)
            .Select(m => new { Name = m.FirstName + " " + m.LastName })
            .FirstOrDefaultAsync(ct);
        if (member is null)
        {
            return Result.Fail("member", "Member not found.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var permission = await db.SenderPermissions.FirstOrDefaultAsync(p => p.AdvertiserAccountId == accountId && p.MemberId == memberId, ct);
        switch (permission?.Status)
        {
            case SenderPermissionStatus.Pending:
                return Result.Fail("member", $"{member.Name} has not answered this account's request yet; it was sent on {Day(permission.RequestedAt)}.");
            case SenderPermissionStatus.Granted:
                return Result.Fail("member", $"{member.Name} already lets this account send in their name.");
            case null:
                permission = new SenderPermission { AdvertiserAccountId = accountId, MemberId = memberId };
                db.SenderPermissions.Add(permission);
                break;
        }
        permission.Status = SenderPermissionStatus.Pending;
        permission.RequestedAt = now;
        permission.RespondedAt = null;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<int>.Ok(permission.Id);
    }

    /// <summary>Every request and permission of the account (Viewers too), pending first; empty without a seat.</summary>
    public async Task<IReadOnlyList<AccountSenderView>> ListForAccountAsync(string actorUserId, int accountId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.SenderPermissions.AsNoTracking()
            .Where(p => p.AdvertiserAccountId == accountId)
            .OrderBy(p => p.Status).ThenBy(p => p.Member!.LastName).ThenBy(p => p.Member!.FirstName).ThenBy(p => p.Id)
            .Select(p => new AccountSenderView(p.Id, p.MemberId, p.Member!.FirstName + " " + p.Member.LastName, p.Member.Headline,
                p.Status, p.RequestedAt, p.RespondedAt))
            .ToListAsync(ct);
    }

    /// <summary>The members who currently let the account send in their name (the sender picker); empty without a seat.</summary>
    public async Task<IReadOnlyList<GrantedSender>> GrantedSendersAsync(string actorUserId, int accountId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.SenderPermissions.AsNoTracking()
            .Where(p => p.AdvertiserAccountId == accountId && p.Status == SenderPermissionStatus.Granted)
            .OrderBy(p => p.Member!.LastName).ThenBy(p => p.Member!.FirstName).ThenBy(p => p.MemberId)
            .Select(p => new GrantedSender(p.MemberId, p.Member!.FirstName + " " + p.Member.LastName, p.Member.Headline))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Whether the member currently lets the account send in their name (for the ad validator). No role check:
    /// the caller has already checked the actor's seat on <paramref name="accountId"/>, and the answer reveals nothing else.
    /// </summary>
    public async Task<bool> IsGrantedAsync(int accountId, int memberId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.SenderPermissions.AnyAsync(
            p => p.AdvertiserAccountId == accountId && p.MemberId == memberId && p.Status == SenderPermissionStatus.Granted, ct);
    }

    // ---- Member side (memberId is the signed-in login's member profile) -------------------------------------

    /// <summary>The member's pending requests and granted permissions, pending first, then by account name.</summary>
    public async Task<IReadOnlyList<MemberSenderRequest>> ListForMemberAsync(int memberId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.SenderPermissions.AsNoTracking()
            .Where(p => p.MemberId == memberId
                && (p.Status == SenderPermissionStatus.Pending || p.Status == SenderPermissionStatus.Granted))
            .OrderBy(p => p.Status).ThenBy(p => p.AdvertiserAccount!.Name).ThenBy(p => p.Id)
            .Select(p => new MemberSenderRequest(p.Id, p.AdvertiserAccountId, p.AdvertiserAccount!.Name, p.AdvertiserAccount.Website,
                p.AdvertiserAccount.LogoColor, p.AdvertiserAccount.LogoInitials, p.Status, p.RequestedAt, p.RespondedAt,
                db.Ads.Count(a => a.AdvertiserAccountId == p.AdvertiserAccountId && a.SenderMemberId == p.MemberId
                    && a.Status != AdStatus.Canceled)))
            .ToListAsync(ct);
    }

    /// <summary>The member accepts a pending request: the account may now send in their name.</summary>
    public Task<Result> AcceptAsync(int memberId, int permissionId, CancellationToken ct = default) =>
        AnswerAsync(memberId, permissionId, SenderPermissionStatus.Granted, ct);

    /// <summary>The member declines a pending request; the account may ask again later.</summary>
    public Task<Result> DeclineAsync(int memberId, int permissionId, CancellationToken ct = default) =>
        AnswerAsync(memberId, permissionId, SenderPermissionStatus.Declined, ct);

    /// <summary>
    /// The member takes back a granted permission. In one transaction: the permission becomes Revoked, every ad of
    /// that account sending in the member's name that is not canceled yet (Active or Archived) is canceled with the
    /// reason, and each <see cref="ISenderRevocationListener"/> is told. Returns how many ads were canceled. A listener
    /// that throws rolls everything back and the exception reaches the caller.
    /// </summary>
    public async Task<Result<int>> RevokeAsync(int memberId, int permissionId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The permission first, then its ads (as ad saves do): a save under way finishes first and its ad is canceled
        // here, or it waits and then sees the revocation.
        await db.LockAsync<SenderPermission>(permissionId, ct);
        var permission = await db.SenderPermissions
            .Include(p => p.Member).Include(p => p.AdvertiserAccount)
            .FirstOrDefaultAsync(p => p.Id == permissionId && p.MemberId == memberId, ct);
        if (permission is null)
        {
            return Result.Fail("permission", "Sender permission not found.");
        }
        if (permission.Status != SenderPermissionStatus.Granted)
        {
            return Result.Fail("permission", permission.Status == SenderPermissionStatus.Pending
                ? "You have not accepted this request, so there is nothing to revoke; decline it instead."
                : $"Only a permission you granted can be revoked; this one is {Describe(permission.Status)}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var accountId = permission.AdvertiserAccountId;
        var reason = $"Canceled on {Day(now)}: {permission.Member!.FullName} revoked permission for "
            + $"{permission.AdvertiserAccount!.Name} to send in their name.";

        permission.Status = SenderPermissionStatus.Revoked;
        permission.RespondedAt = now;
        // The ads are locked before they are read, so that an edit or unarchive under way is read after it commits.
        await db.LockAsync<Ad>((await db.Ads.Where(a => a.AdvertiserAccountId == accountId && a.SenderMemberId == memberId)
            .Select(a => (long)a.Id).ToListAsync(ct)), ct);
        var ads = await db.Ads
            .Where(a => a.AdvertiserAccountId == accountId && a.SenderMemberId == memberId
                && (a.Status == AdStatus.Active || a.Status == AdStatus.Archived))
            .ToListAsync(ct);
        foreach (var ad in ads)
        {
            ad.Status = AdStatus.Canceled;
            ad.CanceledReason = reason;
            ad.UpdatedAt = now;
            ad.UpdatedByUserId = RevocationActor;
        }
        // Saved before the listeners run, so that what they read through the context already shows the revocation.
        await db.SaveChangesAsync(ct);
        foreach (var listener in _listeners)
        {
            await listener.OnSenderRevokedAsync(db, accountId, memberId, reason, ct);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<int>.Ok(ads.Count);
    }

    private async Task<Result> AnswerAsync(int memberId, int permissionId, SenderPermissionStatus answer, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockAsync<SenderPermission>(permissionId, ct);
        var permission = await db.SenderPermissions.FirstOrDefaultAsync(p => p.Id == permissionId && p.MemberId == memberId, ct);
        if (permission is null)
        {
            return Result.Fail("permission", "Sender request not found.");
        }
        if (permission.Status != SenderPermissionStatus.Pending)
        {
            var verb = answer == SenderPermissionStatus.Granted ? "accepted" : "declined";
            return Result.Fail("permission", $"Only a pending request can be {verb}; this one is {Describe(permission.Status)}.");
        }
        permission.Status = answer;
        permission.RespondedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result.Ok;
    }

    private static string Describe(SenderPermissionStatus status) => status switch
    {
        SenderPermissionStatus.Pending => "still pending",
        SenderPermissionStatus.Granted => "already granted",
        SenderPermissionStatus.Declined => "declined",
        SenderPermissionStatus.Revoked => "revoked",
        _ => status.ToString(),
    };

    private static string Day(DateTime utc) => utc.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}

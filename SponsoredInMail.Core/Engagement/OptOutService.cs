using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Engagement;

/// <summary>One of a member's opt-outs, named for the settings page.</summary>
public sealed record OptOutRow(int Id, OptOutScope Scope, string Description, DateTime Since);

/// <summary>
/// A member's opt-outs on the settings page: list, opt out of everything, undo. Each change is recorded in the change
/// feed with the row (the audience index follows it); the delivery engine reads the table at every send.
/// </summary>
public sealed class OptOutService(IDbContextFactory<AppDbContext> factory, TimeProvider clock)
{
    public async Task<IReadOnlyList<OptOutRow>> ListAsync(int memberId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await (from o in db.MemberOptOuts.AsNoTracking()
                          where o.MemberId == memberId
                          select new
                          {
                              o.Id, o.Scope, o.CreatedAt,
                              Account = db.AdvertiserAccounts.Where(a => a.Id == o.AdvertiserAccountId).Select(a => a.Name).FirstOrDefault(),
                              Sender = db.Members.Where(m => m.Id == o.SenderMemberId).Select(m => m.FirstName + " " + m.LastName).FirstOrDefault(),
                          }).ToListAsync(ct);
        return rows.OrderByDescending(r => r.CreatedAt).Select(r => new OptOutRow(r.Id, r.Scope, r.Scope switch
        {
            OptOutScope.All => "All sponsored messages",
            OptOutScope.Advertiser => $"Messages from {r.Account ?? "a company"}",
            _ => $"Messages sent by {r.Sender ?? "a person"}",
        }, r.CreatedAt)).ToList();
    }

    /// <summary>Stops all sponsored messages (from settings; the message-level choices go through the engagement writer).</summary>
    public async Task<Result> OptOutOfAllAsync(int memberId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.MemberOptOuts.AnyAsync(o => o.MemberId == memberId && o.Scope == OptOutScope.All, ct))
        {
            db.MemberOptOuts.Add(new MemberOptOut { MemberId = memberId, Scope = OptOutScope.All, CreatedAt = clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(ct);
        }
        return Result.Ok;
    }

    /// <summary>Undoes one of the member's own opt-outs; another member's id answers like a missing one.</summary>
    public async Task<Result> UndoAsync(int memberId, int optOutId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var optOut = await db.MemberOptOuts.FirstOrDefaultAsync(o => o.Id == optOutId && o.MemberId == memberId, ct);
        if (optOut is null)
        {
            return Result.Fail("optOut", "That opt-out was not found.");
        }
        db.MemberOptOuts.Remove(optOut);
        await db.SaveChangesAsync(ct);
        return Result.Ok;
    }
}

using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Inbox;

/// <summary>Sends an ad to the marketer's own member inbox, marked "Test": no campaign, no charge, no cap, no events.</summary>
public sealed class TestSendService(IDbContextFactory<AppDbContext> factory, AccountScope scope, TimeProvider clock)
{
    public async Task<Result<long>> SendAsync(string actorUserId, int accountId, int adId, CancellationToken ct = default)
    {
        if (await scope.RequireManagerAsync(actorUserId, accountId, "send test messages", ct) is { } refused)
        {
            return refused;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var memberId = await db.Users.Where(u => u.Id == actorUserId).Select(u => u.MemberId).FirstOrDefaultAsync(ct);
        if (memberId is not { } member)
        {
            return Result.Fail("member", "Your login has no member profile to receive the test; ask an admin to link one.");
        }
        if (!await db.Ads.WhereOwned(accountId, adId).AnyAsync(ct))
        {
            return AccountScope.NotFound<Ad>();
        }
        var test = new TestMessage { AdId = adId, ToMemberId = member, SentByUserId = actorUserId, SentAt = clock.GetUtcNow().UtcDateTime };
        db.TestMessages.Add(test);
        await db.SaveChangesAsync(ct);
        return Result<long>.Ok(test.Id);
    }
}

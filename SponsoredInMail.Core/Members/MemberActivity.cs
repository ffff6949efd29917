using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Members;

/// <summary>Records that a member was seen on the network (the change feed carries it to the audience index).</summary>
public sealed class MemberActivity(IDbContextFactory<AppDbContext> factory, TimeProvider clock)
{
    /// <summary>Writes at most once an hour per member: activity only matters at day granularity.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromHours(1);

    public async Task RecordAsync(int memberId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var staleBefore = now - Resolution;
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var updated = await db.Members.Where(m => m.Id == memberId && m.LastActiveAt < staleBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastActiveAt, now), ct);
        if (updated > 0)
        {
            await ChangeLog.AppendAsync(db, new MemberSeen(memberId, now), now, ct);
            await transaction.CommitAsync(ct);
        }
    }
}

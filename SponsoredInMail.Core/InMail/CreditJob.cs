using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.InMail;

/// <summary>What a run of the job did.</summary>
public readonly record struct CreditJobResult(int Grants, int CreditBacks);

/// <summary>
/// The background credit job: monthly grants on the 1st (UTC) up to the accrual cap, and credit-backs (responses
/// within 90 days that were not refunded at response time; legacy InMails unanswered within 7 days). Idempotent: a
/// grant is unique per rep and month and a refund per InMail, so running it twice, or racing a response, changes
/// nothing the second time. Uses the injected clock.
/// </summary>
public sealed class CreditJob(IDbContextFactory<AppDbContext> factory, IOptions<InMailOptions> options, TimeProvider clock)
{
    public async Task<CreditJobResult> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await ExpireAsync(now, ct);
        var grants = await GrantAsync(now, ct);
        var creditBacks = await CreditBackAsync(now, ct);
        return new CreditJobResult(grants, creditBacks);
    }

    /// <summary>
    /// For every seat, every month from the seat's first month to now that has no grant yet: top the balance up by the
    /// allotment, but never above the cap (a grant of zero is still recorded, so the month counts as done).
    /// </summary>
    private async Task<int> GrantAsync(DateTime now, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var seats = await db.SalesSeats.AsNoTracking().ToListAsync(ct);
        var granted = 0;
        foreach (var seat in seats)
        {
            var month = new DateTime(seat.AssignedAt.Year, seat.AssignedAt.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            while (month <= now)
            {
                granted += await GrantMonthAsync(seat, month, ct) ? 1 : 0;
                month = month.AddMonths(1);
            }
        }
        return granted;
    }

    private async Task<bool> GrantMonthAsync(SalesSeat seat, DateTime month, CancellationToken ct)
    {
        var key = CreditRules.Month(month);
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockNameAsync(CreditRules.LockName(seat.UserId), ct);
        if (await db.CreditLedger.AnyAsync(e => e.UserId == seat.UserId && e.GrantMonth == key, ct))
        {
            return false;
        }
        var allotment = options.Value.Allotment(seat.Tier);
        var cap = allotment * options.Value.AccrualCapMultiplier;
        // The balance as it stood on the 1st: later spends and refunds do not count against that month's grant.
        var balance = await db.CreditLedger.Where(e => e.UserId == seat.UserId && e.At < month).SumAsync(e => e.Amount, ct);
        var amount = Math.Max(0, Math.Min(allotment, cap - balance));
        db.CreditLedger.Add(new CreditLedgerEntry
        {
            UserId = seat.UserId, Kind = LedgerKind.Grant, Amount = amount, GrantMonth = key, At = month,
            Reason = amount == allotment ? $"Monthly allotment ({seat.Tier}) for {key}"
                : $"Monthly allotment ({seat.Tier}) for {key}, {amount} of {allotment}: accrual cap of {cap} reached",
        });
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // another run granted it first
        }
    }

    /// <summary>
    /// When configured, once a month: whatever part of the balance is older than the newest grants of the last N months
    /// expires (credits are used oldest first), as one Expiry entry unique per rep and month.
    /// </summary>
    private async Task ExpireAsync(DateTime now, CancellationToken ct)
    {
        if (options.Value.ExpireAfterMonths is not { } months || months <= 0)
        {
            return;
        }
        var key = CreditRules.Month(now);
        var cutoff = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-months);
        await using var db = await factory.CreateDbContextAsync(ct);
        foreach (var userId in await db.SalesSeats.Select(s => s.UserId).ToListAsync(ct))
        {
            await using var write = await factory.CreateDbContextAsync(ct);
            await using var transaction = await write.Database.BeginTransactionAsync(ct);
            // A send between the balance read and the expiry would make the balance negative: sends wait.
            await write.LockNameAsync(CreditRules.LockName(userId), ct);
            if (await write.CreditLedger.AnyAsync(e => e.UserId == userId && e.ExpiryMonth == key, ct))
            {
                continue;
            }
            var balance = await write.CreditLedger.Where(e => e.UserId == userId).SumAsync(e => e.Amount, ct);
            var recent = await write.CreditLedger.Where(e => e.UserId == userId && e.Kind == LedgerKind.Grant && e.At > cutoff).SumAsync(e => e.Amount, ct);
            var expired = Math.Max(0, balance - recent);
            if (expired == 0)
            {
                continue;
            }
            write.CreditLedger.Add(new CreditLedgerEntry
            {
                UserId = userId, Kind = LedgerKind.Expiry, Amount = -expired, ExpiryMonth = key, At = now,
                Reason = $"{expired} credit(s) unused for {months} month(s) expired",
            });
            await write.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
    }

    private async Task<int> CreditBackAsync(DateTime now, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var open = await db.InMails.AsNoTracking()
            .Where(m => !db.CreditLedger.Any(e => e.RefundOfInMailId == m.Id)).ToListAsync(ct);
        var refunded = 0;
        foreach (var message in open)
        {
            var due = CreditRules.EarnsCreditBackOnResponse(message, options.Value) ? "Response received"
                : CreditRules.EarnsLegacyCreditBack(message, options.Value, now) ? $"legacy policy, not answered within {options.Value.LegacyNoAnswerDays} days"
                : null;
            if (due is null)
            {
                continue;
            }
            await using var write = await factory.CreateDbContextAsync(ct);
            var at = CreditRules.EarnsCreditBackOnResponse(message, options.Value) ? message.RespondedAt!.Value : message.SentAt.AddDays(options.Value.LegacyNoAnswerDays);
            write.CreditLedger.Add(CreditRules.Refund(message, at, due));
            try
            {
                await write.SaveChangesAsync(ct);
                refunded++;
            }
            catch (DbUpdateException)
            {
                // Refunded meanwhile (the response's own transaction): unique per InMail, nothing to do.
            }
        }
        return refunded;
    }
}

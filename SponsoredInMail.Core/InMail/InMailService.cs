using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.InMail;

/// <summary>An InMail as its sender sees it, with where its credit stands.</summary>
public enum InMailStatus
{
    Awaiting = 1,
    Responded = 2,
    CreditedBack = 3,
    Expired = 4,
}

public sealed record SentInMail(long Id, int ToMemberId, string ToName, string Subject, DateTime SentAt, InMailResponse? Response, DateTime? RespondedAt, InMailStatus Status);

public sealed record ReceivedInMail(long Id, string From, string FromHeadline, string Subject, string Body, DateTime SentAt, DateTime? ReadAt, InMailResponse? Response, string? ReplyText);

/// <summary>
/// Sales Navigator InMail (SPEC §2, seed 002): sending costs one credit and is refused at zero; any response (reply,
/// "Interested", "Not interested") within 90 days returns the credit; InMails sent before the policy date follow the
/// legacy rule (credited back if NOT answered within 7 days), applied by <see cref="CreditJob"/>. Every credit
/// movement is a ledger entry and the balance is their sum; each send or response is one IMMEDIATE transaction.
/// </summary>
public sealed class InMailService(IDbContextFactory<AppDbContext> factory, IOptions<InMailOptions> options, TimeProvider clock)
{
    public async Task<int> BalanceAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.CreditLedger.Where(e => e.UserId == userId).SumAsync(e => e.Amount, ct);
    }

    public async Task<IReadOnlyList<CreditLedgerEntry>> LedgerAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.CreditLedger.AsNoTracking().Where(e => e.UserId == userId).OrderByDescending(e => e.At).ThenByDescending(e => e.Id).ToListAsync(ct);
    }

    /// <summary>Sends an InMail for one credit; refused with a clear message at zero credits, without a seat, or for bad input.</summary>
    public async Task<Result<long>> SendAsync(string senderUserId, int toMemberId, string subject, string body, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        FieldRules.SingleLine(errors, "subject", "Subject", subject?.Trim(), 1, InMailLimits.SubjectMax);
        FieldRules.Length(errors, "body", "Message", body?.Trim(), 1, InMailLimits.BodyMax);
        FieldRules.MultiLine(errors, "body", "Message", body);
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var sender = await db.Users.Where(u => u.Id == senderUserId).Select(u => new { u.MemberId }).FirstOrDefaultAsync(ct);
        if (sender?.MemberId is not { } senderMember || !await db.SalesSeats.AnyAsync(s => s.UserId == senderUserId, ct))
        {
            return Result.Fail("seat", "Sending InMail needs a Sales Navigator seat linked to your member profile; ask an admin.");
        }
        if (toMemberId == senderMember || !await db.Members.AnyAsync(m => m.Id == toMemberId, ct))
        {
            return Result.Fail("to", "Choose a member to write to.");
        }
        // The balance read and the spend are one step, so two sends cannot share the last credit: the rep's credits
        // are locked before the balance is read (SQLite: the IMMEDIATE transaction; PostgreSQL: a lock on the name).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockNameAsync(CreditRules.LockName(senderUserId), ct);
        var balance = await db.CreditLedger.Where(e => e.UserId == senderUserId).SumAsync(e => e.Amount, ct);
        if (balance < 1)
        {
            return Result.Fail("credits", "You have no InMail credits left. New credits arrive on the 1st of the month, and credits come back when recipients respond.");
        }
        var now = Now();
        var message = new InMailMessage
        {
            SenderUserId = senderUserId, SenderMemberId = senderMember, ToMemberId = toMemberId, Subject = subject!.Trim(), Body = body!.Trim(), SentAt = now,
        };
        db.InMails.Add(message);
        await db.SaveChangesAsync(ct);
        db.CreditLedger.Add(new CreditLedgerEntry
        {
            UserId = senderUserId, Kind = LedgerKind.Spend, Amount = -1, Reason = $"InMail #{message.Id} sent", At = now, InMailId = message.Id,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<long>.Ok(message.Id);
    }

    /// <summary>
    /// The recipient responds (reply, Interested, Not interested). The first response counts; within the window it
    /// returns the sender's credit in the same transaction (a refund is unique per InMail, so the job cannot repeat it).
    /// </summary>
    public async Task<Result> RespondAsync(int memberId, long inMailId, InMailResponse response, string? replyText, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(response))
        {
            return Result.Fail("response", "Choose a response.");
        }
        var text = replyText?.Trim();
        if (response == InMailResponse.Reply)
        {
            var errors = new List<FieldError>();
            FieldRules.Length(errors, "reply", "Reply", text, 1, InMailLimits.ReplyMax);
            if (errors.Count > 0)
            {
                return Result.Fail(errors);
            }
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Locked before it is read: of two responses, the second reads the first and is refused.
        await db.LockAsync<InMailMessage>(inMailId, ct);
        var message = await db.InMails.FirstOrDefaultAsync(m => m.Id == inMailId && m.ToMemberId == memberId, ct);
        if (message is null)
        {
            return Result.Fail("inMail", "InMail not found.");
        }
        if (message.RespondedAt is not null)
        {
            return Result.Fail("response", "You have already responded to this InMail.");
        }
        var now = Now();
        message.RespondedAt = now;
        message.Response = response;
        message.ReplyText = response == InMailResponse.Reply ? text : null;
        message.ReadAt ??= now;
        if (CreditRules.EarnsCreditBackOnResponse(message, options.Value)
            && !await db.CreditLedger.AnyAsync(e => e.RefundOfInMailId == message.Id, ct))
        {
            db.CreditLedger.Add(CreditRules.Refund(message, now, "Response received"));
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result.Ok;
    }

    public async Task<IReadOnlyList<SentInMail>> SentAsync(string senderUserId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await (from m in db.InMails.AsNoTracking()
                          where m.SenderUserId == senderUserId
                          join to in db.Members on m.ToMemberId equals to.Id
                          orderby m.SentAt descending
                          select new { Message = m, ToName = to.FirstName + " " + to.LastName,
                              Refunded = db.CreditLedger.Any(e => e.RefundOfInMailId == m.Id) }).ToListAsync(ct);
        var now = Now();
        return rows.Select(r => new SentInMail(r.Message.Id, r.Message.ToMemberId, r.ToName, r.Message.Subject, r.Message.SentAt,
            r.Message.Response, r.Message.RespondedAt, CreditRules.Status(r.Message, r.Refunded, now, options.Value))).ToList();
    }

    /// <summary>InMails to this member only, newest first.</summary>
    public async Task<IReadOnlyList<ReceivedInMail>> ReceivedAsync(int memberId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await (from m in db.InMails.AsNoTracking()
                      where m.ToMemberId == memberId
                      join s in db.Members on m.SenderMemberId equals s.Id
                      orderby m.SentAt descending
                      select new ReceivedInMail(m.Id, s.FirstName + " " + s.LastName, s.Headline, m.Subject, m.Body, m.SentAt, m.ReadAt, m.Response, m.ReplyText))
            .ToListAsync(ct);
    }

    public async Task MarkReadAsync(int memberId, long inMailId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.InMails.Where(m => m.Id == inMailId && m.ToMemberId == memberId && m.ReadAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ReadAt, Now()), ct);
    }

    /// <summary>Admins assign or change a rep's seat tier (the SalesRep role is added if missing by the caller's page).</summary>
    public async Task<Result> AssignSeatAsync(string adminUserId, string repUserId, SeatTier tier, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.IsAdminAsync(adminUserId, ct))
        {
            return Result.Fail("seat", "Only an admin can assign seats.");
        }
        if (!Enum.IsDefined(tier) || !await db.Users.AnyAsync(u => u.Id == repUserId, ct))
        {
            return Result.Fail("seat", "Choose a login and a tier.");
        }
        // One seat per login (the key) and an audit trail whose "before" is the tier really replaced: assignments of
        // one rep take turns from before the seat is read to their commit (SQLite: the IMMEDIATE transaction;
        // PostgreSQL: a lock on the name, as there may be no seat row to lock yet).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockNameAsync(CreditRules.SeatLockName(repUserId), ct);
        var seat = await db.SalesSeats.FirstOrDefaultAsync(s => s.UserId == repUserId, ct);
        var before = seat?.Tier.ToString();
        if (seat is null)
        {
            db.SalesSeats.Add(new SalesSeat { UserId = repUserId, Tier = tier, AssignedAt = Now() });
        }
        else
        {
            seat.Tier = tier;
        }
        db.AuditLog.Add(new Audit.AuditEntry
        {
            At = Now(), ActorUserId = adminUserId, EntityType = "SalesSeat", EntityId = repUserId.Length > 40 ? repUserId[..40] : repUserId,
            Action = "seat assigned", Before = before, After = tier.ToString(),
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result.Ok;
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}

/// <summary>The credit rules, shared by the service and the job.</summary>
public static class CreditRules
{
    /// <summary>The lock every change of a rep's balance takes before reading it (sends, grants, expiries).</summary>
    public static string LockName(string userId) => "credits:" + userId;

    /// <summary>The lock a seat assignment takes before reading the rep's seat.</summary>
    public static string SeatLockName(string userId) => "sales-seat:" + userId;

    public static bool IsLegacy(InMailMessage message, InMailOptions options) =>
        DateOnly.FromDateTime(message.SentAt) < options.LegacyPolicyEndsOn;

    /// <summary>Current policy: a response within the window returns the credit.</summary>
    public static bool EarnsCreditBackOnResponse(InMailMessage message, InMailOptions options) =>
        !IsLegacy(message, options) && message.RespondedAt is { } at && at <= message.SentAt.AddDays(options.CreditBackDays);

    /// <summary>Legacy policy: credited back once the window has passed without an answer inside it.</summary>
    public static bool EarnsLegacyCreditBack(InMailMessage message, InMailOptions options, DateTime now)
    {
        var windowEnd = message.SentAt.AddDays(options.LegacyNoAnswerDays);
        return IsLegacy(message, options) && now >= windowEnd && (message.RespondedAt is null || message.RespondedAt > windowEnd);
    }

    public static CreditLedgerEntry Refund(InMailMessage message, DateTime at, string why) => new()
    {
        UserId = message.SenderUserId, Kind = LedgerKind.Refund, Amount = 1, Reason = $"Credit back for InMail #{message.Id}: {why}", At = at,
        InMailId = message.Id, RefundOfInMailId = message.Id,
    };

    public static InMailStatus Status(InMailMessage message, bool refunded, DateTime now, InMailOptions options) =>
        refunded ? InMailStatus.CreditedBack
        : message.RespondedAt is not null ? InMailStatus.Responded
        : now > message.SentAt.AddDays(IsLegacy(message, options) ? options.LegacyNoAnswerDays : options.CreditBackDays) ? InMailStatus.Expired
        : InMailStatus.Awaiting;

    public static string Month(DateTime utc) => utc.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}

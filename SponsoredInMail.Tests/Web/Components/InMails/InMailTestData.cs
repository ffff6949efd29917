using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.InMail;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Inbox;

namespace SponsoredInMail.Tests.Web.Components.InMails;

/// <summary>Fresh sales-rep logins (each test its own, so balances and sent lists never mix), seats, credits and InMails.</summary>
public sealed class InMailTestData(TestDatabase database)
{
    public const string Admin = "admin@sponsoredinmail.example";

    public InMailService InMail => database.Get<InMailService>();

    public DateTime Now => database.Clock.GetUtcNow().UtcDateTime;

    /// <summary>A new login with the SalesRep role, linked to a member no other test uses; optionally with a seat and this month's credits.</summary>
    public async Task<(string UserId, string Email, int MemberId)> RepAsync(SeatTier? seat = SeatTier.Basic, bool grant = true, string? name = null)
    {
        var memberId = InboxTestData.NewMember();
        var email = $"rep-{Guid.NewGuid():N}@example.test";
        var user = new ApplicationUser { UserName = email, Email = email, NormalizedEmail = email.ToUpperInvariant(), NormalizedUserName = email.ToUpperInvariant(), DisplayName = name ?? $"Rep {memberId}", MemberId = memberId };
        await using (var db = database.CreateContext())
        {
            db.Users.Add(user);
            var role = await db.Roles.SingleAsync(r => r.Name == AppRoles.SalesRep);
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = role.Id });
            await db.SaveChangesAsync();
        }
        if (seat is { } tier)
        {
            (await InMail.AssignSeatAsync(await database.UserIdAsync(Admin), user.Id, tier)).Succeeded.ShouldBeTrue();
            if (grant)
            {
                await database.Get<CreditJob>().RunAsync();
            }
        }
        return (user.Id, email, memberId);
    }

    public async Task<long> SendAsync(string repUserId, int toMemberId, string subject, string body = "Could we talk next week?")
    {
        var sent = await InMail.SendAsync(repUserId, toMemberId, subject, body);
        sent.Succeeded.ShouldBeTrue(sent.Outcome.ToString());
        return sent.Value;
    }

    /// <summary>An InMail written straight to the database (with its spend), for states the shared clock cannot reach: old or answered late.</summary>
    public async Task<long> OldInMailAsync(string repUserId, int senderMemberId, int toMemberId, string subject, DateTime sentAt, DateTime? respondedAt = null)
    {
        await using var db = database.CreateContext();
        var message = new InMailMessage
        {
            SenderUserId = repUserId, SenderMemberId = senderMemberId, ToMemberId = toMemberId, Subject = subject, Body = "Hello", SentAt = sentAt,
            RespondedAt = respondedAt, Response = respondedAt is null ? null : InMailResponse.NotInterested,
        };
        db.InMails.Add(message);
        await db.SaveChangesAsync();
        db.CreditLedger.Add(new CreditLedgerEntry { UserId = repUserId, Kind = LedgerKind.Spend, Amount = -1, Reason = $"InMail #{message.Id} sent", At = sentAt, InMailId = message.Id });
        await db.SaveChangesAsync();
        return message.Id;
    }
}

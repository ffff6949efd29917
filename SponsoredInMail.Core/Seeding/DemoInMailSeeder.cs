using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.InMail;

namespace SponsoredInMail.Core.Seeding;

/// <summary>
/// The demo sales rep (rep@…, member #2): a Professional seat since two months ago, the credits the job grants for
/// those months, and a few InMails — one to the demo member (#1) still awaiting a response, one already answered
/// (its credit came back).
/// </summary>
public sealed class DemoInMailSeeder(IDbContextFactory<AppDbContext> factory, InMailService inMail, CreditJob job)
{
    public async Task SeedAsync(DateTime now, CancellationToken ct = default)
    {
        string? rep;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            rep = await db.Users.Where(u => u.Email == "rep@sponsoredinmail.example").Select(u => u.Id).FirstOrDefaultAsync(ct);
            if (rep is null)
            {
                return;
            }
            var firstOfMonth = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            db.SalesSeats.Add(new SalesSeat { UserId = rep, Tier = SeatTier.Professional, AssignedAt = firstOfMonth.AddMonths(-2) });
            await db.SaveChangesAsync(ct);
        }
        await job.RunAsync(ct);
        await inMail.SendAsync(rep, 1, "Quick question about your team's tooling",
            "Hi Mia, I work with teams like yours on sales analytics. Would a 15-minute call next week be useful?", ct);
        var answered = await inMail.SendAsync(rep, 5, "Following up on the conference",
            "Great to meet you at the conference. Shall we continue the conversation?", ct);
        await inMail.SendAsync(rep, 6, "Introduction", "Hello! A mutual colleague suggested I reach out about your hiring plans.", ct);
        if (answered.Succeeded)
        {
            await inMail.RespondAsync(5, answered.Value, InMailResponse.Interested, null, ct);
        }
    }
}

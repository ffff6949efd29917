using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Core.Seeding;

/// <summary>
/// Demo conversions: every account that has sent gets two conversion definitions ("Demo request", "Trial sign-up"), and
/// the demo members act on the advertisers' sites as a real audience would — a quarter of those who clicked request a
/// demo within three days, one in a hundred who only opened signs up within a day. The events go through the Conversions
/// API's own intake (matched by e-mail hash, credited last touch), so the demo reports show what the product computes.
/// </summary>
public sealed class DemoConversionSeeder(IDbContextFactory<AppDbContext> factory, ConversionIntake intake)
{
    public const double DemoRequestRate = 0.25, SignUpRate = 0.01;

    public async Task SeedAsync(DateTime now, CancellationToken ct = default)
    {
        var random = new Random(20_261_201);
        await using var db = await factory.CreateDbContextAsync(ct);
        var accounts = await db.Deliveries.AsNoTracking().Select(d => d.AdvertiserAccountId).Distinct().OrderBy(a => a).ToListAsync(ct);
        foreach (var account in accounts)
        {
            var demo = Definition(account, "Demo request", ConversionCategory.Lead, null, 30, 7, ConversionCounting.OncePerMemberPerWindow, now);
            var signUp = Definition(account, "Trial sign-up", ConversionCategory.SignUp, 2_500, 7, 1, ConversionCounting.EveryTime, now);
            db.ConversionDefinitions.AddRange(demo, signUp);
            await db.SaveChangesAsync(ct);

            var engaged = await (from e in db.EngagementEvents.AsNoTracking()
                                 join d in db.Deliveries on e.DeliveryId equals d.Id
                                 where d.AdvertiserAccountId == account && (e.Kind == EventKind.ButtonClick || (e.Kind == EventKind.Open && e.Counted))
                                 join m in db.Members on d.MemberId equals m.Id
                                 orderby e.Id
                                 select new { e.DeliveryId, e.Kind, e.At, m.Email }).ToListAsync(ct);
            var clicked = engaged.Where(e => e.Kind == EventKind.ButtonClick).Select(e => e.DeliveryId).ToHashSet();
            var events = new List<ApiConversion>();
            foreach (var e in engaged)
            {
                if (e.Kind == EventKind.ButtonClick && random.NextDouble() < DemoRequestRate)
                {
                    events.Add(new ApiConversion(demo.Id, $"demo-{e.DeliveryId}-{events.Count}", e.At.AddMinutes(10 + random.Next(3 * 24 * 60)), null,
                        MemberEmailHashes.Of(e.Email), null));
                }
                else if (e.Kind == EventKind.Open && !clicked.Contains(e.DeliveryId) && random.NextDouble() < SignUpRate)
                {
                    events.Add(new ApiConversion(signUp.Id, $"signup-{e.DeliveryId}", e.At.AddMinutes(30 + random.Next(20 * 60)), null,
                        MemberEmailHashes.Of(e.Email), null));
                }
            }
            foreach (var batch in events.Where(e => e.OccurredAt < now && e.OccurredAt > now.AddDays(-ConversionRules.MaxAgeDays)).Chunk(ConversionRules.MaxBatch))
            {
                var recorded = await intake.FromApiAsync(account, batch, ct);
                if (!recorded.Succeeded)
                {
                    throw new InvalidOperationException("Demo conversions were refused: " + string.Join("; ", recorded.Outcome.Errors.Select(x => $"{x.Field}: {x.Message}")));
                }
            }
        }
    }

    private static ConversionDefinition Definition(
        int account, string name, ConversionCategory category, long? value, int clickDays, int sendDays, ConversionCounting counting, DateTime now) => new()
    {
        AdvertiserAccountId = account, Name = name, Category = category, ValueCents = value, PostClickDays = clickDays, PostSendDays = sendDays,
        Counting = counting, TagKey = "cv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), CreatedAt = now.AddDays(-DemoCampaignSeeder.HistoryDays),
    };
}

using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Deliveries;

/// <summary>
/// Several campaigns with overlapping audiences, random bids, budgets and caps, sent by three engines at once
/// (two with audience indexes of their own, blind to each other's sends, as separate processes would be) over
/// several simulated days, many seeds: plain SQL must find no breach of invariants 1–3 after each.
/// </summary>
public class DeliveryConcurrencyTests
{
    private static readonly string[] Countries = ["US", "GB", "DE", "IN", "FR"];
    private static readonly string[] Accounts = ["Contoso Cloud", "Northwind Analytics", "Fabrikam Health"];

    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 8));

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task ParallelEnginesNeverBreakAnInvariant(int seed)
    {
        var random = new Random(seed);
        var anyCap = random.Next(1, 31);
        var sameCap = random.Next(anyCap, 61);
        await using var s = await DeliveryScenario.CreateAsync(members: 1_200, randomSeed: 1000 + seed, settings: new Dictionary<string, string?>
        {
            ["Audiences:AnyAdvertiserCapDays"] = anyCap.ToString(),
            ["Audiences:SameAdvertiserCapDays"] = sameCap.ToString(),
            ["Delivery:BatchSize"] = random.Next(10, 150).ToString(),
        });
        var campaigns = new List<int>();
        for (var day = 0; day < 4; day++)
        {
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                var account = await s.AccountAsync(Accounts[random.Next(Accounts.Length)]);
                var countries = Countries.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToArray();
                var bid = (long)random.Next(25, 151);
                long? daily = random.Next(3) == 0 ? null : bid * random.Next(1, 40) + random.Next(0, (int)bid);
                var lifetime = Math.Max(bid * random.Next(1, 400) + random.Next(0, (int)bid), daily ?? 0);
                var now = s.Database.Clock.GetUtcNow().UtcDateTime;
                campaigns.Add(await s.LaunchAsync(account, DeliveryScenario.Countries(countries), bid, lifetime, daily,
                    launchedAt: now.AddSeconds(-random.Next(0, 3) * 10)));
            }

            // One engine shares the app's index; two behave like other processes with indexes of their own.
            var engines = new List<DeliveryEngine> { s.NewEngine(), await s.NewProcessEngineAsync(), await s.NewProcessEngineAsync() };
            await Task.WhenAll(engines.Select(e => Task.Run(() => e.RunUntilIdleAsync(TestContext.Current.CancellationToken))));

            (await s.CheckInvariantsAsync()).ShouldBe(Clean, $"seed {seed}, day {day}, caps {anyCap}/{sameCap}");
            s.Database.Clock.Advance(TimeSpan.FromDays(random.Next(1, 25)) + TimeSpan.FromMinutes(random.Next(0, 600)));
            if (random.Next(2) == 0)
            {
                await s.EveryoneWasActiveJustNowAsync();
            }
        }

        foreach (var id in campaigns)
        {
            var campaign = await s.CampaignAsync(id);
            campaign.SpentCents.ShouldBe((await s.DeliveriesAsync(id)).Sum(d => d.PriceCents));
            campaign.SpentCents.ShouldBeLessThanOrEqualTo(campaign.LifetimeBudgetCents);
        }
    }

    private static readonly SponsoredInMail.Core.Data.Sqlite.InvariantReport Clean = new(0, 0, 0, 0, 0, 0, 0, 0, 0);
}

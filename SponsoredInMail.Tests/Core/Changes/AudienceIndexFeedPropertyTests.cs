using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Changes;

/// <summary>
/// Random sequences of product operations through the services — launches, send rounds, opens, clicks, opt-outs and
/// undo, list uploads and deletes, profile and activity changes, time passing — and after every step the index that
/// follows the change feed counts exactly what an index rebuilt from the database counts.
/// </summary>
public class AudienceIndexFeedPropertyTests
{
    private const int Steps = 70;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task TheFollowedIndexEqualsARebuiltOneAfterEveryStep(int seed)
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 1_200, randomSeed: 500 + seed);
        var random = new Random(seed);
        var world = await World.LoadAsync(s);
        var log = new List<string>();

        for (var step = 0; step < Steps; step++)
        {
            var operation = await world.RandomOperationAsync(random);
            log.Add(operation);
            await s.Database.CatchUpIndexAsync();

            var rebuilt = ActivatorUtilities.CreateInstance<AudienceIndex>(s.Database.Services);
            await rebuilt.RebuildAsync(s.Database.Get<IAudienceSource>(), Ct);
            foreach (var (targeting, account) in await world.ProbesAsync())
            {
                s.Index.Count(targeting, account).ShouldBe(rebuilt.Count(targeting, account),
                    $"after step {step} ({operation}) for {targeting.ToJson()} of account {account}; steps: {string.Join(" → ", log.TakeLast(8))}");
            }
        }
    }

    /// <summary>The operations and what they need: accounts, users, campaigns launched so far, lists uploaded.</summary>
    private sealed class World(DeliveryScenario s, int[] accounts, Dictionary<int, string> managers, string[] companyNames)
    {
        private readonly List<int> _campaigns = [];
        private readonly List<(int Account, int List)> _lists = [];

        public static async Task<World> LoadAsync(DeliveryScenario s)
        {
            await using var db = s.Database.CreateContext();
            var accounts = await db.AdvertiserAccounts.OrderBy(a => a.Id).Select(a => a.Id).ToArrayAsync(Ct);
            var managers = await db.AccountMemberships.Where(m => m.Role == SponsoredInMail.Core.Accounts.AccountRole.Manager)
                .GroupBy(m => m.AdvertiserAccountId).Select(g => new { g.Key, User = g.Min(m => m.UserId) }).ToDictionaryAsync(g => g.Key, g => g.User!, Ct);
            var companies = await db.Companies.OrderBy(c => c.Id).Select(c => c.Name).Take(200).ToArrayAsync(Ct);
            return new World(s, accounts, managers, companies);
        }

        public async Task<string> RandomOperationAsync(Random random)
        {
            switch (random.Next(11))
            {
                case 0 or 1:
                    {
                        var account = accounts[random.Next(accounts.Length)];
                        var countries = new[] { "US", "GB", "DE", "FR", "IN", "BR" }.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToArray();
                        _campaigns.Add(await s.LaunchAsync(account, DeliveryScenario.Countries(countries), random.Next(25, 120), random.Next(2_000, 40_000)));
                        return $"launch {string.Join('+', countries)} for {account}";
                    }
                case 2 or 3:
                    {
                        var round = await s.Engine.RunRoundAsync(Ct);
                        return $"round sent {round.Sent}";
                    }
                case 4:
                    return await EngageAsync(random);
                case 5:
                    return await OptOutFromAMessageAsync(random);
                case 6:
                    {
                        var optOuts = s.Database.Get<OptOutService>();
                        var member = random.Next(1, 1_200);
                        if (random.Next(2) == 0)
                        {
                            await optOuts.OptOutOfAllAsync(member, Ct);
                            return $"member {member} opts out of all";
                        }
                        await using var db = s.Database.CreateContext();
                        var some = await db.MemberOptOuts.OrderBy(o => o.Id).Skip(random.Next(0, Math.Max(1, await db.MemberOptOuts.CountAsync(Ct)))).FirstOrDefaultAsync(Ct);
                        if (some is null)
                        {
                            return "no opt-out to undo";
                        }
                        await optOuts.UndoAsync(some.MemberId, some.Id, Ct);
                        return $"member {some.MemberId} undoes opt-out {some.Id}";
                    }
                case 7:
                    return await ListAsync(random);
                case 8:
                    {
                        await using var db = s.Database.CreateContext();
                        var id = random.Next(1, 1_200);
                        var member = await db.Members.SingleAsync(m => m.Id == id, Ct);
                        member.CountryCode = new[] { "US", "GB", "DE" }[random.Next(3)];
                        member.Seniority = (Seniority)random.Next(1, 11);
                        member.JobTitle = random.Next(2) == 0 ? "Data Engineer" : member.JobTitle;
                        await db.SaveChangesAsync(Ct);
                        return $"member {member.Id} edits profile";
                    }
                case 9:
                    {
                        var member = random.Next(1, 1_200);
                        await s.Database.Get<MemberActivity>().RecordAsync(member, Ct);
                        return $"member {member} seen";
                    }
                default:
                    {
                        var hours = random.Next(1, 24 * 20);
                        s.Database.Clock.Advance(TimeSpan.FromHours(hours));
                        return $"{hours} h pass";
                    }
            }
        }

        private async Task<(long Delivery, int Member, int Campaign)?> AnyDeliveryAsync(Random random)
        {
            await using var db = s.Database.CreateContext();
            var count = await db.Deliveries.CountAsync(Ct);
            if (count == 0)
            {
                return null;
            }
            var d = await db.Deliveries.OrderBy(x => x.Id).Skip(random.Next(count)).Select(x => new { x.Id, x.MemberId, x.CampaignId }).FirstAsync(Ct);
            return (d.Id, d.MemberId, d.CampaignId);
        }

        private async Task<string> EngageAsync(Random random)
        {
            if (await AnyDeliveryAsync(random) is not { } d)
            {
                return "nothing to open";
            }
            var message = await s.Database.Get<InboxService>().OpenSponsoredAsync(d.Member, d.Delivery, ct: Ct);
            if (random.Next(2) == 0 && message?.MessageAd?.CtaUrl is { } cta)
            {
                await s.Database.Get<EngagementService>().ClickAsync(cta[InboxService.TrackingPath.Length..], Ct);
                return $"member {d.Member} opens and clicks {d.Campaign}";
            }
            return $"member {d.Member} opens {d.Campaign}";
        }

        private async Task<string> OptOutFromAMessageAsync(Random random)
        {
            if (await AnyDeliveryAsync(random) is not { } d)
            {
                return "nothing to opt out of";
            }
            var scope = (OptOutScope)random.Next(1, 4);
            await s.Database.Get<EngagementService>().OptOutAsync(d.Member, d.Delivery, scope, Ct);
            return $"member {d.Member} opts out ({scope}) from {d.Campaign}";
        }

        private async Task<string> ListAsync(Random random)
        {
            var importer = s.Database.Get<MatchedAudienceImporter>();
            if (_lists.Count > 0 && random.Next(3) == 0)
            {
                var (account, list) = _lists[random.Next(_lists.Count)];
                _lists.Remove((account, list));
                await importer.DeleteAsync(managers[account], account, list, Ct);
                return $"list {list} deleted";
            }
            var managed = managers.Keys.Order().ToArray();
            var owner = managed[random.Next(managed.Length)];
            var names = companyNames.OrderBy(_ => random.Next()).Take(random.Next(5, 40)).Select(n => "\"" + n.Replace("\"", "\"\"") + "\"");
            var csv = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', names.Prepend("company"))));
            var result = await importer.ImportAsync(managers[owner], owner, $"List {Guid.NewGuid():N}"[..12], MatchedListKind.Companies, "l.csv", csv, null, Ct);
            if (result.Succeeded)
            {
                _lists.Add((owner, result.Value!.Id));
            }
            return $"list upload for {owner}: {result.Succeeded}";
        }

        /// <summary>Targetings that touch every part of the index: facets, opt-outs, caps, activity, lists, engagement.</summary>
        public async Task<List<(Targeting, int)>> ProbesAsync()
        {
            var probes = new List<(Targeting, int)>();
            foreach (var account in accounts)
            {
                probes.Add((DeliveryScenario.Countries("US", "GB", "DE", "FR", "IN", "BR"), account));
                probes.Add((new Targeting([new(Facet.Location, ["US", "GB", "DE"]), new(Facet.Seniority, ["Senior", "Manager", "Director"])], []), account));
                probes.Add((new Targeting([new(Facet.Location, ["US", "GB", "DE", "FR"]), new(Facet.JobTitle, ["Data Engineer"])], []), account));
            }
            foreach (var (account, list) in _lists)
            {
                probes.Add((new Targeting([new(Facet.Location, ["US", "GB", "DE", "FR", "IN", "BR"]), new(Facet.MatchedAudience, [list.ToString(CultureInfo.InvariantCulture)])], []), account));
            }
            await using var db = s.Database.CreateContext();
            foreach (var campaign in _campaigns.TakeLast(3))
            {
                var account = await db.Campaigns.Where(c => c.Id == campaign).Select(c => c.AdvertiserAccountId).SingleAsync(Ct);
                foreach (var action in new[] { EngagedAction.Opened, EngagedAction.Clicked })
                {
                    probes.Add((new Targeting([new(Facet.Location, ["US", "GB", "DE", "FR", "IN", "BR"]), new(Facet.EngagedAudience, [EngagedAction.Value(campaign, action)])], []), account));
                }
            }
            return probes;
        }
    }
}

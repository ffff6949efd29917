using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Seeding;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Audiences;

/// <summary>
/// The index against a deliberately plain reference count over the same members, opt-outs, lists,
/// deliveries and activity, for a thousand random targetings: any difference is a bug in the index.
/// </summary>
public class AudienceIndexPropertyTests : IAsyncLifetime
{
    private const int Members = 2_500;
    private TestDatabase _db = default!;
    private AudienceIndex _index = default!;
    private Reference _reference = default!;
    private int _account;
    private int _otherAccount;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(randomSeed: 99);
        await _db.SeedAsync(Members);
        _index = _db.Get<AudienceIndex>();
        await _index.RebuildAsync(_db.Get<IAudienceSource>());
        _reference = await Reference.LoadAsync(_db);
        await using var db = _db.CreateContext();
        var accounts = await db.AdvertiserAccounts.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync();
        (_account, _otherAccount) = (accounts[0], accounts[1]);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public void MatchesTheReferenceCountForAThousandRandomTargetings()
    {
        var random = new Random(1234);
        ApplyRandomChanges(random);

        for (var i = 0; i < 1_000; i++)
        {
            var targeting = RandomTargeting(random);
            var sender = random.Next(4) == 0 ? _reference.AnySender(random) : (int?)null;

            var expected = _reference.Count(targeting, _account, sender, _db.Clock.GetUtcNow().UtcDateTime);
            var actual = _index.Count(targeting, _account, sender);

            actual.ShouldBe(expected, $"targeting #{i}: {targeting.ToJson()} sender {sender}");
            if (i % 100 == 99)
            {
                // Let time pass so that activity and both frequency caps expire for some members.
                // Seconds, not whole days: cutoffs then fall inside minutes, where rounding bugs live.
                _db.Clock.Advance(TimeSpan.FromSeconds(random.Next(86_400, 20 * 86_400)));
                ApplyRandomChanges(random);
            }
        }
    }

    [Fact]
    public void SamplesAreDistinctMembersThatMatch()
    {
        var targeting = new Targeting([new FacetCriterion(Facet.Location, ["US", "GB"])], []);

        var sample = _index.Sample(targeting, _account, 10, seed: 5);

        sample.Count.ShouldBe(10);
        sample.Distinct().Count().ShouldBe(10);
        sample.ShouldAllBe(id => _reference.Members[id].CountryCode == "US" || _reference.Members[id].CountryCode == "GB");
    }

    [Fact]
    public void NewMembersAndProfileChangesAreCountedAtOnce()
    {
        var targeting = new Targeting([new FacetCriterion(Facet.Location, ["SE/Stockholm"]), new FacetCriterion(Facet.Seniority, ["Owner"])], []);
        var before = _index.Count(targeting, _account).Matching;
        var newcomer = new MemberFacts(Members + 1, "SE", "Stockholm", "Banking", 1, "Owner", "Sales", Seniority.Owner, [0, 1, 2, 3, 4], 12, "sv", TestDatabase.Now.UtcDateTime);

        _index.OnMemberUpserted(newcomer);
        var afterAdd = _index.Count(targeting, _account).Matching;
        _index.OnMemberUpserted(newcomer with { Region = "Skåne" });
        var afterMove = _index.Count(targeting, _account).Matching;

        afterAdd.ShouldBe(before + 1);
        afterMove.ShouldBe(before);
        _index.MemberCount.ShouldBe(Members + 1);
    }

    private void ApplyRandomChanges(Random random)
    {
        var now = _db.Clock.GetUtcNow().UtcDateTime;
        for (var k = 0; k < 300; k++)
        {
            var member = random.Next(1, Members + 1);
            switch (random.Next(6))
            {
                case 0:
                    Change(member, OptOutScope.All, null, null, random.Next(3) > 0);
                    break;
                case 1:
                    Change(member, OptOutScope.Advertiser, random.Next(2) == 0 ? _account : _otherAccount, null, random.Next(3) > 0);
                    break;
                case 2:
                    Change(member, OptOutScope.Sender, null, _reference.AnySender(random), true);
                    break;
                case 3:
                    var delivery = new DeliveryFact(member, random.Next(2) == 0 ? _account : _otherAccount, now.AddSeconds(-random.Next(0, 70 * 86_400)));
                    _index.OnSponsoredDelivery(delivery);
                    _reference.Deliveries.Add(delivery);
                    break;
                default:
                    var seen = now.AddSeconds(-random.Next(0, 40 * 86_400));
                    _index.OnMemberActive(member, seen);
                    _reference.Members[member] = _reference.Members[member] with
                    {
                        LastActiveAt = seen > _reference.Members[member].LastActiveAt ? seen : _reference.Members[member].LastActiveAt,
                    };
                    break;
            }
        }
        foreach (var (id, account) in new[] { (9001, _account), (9002, _otherAccount), (9003, _account) })
        {
            var members = Enumerable.Range(0, random.Next(50, 400)).Select(_ => random.Next(1, Members + 1)).Distinct().ToArray();
            _index.OnMatchedAudienceSaved(id, account, members);
            _reference.Lists[id] = (account, members.ToHashSet());
        }
    }

    private void Change(int member, OptOutScope scope, int? account, int? sender, bool added)
    {
        _index.OnOptOutChanged(member, scope, account, sender, added);
        var key = (member, scope, account, sender);
        if (added)
        {
            _reference.OptOuts.Add(key);
        }
        else
        {
            _reference.OptOuts.Remove(key);
        }
    }

    private Targeting RandomTargeting(Random random)
    {
        var include = new List<FacetCriterion> { new(Facet.Location, Pick(random, LocationValues(), 1, 4)) };
        foreach (var facet in Shuffle(random, OtherFacets).Take(random.Next(0, 4)))
        {
            include.Add(new FacetCriterion(facet, Pick(random, ValuesOf(facet), 1, 6)));
        }
        var exclude = new List<FacetCriterion>();
        foreach (var facet in Shuffle(random, OtherFacets.Append(Facet.Location).ToArray()).Take(random.Next(0, 3)))
        {
            exclude.Add(new FacetCriterion(facet, Pick(random, ValuesOf(facet), 1, 3)));
        }
        return new Targeting(include, exclude);
    }

    private static readonly Facet[] OtherFacets =
    [
        Facet.Industry, Facet.Company, Facet.CompanySize, Facet.JobTitle, Facet.JobFunction, Facet.Seniority,
        Facet.Skill, Facet.YearsOfExperience, Facet.ProfileLanguage, Facet.MatchedAudience,
    ];

    private string[] ValuesOf(Facet facet) => facet switch
    {
        Facet.Location => LocationValues(),
        Facet.Industry => [.. Taxonomy.Industries],
        Facet.Company => _reference.Members.Values.Select(m => m.CompanyId.ToString()).Distinct().Take(60).ToArray(),
        Facet.CompanySize => Enum.GetNames<CompanySize>(),
        Facet.JobTitle => _reference.Members.Values.Select(m => m.JobTitle).Distinct().ToArray(),
        Facet.JobFunction => Taxonomy.Functions.Select(f => f.Name).ToArray(),
        Facet.Seniority => Enum.GetNames<Seniority>(),
        Facet.Skill => [.. Taxonomy.Skills],
        Facet.YearsOfExperience => ExperienceBands.All.Select(b => b.Key).ToArray(),
        Facet.ProfileLanguage => ["en", "de", "fr", "nl", "pt", "es", "sv", "ja"],
        // 9002 belongs to the other account: it must match nobody here.
        Facet.MatchedAudience => ["9001", "9002", "9003"],
        _ => [],
    };

    private static string[] LocationValues() =>
        Taxonomy.Countries.Select(c => c.Code).Concat(Taxonomy.Countries.SelectMany(c => c.Regions.Select(r => $"{c.Code}/{r}"))).ToArray();

    private static string[] Pick(Random random, string[] values, int min, int max) =>
        Shuffle(random, values).Take(Math.Min(values.Length, random.Next(min, max + 1))).ToArray();

    private static T[] Shuffle<T>(Random random, T[] values)
    {
        var copy = values.ToArray();
        random.Shuffle(copy);
        return copy;
    }

    /// <summary>The rules of SPEC §2 written as plainly as possible over in-memory members.</summary>
    private sealed class Reference
    {
        public Dictionary<int, MemberFacts> Members { get; } = [];
        public Dictionary<int, CompanySize> CompanySizes { get; } = [];
        public HashSet<(int Member, OptOutScope Scope, int? Account, int? Sender)> OptOuts { get; } = [];
        public List<DeliveryFact> Deliveries { get; } = [];
        public Dictionary<int, (int Account, HashSet<int> Members)> Lists { get; } = [];
        private int[] _senders = [];

        public static async Task<Reference> LoadAsync(TestDatabase database)
        {
            await using var db = database.CreateContext();
            var reference = new Reference();
            foreach (var m in await db.Members.AsNoTracking().ToListAsync())
            {
                reference.Members[m.Id] = MemberFacts.From(m);
            }
            foreach (var c in await db.Companies.AsNoTracking().ToListAsync())
            {
                reference.CompanySizes[c.Id] = c.Size;
            }
            foreach (var o in await db.MemberOptOuts.AsNoTracking().ToListAsync())
            {
                reference.OptOuts.Add((o.MemberId, o.Scope, o.AdvertiserAccountId, o.SenderMemberId));
            }
            reference._senders = await db.SenderPermissions.Select(p => p.MemberId).Distinct().ToArrayAsync();
            return reference;
        }

        public int AnySender(Random random) => _senders[random.Next(_senders.Length)];

        public AudienceBreakdown Count(Targeting targeting, int account, int? sender, DateTime now)
        {
            var matching = Members.Values.Where(m =>
                targeting.Include.All(c => c.Values.Any(v => Has(m, c.Facet, v, account)))
                && !targeting.Exclude.Any(c => c.Values.Any(v => Has(m, c.Facet, v, account)))).ToList();
            var reachable = matching.Where(m => !OptOuts.Contains((m.Id, OptOutScope.All, null, null))
                && !OptOuts.Contains((m.Id, OptOutScope.Advertiser, account, null))
                && (sender is null || !OptOuts.Contains((m.Id, OptOutScope.Sender, null, sender)))).ToList();
            var uncapped = reachable.Where(m => !Deliveries.Any(d => d.MemberId == m.Id && d.DeliveredAt >= TimeRules.CappedSince(now, 30))
                && !Deliveries.Any(d => d.MemberId == m.Id && d.AdvertiserAccountId == account && d.DeliveredAt >= TimeRules.CappedSince(now, 60))).ToList();
            var deliverable = uncapped.Count(m => m.LastActiveAt >= TimeRules.MinuteFloor(now).AddDays(-30));
            return new AudienceBreakdown(matching.Count, matching.Count - reachable.Count, reachable.Count - uncapped.Count,
                uncapped.Count - deliverable, deliverable);
        }

        private bool Has(MemberFacts m, Facet facet, string value, int account) => facet switch
        {
            Facet.Location when value.Contains('/') => $"{m.CountryCode}/{m.Region}" == value,
            Facet.Location => m.CountryCode == value,
            Facet.Industry => m.Industry == value,
            Facet.Company => m.CompanyId.ToString() == value,
            Facet.CompanySize => CompanySizes[m.CompanyId].ToString() == value,
            Facet.JobTitle => m.JobTitle == value,
            Facet.JobFunction => m.JobFunction == value,
            Facet.Seniority => m.Seniority.ToString() == value,
            Facet.Skill => m.SkillIds.Any(id => Taxonomy.SkillName(id) == value),
            Facet.YearsOfExperience => ExperienceBands.All.Single(b => b.Key == value) is var band && m.YearsOfExperience >= band.Min && m.YearsOfExperience <= band.Max,
            Facet.ProfileLanguage => m.ProfileLanguage == value,
            Facet.MatchedAudience => Lists.TryGetValue(int.Parse(value), out var list) && list.Account == account && list.Members.Contains(m.Id),
            _ => false,
        };
    }
}

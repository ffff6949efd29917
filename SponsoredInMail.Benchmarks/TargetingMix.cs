using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Benchmarks;

/// <summary>
/// A fixed, seeded mix of realistic targetings: the same seed always gives the same list. Each one has
/// Location (1–3 countries picked by network weight, a fifth of them narrowed to one region) plus three
/// other included facets with 3–10 values each (never the whole vocabulary) and one excluded facet with
/// 1–3 values, all spelled as the product stores them (see <see cref="Facet"/>).
/// </summary>
internal static class TargetingMix
{
    public const int DefaultSeed = 20_261_123;

    /// <summary>The facets the mix draws from besides Location, with their vocabularies as stored in targetings.</summary>
    private static readonly (Facet Facet, string[] Values)[] Vocabularies =
    [
        (Facet.Industry, Taxonomy.Industries.ToArray()),
        (Facet.JobFunction, Taxonomy.Functions.Select(f => f.Name).ToArray()),
        (Facet.Seniority, Enum.GetNames<Seniority>()),
        (Facet.Skill, Taxonomy.Skills.ToArray()),
        (Facet.CompanySize, Enum.GetNames<CompanySize>()),
        (Facet.YearsOfExperience, ExperienceBands.All.Select(b => b.Key).ToArray()),
    ];

    public static IReadOnlyList<Targeting> Generate(int count, int seed = DefaultSeed)
    {
        var random = new Random(seed);
        var targetings = new List<Targeting>(count);
        for (var i = 0; i < count; i++)
        {
            var include = new List<FacetCriterion> { new(Facet.Location, Locations(random)) };
            var facets = Shuffle(random, Enumerable.Range(0, Vocabularies.Length).ToArray());
            foreach (var f in facets.Take(3))
            {
                var (facet, values) = Vocabularies[f];
                include.Add(new FacetCriterion(facet, Pick(random, values, random.Next(3, Math.Min(10, values.Length - 1) + 1))));
            }
            var (excludedFacet, excludedValues) = Vocabularies[facets[3 + random.Next(3)]];
            var exclude = new List<FacetCriterion> { new(excludedFacet, Pick(random, excludedValues, random.Next(1, 4))) };
            targetings.Add(new Targeting(include, exclude));
        }
        return targetings;
    }

    private static List<string> Locations(Random random)
    {
        var countries = Taxonomy.Countries.ToList();
        var picked = new List<string>();
        var wanted = random.Next(1, 4);
        while (picked.Count < wanted)
        {
            // Weighted by the network's country weights, without replacement: big markets come up most.
            var roll = random.Next(countries.Sum(c => c.Weight));
            var at = 0;
            while (roll >= countries[at].Weight)
            {
                roll -= countries[at].Weight;
                at++;
            }
            var country = countries[at];
            countries.RemoveAt(at);
            picked.Add(random.NextDouble() < 0.2
                ? $"{country.Code}/{country.Regions[random.Next(country.Regions.Length)]}"
                : country.Code);
        }
        return picked;
    }

    private static List<string> Pick(Random random, string[] values, int count) =>
        Shuffle(random, values.ToArray()).Take(count).ToList();

    private static T[] Shuffle<T>(Random random, T[] items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items;
    }
}

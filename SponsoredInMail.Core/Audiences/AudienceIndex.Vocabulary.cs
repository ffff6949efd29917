using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Audiences;

/// <summary>A facet value as the pickers offer it: stored value, readable label, members carrying it.</summary>
public sealed record FacetValue(string Value, string Label, int Members);

/// <summary>The values a facet can take, for validation and the type-ahead pickers.</summary>
public interface IFacetVocabulary
{
    bool IsKnown(Facet facet, string value, int accountId);

    string Label(Facet facet, string value);
}

public sealed partial class AudienceIndex : IFacetVocabulary
{
    public bool IsKnown(Facet facet, string value, int accountId) => Read(state => facet switch
    {
        Facet.Location when value.Contains('/') => state.Regions.ContainsKey(value) || IsTaxonomyRegion(value),
        Facet.Location => Taxonomy.FindCountry(value) is not null,
        Facet.Industry => Taxonomy.Industries.Contains(value, StringComparer.OrdinalIgnoreCase),
        Facet.JobFunction => Taxonomy.Functions.Any(f => string.Equals(f.Name, value, StringComparison.OrdinalIgnoreCase)),
        Facet.Seniority => Enum.TryParse<Seniority>(value, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(value, out _),
        Facet.CompanySize => Enum.TryParse<CompanySize>(value, ignoreCase: true, out var size) && Enum.IsDefined(size) && !int.TryParse(value, out _),
        Facet.YearsOfExperience => ExperienceBands.All.Any(b => b.Key == value),
        Facet.ProfileLanguage => state.BitsetFacets[Facet.ProfileLanguage].ContainsKey(value) || Taxonomy.Countries.Any(c => c.Language == value),
        Facet.Skill => Taxonomy.SkillId(value) is not null,
        Facet.JobTitle => state.PostingFacets[Facet.JobTitle].ContainsKey(value),
        Facet.Company => int.TryParse(value, out var companyId) && state.Companies.ContainsKey(companyId),
        Facet.MatchedAudience => int.TryParse(value, out var listId) && state.Matched.TryGetValue(listId, out var list) && list.AccountId == accountId,
        Facet.EngagedAudience => EngagedAction.TryParse(value, out var campaignId, out _) && state.Engaged.TryGetValue(campaignId, out var engaged) && engaged.AccountId == accountId,
        _ => false,
    });

    public string Label(Facet facet, string value) => facet switch
    {
        Facet.Location when value.Split('/', 2) is [var country, var region] => $"{region}, {Taxonomy.CountryName(country)}",
        Facet.Location => Taxonomy.CountryName(value),
        Facet.Seniority when Enum.TryParse<Seniority>(value, true, out var s) => s.Label(),
        Facet.CompanySize when Enum.TryParse<CompanySize>(value, true, out var size) => size.Label(),
        Facet.YearsOfExperience => ExperienceBands.All.FirstOrDefault(b => b.Key == value)?.Label ?? value,
        Facet.ProfileLanguage => LanguageName(value),
        Facet.Company when int.TryParse(value, out var id) => Read(state => state.Companies.TryGetValue(id, out var c) ? c.Name : $"Company #{id}"),
        Facet.MatchedAudience => $"List #{value}",
        Facet.EngagedAudience => Read(state => EngagedLabel(state, value)),
        _ => value,
    };

    private static string EngagedLabel(IndexState state, string value) =>
        EngagedAction.TryParse(value, out var campaignId, out var action)
            ? $"{EngagedAction.Describe(action)} “{(state.Engaged.TryGetValue(campaignId, out var c) ? c.Name : $"Campaign #{campaignId}")}”"
            : value;

    /// <summary>
    /// Values of a facet whose label contains <paramref name="search"/> (all when empty), most members first,
    /// each with the number of members carrying it.
    /// </summary>
    public IReadOnlyList<FacetValue> Suggest(Facet facet, string? search, int accountId, int take = 20) => Read(state =>
    {
        IEnumerable<(string Value, int Members)> values = facet switch
        {
            Facet.Location => state.BitsetFacets[Facet.Location].Select(kv => (kv.Key, Bits.PopCount(kv.Value)))
                .Concat(state.Regions.Select(kv => (kv.Key, kv.Value.Count))),
            Facet.MatchedAudience => state.Matched.Where(kv => kv.Value.AccountId == accountId)
                .Select(kv => (CompanyKey(kv.Key), kv.Value.Members.Length)),
            Facet.EngagedAudience => state.Engaged.Where(kv => kv.Value.AccountId == accountId)
                .SelectMany(kv => EngagedAction.All.Select(a => (EngagedAction.Value(kv.Key, a), kv.Value.For(a)!.Count))),
            _ when state.BitsetFacets.TryGetValue(facet, out var sets) => sets.Select(kv => (kv.Key, Bits.PopCount(kv.Value))),
            _ when state.PostingFacets.TryGetValue(facet, out var postings) => postings.Select(kv => (kv.Key, kv.Value.Count)),
            _ => [],
        };
        var term = search?.Trim() ?? "";
        return values
            .Where(v => v.Members > 0)
            .Select(v => new FacetValue(v.Value, LabelUnlocked(state, facet, v.Value), v.Members))
            .Where(v => term.Length == 0 || v.Label.Contains(term, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(v => term.Length > 0 && v.Label.StartsWith(term, StringComparison.OrdinalIgnoreCase))
            .ThenByDescending(v => v.Members)
            .ThenBy(v => v.Label, StringComparer.OrdinalIgnoreCase)
            .Take(Math.Clamp(take, 1, 100))
            .ToList();
    });

    private string LabelUnlocked(IndexState state, Facet facet, string value) => facet switch
    {
        Facet.Company when int.TryParse(value, out var id) => state.Companies.TryGetValue(id, out var c) ? c.Name : $"Company #{id}",
        Facet.Company => value,
        Facet.EngagedAudience => EngagedLabel(state, value),
        _ => Label(facet, value),
    };

    private static bool IsTaxonomyRegion(string value) =>
        value.Split('/', 2) is [var country, var region]
        && Taxonomy.FindCountry(country)?.Regions.Contains(region, StringComparer.OrdinalIgnoreCase) == true;

    private static string LanguageName(string code) => code switch
    {
        "en" => "English",
        "de" => "German",
        "fr" => "French",
        "nl" => "Dutch",
        "pt" => "Portuguese",
        "es" => "Spanish",
        "sv" => "Swedish",
        "ja" => "Japanese",
        _ => code,
    };
}

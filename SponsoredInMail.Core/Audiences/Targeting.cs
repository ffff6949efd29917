using System.Text.Json;
using System.Text.Json.Serialization;

namespace SponsoredInMail.Core.Audiences;

// The targeting facets of SPEC §2. Stored by name in saved audiences: only ever append.
/// <summary>
/// What a targeting criterion's values are: Location ("US" or "US/California"), Industry, Company (a company id), CompanySize,
/// JobTitle, JobFunction, Seniority, Skill, YearsOfExperience ("3-5"), ProfileLanguage ("en"), MatchedAudience (a matched list's
/// id) or EngagedAudience ("campaignId:opened", ":clicked" or ":lead").
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Facet>))]
public enum Facet
{
    /// <summary>Country code ("US") or country and region ("US/California").</summary>
    Location,
    Industry,
    /// <summary>Company id as text.</summary>
    Company,
    /// <summary><see cref="Members.CompanySize"/> name.</summary>
    CompanySize,
    JobTitle,
    JobFunction,
    /// <summary><see cref="Members.Seniority"/> name.</summary>
    Seniority,
    Skill,
    /// <summary>A <see cref="ExperienceBands"/> key such as "3-5".</summary>
    YearsOfExperience,
    /// <summary>ISO 639-1 code.</summary>
    ProfileLanguage,
    /// <summary>Matched audience (uploaded list) id as text; must belong to the account.</summary>
    MatchedAudience,
    /// <summary>Engaged audience: "campaignId:opened", ":clicked" or ":lead" for a launched campaign of the account.</summary>
    EngagedAudience,
}

/// <summary>One facet with the values it accepts (OR within the facet).</summary>
/// <param name="Facet">What the values are, e.g. Location.</param>
/// <param name="Values">The accepted values, 1–200 (a member matching any one of them matches the facet), e.g. "US" for Location, a matched list's id as text for MatchedAudience.</param>
public sealed record FacetCriterion([property: JsonRequired] Facet Facet, IReadOnlyList<string> Values);

/// <summary>
/// Who an audience reaches: every included facet must match (AND across facets, OR within one), and
/// a member matching any excluded facet is removed. Location is required.
/// </summary>
/// <param name="Include">Facets a member must all match (each facet at most once); Location is required.</param>
/// <param name="Exclude">Facets that remove a member who matches any of them.</param>
public sealed record Targeting(IReadOnlyList<FacetCriterion> Include, IReadOnlyList<FacetCriterion> Exclude)
{
    public static Targeting Empty { get; } = new([], []);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static Targeting FromJson(string json) => JsonSerializer.Deserialize<Targeting>(json, Json) ?? Empty;

    public Targeting WithInclude(Facet facet, IReadOnlyList<string> values) =>
        this with { Include = Replace(Include, facet, values) };

    public Targeting WithExclude(Facet facet, IReadOnlyList<string> values) =>
        this with { Exclude = Replace(Exclude, facet, values) };

    public IReadOnlyList<string> IncludedValues(Facet facet) => Include.FirstOrDefault(c => c.Facet == facet)?.Values ?? [];

    public IReadOnlyList<string> ExcludedValues(Facet facet) => Exclude.FirstOrDefault(c => c.Facet == facet)?.Values ?? [];

    private static List<FacetCriterion> Replace(IReadOnlyList<FacetCriterion> criteria, Facet facet, IReadOnlyList<string> values)
    {
        var list = criteria.Where(c => c.Facet != facet).ToList();
        if (values.Count > 0)
        {
            list.Add(new FacetCriterion(facet, values.ToList()));
        }
        return list.OrderBy(c => c.Facet).ToList();
    }
}

/// <summary>Years-of-experience bands, as LinkedIn groups them.</summary>
public static class ExperienceBands
{
    public sealed record Band(string Key, string Label, int Min, int Max);

    public static readonly IReadOnlyList<Band> All =
    [
        new("0-1", "Less than 1 year", 0, 0),
        new("1-2", "1 to 2 years", 1, 2),
        new("3-5", "3 to 5 years", 3, 5),
        new("6-10", "6 to 10 years", 6, 10),
        new("11-15", "11 to 15 years", 11, 15),
        new("16-20", "16 to 20 years", 16, 20),
        new("21+", "More than 20 years", 21, int.MaxValue),
    ];

    public static int IndexOf(int years)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (years >= All[i].Min && years <= All[i].Max)
            {
                return i;
            }
        }
        return 0;
    }
}

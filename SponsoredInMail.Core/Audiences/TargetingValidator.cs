using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Audiences;

/// <summary>
/// Checks a targeting against SPEC §2 and reports every problem at once, each under the facet it
/// concerns ("Location", "Industry", "Exclude.Seniority", …) in words a marketer can act on.
/// </summary>
public static class TargetingValidator
{
    public static Result Validate(Targeting targeting, IFacetVocabulary vocabulary, int accountId)
    {
        var errors = new List<FieldError>();
        if (targeting.Include.FirstOrDefault(c => c.Facet == Facet.Location) is not { Values.Count: > 0 })
        {
            errors.Add(new FieldError(nameof(Facet.Location), "Location is required: add at least one country or region."));
        }
        Check(targeting.Include, "", vocabulary, accountId, errors);
        Check(targeting.Exclude, "Exclude.", vocabulary, accountId, errors);
        foreach (var included in targeting.Include)
        {
            var excluded = targeting.ExcludedValues(included.Facet);
            foreach (var value in included.Values.Intersect(excluded, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(new FieldError($"Exclude.{included.Facet}",
                    $"'{vocabulary.Label(included.Facet, value)}' is both included and excluded in {FacetNames.Of(included.Facet)}."));
            }
        }
        return errors.Count == 0 ? Result.Ok : Result.Fail(errors);
    }

    private static void Check(IReadOnlyList<FacetCriterion> criteria, string prefix, IFacetVocabulary vocabulary, int accountId, List<FieldError> errors)
    {
        foreach (var group in criteria.GroupBy(c => c.Facet).Where(g => g.Count() > 1))
        {
            errors.Add(new FieldError(prefix + group.Key, $"{FacetNames.Of(group.Key)} appears twice; put all its values in one facet."));
        }
        foreach (var criterion in criteria)
        {
            var field = prefix + criterion.Facet;
            var name = FacetNames.Of(criterion.Facet);
            if (criterion.Values.Count == 0)
            {
                errors.Add(new FieldError(field, $"{name} is empty: choose at least one value or remove the facet."));
                continue;
            }
            if (criterion.Values.Count > AudienceRules.MaxValuesPerFacet)
            {
                errors.Add(new FieldError(field, $"{name} can have at most {AudienceRules.MaxValuesPerFacet} values; it has {criterion.Values.Count}."));
            }
            foreach (var value in criterion.Values)
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    errors.Add(new FieldError(field, $"{name} has a blank value."));
                }
                else if (!vocabulary.IsKnown(criterion.Facet, value, accountId))
                {
                    errors.Add(new FieldError(field, $"Unknown {name.ToLowerInvariant()} '{value}'."));
                }
            }
            foreach (var duplicate in criterion.Values.GroupBy(v => v, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                errors.Add(new FieldError(field, $"{name} lists '{duplicate.Key}' more than once."));
            }
        }
    }
}

public static class FacetNames
{
    public static string Of(Facet facet) => facet switch
    {
        Facet.Location => "Location",
        Facet.Industry => "Industry",
        Facet.Company => "Company",
        Facet.CompanySize => "Company size",
        Facet.JobTitle => "Job title",
        Facet.JobFunction => "Job function",
        Facet.Seniority => "Seniority",
        Facet.Skill => "Skills",
        Facet.YearsOfExperience => "Years of experience",
        Facet.ProfileLanguage => "Profile language",
        Facet.MatchedAudience => "Matched list",
        Facet.EngagedAudience => "Engaged audience",
        _ => facet.ToString(),
    };
}

/// <summary>The targeting as one readable sentence, e.g. "in United States AND (Director OR VP) AND NOT Contoso".</summary>
public static class TargetingDescription
{
    public static string Describe(Targeting targeting, IFacetVocabulary vocabulary)
    {
        var parts = new List<string>();
        foreach (var criterion in targeting.Include.Where(c => c.Values.Count > 0))
        {
            var values = Group(criterion, vocabulary);
            parts.Add(criterion.Facet == Facet.Location ? $"in {values}" : values);
        }
        foreach (var criterion in targeting.Exclude.Where(c => c.Values.Count > 0))
        {
            parts.Add($"NOT {FacetNames.Of(criterion.Facet).ToLowerInvariant()} {Group(criterion, vocabulary)}");
        }
        return parts.Count == 0 ? "Everyone in the network (add a location to start)" : string.Join(" AND ", parts);
    }

    private static string Group(FacetCriterion criterion, IFacetVocabulary vocabulary)
    {
        var labels = criterion.Values.Select(v => vocabulary.Label(criterion.Facet, v)).ToList();
        return labels.Count == 1 ? labels[0] : $"({string.Join(" OR ", labels)})";
    }
}

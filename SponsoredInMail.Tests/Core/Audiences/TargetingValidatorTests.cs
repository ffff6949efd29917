using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Audiences;

/// <summary>Every targeting rule of SPEC §2, reported with the facet it concerns and all at once.</summary>
public class TargetingValidatorTests(SeededIndex seeded) : IClassFixture<SeededIndex>
{
    private AudienceIndex Index => seeded.Index;

    private static Targeting With(params FacetCriterion[] include) => new(include, []);

    [Fact]
    public void AValidTargetingPasses()
    {
        var targeting = new Targeting(
            [new(Facet.Location, ["US", "GB/London"]), new(Facet.Seniority, ["Director", "VP"]), new(Facet.Skill, ["C#"])],
            [new(Facet.Industry, ["Banking"])]);

        TargetingValidator.Validate(targeting, Index, seeded.AccountId).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void LocationIsRequired()
    {
        var result = TargetingValidator.Validate(With(new FacetCriterion(Facet.Seniority, ["Director"])), Index, seeded.AccountId);

        result.ErrorFor("Location").ShouldBe("Location is required: add at least one country or region.");
    }

    [Fact]
    public void AnExcludedLocationDoesNotCountAsTheRequiredOne()
    {
        var result = TargetingValidator.Validate(new Targeting([], [new(Facet.Location, ["US"])]), Index, seeded.AccountId);

        result.ErrorFor("Location").ShouldNotBeNull();
    }

    [Fact]
    public void AnEmptyFacetIsRefused()
    {
        var result = TargetingValidator.Validate(With(new(Facet.Location, ["US"]), new(Facet.Industry, [])), Index, seeded.AccountId);

        result.ErrorFor("Industry").ShouldBe("Industry is empty: choose at least one value or remove the facet.");
    }

    [Theory]
    [InlineData(Facet.Location, "Atlantis")]
    [InlineData(Facet.Location, "US/Atlantis")]
    [InlineData(Facet.Industry, "Piracy")]
    [InlineData(Facet.Seniority, "Emperor")]
    [InlineData(Facet.Seniority, "6")]
    [InlineData(Facet.CompanySize, "Huge")]
    [InlineData(Facet.Skill, "Juggling")]
    [InlineData(Facet.YearsOfExperience, "100+")]
    [InlineData(Facet.Company, "999999")]
    [InlineData(Facet.JobTitle, "Chief Juggler")]
    [InlineData(Facet.MatchedAudience, "424242")]
    public void UnknownValuesAreNamedInTheMessage(Facet facet, string value)
    {
        var include = facet == Facet.Location ? With(new FacetCriterion(facet, [value])) : With(new(Facet.Location, ["US"]), new(facet, [value]));

        var result = TargetingValidator.Validate(include, Index, seeded.AccountId);

        result.ErrorFor(facet.ToString()).ShouldNotBeNull().ShouldContain($"'{value}'");
    }

    [Fact]
    public void AFacetTwiceOnOneSideIsRefused()
    {
        var result = TargetingValidator.Validate(With(new(Facet.Location, ["US"]), new(Facet.Seniority, ["VP"]), new(Facet.Seniority, ["CXO"])), Index, seeded.AccountId);

        result.ErrorFor("Seniority").ShouldBe("Seniority appears twice; put all its values in one facet.");
    }

    [Fact]
    public void AValueBothIncludedAndExcludedIsRefused()
    {
        var targeting = new Targeting([new(Facet.Location, ["US"]), new(Facet.Seniority, ["VP"])], [new(Facet.Seniority, ["VP"])]);

        TargetingValidator.Validate(targeting, Index, seeded.AccountId).ErrorFor("Exclude.Seniority")
            .ShouldBe("'VP' is both included and excluded in Seniority.");
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var targeting = new Targeting([new(Facet.Industry, []), new(Facet.Skill, ["Juggling"])], [new(Facet.JobFunction, [])]);

        var result = TargetingValidator.Validate(targeting, Index, seeded.AccountId);

        result.Errors.Select(e => e.Field).ShouldBe(["Location", "Industry", "Skill", "Exclude.JobFunction"], ignoreOrder: true);
    }

    [Fact]
    public void TheSentenceReadsLikeTheLogic()
    {
        var targeting = new Targeting(
            [new(Facet.Location, ["US"]), new(Facet.Seniority, ["Director", "VP"])],
            [new(Facet.Industry, ["Banking"])]);

        TargetingDescription.Describe(targeting, Index).ShouldBe("in United States AND (Director OR VP) AND NOT industry Banking");
    }
}

using System.Text.Json;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Seeding;

namespace SponsoredInMail.Tests.Core.Seeding;

public class NetworkGeneratorTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void SameSeedGivesTheSameNetwork()
    {
        var first = new NetworkGenerator(7, 25_000, Now);
        var second = new NetworkGenerator(7, 25_000, Now);

        // Generate the chunks in a different order the second time: chunks must not depend on each other.
        var a = Enumerable.Range(0, first.ChunkCount).SelectMany(first.GenerateChunk).ToList();
        var b = Enumerable.Range(0, second.ChunkCount).Reverse().Select(second.GenerateChunk).Reverse().SelectMany(c => c).ToList();

        JsonSerializer.Serialize(a).ShouldBe(JsonSerializer.Serialize(b));
        JsonSerializer.Serialize(first.Companies).ShouldBe(JsonSerializer.Serialize(second.Companies));
    }

    [Fact]
    public void DifferentSeedGivesADifferentNetwork()
    {
        var a = new NetworkGenerator(7, 1_000, Now).GenerateChunk(0);
        var b = new NetworkGenerator(8, 1_000, Now).GenerateChunk(0);

        a.Select(m => m.FullName).ShouldNotBe(b.Select(m => m.FullName));
    }

    [Fact]
    public void MembersGetConsecutiveIdsAcrossChunks()
    {
        var generator = new NetworkGenerator(1, 23_456, Now);

        var ids = Enumerable.Range(0, generator.ChunkCount).SelectMany(generator.GenerateChunk).Select(m => m.Id).ToList();

        ids.ShouldBe(Enumerable.Range(1, 23_456));
    }

    [Fact]
    public void JobTitlesAgreeWithFunctionAndSeniority()
    {
        foreach (var member in new NetworkGenerator(3, 5_000, Now).GenerateChunk(0))
        {
            var function = Taxonomy.FindFunction(member.JobFunction);
            function.ShouldNotBeNull();
            new[] { Taxonomy.TitleFor(function, member.Seniority, false), Taxonomy.TitleFor(function, member.Seniority, true) }
                .ShouldContain(member.JobTitle, $"member {member.Id}");
        }
    }

    [Fact]
    public void FacetsComeFromTheVocabularies()
    {
        var generator = new NetworkGenerator(3, 5_000, Now);
        var companyIds = generator.Companies.Select(c => c.Id).ToHashSet();

        foreach (var m in generator.GenerateChunk(0))
        {
            var country = Taxonomy.FindCountry(m.CountryCode);
            country.ShouldNotBeNull();
            country.Regions.ShouldContain(m.Region);
            Taxonomy.Industries.ShouldContain(m.Industry);
            companyIds.ShouldContain(m.CompanyId);
            m.ProfileLanguage.ShouldBeOneOf("en", country.Language);
            m.SkillIds.Count.ShouldBeInRange(5, 15);
            m.SkillIds.Distinct().Count().ShouldBe(m.SkillIds.Count);
            m.SkillIds.ShouldAllBe(id => id >= 0 && id < Taxonomy.Skills.Count);
            m.YearsOfExperience.ShouldBeInRange(0, 40);
            m.Email.ShouldContain('@');
        }
    }

    [Fact]
    public void SeniorPeopleHaveMoreExperienceThanTrainees()
    {
        var members = new NetworkGenerator(3, 10_000, Now).GenerateChunk(0);

        var trainees = members.Where(m => m.Seniority == Seniority.Training).Average(m => m.YearsOfExperience);
        var executives = members.Where(m => m.Seniority == Seniority.CXO).Average(m => m.YearsOfExperience);

        executives.ShouldBeGreaterThan(trainees + 10);
    }

    [Fact]
    public void AboutSeventyPercentWereActiveInTheLast30Days()
    {
        var members = new NetworkGenerator(11, 10_000, Now).GenerateChunk(0);

        var active = members.Count(m => m.LastActiveAt >= Now.AddDays(-30)) / (double)members.Length;

        active.ShouldBeInRange(0.66, 0.74);
        members.ShouldAllBe(m => m.LastActiveAt <= Now);
    }

    [Fact]
    public void ASmallShareTurnedPersonalizationOff()
    {
        var members = new NetworkGenerator(11, 10_000, Now).GenerateChunk(0);

        var share = members.Count(m => m.PersonalizationOff) / (double)members.Length;

        share.ShouldBeInRange(0.02, 0.06);
    }

    [Fact]
    public void TheSkillVocabularyHasSeveralHundredDistinctSkills()
    {
        Taxonomy.Skills.Count.ShouldBeGreaterThanOrEqualTo(300);
        Taxonomy.Skills.Distinct(StringComparer.OrdinalIgnoreCase).Count().ShouldBe(Taxonomy.Skills.Count);
    }
}

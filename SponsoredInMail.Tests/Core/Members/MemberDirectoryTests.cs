using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Members;

/// <summary>The admin's member look-up: search, facet filters, sort and paging over the real network.</summary>
public class MemberDirectoryTests(SeededDatabase seeded) : IClassFixture<SeededDatabase>
{
    private MemberDirectory Directory => seeded.Database.Get<MemberDirectory>();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithoutFiltersEveryMemberIsCountedAndPagesAreFull()
    {
        var page = await Directory.SearchAsync(new MemberQuery { PageSize = 25, Page = 3 }, Ct);

        page.TotalCount.ShouldBe(SeededDatabase.Members);
        page.Items.Count.ShouldBe(25);
    }

    [Fact]
    public async Task SearchFindsAMemberByLastNamePrefixCaseInsensitively()
    {
        var target = await AnyMemberAsync(m => m.Id == 123);

        var prefix = target.LastName.Substring(0, 3);

        var page = await Directory.SearchAsync(new MemberQuery { Search = prefix.ToLowerInvariant(), PageSize = 100 }, Ct);

        page.Items.ShouldContain(r => r.Id == 123);
        page.Items.ShouldAllBe(r => r.Name.Contains(prefix, StringComparison.OrdinalIgnoreCase)
            || r.Email.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            || r.JobTitle.Contains(prefix, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task WildcardCharactersInTheSearchAreTakenLiterally()
    {
        var page = await Directory.SearchAsync(new MemberQuery { Search = "%" }, Ct);

        page.TotalCount.ShouldBe(0);
    }

    [Fact]
    public async Task FacetFiltersCombineWithAnd()
    {
        var query = new MemberQuery { CountryCode = "US", Seniority = Seniority.Director, JobFunction = "Engineering", PageSize = 100 };

        var page = await Directory.SearchAsync(query, Ct);

        await using var db = seeded.Database.CreateContext();
        var expected = await db.Members.CountAsync(m => m.CountryCode == "US" && m.Seniority == Seniority.Director && m.JobFunction == "Engineering", Ct);
        page.TotalCount.ShouldBe(expected);
        page.Items.ShouldAllBe(r => r.CountryCode == "US" && r.Seniority == Seniority.Director);
    }

    [Fact]
    public async Task ActiveOnlyUsesTheConfiguredThirtyDayWindow()
    {
        var active = await Directory.SearchAsync(new MemberQuery { ActiveOnly = true, PageSize = 1 }, Ct);
        var inactive = await Directory.SearchAsync(new MemberQuery { ActiveOnly = false, PageSize = 1 }, Ct);

        (active.TotalCount + inactive.TotalCount).ShouldBe(SeededDatabase.Members);
        (active.TotalCount / (double)SeededDatabase.Members).ShouldBeInRange(0.64, 0.76);
    }

    [Fact]
    public async Task SortsByLastActiveNewestFirst()
    {
        var page = await Directory.SearchAsync(new MemberQuery { Sort = MemberSort.LastActive, Descending = true, PageSize = 50 }, Ct);

        page.Items.Select(r => r.LastActiveAt).ShouldBeInOrder(SortDirection.Descending);
    }

    [Fact]
    public async Task PageSizeIsCappedAtOneHundred()
    {
        var page = await Directory.SearchAsync(new MemberQuery { PageSize = 10_000 }, Ct);

        page.Items.Count.ShouldBe(MemberQuery.MaxPageSize);
    }

    [Fact]
    public async Task ProfileShowsCompanySkillsOptOutsAndSenderRequests()
    {
        var profile = await Directory.GetProfileAsync(1, Ct);

        profile.ShouldNotBeNull();
        profile.Company.Id.ShouldBe(profile.Member.CompanyId);
        profile.Skills.Count.ShouldBe(profile.Member.SkillIds.Count);
        profile.SenderPermissions.Count.ShouldBe(2);
        profile.IsActive.ShouldBeTrue();
    }

    [Fact]
    public async Task UnknownMemberHasNoProfile()
    {
        (await Directory.GetProfileAsync(999_999, Ct)).ShouldBeNull();
    }

    private async Task<Member> AnyMemberAsync(System.Linq.Expressions.Expression<Func<Member, bool>> predicate)
    {
        await using var db = seeded.Database.CreateContext();
        return await db.Members.FirstAsync(predicate, Ct);
    }
}

using Bunit;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Audiences;

namespace SponsoredInMail.Tests.Web.Components;

public class AudienceBuilderTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    private static readonly Targeting UsOrGbDirectors =
        new([new(Facet.Location, ["US", "GB"]), new(Facet.Seniority, ["Director"])], [new(Facet.Industry, ["Banking"])]);

    [Fact]
    public async Task ASavedAudienceOpensWithItsSentenceAndLiveBreakdown()
    {
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var account = await AccountIdAsync("Contoso Cloud");
        var id = await SaveAsync("maria@contoso.example", account, $"Directors {Guid.NewGuid():N}", UsOrGbDirectors);
        var expected = Database.Get<AudienceIndex>().Count(UsOrGbDirectors, account);

        var page = Render<AudienceBuilderPage>(p => p.Add(x => x.AccountId, account).Add(x => x.AudienceId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=matching]").TextContent.ShouldBe(expected.Matching.ToString("N0")));
        page.Find("[data-testid=deliverable]").TextContent.ShouldBe(expected.Deliverable.ToString("N0"));
        page.Find("[data-testid=targeting-sentence]").TextContent.ShouldBe("in (United States OR United Kingdom) AND Director AND NOT industry Banking");
        page.FindAll("[data-testid=include-Location] .mud-chip").Select(c => c.TextContent.Trim()).ShouldBe(["United States", "United Kingdom"]);
        page.FindAll("[data-testid=save-audience]").Count.ShouldBe(1);
    }

    [Fact]
    public async Task RemovingAChipRecountsAtOnce()
    {
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var account = await AccountIdAsync("Contoso Cloud");
        var id = await SaveAsync("maria@contoso.example", account, $"Chips {Guid.NewGuid():N}", UsOrGbDirectors);
        var page = Render<AudienceBuilderPage>(p => p.Add(x => x.AccountId, account).Add(x => x.AudienceId, id));
        page.WaitForAssertion(() => page.FindAll("[data-testid=include-Location] .mud-chip").Count.ShouldBe(2));

        await page.InvokeAsync(() => page.Find("[data-testid=include-Location] .mud-chip[data-value=GB] button").Click());

        var usOnly = UsOrGbDirectors.WithInclude(Facet.Location, ["US"]);
        var expected = Database.Get<AudienceIndex>().Count(usOnly, account).Matching.ToString("N0");
        page.WaitForAssertion(() => page.Find("[data-testid=matching]").TextContent.ShouldBe(expected));
        page.Find("[data-testid=targeting-sentence]").TextContent.ShouldStartWith("in United States AND");
    }

    [Fact]
    public async Task AViewerSeesTheAudienceButCannotSave()
    {
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var northwind = await AccountIdAsync("Northwind Analytics");
        var id = await SaveAsync("ben@northwind.example", northwind, $"Ben's {Guid.NewGuid():N}", UsOrGbDirectors);

        var page = Render<AudienceBuilderPage>(p => p.Add(x => x.AccountId, northwind).Add(x => x.AudienceId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=matching]"));
        page.FindAll("[data-testid=save-audience]").ShouldBeEmpty();
    }

    [Fact]
    public async Task AnotherAccountsAudienceIsNotFound()
    {
        await SignInAsAsync("ben@northwind.example");
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await SaveAsync("maria@contoso.example", contoso, $"Secret {Guid.NewGuid():N}", UsOrGbDirectors);

        var northwind = await AccountIdAsync("Northwind Analytics");

        var asOwnAccount = Render<AudienceBuilderPage>(p => p.Add(x => x.AccountId, northwind).Add(x => x.AudienceId, id));
        var asTheirAccount = Render<AudienceBuilderPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.AudienceId, id));

        asOwnAccount.WaitForAssertion(() => asOwnAccount.Find("[data-testid=not-found] h1").TextContent.ShouldBe("Audience not found"));
        asTheirAccount.WaitForAssertion(() => asTheirAccount.Markup.ShouldContain("Account not found"));
        asTheirAccount.Markup.ShouldNotContain("Secret");
    }

    [Fact]
    public void TheBreakdownWarnsBelowTheMinimumOnly()
    {
        var small = Render<BreakdownPanel>(p => p.Add(x => x.Breakdown, new AudienceBreakdown(500, 20, 10, 200, 270)).Add(x => x.Minimum, 300));
        var large = Render<BreakdownPanel>(p => p.Add(x => x.Breakdown, new AudienceBreakdown(5000, 20, 10, 200, 4770)).Add(x => x.Minimum, 300));

        small.Find("[data-testid=minimum-warning]").TextContent.ShouldContain("minimum of 300 deliverable members");
        large.FindAll("[data-testid=minimum-warning]").ShouldBeEmpty();
        large.Find("[data-testid=inactive]").TextContent.ShouldBe("200");
    }

    private async Task<int> SaveAsync(string email, int account, string name, Targeting targeting)
    {
        var created = await Database.Get<AudienceService>().CreateAsync(await UserIdAsync(email), account, name, targeting);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return created.Value;
    }
}

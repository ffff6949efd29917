using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Tests.Browser;

/// <summary>A marketer builds an audience in Chromium: pick facets, watch the live count, save, find it in the list.</summary>
[Collection(BrowserCollection.Name)]
public class AudienceJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task AMarketerBuildsCountsAndSavesAnAudience()
    {
        Browser.SkipWhenUnavailable();
        var advertiser = await People.NewAdvertiserAsync("Contoso");
        var page = await NewPageAsync();
        await page.LoginAsync(advertiser.Email);

        await page.GetByRole(AriaRole.Link, new() { Name = "Audiences", Exact = true }).ClickAsync();
        await page.GetByTestId("new-audience").ClickAsync();
        await page.Locator("#app-state[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.GetByTestId("audience-name").FillAsync("US and UK decision makers");
        await PickAsync(page, "include-Location", "United States");
        await Assertions.Expect(page.GetByTestId("matching")).Not.ToHaveTextAsync("0");
        var countryOnly = await page.GetByTestId("matching").TextContentAsync();
        await PickAsync(page, "include-Location", "United Kingdom");
        await PickAsync(page, "include-Seniority", "Director");

        await Assertions.Expect(page.GetByTestId("targeting-sentence")).ToHaveTextAsync("in (United States OR United Kingdom) AND Director");
        await Assertions.Expect(page.GetByTestId("matching")).Not.ToHaveTextAsync(countryOnly!);
        await Assertions.Expect(page.GetByTestId("minimum-warning")).ToBeVisibleAsync();
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();

        await page.GetByTestId("save-audience").ClickAsync();
        await page.WaitForAddressAsync("/audiences/\\d+$");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to audiences" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("audience-list")).ToContainTextAsync("US and UK decision makers");
    }

    [Fact]
    public async Task AMarketerUploadsACompanyListAndTargetsIt()
    {
        Browser.SkipWhenUnavailable();
        var companies = await BiggestCompaniesAsync(40);
        var csv = "company,website\n" + string.Join("\n", companies.Select(c => $"\"{c}\",")) + "\n,missing.example\n";
        var advertiser = await People.NewAdvertiserAsync("Northwind");
        var page = await NewPageAsync();
        await page.LoginAsync(advertiser.Email);
        await page.GetByRole(AriaRole.Link, new() { Name = "Audiences", Exact = true }).ClickAsync();

        await page.GetByTestId("upload-list").ClickAsync();
        await page.GetByTestId("list-name").FillAsync("Target accounts");
        await page.Locator(".mud-dialog input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "targets.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv),
        });
        await page.GetByTestId("start-upload").ClickAsync();

        await Assertions.Expect(page.GetByTestId("upload-result")).ToBeVisibleAsync();
        (await page.GetByTestId("members-matched").TextContentAsync()).ShouldNotBe("0");
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("matched-lists")).ToContainTextAsync("Target accounts");
        await Assertions.Expect(page.GetByTestId("matched-lists")).ToContainTextAsync("1 (download)");

        await page.GetByTestId("new-audience").ClickAsync();
        await page.Locator("#app-state[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await PickAsync(page, "include-Location", "United States");
        await PickAsync(page, "include-MatchedAudience", "Target accounts");
        await Assertions.Expect(page.GetByTestId("targeting-sentence")).ToHaveTextAsync("in United States AND Target accounts");
    }

    private async Task<List<string>> BiggestCompaniesAsync(int take)
    {
        var factory = Browser.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.Companies.OrderByDescending(c => db.Members.Count(m => m.CompanyId == c.Id)).Select(c => c.Name).Take(take).ToListAsync();
    }

    private static async Task PickAsync(IPage page, string picker, string label)
    {
        var input = page.GetByTestId(picker).Locator("input");
        await input.ClickAsync();
        await input.FillAsync(label);
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = label + " (" }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId(picker).Locator(".mud-chip")).ToContainTextAsync([label]);
    }
}

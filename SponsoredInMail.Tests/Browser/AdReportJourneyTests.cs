using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Web;

namespace SponsoredInMail.Tests.Browser;

/// <summary>A marketer reads a campaign's two ads side by side, then expands the campaign into its ads on the reports page; axe on both.</summary>
[Collection(BrowserCollection.Name)]
public class AdReportJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task AMarketerReadsTheAdsSideBySideAndExpandsTheCampaignIntoItsAds()
    {
        Browser.SkipWhenUnavailable();
        var factory = Browser.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var advertiser = await People.NewAdvertiserAsync("Contoso");
        var (campaign, adA, adB) = await TwoAdCampaign.CreateAsync(factory, advertiser.AccountName, DateTime.UtcNow.AddDays(-3));

        var page = await NewPageAsync(1400, 1000);
        await page.LoginAsync(advertiser.Email);
        await page.GotoAsync($"/accounts/{advertiser.AccountId}/campaigns/{campaign}/report");
        await page.WaitForInteractiveAsync();
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Each ad's figures" });
        await Assertions.Expect(table.GetByRole(AriaRole.Columnheader)).ToHaveTextAsync(["Figure", "A · Variant A", "B · Variant B"]);
        await Assertions.Expect(page.Locator($"[data-testid=ad-row][data-metric=open-rate] td[data-ad='{adA}']")).ToHaveTextAsync("100.0% (above)");
        await Assertions.Expect(page.Locator($"[data-testid=ad-row][data-metric=share-of-sends] td[data-ad='{adB}']")).ToHaveTextAsync("50.0%");
        await page.GetByTestId("ads-chart-figure").Filter(new() { HasText = "Opens" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("ads-chart-title")).ToHaveTextAsync("Opens per day, one line per ad");
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();

        await page.GotoAsync($"/accounts/{advertiser.AccountId}/reports");
        await page.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show the 2 ads of" }).ClickAsync();
        var ads = page.GetByRole(AriaRole.Table, new() { Name = "The ads of" });
        await Assertions.Expect(ads.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(["A · Variant A", "B · Variant B"]);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Hide the 2 ads of" })).ToHaveAttributeAsync("aria-expanded", "true");
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
    }
}

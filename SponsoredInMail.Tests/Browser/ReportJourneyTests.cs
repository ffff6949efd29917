using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Tests.Web.Components.Inbox;

namespace SponsoredInMail.Tests.Browser;

/// <summary>A marketer opens a campaign report, narrows the range, downloads a table as CSV; axe on the report pages.</summary>
[Collection(BrowserCollection.Name)]
public class ReportJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task AMarketerReadsAReportChangesTheRangeAndDownloadsTheCsv()
    {
        Browser.SkipWhenUnavailable();
        var ct = TestContext.Current.CancellationToken;
        var factory = Browser.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var data = new InboxTestData(factory, () => DateTime.UtcNow);
        var member = await People.NewMemberAsync();
        var advertiser = await People.NewAdvertiserAsync("Contoso");
        var delivery = await data.MessageAdAsync(member.MemberId, advertiser.AccountName, "Report: a message", DateTime.UtcNow.AddDays(-3));
        await Browser.Services.GetRequiredService<InboxService>().OpenSponsoredAsync(member.MemberId, delivery, ct: ct);
        int campaign, contoso;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var row = await db.Deliveries.Where(d => d.Id == delivery).Select(d => new { d.CampaignId, d.AdvertiserAccountId }).SingleAsync(ct);
            (campaign, contoso) = (row.CampaignId, row.AdvertiserAccountId);
        }

        var page = await NewPageAsync(1400, 1000);
        await page.LoginAsync(advertiser.Email);
        await page.GotoAsync($"/accounts/{contoso}/campaigns/{campaign}/report");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("kpi-sends")).ToContainTextAsync("1");
        await Assertions.Expect(page.GetByTestId("kpi-opens")).ToContainTextAsync("1");
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();

        // A range that starts after the send: nothing in it, and the URL says so.
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd");
        await page.GetByTestId("range-to").FillAsync(tomorrow);
        await page.GetByTestId("range-to").DispatchEventAsync("change");
        await page.GetByTestId("range-from").FillAsync(tomorrow);
        await page.GetByTestId("range-from").DispatchEventAsync("change");
        await Assertions.Expect(page.GetByTestId("kpi-sends")).ToContainTextAsync("0");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("from=" + tomorrow));

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-daily").ClickAsync());
        download.SuggestedFilename.ShouldEndWith(".csv");
        var path = await download.PathAsync();
        var csv = await File.ReadAllTextAsync(path, ct);
        csv.TrimStart('\uFEFF').ShouldStartWith("day,");
        csv.ShouldContain(tomorrow);

        await page.GotoAsync($"/accounts/{contoso}/reports");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("account-report-grid")).ToBeVisibleAsync();
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
    }
}

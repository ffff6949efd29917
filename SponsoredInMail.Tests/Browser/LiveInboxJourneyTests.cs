using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Web.Components.Inbox;

namespace SponsoredInMail.Tests.Browser;

/// <summary>
/// An open inbox follows the change feed: a sponsored message delivered while the member looks at the inbox appears
/// in the list without a reload (the page is the same document throughout) and without any polling on the page.
/// </summary>
[Collection(BrowserCollection.Name)]
public class LiveInboxJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task ASponsoredMessageSentWhileTheInboxIsOpenAppearsWithoutAReload()
    {
        Browser.SkipWhenUnavailable();
        var member = await People.NewMemberAsync("Lena");
        var advertiser = await People.NewAdvertiserAsync("Livewire");
        var data = new InboxTestData(Browser.Services.GetRequiredService<IDbContextFactory<AppDbContext>>(), () => DateTime.UtcNow);
        var page = await NewPageAsync();
        await page.LoginAsync(member.Email);
        await page.GotoAsync("/inbox");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("inbox-list")).ToBeVisibleAsync();
        // A mark on this document: a reload or a navigation would lose it.
        await page.EvaluateAsync("() => window.__sameDocument = 'yes'");
        var watchers = Browser.Services.GetRequiredService<LiveChanges>().WatcherCount;
        watchers.ShouldBeGreaterThan(0, "the open inbox watches the change feed");

        await data.MessageAdAsync(member.MemberId, advertiser.AccountName, "Live: arrives while you look", DateTime.UtcNow);

        await Assertions.Expect(page.GetByTestId("inbox-subject").Filter(new() { HasText = "Live: arrives while you look" }))
            .ToBeVisibleAsync(new() { Timeout = 15_000 });
        (await page.EvaluateAsync<string?>("() => window.__sameDocument")).ShouldBe("yes");
        page.Url.ShouldEndWith("/inbox");
    }
}

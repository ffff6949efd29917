using Bunit;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Ads;

namespace SponsoredInMail.Tests.Web.Components.Inbox;

/// <summary>"Send test to my inbox" in the ad editor: a Manager's saved ad lands in their own member inbox.</summary>
public class TestSendButtonTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    [Fact]
    public async Task AManagersTestSendLandsInTheirOwnMemberInbox()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var adId = await new InboxTestData(Database).AdAsync("Contoso Cloud", ad => ad.Subject = "Test me");
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var snackbars = Render<MudBlazor.MudSnackbarProvider>();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var page = Render<AdEditorPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.AdId, adId));
        page.WaitForAssertion(() => page.Find("[data-testid=send-test]"));

        await page.InvokeAsync(() => page.Find("[data-testid=send-test]").Click());

        snackbars.WaitForAssertion(() => snackbars.Markup.ShouldContain("Test sent to your inbox"));
        await using var db = Database.CreateContext();
        (await db.TestMessages.CountAsync(t => t.AdId == adId && t.ToMemberId == 3, ct)).ShouldBe(1);
    }

    [Fact]
    public async Task AViewerHasNoTestSendButton()
    {
        var adId = await new InboxTestData(Database).AdAsync("Northwind Analytics", ad => ad.Subject = "Not mine to test");
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var northwind = await AccountIdAsync("Northwind Analytics");

        var page = Render<AdEditorPage>(p => p.Add(x => x.AccountId, northwind).Add(x => x.AdId, adId));

        page.WaitForAssertion(() => page.Find("[data-testid=ad-preview]"));
        page.FindAll("[data-testid=send-test]").ShouldBeEmpty();
    }
}

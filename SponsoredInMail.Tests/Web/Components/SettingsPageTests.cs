using Bunit;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Inbox;
using SponsoredInMail.Web.Components.Pages.Settings;

namespace SponsoredInMail.Tests.Web.Components;

public class SettingsPageTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    [Fact]
    public async Task AMemberSeesPendingSenderRequestsWithTheirAdvertisers()
    {
        await SignInAsAsync("member@sponsoredinmail.example");
        RenderPopoverProvider();

        var page = Render<SettingsPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=sender-request]").Count.ShouldBeGreaterThanOrEqualTo(1));
        page.Markup.ShouldContain("asks to send sponsored messages in your name");
    }

    [Fact]
    public async Task AnOptOutIsListedAndUndoRemovesIt()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var member = InboxTestData.NewMember();
        var delivery = await new InboxTestData(Database).MessageAdAsync(member, "Contoso Cloud", "Hi", Database.Clock.GetUtcNow().UtcDateTime);
        (await Database.Get<EngagementService>().OptOutAsync(member, delivery, OptOutScope.Advertiser, ct)).Succeeded.ShouldBeTrue();
        SignInAsMember(member);
        RenderPopoverProvider();
        var page = Render<SettingsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=optout-row]").TextContent.ShouldContain("Messages from Contoso Cloud"));

        await page.InvokeAsync(() => page.Find("[data-testid=optout-undo]").Click());

        page.WaitForAssertion(() => page.FindAll("[data-testid=optout-row]").ShouldBeEmpty());
        page.Find("[data-testid=optout-none]");
        await using var db = Database.CreateContext();
        (await db.MemberOptOuts.CountAsync(o => o.MemberId == member, ct)).ShouldBe(0);
    }

    [Fact]
    public async Task AMemberCanStopAllSponsoredMessagesFromSettings()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var member = InboxTestData.NewMember();
        SignInAsMember(member);
        RenderPopoverProvider();
        var page = Render<SettingsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=optout-all]"));

        await page.InvokeAsync(() => page.Find("[data-testid=optout-all]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=optout-row]").TextContent.ShouldContain("All sponsored messages"));
        page.FindAll("[data-testid=optout-all]").ShouldBeEmpty();
        await using var db = Database.CreateContext();
        (await db.MemberOptOuts.CountAsync(o => o.MemberId == member && o.Scope == OptOutScope.All, ct)).ShouldBe(1);
    }
}

using Bunit;
using SponsoredInMail.Tests.Fakes;
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
}

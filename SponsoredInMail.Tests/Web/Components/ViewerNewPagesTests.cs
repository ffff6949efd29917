using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Campaigns;
using SponsoredInMail.Web.Components.Pages.Ads;
using SponsoredInMail.Web.Components.Pages.Audiences;
using SponsoredInMail.Web.Components.Pages.Campaigns;
using SponsoredInMail.Web.Components.Pages.LeadForms;

namespace SponsoredInMail.Tests.Web.Components;

/// <summary>A Viewer who opens a "new …" URL is told that only Managers create here, with a way back, instead of an empty read-only form.</summary>
public class ViewerNewPagesTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    public static TheoryData<string, string, string, string> NewPages => new()
    {
        { "audiences/new", "New audience", "audiences", "audiences" },
        { "ads/new/message", "New Message Ad", "ads", "ads" },
        { "ads/new/conversation", "New Conversation Ad", "ads", "ads" },
        { "lead-forms/new", "New lead gen form", "lead gen forms", "lead-forms" },
        { "campaigns/new", "New campaign", "campaigns", "campaigns" },
    };

    [Theory]
    [MemberData(nameof(NewPages))]
    public async Task AViewerIsToldViewersCannotCreateAndGetsALinkBack(string path, string title, string what, string list)
    {
        // Maria is a Viewer on Northwind.
        await SignInAsAsync(CampaignTestData.Maria);
        var northwind = await AccountIdAsync("Northwind Analytics");
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/accounts/{northwind}/{path}");

        switch (path)
        {
            case "audiences/new":
                AssertViewerNotice(Render<AudienceBuilderPage>(p => p.Add(x => x.AccountId, northwind)), northwind, title, what, list);
                break;
            case "lead-forms/new":
                AssertViewerNotice(Render<LeadFormEditorPage>(p => p.Add(x => x.AccountId, northwind)), northwind, title, what, list);
                break;
            case "campaigns/new":
                AssertViewerNotice(Render<CampaignWizardPage>(p => p.Add(x => x.AccountId, northwind)), northwind, title, what, list);
                break;
            default:
                AssertViewerNotice(Render<AdEditorPage>(p => p.Add(x => x.AccountId, northwind)), northwind, title, what, list);
                break;
        }
    }

    private static void AssertViewerNotice<T>(IRenderedComponent<T> page, int account, string title, string what, string list) where T : IComponent
    {
        page.WaitForAssertion(() =>
        {
            page.Find("[data-testid=viewer-cannot-create]").TextContent.ShouldContain($"Viewers cannot create {what}. Ask a Manager");
            page.Find("h1").TextContent.ShouldBe(title);
        });
        page.Find("[data-testid=viewer-back]").GetAttribute("href").ShouldBe($"/accounts/{account}/{list}");
        page.FindAll("input, textarea, button").ShouldBeEmpty();
    }

    [Fact]
    public async Task AManagerStillGetsTheForm()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        var contoso = await AccountIdAsync("Contoso Cloud");

        var page = Render<AudienceBuilderPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.FindAll("input").ShouldNotBeEmpty());
        page.FindAll("[data-testid=viewer-cannot-create]").ShouldBeEmpty();
    }
}

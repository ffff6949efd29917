using Bunit;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.LeadForms;

namespace SponsoredInMail.Tests.Web.Components;

public class LeadFormEditorTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    [Fact]
    public async Task TheEditorValidatesInlineAndPreviewsTheForm()
    {
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");

        var page = Render<LeadFormEditorPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => page.Find("[data-testid=lead-form-preview]"));
        page.Find("[data-testid=lf-headline]").Input(new string('h', 61));
        page.Find("[data-testid=lf-privacy]").Input("javascript:alert(1)");

        page.WaitForAssertion(() => page.Markup.ShouldContain("Headline must be 1–60 characters; it has 61."));
        page.Markup.ShouldContain("Privacy policy URL must be an absolute http:// or https:// address.");
        page.Find("[data-testid=lead-form-preview] .lf-headline").TextContent.ShouldBe(new string('h', 61));
        page.Find("[data-testid=lead-form-preview]").InnerHtml.ShouldNotContain("javascript:");
    }
}

using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Campaigns;
using SponsoredInMail.Tests.Web.Components.Inbox;
using SponsoredInMail.Web.Components.Pages.Admin;
using SponsoredInMail.Web.Components.Pages.Inbox;

namespace SponsoredInMail.Tests.Web.Components;

/// <summary>
/// URLs are validated when saved, but a value that reached the database some other way must still never become a
/// live link: the admin review page and the inbox lead form show it as text (or not at all), never as an href.
/// </summary>
public class StoredLinkTests : BunitTestBase
{
    private const string Landing = "javascript:alert('landing')";
    private const string Privacy = " JavaScript:alert('privacy')";
    private const string ThankYou = "data:text/html,<script>alert('thanks')</script>";

    private readonly InboxTestData _inbox;

    public StoredLinkTests(SeededDatabase seeded) : base(seeded)
    {
        _inbox = new InboxTestData(Database);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>A lead form whose stored links bypassed validation (written straight into the database).</summary>
    private async Task<int> FormWithBadLinksAsync(int account)
    {
        var form = await _inbox.LeadFormAsync(account, consent: null);
        await using var db = Database.CreateContext();
        await db.LeadGenForms.Where(f => f.Id == form).ExecuteUpdateAsync(u => u
            .SetProperty(f => f.PrivacyPolicyUrl, Privacy)
            .SetProperty(f => f.ThankYouUrl, ThankYou)
            .SetProperty(f => f.QuestionsJson, "[]"), Ct);
        return form;
    }

    private static void ShouldHaveOnlyWebLinks<T>(IRenderedComponent<T> page) where T : IComponent
    {
        foreach (var href in page.FindAll("[href]").Select(e => e.GetAttribute("href")!.Trim()))
        {
            (href.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || href.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || href.StartsWith('/') || href.StartsWith('#'))
                .ShouldBeTrue($"the page links to {href}");
        }
    }

    [Fact]
    public async Task TheReviewPageShowsStoredNonWebLinksAsTextOnly()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var campaign = await new CampaignTestData(Database).CampaignAsync(contoso, CampaignStatus.InReview);
        var form = await FormWithBadLinksAsync(contoso);
        await using (var db = Database.CreateContext())
        {
            var adId = await db.Campaigns.Where(c => c.Id == campaign).Select(c => c.AdId!.Value).SingleAsync(Ct);
            await db.Ads.Where(a => a.Id == adId).ExecuteUpdateAsync(u => u.SetProperty(a => a.LandingUrl, Landing).SetProperty(a => a.LeadFormId, form), Ct);
        }

        var page = Render<ReviewDetailPage>(p => p.Add(x => x.CampaignId, campaign));

        page.WaitForAssertion(() => page.Find("[data-testid=privacy-url]"));
        page.Find("[data-testid=landing-urls]").TextContent.ShouldContain(Landing);
        page.FindAll("[data-testid=landing-urls] a").ShouldBeEmpty();
        page.Find("[data-testid=privacy-url]").TextContent.ShouldContain(Privacy.Trim());
        page.Find("[data-testid=privacy-url]").TagName.ShouldNotBe("A");
        ShouldHaveOnlyWebLinks(page);
    }

    [Fact]
    public async Task TheInboxLeadFormLinksNeitherAStoredNonWebPrivacyPolicyNorThankYouPage()
    {
        var member = InboxTestData.NewMember();
        var form = await FormWithBadLinksAsync(await AccountIdAsync("Contoso Cloud"));
        var delivery = await _inbox.MessageAdAsync(member, "Contoso Cloud", "Free report", _inbox.Now.AddHours(-1), form);
        SignInAsMember(member);
        RenderPopoverProvider();
        var page = Render<InboxPage>(p => p.Add(x => x.Kind, "sponsored").Add(x => x.Id, delivery));
        page.WaitForAssertion(() =>
        {
            page.FindAll("[data-testid=inbox-unread]").ShouldBeEmpty();
            page.Find("[data-testid=message-cta]");
        });

        // Inside the renderer's dispatcher: the open's own re-render cannot swap the button out between find and click.
        await page.InvokeAsync(() => page.Find("[data-testid=message-cta]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=lead-form]"));
        page.Find("[data-testid=lead-privacy]").TagName.ShouldNotBe("A");
        page.Find("[data-testid=lead-form]").TextContent.ShouldContain("privacy policy");
        ShouldHaveOnlyWebLinks(page);

        await page.InvokeAsync(() => page.FindAll("input[data-testid=lead-field]")[0].Change("Mia"));
        await page.InvokeAsync(() => page.FindAll("input[data-testid=lead-field]")[1].Change("mia@example.com"));
        await page.InvokeAsync(() => page.FindAll("input[data-testid=lead-field]")[2].Change("CFO"));
        await page.InvokeAsync(() => page.Find("[data-testid=lead-submit]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=lead-thanks]"));
        page.FindAll("[data-testid=lead-thanks-link]").ShouldBeEmpty();
        ShouldHaveOnlyWebLinks(page);
    }
}

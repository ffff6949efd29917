using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Tests.Browser;

/// <summary>
/// A campaign's whole life in Chromium: the marketer builds and submits it, the admin rejects it with a reason,
/// the marketer fixes and resubmits, the admin approves, the marketer launches and watches it send to completion.
/// </summary>
[Collection(BrowserCollection.Name)]
public class CampaignJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly Regex CampaignUrl = new("/campaigns/(\\d+)$");

    [Fact]
    public async Task SubmitRejectFixApproveLaunchAndWatchItComplete()
    {
        Browser.SkipWhenUnavailable();
        var advertiser = await People.NewAdvertiserAsync("Contoso");
        var (audienceName, adName) = await PrerequisitesAsync(advertiser);
        var campaignName = $"Journey: cloud guide {Guid.NewGuid():N}"[..28];

        // The marketer builds the campaign in the wizard and submits it.
        var marketer = await NewPageAsync(1400, 1000);
        await marketer.LoginAsync(advertiser.Email);
        await marketer.GetByRole(AriaRole.Link, new() { Name = "Campaigns", Exact = true }).ClickAsync();
        await marketer.GetByTestId("new-campaign").ClickAsync();
        await marketer.WaitForInteractiveAsync();
        await marketer.GetByTestId("campaign-name").FillAsync(campaignName);
        await ChooseAsync(marketer, marketer.GetByTestId("campaign-audience"), audienceName);
        await Assertions.Expect(marketer.GetByTestId("audience-sentence")).ToBeVisibleAsync();
        (await marketer.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await marketer.WizardNextAsync();
        await AddAdAsync(marketer, adName);
        await marketer.WizardNextAsync();
        await Assertions.Expect(marketer.GetByTestId("bid-range")).ToBeVisibleAsync();
        await marketer.GetByTestId("campaign-bid").FillAsync("0.40");
        await marketer.WizardNextAsync();
        await marketer.GetByTestId("campaign-lifetime").FillAsync("1000");
        await marketer.WizardNextAsync();
        // No start: the campaign starts as soon as it is launched (a fixed time of day would be in the past part of the day).
        await Assertions.Expect(marketer.GetByTestId("campaign-start-date")).ToHaveValueAsync("");
        await marketer.WizardNextAsync();
        await Assertions.Expect(marketer.GetByTestId("forecast-sends")).ToBeVisibleAsync();
        (await marketer.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await marketer.GetByTestId("wizard-submit").ClickAsync();
        await marketer.WaitForAddressAsync(CampaignUrl);
        var campaignPage = marketer.Url;
        await Assertions.Expect(marketer.GetByTestId("campaign-status").First).ToHaveAttributeAsync("data-status", "InReview");

        // The admin rejects it with a reason.
        var admin = await NewPageAsync(1400, 1000);
        await admin.LoginAsync((await People.NewAdminAsync()).Email);
        await admin.GotoAsync("/admin/review");
        await admin.WaitForInteractiveAsync();
        await Assertions.Expect(admin.GetByTestId("review-queue")).ToContainTextAsync(campaignName);
        (await admin.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await admin.GetByTestId("review-link").Filter(new() { HasText = campaignName }).ClickAsync();
        await admin.WaitForInteractiveAsync();
        await Assertions.Expect(admin.GetByTestId("ad-preview")).ToBeVisibleAsync();
        (await admin.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await ChooseAsync(admin, admin.GetByTestId("reject-reason"), "Misleading claim");
        await admin.GetByTestId("reject-details").FillAsync("\"Free forever\" is not what the landing page offers.");
        await admin.GetByTestId("reject").ClickAsync();
        await admin.WaitForAddressAsync("/admin/review$");

        // The marketer sees why, fixes the bid and resubmits.
        await marketer.GotoAsync(campaignPage);
        await marketer.WaitForInteractiveAsync();
        await Assertions.Expect(marketer.GetByTestId("rejection-reason")).ToContainTextAsync("Free forever");
        await marketer.GetByTestId("edit-and-resubmit").ClickAsync();
        await marketer.WaitForInteractiveAsync();
        for (var step = 0; step < 2; step++)
        {
            await marketer.WizardNextAsync();
        }
        await marketer.GetByTestId("campaign-bid").FillAsync("0.45");
        for (var step = 0; step < 3; step++)
        {
            await marketer.WizardNextAsync();
        }
        await marketer.GetByTestId("wizard-submit").ClickAsync();
        await marketer.WaitForAddressAsync(CampaignUrl);
        await Assertions.Expect(marketer.GetByTestId("campaign-status").First).ToHaveAttributeAsync("data-status", "InReview");

        // The admin approves.
        await admin.GotoAsync("/admin/review");
        await admin.WaitForInteractiveAsync();
        await admin.GetByTestId("review-link").Filter(new() { HasText = campaignName }).ClickAsync();
        await admin.WaitForInteractiveAsync();
        await admin.GetByTestId("approve").ClickAsync();
        // A CI run's first minutes (the SQLite pass's browser tests beside the HTTP ones) once took over 15 s here.
        await admin.WaitForAddressAsync("/admin/review$", 60_000);

        // The campaign list, open in another window, follows the run too.
        var campaignId = CampaignUrl.Match(campaignPage).Groups[1].Value;
        var list = await NewPageAsync(1400, 1000);
        await list.LoginAsync(advertiser.Email);
        await list.GotoAsync(campaignPage[..campaignPage.LastIndexOf('/')]);
        await list.WaitForInteractiveAsync();
        var listedStatus = list.Locator($".campaign-row-{campaignId}").GetByTestId("campaign-status");
        await Assertions.Expect(listedStatus).ToHaveAttributeAsync("data-status", "Approved");
        await list.EvaluateAsync("() => window.__sameDocument = 'yes'");

        // The marketer launches and watches the progress panel reach completion without reloading.
        await marketer.GotoAsync(campaignPage);
        await marketer.WaitForInteractiveAsync();
        await marketer.EvaluateAsync("() => window.__sameDocument = 'yes'");
        await marketer.GetByTestId("action-launch").ClickAsync();
        await Assertions.Expect(marketer.GetByTestId("campaign-status").First).Not.ToHaveAttributeAsync("data-status", "Approved");
        (await marketer.GetByTestId("action-error").CountAsync()).ShouldBe(0, "the launch was refused");
        await Assertions.Expect(marketer.GetByTestId("campaign-status").First).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });
        (await marketer.EvaluateAsync<string?>("() => window.__sameDocument")).ShouldBe("yes", "the campaign page reached Completed without a reload");
        await Assertions.Expect(listedStatus).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 15_000 });
        (await list.EvaluateAsync<string?>("() => window.__sameDocument")).ShouldBe("yes", "the campaign list showed Completed without a reload");
        var sent = await marketer.GetByTestId("progress-sent").InnerTextAsync();
        int.Parse(sent, System.Globalization.NumberStyles.AllowThousands).ShouldBeGreaterThan(0);
        await Assertions.Expect(marketer.GetByTestId("progress-eligible")).ToHaveTextAsync(sent);
        await Assertions.Expect(marketer.GetByTestId("progress-spent")).ToHaveTextAsync(
            SponsoredInMail.Core.Campaigns.Money.Format(45L * int.Parse(sent, System.Globalization.NumberStyles.AllowThousands)));
    }

    /// <summary>The audience and ad the marketer picks (their own pages are covered by other journeys).</summary>
    private async Task<(string Audience, string Ad)> PrerequisitesAsync(TestAdvertiser advertiser)
    {
        var everywhere = new Targeting([new FacetCriterion(Facet.Location, Taxonomy.Countries.Select(c => c.Code).ToList())], []);
        var audienceName = $"Journey network {Guid.NewGuid():N}"[..24];
        (await Browser.Services.GetRequiredService<AudienceService>().CreateAsync(advertiser.Marketer.UserId, advertiser.AccountId, audienceName, everywhere)).Succeeded.ShouldBeTrue();
        var adName = $"Journey ad {Guid.NewGuid():N}"[..18];
        (await Browser.Services.GetRequiredService<AdService>().CreateAsync(advertiser.Marketer.UserId, advertiser.AccountId,
            new AdInput(adName, AdFormat.MessageAd, advertiser.SenderMemberId, "Your cloud guide, %FIRSTNAME%", "Hello %FIRSTNAME%, here is the guide.", "Get it",
                CtaTarget.LandingUrl, "https://contoso.example/guide"))).Succeeded.ShouldBeTrue();
        return (audienceName, adName);
    }

    /// <summary>Picks an ad in the wizard's Ad step: the select clears for the next one and the ad joins the chosen list.</summary>
    private static async Task AddAdAsync(IPage page, string adName)
    {
        await page.GetByTestId("campaign-ad").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = adName }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("chosen-ads")).ToContainTextAsync(adName);
    }

    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = option }).First.ClickAsync();
        await Assertions.Expect(select).ToHaveValueAsync(option);
    }
}

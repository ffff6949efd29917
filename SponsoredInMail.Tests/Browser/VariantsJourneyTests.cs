using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Tests.Browser;

/// <summary>
/// An A/B test of two ads in Chromium, with accessibility checked on each screen it adds: the wizard's Ad step with two
/// ads and the test ticked, the admin's review of both ads, and the campaign page's A/B panel and its end-test dialog.
/// </summary>
[Collection(BrowserCollection.Name)]
public class VariantsJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoAdsBecomeAnAbTestThatIsReviewedAdByAdAndEndedWithItsWinner()
    {
        Browser.SkipWhenUnavailable();
        var advertiser = await People.NewAdvertiserAsync("Contoso");
        var (draftId, adA, adB) = await DraftWithOneAdAsync(advertiser);

        // The marketer adds a second ad and makes the two an A/B test on click-to-open rate.
        var marketer = await NewPageAsync(1400, 1000);
        await marketer.LoginAsync(advertiser.Email);
        await marketer.GotoAsync($"/accounts/{advertiser.AccountId}/campaigns/{draftId}/edit");
        await marketer.WaitForInteractiveAsync();
        await marketer.GetByTestId("wizard-next").ClickAsync();
        await Assertions.Expect(marketer.GetByTestId("chosen-ads")).ToContainTextAsync(adA);
        await marketer.GetByTestId("campaign-ad").ClickAsync();
        await marketer.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = adB }).First.ClickAsync();
        await Assertions.Expect(marketer.GetByTestId("chosen-ads")).ToContainTextAsync(adB);
        await marketer.GetByRole(AriaRole.Checkbox, new() { Name = "Run as an A/B test" }).CheckAsync();
        await marketer.GetByRole(AriaRole.Radio, new() { Name = "Click-to-open rate" }).CheckAsync();
        await Assertions.Expect(marketer.GetByRole(AriaRole.Radio, new() { Name = "Click-to-open rate" })).ToBeCheckedAsync();
        (await marketer.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await marketer.GetByTestId("wizard-next").ClickAsync();
        await Assertions.Expect(marketer.GetByTestId("campaign-bid")).ToBeVisibleAsync();
        var campaigns = Browser.Services.GetRequiredService<CampaignService>();
        (await campaigns.SubmitAsync(advertiser.Marketer.UserId, advertiser.AccountId, draftId, Ct)).Succeeded.ShouldBeTrue();

        // The admin sees both ads, and that an A/B test's ads go together.
        var admin = await NewPageAsync(1400, 1000);
        await admin.LoginAsync((await People.NewAdminAsync()).Email);
        await admin.GotoAsync($"/admin/review/{draftId}");
        await admin.WaitForInteractiveAsync();
        await Assertions.Expect(admin.GetByTestId("ad-preview")).ToHaveCountAsync(2);
        await Assertions.Expect(admin.GetByTestId("ab-test-review-note").First).ToBeVisibleAsync();
        (await admin.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await admin.GetByTestId("approve").ClickAsync();
        await admin.WaitForURLAsync(url => url.EndsWith("/admin/review", StringComparison.Ordinal));

        // Launched (its start is tomorrow, so nothing sends yet), the marketer ends the test with ad B.
        (await campaigns.LaunchAsync(advertiser.Marketer.UserId, advertiser.AccountId, draftId, Ct)).Succeeded.ShouldBeTrue();
        await marketer.GotoAsync($"/accounts/{advertiser.AccountId}/campaigns/{draftId}");
        await marketer.WaitForInteractiveAsync();
        await Assertions.Expect(marketer.GetByTestId("ab-verdict")).ToContainTextAsync("Not enough data yet");
        (await marketer.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await marketer.GetByTestId("end-ab-test").ClickAsync();
        await Assertions.Expect(marketer.GetByTestId("end-test-confirm")).ToHaveTextAsync("Send ad A");
        (await marketer.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await marketer.GetByRole(AriaRole.Radio, new() { Name = $"Ad B: {adB}" }).CheckAsync();
        await Assertions.Expect(marketer.GetByTestId("end-test-confirm")).ToHaveTextAsync("Send ad B");
        await marketer.GetByTestId("end-test-confirm").ClickAsync();
        await Assertions.Expect(marketer.GetByTestId("ab-ended")).ToContainTextAsync($"ad B ({adB}) goes to the rest of the audience");
    }

    [Fact]
    public async Task TheAdminRejectsOneOfTwoAdsWithAReasonAndTheMarketerSeesIt()
    {
        Browser.SkipWhenUnavailable();
        var advertiser = await People.NewAdvertiserAsync("Contoso");
        var (draftId, _, adB) = await DraftWithOneAdAsync(advertiser);
        var campaigns = Browser.Services.GetRequiredService<CampaignService>();
        var ads = await Browser.Services.GetRequiredService<SponsoredInMail.Core.Variants.VariantService>().AdIdsAsync(advertiser.Marketer.UserId, advertiser.AccountId, draftId, Ct);
        var second = (await Browser.Services.GetRequiredService<AdService>().ListAsync(advertiser.Marketer.UserId, advertiser.AccountId, ct: Ct)).Single(a => a.Name == adB).Id;
        var draft = (await campaigns.GetAsync(advertiser.Marketer.UserId, advertiser.AccountId, draftId, Ct))!;
        (await campaigns.UpdateDraftAsync(advertiser.Marketer.UserId, advertiser.AccountId, draftId,
            new CampaignInput(draft.Name, draft.Objective, draft.SavedAudienceId, ads[0], draft.BidCents, draft.LifetimeBudgetCents, null, draft.StartAt, null, [ads[0], second]), Ct))
            .Succeeded.ShouldBeTrue();
        (await campaigns.SubmitAsync(advertiser.Marketer.UserId, advertiser.AccountId, draftId, Ct)).Succeeded.ShouldBeTrue();

        var admin = await NewPageAsync(1400, 1000);
        await admin.LoginAsync((await People.NewAdminAsync()).Email);
        await admin.GotoAsync($"/admin/review/{draftId}");
        await admin.WaitForInteractiveAsync();
        await admin.GetByRole(AriaRole.Checkbox, new() { Name = "Reject this ad (B)" }).CheckAsync();
        await admin.GetByLabel("Why ad B is rejected").FillAsync("The subject promises a discount the page does not offer.");
        await Assertions.Expect(admin.GetByTestId("approve")).ToHaveTextAsync("Approve with 1 of 2 ads");
        (await admin.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await admin.GetByTestId("approve").ClickAsync();
        await admin.WaitForURLAsync(url => url.EndsWith("/admin/review", StringComparison.Ordinal));

        var marketer = await NewPageAsync(1400, 1000);
        await marketer.LoginAsync(advertiser.Email);
        await marketer.GotoAsync($"/accounts/{advertiser.AccountId}/campaigns/{draftId}");
        await marketer.WaitForInteractiveAsync();
        await Assertions.Expect(marketer.GetByTestId("ad-rejection-reason")).ToHaveTextAsync("The subject promises a discount the page does not offer.");
        (await marketer.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
    }

    /// <summary>An audience of the whole network, two ads, and a draft starting tomorrow with the first ad only.</summary>
    private async Task<(int Draft, string AdA, string AdB)> DraftWithOneAdAsync(TestAdvertiser advertiser)
    {
        var everywhere = new Targeting([new FacetCriterion(Facet.Location, Taxonomy.Countries.Select(c => c.Code).ToList())], []);
        var audience = await Browser.Services.GetRequiredService<AudienceService>().CreateAsync(advertiser.Marketer.UserId, advertiser.AccountId,
            $"Variants network {Guid.NewGuid():N}"[..24], everywhere, Ct);
        audience.Succeeded.ShouldBeTrue();
        var names = new[] { $"Variant A {Guid.NewGuid():N}"[..18], $"Variant B {Guid.NewGuid():N}"[..18] };
        var ids = new List<int>();
        foreach (var name in names)
        {
            var ad = await Browser.Services.GetRequiredService<AdService>().CreateAsync(advertiser.Marketer.UserId, advertiser.AccountId,
                new AdInput(name, AdFormat.MessageAd, advertiser.SenderMemberId, $"{name[..9]}: your guide", "Hello %FIRSTNAME%, here is the guide.", "Get it",
                    CtaTarget.LandingUrl, "https://contoso.example/guide"), Ct);
            ad.Succeeded.ShouldBeTrue();
            ids.Add(ad.Value);
        }
        var tomorrow = DateTime.UtcNow.Date.AddDays(1);
        var draft = await Browser.Services.GetRequiredService<CampaignService>().CreateDraftAsync(advertiser.Marketer.UserId, advertiser.AccountId,
            new CampaignInput($"Variants {Guid.NewGuid():N}"[..20], CampaignObjective.WebsiteVisits, audience.Value, ids[0], 50, 10_000, null, tomorrow, null), Ct);
        draft.Succeeded.ShouldBeTrue(draft.Outcome.ToString());
        return (draft.Value, names[0], names[1]);
    }
}

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

    // The report's ads side by side (Pages/Reports/AdsSideBySide.razor): a row per figure, a cell per ad.
    private static string AdCell(string figure, int adId) => $"[data-testid=ads-table] [data-testid=ad-row][data-metric={figure}] td[data-ad='{adId}']";

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
        await admin.WaitForAddressAsync("/admin/review$");

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
    public async Task TwoApprovedAdsAreLaunchedOpenedAndClickedAndTheReportShowsThemSideBySide()
    {
        Browser.SkipWhenUnavailable();
        var advertiser = await People.NewAdvertiserAsync("Contoso");
        var audience = await OwnAudienceAsync(advertiser);
        var landing = Browser.BaseUrl.TrimEnd('/') + "/health";
        var (ads, names) = await TwoAdsAsync(advertiser, landing);
        var campaigns = Browser.Services.GetRequiredService<CampaignService>();
        var created = await campaigns.CreateDraftAsync(advertiser.Marketer.UserId, advertiser.AccountId,
            new CampaignInput($"Two ads {Guid.NewGuid():N}"[..20], CampaignObjective.WebsiteVisits, audience, ads[0], 50, 50L * OwnMembers, null, null, null, ads), Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        var id = created.Value;
        (await campaigns.SubmitAsync(advertiser.Marketer.UserId, advertiser.AccountId, id, Ct)).Succeeded.ShouldBeTrue();

        // The admin sees both ads and approves the campaign with both.
        var admin = await NewPageAsync(1400, 1000);
        await admin.LoginAsync((await People.NewAdminAsync()).Email);
        await admin.GotoAsync($"/admin/review/{id}");
        await admin.WaitForInteractiveAsync();
        await Assertions.Expect(admin.GetByTestId("ad-preview")).ToHaveCountAsync(2);
        await admin.GetByTestId("approve").ClickAsync();
        await admin.WaitForAddressAsync("/admin/review$");

        // The marketer launches; the engine sends both ads to the whole audience.
        var marketer = await NewPageAsync(1400, 1000);
        await marketer.LoginAsync(advertiser.Email);
        await marketer.GotoAsync($"/accounts/{advertiser.AccountId}/campaigns/{id}");
        await marketer.WaitForInteractiveAsync();
        await marketer.GetByTestId("action-launch").ClickAsync();
        await Assertions.Expect(marketer.GetByTestId("campaign-status").First).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });
        var sent = await SentAsync(id);
        sent.Count.ShouldBe(OwnMembers);
        sent.Select(d => d.AdId).Distinct().Order().ShouldBe(ads.Order());

        // One member who got ad A and one who got ad B each open it and click its call to action.
        for (var i = 0; i < 2; i++)
        {
            var delivery = sent.First(d => d.AdId == ads[i]);
            var login = await People.LoginForMemberAsync(delivery.MemberId);
            var member = await NewPageAsync(1280, 900);
            await member.LoginAsync(login.Email);
            await member.GetByRole(AriaRole.Link, new() { Name = "Inbox", Exact = true }).ClickAsync();
            await member.WaitForInteractiveAsync();
            await member.Locator("[data-testid=inbox-item][data-kind=sponsored]").Filter(new() { HasText = $"{names[i][..9]}: your guide" }).ClickAsync();
            await Assertions.Expect(member.GetByTestId("message-subject").First).ToContainTextAsync(names[i][..9]);
            var landed = await member.RunAndWaitForPopupAsync(() => member.GetByTestId("message-cta").ClickAsync());
            await landed.WaitForLoadStateAsync();
            landed.Url.ShouldStartWith(landing + "?simclid=");
            await landed.CloseAsync();
        }

        // The report shows the two ads side by side, each opened and clicked once.
        await marketer.GotoAsync($"/accounts/{advertiser.AccountId}/campaigns/{id}/report");
        await marketer.WaitForInteractiveAsync();
        var table = marketer.GetByTestId("ads-table");
        await Assertions.Expect(table).ToBeVisibleAsync();
        await Assertions.Expect(table).ToContainTextAsync(names[0]);
        await Assertions.Expect(table).ToContainTextAsync(names[1]);
        for (var i = 0; i < 2; i++)
        {
            await Assertions.Expect(marketer.Locator(AdCell("opens", ads[i]))).ToHaveTextAsync("1", new() { Timeout = 15_000 });
            await Assertions.Expect(marketer.Locator(AdCell("clicks", ads[i]))).ToHaveTextAsync("1");
            var sends = sent.Count(d => d.AdId == ads[i]).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            await Assertions.Expect(marketer.Locator(AdCell("sends", ads[i]))).ToHaveTextAsync(sends);
        }
        (await marketer.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
    }

    private async Task<List<(int MemberId, int AdId)>> SentAsync(int campaignId)
    {
        await using var db = await Browser.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<SponsoredInMail.Core.Data.AppDbContext>>().CreateDbContextAsync(Ct);
        return [.. (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Deliveries.Where(d => d.CampaignId == campaignId).OrderBy(d => d.Id).Select(d => new { d.MemberId, d.AdId }), Ct)).Select(d => (d.MemberId, d.AdId))];
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
        await admin.WaitForAddressAsync("/admin/review$");

        var marketer = await NewPageAsync(1400, 1000);
        await marketer.LoginAsync(advertiser.Email);
        await marketer.GotoAsync($"/accounts/{advertiser.AccountId}/campaigns/{draftId}");
        await marketer.WaitForInteractiveAsync();
        await Assertions.Expect(marketer.GetByTestId("ad-rejection-reason")).ToHaveTextAsync("The subject promises a discount the page does not offer.");
        (await marketer.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
    }

    /// <summary>An audience of this test's own members, two ads, and a draft starting tomorrow with the first ad only.</summary>
    private async Task<(int Draft, string AdA, string AdB)> DraftWithOneAdAsync(TestAdvertiser advertiser)
    {
        var audience = await OwnAudienceAsync(advertiser);
        var (ids, names) = await TwoAdsAsync(advertiser, "https://contoso.example/guide");
        var tomorrow = DateTime.UtcNow.Date.AddDays(1);
        var draft = await Browser.Services.GetRequiredService<CampaignService>().CreateDraftAsync(advertiser.Marketer.UserId, advertiser.AccountId,
            new CampaignInput($"Variants {Guid.NewGuid():N}"[..20], CampaignObjective.WebsiteVisits, audience, ids[0], 50, 10_000, null, tomorrow, null), Ct);
        draft.Succeeded.ShouldBeTrue(draft.Outcome.ToString());
        return (draft.Value, names[0], names[1]);
    }

    /// <summary>
    /// A saved audience of <see cref="OwnMembers"/> new members at a new company: enough to launch, and nobody another
    /// test's campaign has sent to (a network-wide audience would be capped by whichever journey ran first).
    /// </summary>
    private async Task<int> OwnAudienceAsync(TestAdvertiser advertiser)
    {
        var (company, _) = await People.NewCompanyOfMembersAsync(OwnMembers);
        var targeting = new Targeting([
            new FacetCriterion(Facet.Location, [.. Taxonomy.Countries.Select(c => c.Code)]),
            new FacetCriterion(Facet.Company, [company.ToString(System.Globalization.CultureInfo.InvariantCulture)])], []);
        var audience = await Browser.Services.GetRequiredService<AudienceService>().CreateAsync(advertiser.Marketer.UserId, advertiser.AccountId,
            $"Variants company {Guid.NewGuid():N}"[..24], targeting, Ct);
        audience.Succeeded.ShouldBeTrue(audience.Outcome.ToString());
        return audience.Value;
    }

    private const int OwnMembers = 320;

    /// <summary>Two Message Ads of the advertiser, each with its own subject, leading to <paramref name="landing"/>.</summary>
    private async Task<(int[] Ids, string[] Names)> TwoAdsAsync(TestAdvertiser advertiser, string landing)
    {
        var names = new[] { $"Variant A {Guid.NewGuid():N}"[..18], $"Variant B {Guid.NewGuid():N}"[..18] };
        var ids = new int[2];
        for (var i = 0; i < 2; i++)
        {
            var ad = await Browser.Services.GetRequiredService<AdService>().CreateAsync(advertiser.Marketer.UserId, advertiser.AccountId,
                new AdInput(names[i], AdFormat.MessageAd, advertiser.SenderMemberId, $"{names[i][..9]}: your guide", "Hello %FIRSTNAME%, here is the guide.", "Get it",
                    CtaTarget.LandingUrl, landing), Ct);
            ad.Succeeded.ShouldBeTrue(ad.Outcome.ToString());
            ids[i] = ad.Value;
        }
        return (ids, names);
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Browser;

/// <summary>
/// Conversion tracking end to end in Chromium: a member clicks a sponsored message's tracked CTA, lands on the
/// advertiser's page (served here on another origin, with the tag installed as the conversions page shows it), converts,
/// and the conversion appears credited to the campaign's click in the campaign report.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ConversionJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const int OwnMembers = 320;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMemberWhoClicksThroughAndConvertsOnTheLandingPageIsCreditedInTheCampaignReport()
    {
        Browser.SkipWhenUnavailable();
        var advertiser = await People.NewAdvertiserAsync("Contoso");
        var definitions = Browser.Services.GetRequiredService<ConversionDefinitionService>();
        var created = await definitions.CreateAsync(advertiser.Marketer.UserId, advertiser.AccountId,
            new ConversionDefinitionInput("Demo request", ConversionCategory.Lead, 4_900, 30, 7), Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        var tagKey = (await definitions.GetAsync(advertiser.Marketer.UserId, advertiser.AccountId, created.Value, Ct))!.TagKey;
        await using var site = await LandingSite.StartAsync(Browser.BaseUrl, tagKey);
        var campaignId = await LaunchedCampaignAsync(advertiser, site.LandingUrl);

        // A member who received it opens it and clicks the call to action: the advertiser's page opens with a click id.
        var delivery = await FirstDeliveryAsync(campaignId);
        var login = await People.LoginForMemberAsync(delivery.MemberId);
        var member = await NewPageAsync(1280, 900);
        await member.LoginAsync(login.Email);
        await member.GotoAsync("/inbox");
        await member.WaitForInteractiveAsync();
        await member.Locator("[data-testid=inbox-item][data-kind=sponsored]").Filter(new() { HasText = "Conversion journey" }).ClickAsync();
        var landed = await member.RunAndWaitForPopupAsync(() => member.GetByTestId("message-cta").ClickAsync());
        await landed.WaitForLoadStateAsync();
        landed.Url.ShouldStartWith(site.LandingUrl + "?simclid=");

        // On the advertiser's own site (another origin), the member requests a demo; the tag reports it.
        await landed.GetByRole(AriaRole.Button, new() { Name = "Request a demo" }).ClickAsync();
        await Assertions.Expect(landed.GetByTestId("thanks")).ToBeVisibleAsync();
        await Poll.UntilAsync(async () => await ConversionAsync(created.Value) is not null, "the tag's conversion to arrive", TimeSpan.FromSeconds(20));
        var conversion = (await ConversionAsync(created.Value))!;
        (conversion.CampaignId, conversion.DeliveryId, conversion.Touch, conversion.Source, conversion.Counted)
            .ShouldBe((campaignId, delivery.Id, AttributionTouch.Click, ConversionSource.Tag, true));

        // The first-party cookie keeps the click id: a later page of the site, without the parameter, still converts.
        await landed.GotoAsync(site.Origin + "/pricing");
        await landed.GetByRole(AriaRole.Button, new() { Name = "Request a demo" }).ClickAsync();
        await Poll.UntilAsync(async () => await CountAsync(created.Value) == 2, "the second conversion to arrive", TimeSpan.FromSeconds(20));

        // The marketer's campaign report shows the conversion, credited post-click, with its value.
        var marketer = await NewPageAsync(1400, 1000);
        await marketer.LoginAsync(advertiser.Email);
        await marketer.GotoAsync($"/accounts/{advertiser.AccountId}/campaigns/{campaignId}/report");
        await marketer.WaitForInteractiveAsync();
        var section = marketer.GetByTestId("conversions-section");
        await Assertions.Expect(section).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(section.GetByTestId("kpi-conversions")).ToHaveTextAsync("1");
        await Assertions.Expect(section.GetByTestId("kpi-conversion-value")).ToHaveTextAsync("$49.00");
        await Assertions.Expect(section.GetByTestId("kpi-conversion-touches")).ToHaveTextAsync("1 · 0");
        await Assertions.Expect(section).ToContainTextAsync("Demo request");
        (await marketer.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
    }

    private async Task<int> LaunchedCampaignAsync(TestAdvertiser advertiser, string landingUrl)
    {
        var services = Browser.Services;
        var (company, _) = await People.NewCompanyOfMembersAsync(OwnMembers);
        var targeting = new Targeting([
            new FacetCriterion(Facet.Location, [.. Taxonomy.Countries.Select(c => c.Code)]),
            new FacetCriterion(Facet.Company, [company.ToString(System.Globalization.CultureInfo.InvariantCulture)])], []);
        var audience = await services.GetRequiredService<AudienceService>().CreateAsync(advertiser.Marketer.UserId, advertiser.AccountId,
            $"Converters {Guid.NewGuid():N}"[..24], targeting, Ct);
        audience.Succeeded.ShouldBeTrue(audience.Outcome.ToString());
        var ad = await services.GetRequiredService<AdService>().CreateAsync(advertiser.Marketer.UserId, advertiser.AccountId,
            new AdInput($"Journey {Guid.NewGuid():N}"[..16], AdFormat.MessageAd, advertiser.SenderMemberId, "Conversion journey: see a demo",
                "Hello %FIRSTNAME%, see it live.", "Book a demo", CtaTarget.LandingUrl, landingUrl), Ct);
        ad.Succeeded.ShouldBeTrue(ad.Outcome.ToString());
        var campaigns = services.GetRequiredService<CampaignService>();
        var draft = await campaigns.CreateDraftAsync(advertiser.Marketer.UserId, advertiser.AccountId,
            new CampaignInput($"Conversions {Guid.NewGuid():N}"[..20], CampaignObjective.WebsiteVisits, audience.Value, ad.Value, 50, 50L * OwnMembers, null, null, null), Ct);
        draft.Succeeded.ShouldBeTrue(draft.Outcome.ToString());
        (await campaigns.SubmitAsync(advertiser.Marketer.UserId, advertiser.AccountId, draft.Value, Ct)).Succeeded.ShouldBeTrue();
        var admin = await People.NewAdminAsync();
        var approved = await services.GetRequiredService<ReviewService>().ApproveAsync(admin.UserId, draft.Value, new Dictionary<int, string>(), Ct);
        approved.Succeeded.ShouldBeTrue(approved.ToString());
        (await campaigns.LaunchAsync(advertiser.Marketer.UserId, advertiser.AccountId, draft.Value, Ct)).Succeeded.ShouldBeTrue();
        return draft.Value;
    }

    private async Task<(long Id, int MemberId)> FirstDeliveryAsync(int campaignId)
    {
        await Poll.UntilAsync(async () => await FindDeliveryAsync(campaignId) is not null, "the campaign's first send", TimeSpan.FromSeconds(60));
        return (await FindDeliveryAsync(campaignId))!.Value;
    }

    private async Task<(long Id, int MemberId)?> FindDeliveryAsync(int campaignId)
    {
        await using var db = await Factory().CreateDbContextAsync(Ct);
        var d = await db.Deliveries.Where(d => d.CampaignId == campaignId).OrderBy(d => d.Id).Select(d => new { d.Id, d.MemberId }).FirstOrDefaultAsync(Ct);
        return d is null ? null : (d.Id, d.MemberId);
    }

    private async Task<ConversionEvent?> ConversionAsync(int definitionId)
    {
        await using var db = await Factory().CreateDbContextAsync(Ct);
        return await db.ConversionEvents.AsNoTracking().Where(e => e.ConversionDefinitionId == definitionId).OrderBy(e => e.Id).FirstOrDefaultAsync(Ct);
    }

    private async Task<int> CountAsync(int definitionId)
    {
        await using var db = await Factory().CreateDbContextAsync(Ct);
        return await db.ConversionEvents.CountAsync(e => e.ConversionDefinitionId == definitionId, Ct);
    }

    private IDbContextFactory<AppDbContext> Factory() => Browser.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    /// <summary>The advertiser's site: a landing page and a pricing page on 127.0.0.1 (another origin), each carrying the tag.</summary>
    private sealed class LandingSite : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private LandingSite(WebApplication app, string origin)
        {
            _app = app;
            Origin = origin;
        }

        public string Origin { get; }
        public string LandingUrl => Origin + "/landing";

        public static async Task<LandingSite> StartAsync(string appBaseUrl, string tagKey)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var tag = appBaseUrl.TrimEnd('/') + "/c/tag.js";
            app.MapGet("/{page}", (string page) => Results.Content(Page(page, tag, tagKey), "text/html"));
            await app.StartAsync(TestContext.Current.CancellationToken);
            var address = app.Urls.First();
            return new LandingSite(app, address.TrimEnd('/'));
        }

        // The snippets as the conversions page gives them: the loader on every page, the conversion on the demo button.
        private static string Page(string page, string tag, string tagKey) => $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Contoso {{WebUtility.HtmlEncode(page)}}</title>
            <script>window.simTag=window.simTag||function(){(simTag.q=simTag.q||[]).push(arguments)};</script>
            <script async src="{{tag}}"></script></head>
            <body><main><h1>See Contoso Cloud live</h1>
            <button type="button" onclick="simTag('convert', '{{tagKey}}', { valueCents: 4900 }); document.getElementById('thanks').hidden = false;">Request a demo</button>
            <p id="thanks" data-testid="thanks" hidden>Thanks, we will be in touch.</p></main></body></html>
            """;

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}

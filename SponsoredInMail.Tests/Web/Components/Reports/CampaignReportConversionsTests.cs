using Bunit;
using Microsoft.AspNetCore.Components;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Reports;

namespace SponsoredInMail.Tests.Web.Components.Reports;

/// <summary>The campaign report's Conversions section over counted conversion events: figures, by ad, by definition, and the empty state.</summary>
public class CampaignReportConversionsTests : BunitTestBase
{
    private const string Maria = "maria@contoso.example";
    private readonly ReportTestData _data;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public CampaignReportConversionsTests(SeededDatabase seeded) : base(seeded)
    {
        _data = new ReportTestData(Database);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private async Task<IRenderedComponent<CampaignReportPage>> RenderReportAsync(int campaignId)
    {
        await SignInAsAsync(Maria);
        RenderPopoverProvider();
        var accountId = await AccountIdAsync("Contoso Cloud");
        var page = Render<CampaignReportPage>(p => p.Add(x => x.AccountId, accountId).Add(x => x.CampaignId, campaignId));
        page.WaitForAssertion(() => page.Find("[data-testid=conversions-section]"));
        return page;
    }

    private async Task<int> DefinitionAsync(string name)
    {
        var created = await Database.Get<ConversionDefinitionService>().CreateAsync(await UserIdAsync(Maria), await AccountIdAsync("Contoso Cloud"),
            new ConversionDefinitionInput(name, ConversionCategory.Purchase, null), Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return created.Value;
    }

    /// <summary>A conversion of the campaign's <paramref name="recipient"/>th send, as intake records it.</summary>
    private static ConversionEvent Conversion(
        int account, SentCampaign campaign, int definition, int recipient, AttributionTouch touch, long valueCents, DateTime at, int? adId = null, bool counted = true) => new()
    {
        AdvertiserAccountId = account, ConversionDefinitionId = definition, Source = ConversionSource.Tag, OccurredAt = at, ReceivedAt = at,
        MemberId = campaign.Deliveries[recipient].Member, DeliveryId = campaign.Deliveries[recipient].Delivery, CampaignId = campaign.Id, AdId = adId,
        ValueCents = valueCents, Touch = touch, TouchAt = at.AddMinutes(-30), Counted = counted,
    };

    private static string Text(IRenderedComponent<CampaignReportPage> page, string testId) => page.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public async Task TheCardsShowTheCountedConversionsTheirValueAndWhatTheyCost()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 10);
        var order = await DefinitionAsync($"Order {campaign.Id}");
        var signUp = await DefinitionAsync($"Sign-up {campaign.Id}");
        var contoso = await AccountIdAsync("Contoso Cloud");
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        await using (var db = Database.CreateContext())
        {
            db.ConversionEvents.AddRange(
                Conversion(contoso, campaign, order, 0, AttributionTouch.Click, 4900, now),
                Conversion(contoso, campaign, order, 1, AttributionTouch.Click, 4900, now),
                Conversion(contoso, campaign, signUp, 2, AttributionTouch.Send, 0, now),
                Conversion(contoso, campaign, order, 0, AttributionTouch.Click, 4900, now, counted: false));
            await db.SaveChangesAsync(Ct);
        }

        var page = await RenderReportAsync(campaign.Id);

        page.FindAll("[data-testid=conversions-empty]").ShouldBeEmpty();
        Text(page, "kpi-conversions").ShouldBe("3");
        Text(page, "kpi-conversion-value").ShouldBe("$98.00");
        Text(page, "kpi-conversion-rate").ShouldBe("30.0%");
        Text(page, "kpi-cost-per-conversion").ShouldBe("$1.67", "spend $5.00 over 3 conversions");
        Text(page, "kpi-roas").ShouldBe("1960.0%");
        Text(page, "kpi-conversion-touches").ShouldBe("2 · 1");
        page.Find("[data-testid=chart-conversions] svg");
        string Cell(int definition, string metric) =>
            page.Find($"[data-testid=conversion-definition-row][data-conversion='{definition}'] [data-metric={metric}]").TextContent.Trim();
        Cell(order, "conversions").ShouldBe("2");
        Cell(order, "value").ShouldBe("$98.00");
        Cell(signUp, "conversions").ShouldBe("1");
        page.FindAll("[data-testid=conversion-ads-table]").ShouldBeEmpty("one ad has no breakdown by ad");
        page.Find("[data-testid=csv-conversions]").GetAttribute("href")!.ShouldContain($"/campaigns/{campaign.Id}/report/conversions.csv?from=");
    }

    [Fact]
    public async Task ACampaignWithSeveralAdsShowsEachAdsConversions()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 10);
        var ads = await _data.WithAdsAsync(campaign, 2);
        var order = await DefinitionAsync($"Order {campaign.Id}");
        var contoso = await AccountIdAsync("Contoso Cloud");
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        await using (var db = Database.CreateContext())
        {
            // Recipients 0, 2, 4, … got ad A; 1, 3, 5, … ad B.
            db.ConversionEvents.AddRange(
                Conversion(contoso, campaign, order, 0, AttributionTouch.Click, 1000, now, ads[0]),
                Conversion(contoso, campaign, order, 2, AttributionTouch.Send, 1000, now, ads[0]),
                Conversion(contoso, campaign, order, 1, AttributionTouch.Click, 2500, now, ads[1]));
            await db.SaveChangesAsync(Ct);
        }

        var page = await RenderReportAsync(campaign.Id);

        string Cell(int ad, string metric) => page.Find($"[data-testid=conversion-ad-row][data-ad='{ad}'] [data-metric={metric}]").TextContent.Trim();
        page.FindAll("[data-testid=conversion-ad-row] th").Select(th => th.TextContent.Trim()).ShouldBe(["A · Ad A", "B · Ad B"]);
        Cell(ads[0], "conversions").ShouldBe("2");
        Cell(ads[0], "post-click").ShouldBe("1");
        Cell(ads[0], "post-send").ShouldBe("1");
        Cell(ads[0], "value").ShouldBe("$20.00");
        Cell(ads[0], "conversion-rate").ShouldBe("40.0%");
        Cell(ads[0], "cost-per-conversion").ShouldBe("$1.25");
        Cell(ads[1], "conversions").ShouldBe("1");
        Cell(ads[1], "conversion-rate").ShouldBe("20.0%");
        Cell(ads[1], "cost-per-conversion").ShouldBe("$2.50");
        Text(page, "kpi-conversions").ShouldBe("3");
        page.Find("[data-testid=csv-conversion-ads]").GetAttribute("href")!.ShouldContain($"/campaigns/{campaign.Id}/report/conversion-ads.csv?from=");
    }

    [Fact]
    public async Task WithoutConversionsTheSectionLinksToTheConversionsPage()
    {
        var campaign = await _data.MessageAdAsync("Contoso Cloud", sends: 2);
        var contoso = await AccountIdAsync("Contoso Cloud");

        var page = await RenderReportAsync(campaign.Id);

        page.Find("[data-testid=conversions-empty]").TextContent.ShouldContain("No conversions were credited");
        page.Find("[data-testid=conversions-setup-link]").GetAttribute("href").ShouldBe($"/accounts/{contoso}/conversions");
        page.FindAll("[data-testid=kpi-conversions]").ShouldBeEmpty();
        page.FindAll("[data-testid=csv-conversions]").ShouldBeEmpty();
    }
}

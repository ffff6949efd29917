using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Inbox;

namespace SponsoredInMail.Tests.Web;

/// <summary>
/// Report CSV downloads through the real app: an attachment with a header row for the account's marketers, formula
/// cells neutralized, and 404 for another account's campaign or account.
/// </summary>
public class ReportCsvEndpointTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDbContextFactory<AppDbContext> Factory => app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    private async Task<int> AccountIdAsync(string name)
    {
        _ = app.CreateClient();
        await using var db = await Factory.CreateDbContextAsync(Ct);
        return await db.AdvertiserAccounts.Where(a => a.Name == name).Select(a => a.Id).SingleAsync(Ct);
    }

    /// <summary>A campaign of the account with one delivery, renamed to <paramref name="name"/>.</summary>
    private async Task<int> CampaignAsync(string account, string? name = null, DateTime? deliveredAt = null)
    {
        var data = new InboxTestData(Factory, () => DateTime.UtcNow);
        var delivery = await data.MessageAdAsync(InboxTestData.NewMember(), account, "Report", deliveredAt ?? DateTime.UtcNow.AddHours(-1));
        await using var db = await Factory.CreateDbContextAsync(Ct);
        var id = await db.Deliveries.Where(d => d.Id == delivery).Select(d => d.CampaignId).SingleAsync(Ct);
        if (name is not null)
        {
            await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.Name, name), Ct);
        }
        return id;
    }

    private Task<(int Campaign, int AdA, int AdB)> TwoAdCampaignAsync(string account, DateTime sentOn) => TwoAdCampaign.CreateAsync(Factory, account, sentOn);

    private async Task<HttpClient> LoginAsync(string email = "maria@contoso.example")
    {
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, email);
        return client;
    }

    [Fact]
    public async Task AMarketerDownloadsACampaignsKpisAsAUtf8AttachmentWithAHeaderRow()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var campaign = await CampaignAsync("Contoso Cloud", "Spring launch");
        var client = await LoginAsync();

        var response = await client.GetAsync($"/accounts/{contoso}/campaigns/{campaign}/report/kpis.csv?from=2026-01-01&to=2026-01-31", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/csv; charset=utf-8");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.FileNameStar.ShouldBe($"campaign-{campaign}-kpis-2026-01-01-to-2026-01-31.csv");
        var lines = (await response.Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF').Split("\r\n");
        lines[0].ShouldStartWith("campaign_id,campaign,from,to,sends,opens,open_rate,");
        lines[1].ShouldStartWith($"{campaign},Spring launch,2026-01-01,2026-01-31,0,0,,");
    }

    [Fact]
    public async Task WithoutARangeTheCampaignsKpisCoverItsWholeLife()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var sentOn = DateTime.UtcNow.AddDays(-60);
        var campaign = await CampaignAsync("Contoso Cloud", "Old news", sentOn);
        var client = await LoginAsync();

        var response = await client.GetAsync($"/accounts/{contoso}/campaigns/{campaign}/report/kpis.csv", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF').Split("\r\n");
        lines[1].ShouldStartWith($"{campaign},Old news,{sentOn:yyyy-MM-dd},{DateTime.UtcNow:yyyy-MM-dd},1,");
    }

    [Theory]
    [InlineData("daily", "day,sends,opens,open_rate,")]
    [InlineData("demographics", "facet,value,label,opens,clicks,hidden_groups")]
    [InlineData("ads", "ad_id,ad_letter,ad,day,sends,opens,open_rate,")]
    [InlineData("ad-kpis", "ad_id,ad_letter,ad,from,to,share_of_sends,sends,")]
    [InlineData("conversions", "day,conversions,post_click,post_send,value\r\n")]
    [InlineData("conversion-ads", "ad_id,ad_letter,ad,from,to,conversions,post_click,post_send,value,conversion_rate,cost_per_conversion\r\n")]
    public async Task EveryCampaignTableDownloadsWithItsHeaderRow(string table, string header)
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var campaign = await CampaignAsync("Contoso Cloud");
        var client = await LoginAsync();

        var response = await client.GetAsync($"/accounts/{contoso}/campaigns/{campaign}/report/{table}.csv", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF').ShouldStartWith(header);
    }

    [Fact]
    public async Task ACampaignsAdsDownloadPerAdAndDayAndSideBySide()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var sentOn = new DateTime(2026, 1, 10, 9, 0, 0, DateTimeKind.Utc);
        var (campaign, adA, adB) = await TwoAdCampaignAsync("Contoso Cloud", sentOn);
        var client = await LoginAsync();

        var daily = await client.GetAsync($"/accounts/{contoso}/campaigns/{campaign}/report/ads.csv?from=2026-01-09&to=2026-01-11", Ct);
        var side = await client.GetStringAsync($"/accounts/{contoso}/campaigns/{campaign}/report/ad-kpis.csv?from=2026-01-09&to=2026-01-11", Ct);

        daily.StatusCode.ShouldBe(HttpStatusCode.OK);
        daily.Content.Headers.ContentDisposition!.FileNameStar.ShouldBe($"campaign-{campaign}-ads-2026-01-09-to-2026-01-11.csv");
        var rows = StrictCsvParser.Parse((await daily.Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF'));
        rows[0].Take(6).ShouldBe(["ad_id", "ad_letter", "ad", "day", "sends", "opens"]);
        rows.Skip(1).Select(r => (r[0], r[1], r[2], r[3], r[4], r[5])).ShouldBe(
        [
            ($"{adA}", "A", "Variant A", "2026-01-09", "0", "0"), ($"{adA}", "A", "Variant A", "2026-01-10", "1", "1"), ($"{adA}", "A", "Variant A", "2026-01-11", "0", "0"),
            ($"{adB}", "B", "Variant B", "2026-01-09", "0", "0"), ($"{adB}", "B", "Variant B", "2026-01-10", "1", "0"), ($"{adB}", "B", "Variant B", "2026-01-11", "0", "0"),
        ]);
        var sideRows = StrictCsvParser.Parse(side.TrimStart('\uFEFF'));
        sideRows[0].Take(8).ShouldBe(["ad_id", "ad_letter", "ad", "from", "to", "share_of_sends", "sends", "opens"]);
        sideRows[1].Take(9).ShouldBe([$"{adA}", "A", "Variant A", "2026-01-09", "2026-01-11", "0.5", "1", "1", "1"]);
        sideRows[2].Take(9).ShouldBe([$"{adB}", "B", "Variant B", "2026-01-09", "2026-01-11", "0.5", "1", "0", "0"]);
        (await client.GetAsync($"/accounts/{contoso}/campaigns/{campaign}/report/ad-funnels.csv", Ct)).StatusCode
            .ShouldBe(HttpStatusCode.NotFound, "Message Ads have no funnels");
    }

    [Fact]
    public async Task ACampaignsConversionsDownloadPerDayAndPerAd()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var sentOn = new DateTime(2026, 1, 10, 9, 0, 0, DateTimeKind.Utc);
        var (campaign, adA, adB) = await TwoAdCampaignAsync("Contoso Cloud", sentOn);
        await using (var db = await Factory.CreateDbContextAsync(Ct))
        {
            var definition = new ConversionDefinition
            {
                AdvertiserAccountId = contoso, Name = $"Order {Guid.NewGuid():N}", Category = ConversionCategory.Purchase, TagKey = $"cv_{Guid.NewGuid():N}"[..19],
                CreatedAt = sentOn,
            };
            db.ConversionDefinitions.Add(definition);
            await db.SaveChangesAsync(Ct);
            ConversionEvent Event(int adId, AttributionTouch touch, long cents, bool counted = true) => new()
            {
                AdvertiserAccountId = contoso, ConversionDefinitionId = definition.Id, Source = ConversionSource.Api, OccurredAt = sentOn.AddHours(2),
                ReceivedAt = sentOn.AddHours(2), CampaignId = campaign, AdId = adId, Touch = touch, ValueCents = cents, Counted = counted,
            };
            db.ConversionEvents.AddRange(
                Event(adA, AttributionTouch.Click, 4900), Event(adA, AttributionTouch.Send, 100), Event(adB, AttributionTouch.Click, 2500),
                Event(adB, AttributionTouch.Click, 9900, counted: false));
            await db.SaveChangesAsync(Ct);
        }
        var client = await LoginAsync();

        var daily = await client.GetAsync($"/accounts/{contoso}/campaigns/{campaign}/report/conversions.csv?from=2026-01-09&to=2026-01-11", Ct);
        var byAd = await client.GetStringAsync($"/accounts/{contoso}/campaigns/{campaign}/report/conversion-ads.csv?from=2026-01-09&to=2026-01-11", Ct);

        daily.StatusCode.ShouldBe(HttpStatusCode.OK);
        daily.Content.Headers.ContentDisposition!.FileNameStar.ShouldBe($"campaign-{campaign}-conversions-2026-01-09-to-2026-01-11.csv");
        StrictCsvParser.Parse((await daily.Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF')).Select(r => string.Join('|', r)).ShouldBe(
        [
            "day|conversions|post_click|post_send|value",
            "2026-01-09|0|0|0|0.00",
            "2026-01-10|3|2|1|75.00",
            "2026-01-11|0|0|0|0.00",
        ], "counted conversions only, every day of the range");
        StrictCsvParser.Parse(byAd.TrimStart('\uFEFF')).Select(r => string.Join('|', r)).ShouldBe(
        [
            "ad_id|ad_letter|ad|from|to|conversions|post_click|post_send|value|conversion_rate|cost_per_conversion",
            $"{adA}|A|Variant A|2026-01-09|2026-01-11|2|1|1|50.00|2|0.25",
            $"{adB}|B|Variant B|2026-01-09|2026-01-11|1|1|0|25.00|1|0.50",
        ]);
    }

    [Fact]
    public async Task TheAccountsCampaignsByAdHaveOneRowPerAdAndTheExistingColumnsStayAsTheyWere()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var sentOn = DateTime.UtcNow.AddHours(-2);
        var (campaign, adA, adB) = await TwoAdCampaignAsync("Contoso Cloud", sentOn);
        var single = await CampaignAsync("Contoso Cloud", $"Single {Guid.NewGuid():N}");
        var client = await LoginAsync();

        var byAd = StrictCsvParser.Parse((await client.GetStringAsync($"/accounts/{contoso}/reports/ads.csv", Ct)).TrimStart('\uFEFF'));
        var campaigns = StrictCsvParser.Parse((await client.GetStringAsync($"/accounts/{contoso}/reports/campaigns.csv", Ct)).TrimStart('\uFEFF'));

        byAd[0].Take(7).ShouldBe(["campaign_id", "campaign", "status", "ad_id", "ad_letter", "ad", "sends"]);
        byAd.Where(r => r[0] == $"{campaign}").Select(r => (r[3], r[4], r[5], r[6])).ShouldBe([($"{adA}", "A", "Variant A", "1"), ($"{adB}", "B", "Variant B", "1")]);
        byAd.Single(r => r[0] == $"{single}")[4].ShouldBe("A");
        byAd[^1][1].ShouldBe("Total");
        byAd[^1][6].ShouldBe(campaigns[^1][3]);
        byAd.Skip(1).SkipLast(1).Sum(r => long.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe(long.Parse(campaigns[^1][3], System.Globalization.CultureInfo.InvariantCulture), "the ads add up to the account's total sends");
        campaigns[0].ShouldBe([
            "campaign_id", "campaign", "status", "sends", "opens", "open_rate", "button_clicks", "link_clicks", "banner_clicks", "conversation_clicks", "clicks",
            "unique_clickers", "click_to_open_rate", "lead_form_opens", "leads", "lead_rate", "completion_rate", "not_interested", "opt_outs", "spend",
            "cost_per_send", "cost_per_open", "cost_per_click", "cost_per_lead",
        ]);
        campaigns.Count(r => r[0] == $"{campaign}").ShouldBe(1, "the campaigns table keeps one row per campaign");
    }

    [Fact]
    public async Task TheAccountsCampaignTableListsItsCampaignsWithATotalRow()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var campaign = await CampaignAsync("Contoso Cloud", $"Mine {Guid.NewGuid():N}");
        var other = await CampaignAsync("Fabrikam Health", $"Theirs {Guid.NewGuid():N}");
        var client = await LoginAsync();

        var response = await client.GetAsync($"/accounts/{contoso}/reports/campaigns.csv", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csv = (await response.Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("campaign_id,campaign,status,sends,");
        lines.ShouldContain(l => l.StartsWith($"{campaign},Mine "));
        lines.ShouldNotContain(l => l.StartsWith($"{other},"));
        lines[^1].ShouldStartWith(",Total,,");
    }

    [Fact]
    public async Task ACampaignNameThatLooksLikeAFormulaIsNeutralized()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var campaign = await CampaignAsync("Contoso Cloud", "=HYPERLINK(\"https://evil.example\",\"Click\")");
        var client = await LoginAsync();

        var kpis = await client.GetStringAsync($"/accounts/{contoso}/campaigns/{campaign}/report/kpis.csv", Ct);
        var campaigns = await client.GetStringAsync($"/accounts/{contoso}/reports/campaigns.csv", Ct);

        foreach (var csv in new[] { kpis, campaigns })
        {
            csv.ShouldContain("\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"Click\"\")\"");
            csv.ShouldNotContain(",\"=HYPERLINK");
            csv.ShouldNotContain(",=HYPERLINK");
        }
    }

    [Fact]
    public async Task AnotherAccountsCampaignReportIsNotFound()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var fabrikam = await AccountIdAsync("Fabrikam Health");
        var campaign = await CampaignAsync("Fabrikam Health");
        var client = await LoginAsync();

        (await client.GetAsync($"/accounts/{fabrikam}/campaigns/{campaign}/report/kpis.csv", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/accounts/{contoso}/campaigns/{campaign}/report/kpis.csv", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/accounts/{fabrikam}/reports/campaigns.csv", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("funnel")]
    [InlineData("leads")]
    public async Task ATableTheCampaignDoesNotHaveIsNotFound(string table)
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var campaign = await CampaignAsync("Contoso Cloud");
        var client = await LoginAsync();

        var response = await client.GetAsync($"/accounts/{contoso}/campaigns/{campaign}/report/{table}.csv", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheReportPagesRenderForTheAccountsMarketerWithTheRangeFromTheUrl()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var campaign = await CampaignAsync("Contoso Cloud", "Autumn launch");
        var client = await LoginAsync();

        var report = await client.GetStringAsync($"/accounts/{contoso}/campaigns/{campaign}/report?from=2026-01-01&to=2026-01-31", Ct);
        var overview = await client.GetStringAsync($"/accounts/{contoso}/reports", Ct);
        var compare = await client.GetStringAsync($"/accounts/{contoso}/reports/compare?ids={campaign}", Ct);

        report.ShouldContain("Report: Autumn launch");
        report.ShouldContain("value=\"2026-01-01\"");
        report.ShouldContain($"/report/kpis.csv?from=2026-01-01&amp;to=2026-01-31");
        overview.ShouldContain("Autumn launch");
        compare.ShouldContain("Compare campaigns");
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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

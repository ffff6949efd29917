using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Web;

/// <summary>GET /accounts/{id}/leads.csv through the real app: a download for the account's marketers, 404 for anyone else's account.</summary>
public class LeadCsvEndpointTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<int> AccountIdAsync(string name)
    {
        _ = app.CreateClient();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        return await db.AdvertiserAccounts.Where(a => a.Name == name).Select(a => a.Id).SingleAsync(Ct);
    }

    [Fact]
    public async Task AMarketerDownloadsTheirAccountsLeadsAsCsv()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, "maria@contoso.example");

        var response = await client.GetAsync($"/accounts/{contoso}/leads.csv", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/csv; charset=utf-8");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.FileNameStar.ShouldStartWith($"leads-account-{contoso}-");
        (await response.Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF').ShouldStartWith("submitted_at,campaign,form");
    }

    [Fact]
    public async Task AnotherAccountsLeadsAreNotFound()
    {
        var litware = await AccountIdAsync("Litware Security");
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, "maria@contoso.example");

        var response = await client.GetAsync($"/accounts/{litware}/leads.csv", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}

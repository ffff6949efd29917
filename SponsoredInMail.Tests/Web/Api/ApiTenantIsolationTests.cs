using System.Net;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>SPEC §4 invariant 7 over the API: another account's ids answer exactly like ids that do not exist.</summary>
[Collection(ApiCollection.Name)]
public class ApiTenantIsolationTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> EndpointsWithIds => new()
    {
        { "GET", "/api/v1/audiences/{audience}/count" },
        { "GET", "/api/v1/ads/{ad}" },
        { "GET", "/api/v1/campaigns/{campaign}" },
        { "GET", "/api/v1/campaigns/{campaign}/report" },
        { "GET", "/api/v1/campaigns/{campaign}/report?from=2026-01-01&to=2026-01-31" },
        { "GET", "/api/v1/leads?campaignId={campaign}" },
        { "POST", "/api/v1/campaigns/{campaign}/submit" },
        { "POST", "/api/v1/campaigns/{campaign}/pause" },
        { "POST", "/api/v1/campaigns/{campaign}/resume" },
    };

    [Theory]
    [MemberData(nameof(EndpointsWithIds))]
    public async Task AnotherAccountsIdsAnswer404(string method, string template)
    {
        var world = await app.WorldAsync();
        var before = await StatusAsync(world.Northwind.DraftCampaignId);

        var response = await SendAsync(world.ContosoReadWrite, method, Fill(template, world.Northwind));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var body = await response.Content.ReadAsStringAsync(Ct);
        body.ShouldNotContain("Northwind");
        (await StatusAsync(world.Northwind.DraftCampaignId)).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(EndpointsWithIds))]
    public async Task MissingIdsAnswerTheSame404(string method, string template)
    {
        var world = await app.WorldAsync();
        var missing = new AccountThings(world.Contoso.AccountId, 999_999, 999_999, 999_999);

        var response = await SendAsync(world.ContosoReadWrite, method, Fill(template, missing));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("GET", "/api/v1/audiences/{audience}/count")]
    [InlineData("GET", "/api/v1/ads/{ad}")]
    [InlineData("GET", "/api/v1/campaigns/{campaign}")]
    [InlineData("GET", "/api/v1/campaigns/{campaign}/report")]
    [InlineData("GET", "/api/v1/leads?campaignId={campaign}")]
    public async Task TheOwnAccountsIdsAnswer200(string method, string template)
    {
        var world = await app.WorldAsync();

        var response = await SendAsync(world.ContosoReadWrite, method, Fill(template, world.Contoso));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("/api/v1/audiences")]
    [InlineData("/api/v1/ads")]
    [InlineData("/api/v1/campaigns")]
    [InlineData("/api/v1/reports/account")]
    [InlineData("/api/v1/leads")]
    public async Task ListsHoldOnlyTheTokensAccount(string path)
    {
        var world = await app.WorldAsync();

        var body = await (await SendAsync(world.NorthwindReadWrite, "GET", path)).Content.ReadAsStringAsync(Ct);

        body.ShouldNotContain("Contoso");
    }

    [Theory]
    [InlineData("audienceId", "audience")]
    [InlineData("adId", "ad")]
    public async Task ADraftCannotUseAnotherAccountsAudienceOrAd(string field, string thing)
    {
        var world = await app.WorldAsync();
        var foreignId = thing == "audience" ? world.Northwind.AudienceId : world.Northwind.AdId;
        var before = await CountAsync(world.Contoso.AccountId);

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/campaigns", ApiAppFactory.Json(
            $"{{\"name\":\"Borrowed\",\"objective\":\"WebsiteVisits\",\"bidCents\":100,\"lifetimeBudgetCents\":1000,\"{field}\":{foreignId}}}"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldBe([field]);
        (await CountAsync(world.Contoso.AccountId)).ShouldBe(before);
    }

    private Task<HttpResponseMessage> SendAsync(string secret, string method, string path) =>
        app.Client(secret).SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

    private static string Fill(string template, AccountThings things) => template
        .Replace("{audience}", things.AudienceId.ToString())
        .Replace("{ad}", things.AdId.ToString())
        .Replace("{campaign}", things.DraftCampaignId.ToString());

    private async Task<CampaignStatus> StatusAsync(int campaignId)
    {
        await using var db = await app.CreateContextAsync();
        return await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.Status).SingleAsync(Ct);
    }

    private async Task<int> CountAsync(int accountId)
    {
        await using var db = await app.CreateContextAsync();
        return await db.Campaigns.CountAsync(c => c.AdvertiserAccountId == accountId, Ct);
    }
}

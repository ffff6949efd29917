using System.Net;
using System.Text.Json;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Api;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>Who may call the API: a live token of the account; writes only with a read-write one.</summary>
[Collection(ApiCollection.Name)]
public class ApiAuthenticationTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("GET", "/api/v1/campaigns")]
    [InlineData("GET", "/api/v1/audiences")]
    [InlineData("GET", "/api/v1/reports/account")]
    [InlineData("POST", "/api/v1/campaigns")]
    [InlineData("GET", "/api/v1/no-such-endpoint")]
    public async Task WithoutATokenTheAnswerIs401ProblemDetails(string method, string path)
    {
        var response = await app.Client(null).SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        problem.RootElement.GetProperty("status").GetInt32().ShouldBe(401);
    }

    [Theory]
    [InlineData("sim_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-token")]
    public async Task AnUnknownTokenIs401(string secret)
    {
        var response = await app.Client(secret).GetAsync("/api/v1/campaigns", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
    }

    [Fact]
    public async Task ABasicAuthorizationHeaderIs401()
    {
        var client = app.Client(null);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "bWFyaWE6c3BvbnNvcmVk");

        (await client.GetAsync("/api/v1/campaigns", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ARevokedTokenIs401()
    {
        var secret = await app.TokenAsync("maria@contoso.example", "Contoso Cloud", ApiTokenScope.ReadWrite, "Soon revoked");
        var client = app.Client(secret);
        (await client.GetAsync("/api/v1/campaigns", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var maria = await app.UserIdAsync("maria@contoso.example");
        var contoso = await app.AccountIdAsync("Contoso Cloud");
        var token = (await app.Get<ApiTokenService>().ListAsync(maria, contoso, Ct)).Single(t => t.Name == "Soon revoked");

        (await app.Get<ApiTokenService>().RevokeAsync(maria, contoso, token.Id, Ct)).Succeeded.ShouldBeTrue();

        (await client.GetAsync("/api/v1/campaigns", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ATokenIsNotASignInCookieSubstitute()
    {
        var world = await app.WorldAsync();

        // The token opens the API only; the app's own pages and downloads still want a signed-in marketer.
        var response = await app.Client(world.ContosoReadWrite).GetAsync($"/accounts/{world.Contoso.AccountId}/leads.csv", Ct);

        response.StatusCode.ShouldNotBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/api/v1/campaigns", "{\"name\":\"Nope\",\"objective\":\"WebsiteVisits\",\"bidCents\":100,\"lifetimeBudgetCents\":1000}")]
    [InlineData("/api/v1/campaigns/{draft}/submit", "")]
    [InlineData("/api/v1/campaigns/{draft}/pause", "")]
    [InlineData("/api/v1/campaigns/{draft}/resume", "")]
    public async Task AReadOnlyTokenWritingIs403AndChangesNothing(string path, string body)
    {
        var world = await app.WorldAsync();
        var before = await CampaignCountAsync(world.Contoso.AccountId);

        var response = await app.Client(world.ContosoReadOnly).PostAsync(path.Replace("{draft}", world.Contoso.DraftCampaignId.ToString()), ApiAppFactory.Json(body), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("read-only");
        (await CampaignCountAsync(world.Contoso.AccountId)).ShouldBe(before);
    }

    [Fact]
    public async Task AReadOnlyTokenReads()
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/campaigns/{world.Contoso.DraftCampaignId}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AReadWriteTokenOfACreatorDemotedToViewerCannotWrite()
    {
        var maria = await app.UserIdAsync("maria@contoso.example");
        var contoso = await app.AccountIdAsync("Contoso Cloud");
        var accounts = app.Get<AccountService>();
        (await accounts.AddTeamMemberAsync(maria, contoso, "ben@northwind.example", AccountRole.Manager, Ct)).Succeeded.ShouldBeTrue();
        var secret = await app.TokenAsync("ben@northwind.example", "Contoso Cloud", ApiTokenScope.ReadWrite, "Ben at Contoso");
        var ben = await app.UserIdAsync("ben@northwind.example");
        (await accounts.ChangeRoleAsync(maria, contoso, ben, AccountRole.Viewer, Ct)).Succeeded.ShouldBeTrue();

        var write = await app.Client(secret).PostAsync("/api/v1/campaigns",
            ApiAppFactory.Json("{\"name\":\"Nope\",\"objective\":\"WebsiteVisits\",\"bidCents\":100,\"lifetimeBudgetCents\":1000}"), Ct);
        var read = await app.Client(secret).GetAsync("/api/v1/campaigns", Ct);
        await accounts.RemoveTeamMemberAsync(maria, contoso, ben, Ct);
        var afterLeaving = await app.Client(secret).GetAsync("/api/v1/campaigns", Ct);

        write.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        afterLeaving.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task<int> CampaignCountAsync(int accountId)
    {
        await using var db = await app.CreateContextAsync();
        return db.Campaigns.Count(c => c.AdvertiserAccountId == accountId);
    }
}

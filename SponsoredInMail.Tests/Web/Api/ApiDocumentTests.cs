using System.Net;
using System.Text.Json;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>The OpenAPI description and its reference page, readable without a token.</summary>
[Collection(ApiCollection.Name)]
public class ApiDocumentTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheOpenApiDocumentIsServedAsJsonWithEveryEndpointAndTheBearerScheme()
    {
        var response = await app.Client(null).GetAsync("/openapi/v1.json", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = document.RootElement;
        root.GetProperty("openapi").GetString()!.ShouldStartWith("3.");
        root.GetProperty("paths").EnumerateObject().Count().ShouldBeGreaterThan(30, "ApiContractTests checks the paths against the app's endpoints");
        var bearer = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        bearer.GetProperty("type").GetString().ShouldBe("http");
        bearer.GetProperty("scheme").GetString().ShouldBe("bearer");
        root.GetProperty("security")[0].TryGetProperty("Bearer", out _).ShouldBeTrue();
        var create = root.GetProperty("paths").GetProperty("/api/v1/campaigns").GetProperty("post");
        create.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task TheDocumentDescribesACampaignsAdsAndTheReportsBreakdownByAd()
    {
        using var document = JsonDocument.Parse(await app.Client(null).GetStringAsync("/openapi/v1.json", Ct));

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        string[] Properties(string schema) => [.. schemas.GetProperty(schema).GetProperty("properties").EnumerateObject().Select(p => p.Name)];
        var request = document.RootElement.GetProperty("paths").GetProperty("/api/v1/campaigns").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties");
        new[] { "adId", "adIds", "rotation", "abTestMetric" }.ShouldBeSubsetOf(request.EnumerateObject().Select(p => p.Name));
        new[] { "adId", "adIds", "rotation", "abTestMetric", "winnerAdId" }.ShouldBeSubsetOf(Properties("ApiCampaign"));
        Properties("CampaignReport").ShouldContain("ads");
        Properties("AdReportRow").ShouldBe(["adId", "letter", "name", "kpis", "shareOfSends", "series", "funnel"], ignoreOrder: true);
    }

    [Fact]
    public async Task TheScalarReferencePageIsServedWithoutAToken()
    {
        var response = await app.Client(null).GetAsync("/scalar/v1", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("SponsoredInMail API");
    }
}

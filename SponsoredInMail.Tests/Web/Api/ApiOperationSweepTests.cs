using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>
/// Sweeps over every operation in the OpenAPI document, so that an operation added later is covered without a new
/// test: a read-only token can run no write, and another account's audience, ad or campaign reads like a missing one.
/// </summary>
[Collection(ApiCollection.Name)]
public class ApiOperationSweepTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every operation with the document's example request body (null when it takes none).</summary>
    private async Task<List<(string Method, string Template, string? Body)>> OperationsAsync()
    {
        var document = await app.DocumentAsync();
        return document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete")
                .Select(o => (o.Name.ToUpperInvariant(), path.Name, Example(o.Value))))
            .ToList();
    }

    private static string? Example(JsonElement operation) =>
        !operation.TryGetProperty("requestBody", out var body) ? null
        : body.GetProperty("content").TryGetProperty("application/json", out var json) && json.TryGetProperty("example", out var example) ? example.GetRawText()
        : "{}";

    /// <summary>Posts that compute without changing anything, which a read-only token may make.</summary>
    private static readonly string[] Computations = ["POST /api/v1/ads/preview", "POST /api/v1/audiences/count"];

    private static string Fill(string template, int id) => System.Text.RegularExpressions.Regex.Replace(template, @"\{\w+}", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static HttpRequestMessage Request(string method, string url, string? body) =>
        new(new HttpMethod(method), url) { Content = body is null ? null : ApiAppFactory.Json(body) };

    private async Task<int> ChangeCountAsync()
    {
        await using var db = await app.CreateContextAsync();
        return await db.SavedAudiences.CountAsync(Ct) + await db.Campaigns.CountAsync(Ct) + await db.Ads.CountAsync(Ct);
    }

    [Fact]
    public async Task EveryWriteOperationRefusesAReadOnlyTokenAndChangesNothing()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadOnly);
        var writes = (await OperationsAsync()).Where(o => o.Method != "GET" && !Computations.Contains($"{o.Method} {o.Template}")).ToList();
        writes.Count.ShouldBeGreaterThan(40);
        var before = await ChangeCountAsync();

        var wrong = new List<string>();
        foreach (var (method, template, body) in writes)
        {
            var response = await client.SendAsync(Request(method, Fill(template, world.Contoso.DraftCampaignId), body), Ct);
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                wrong.Add($"{method} {template}: {(int)response.StatusCode}");
            }
        }

        wrong.ShouldBeEmpty();
        (await ChangeCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task EveryOperationOnAnotherAccountsAudienceAdOrCampaignIsA404AndChangesNothing()
    {
        var world = await app.WorldAsync();
        var northwind = app.Client(world.NorthwindReadWrite);
        var ids = new Dictionary<string, int>
        {
            ["/api/v1/audiences/{id}"] = world.Contoso.AudienceId,
            ["/api/v1/ads/{id}"] = world.Contoso.AdId,
            ["/api/v1/campaigns/{id}"] = world.Contoso.DraftCampaignId,
        };
        var operations = (await OperationsAsync()).Where(o => ids.Keys.Any(k => o.Template.StartsWith(k, StringComparison.Ordinal))).ToList();
        operations.Count.ShouldBeGreaterThan(25);
        var before = await ChangeCountAsync();

        var wrong = new List<string>();
        foreach (var (method, template, body) in operations)
        {
            var id = ids.First(k => template.StartsWith(k.Key, StringComparison.Ordinal)).Value;
            var response = await northwind.SendAsync(Request(method, Fill(template, id), body), Ct);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                wrong.Add($"{method} {template}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            }
        }

        wrong.ShouldBeEmpty();
        (await ChangeCountAsync()).ShouldBe(before);
    }
}

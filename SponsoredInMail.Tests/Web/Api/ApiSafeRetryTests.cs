using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>
/// What makes the API safe to build on: Idempotency-Key on creates, ETag / If-Match, rate-limit headers on every answer,
/// one problem-details shape with a trace id, 405 with Allow.
/// </summary>
[Collection(ApiCollection.Name)]
public class ApiSafeRetryTests(ApiAppFactory app)
{
    private const string Us = """{"include":[{"facet":"Location","values":["US"]}],"exclude":[]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage CreateAudience(string name, string? key, string targeting = Us)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/audiences")
        {
            Content = ApiAppFactory.Json($$"""{"name":"{{name}}","targeting":{{targeting}}}"""),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return request;
    }

    private async Task<int> AudiencesNamedAsync(string name)
    {
        await using var db = await app.CreateContextAsync();
        return await db.SavedAudiences.CountAsync(a => a.Name == name, Ct);
    }

    [Fact]
    public async Task ARetryWithTheSameKeyAndBodyAnswersTheFirstResultAndCreatesNothingMore()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadWrite);
        var name = $"Retry {Guid.NewGuid():N}";
        var key = Guid.NewGuid().ToString();

        var first = await client.SendAsync(CreateAudience(name, key), Ct);
        var retry = await client.SendAsync(CreateAudience(name, key), Ct);

        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync(Ct));
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await retry.Content.ReadAsStringAsync(Ct)).ShouldBe(await first.Content.ReadAsStringAsync(Ct));
        retry.Headers.Location.ShouldBe(first.Headers.Location);
        retry.Headers.ETag.ShouldBe(first.Headers.ETag);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        first.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        (await AudiencesNamedAsync(name)).ShouldBe(1);
    }

    [Fact]
    public async Task TheSameKeyWithAnotherBodyIsA409AndCreatesNothing()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadWrite);
        var key = Guid.NewGuid().ToString();
        var name = $"Reuse {Guid.NewGuid():N}";
        (await client.SendAsync(CreateAudience(name, key), Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var other = await client.SendAsync(CreateAudience(name + " B", key), Ct);

        other.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        using var problem = JsonDocument.Parse(await other.Content.ReadAsStringAsync(Ct));
        problem.RootElement.GetProperty("title").GetString().ShouldBe("Idempotency-Key reused.");
        problem.RootElement.TryGetProperty("traceId", out _).ShouldBeTrue();
        (await AudiencesNamedAsync(name + " B")).ShouldBe(0);
    }

    [Fact]
    public async Task ConcurrentRetriesWithOneKeyCreateOneAudience()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadWrite);
        var name = $"Storm {Guid.NewGuid():N}";
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.SendAsync(CreateAudience(name, key), Ct)));

        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.Created || a.StatusCode == HttpStatusCode.Conflict);
        answers.Count(a => a.StatusCode == HttpStatusCode.Created).ShouldBeGreaterThanOrEqualTo(1);
        (await AudiencesNamedAsync(name)).ShouldBe(1);
    }

    [Fact]
    public async Task WithoutAKeyTwoPostsAreTwoRequests()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadWrite);
        var name = $"No key {Guid.NewGuid():N}";

        (await client.SendAsync(CreateAudience(name, null), Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var second = await client.SendAsync(CreateAudience(name, null), Ct);

        second.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the name is taken: the second request ran");
        (await AudiencesNamedAsync(name)).ShouldBe(1);
    }

    [Fact]
    public async Task AnotherAccountsSameKeyIsItsOwn()
    {
        var world = await app.WorldAsync();
        var key = Guid.NewGuid().ToString();
        var name = $"Shared key {Guid.NewGuid():N}";

        var contoso = await app.Client(world.ContosoReadWrite).SendAsync(CreateAudience(name, key), Ct);
        var northwind = await app.Client(world.NorthwindReadWrite).SendAsync(CreateAudience(name, key), Ct);

        contoso.StatusCode.ShouldBe(HttpStatusCode.Created);
        northwind.StatusCode.ShouldBe(HttpStatusCode.Created);
        northwind.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        (await AudiencesNamedAsync(name)).ShouldBe(2);
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("naïve")]
    public async Task AMalformedKeyIsA400NamingTheHeaderAndCreatesNothing(string key)
    {
        var world = await app.WorldAsync();
        var name = $"Bad key {Guid.NewGuid():N}";

        var response = await app.Client(world.ContosoReadWrite).SendAsync(CreateAudience(name, key), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldContain("Idempotency-Key");
        (await AudiencesNamedAsync(name)).ShouldBe(0);
    }

    [Fact]
    public async Task AStaleIfMatchIsA412AndTheFreshOneUpdates()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadWrite);
        var name = $"Versioned {Guid.NewGuid():N}";
        var created = await client.SendAsync(CreateAudience(name, null), Ct);
        var location = created.Headers.Location!.ToString();
        var firstTag = created.Headers.ETag!;
        var update = new HttpRequestMessage(HttpMethod.Put, location) { Content = ApiAppFactory.Json($$"""{"name":"{{name}} v2","targeting":{{Us}}}""") };
        update.Headers.IfMatch.Add(firstTag);
        var updated = await client.SendAsync(update, Ct);
        updated.StatusCode.ShouldBe(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync(Ct));

        var stale = new HttpRequestMessage(HttpMethod.Put, location) { Content = ApiAppFactory.Json($$"""{"name":"{{name}} v3","targeting":{{Us}}}""") };
        stale.Headers.IfMatch.Add(firstTag);
        var refused = await client.SendAsync(stale, Ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        refused.Headers.ETag.ShouldBe(updated.Headers.ETag);
        (await AudiencesNamedAsync(name + " v3")).ShouldBe(0);
        (await AudiencesNamedAsync(name + " v2")).ShouldBe(1);
    }

    [Fact]
    public async Task EveryAnswerCarriesTheRateLimitHeaders()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadOnly);

        HttpResponseMessage[] answers =
        [
            await client.GetAsync("/api/v1/campaigns", Ct),
            await client.GetAsync("/api/v1/campaigns/2147483647", Ct),
            await client.GetAsync("/api/v1/leads?limit=0", Ct),
            await client.PostAsync("/api/v1/audiences", ApiAppFactory.Json("{}"), Ct),
        ];

        answers.Select(a => (int)a.StatusCode).ShouldBe([200, 404, 400, 403]);
        foreach (var answer in answers)
        {
            answer.Headers.Contains("RateLimit-Limit").ShouldBeTrue($"{(int)answer.StatusCode} carries the rate-limit headers");
            int.Parse(answer.Headers.GetValues("RateLimit-Limit").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(100_000);
            int.Parse(answer.Headers.GetValues("RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(0, 100_000);
            int.Parse(answer.Headers.GetValues("RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 60);
        }
    }

    [Fact]
    public async Task EveryErrorIsOneProblemShapeWithATraceId()
    {
        var world = await app.WorldAsync();
        var readWrite = app.Client(world.ContosoReadWrite);
        var readOnly = app.Client(world.ContosoReadOnly);

        HttpResponseMessage[] errors =
        [
            await app.Client(null).GetAsync("/api/v1/campaigns", Ct),
            await readOnly.PostAsync("/api/v1/audiences", ApiAppFactory.Json("{}"), Ct),
            await readWrite.PostAsync("/api/v1/audiences", ApiAppFactory.Json("{}"), Ct),
            await readWrite.GetAsync("/api/v1/audiences/2147483647", Ct),
            await readWrite.PatchAsync("/api/v1/audiences", ApiAppFactory.Json("{}"), Ct),
            await readWrite.PostAsync("/api/v1/audiences", new StringContent("name=x"), Ct),
        ];

        errors.Select(e => (int)e.StatusCode).ShouldBe([401, 403, 400, 404, 405, 415]);
        foreach (var error in errors)
        {
            error.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            using var problem = JsonDocument.Parse(await error.Content.ReadAsStringAsync(Ct));
            foreach (var member in new[] { "type", "title", "status", "traceId" })
            {
                problem.RootElement.TryGetProperty(member, out _).ShouldBeTrue($"{(int)error.StatusCode} has {member}");
            }
            problem.RootElement.GetProperty("status").GetInt32().ShouldBe((int)error.StatusCode);
        }
        var allow = string.Join(", ", errors[4].Content.Headers.Concat(errors[4].Headers).Where(h => h.Key == "Allow").SelectMany(h => h.Value));
        new[] { "GET", "POST" }.ShouldBeSubsetOf(allow.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            string.Join("; ", errors[4].Content.Headers.Concat(errors[4].Headers).Select(h => h.Key)));
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>Saved audiences over HTTP: list, read, create, update, delete, duplicate and counts, per account and token scope.</summary>
[Collection(ApiCollection.Name)]
public class ApiAudienceTests(ApiAppFactory app)
{
    private const string Us = """{"include":[{"facet":"Location","values":["US"]}],"exclude":[]}""";
    private const string UsNotDirectors = """{"include":[{"facet":"Location","values":["US"]}],"exclude":[{"facet":"Seniority","values":["Director"]}]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACreatedAudienceIsReadBackWithItsETagAndAnswers304WhenUnchanged()
    {
        var world = await app.WorldAsync();
        var name = Unique("Created");

        var created = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/audiences", Body(name, UsNotDirectors), Ct);

        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        var id = body.RootElement.GetProperty("id").GetInt32();
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/audiences/{id}");
        body.RootElement.GetProperty("name").GetString().ShouldBe(name);
        body.RootElement.GetProperty("targeting").GetProperty("exclude")[0].GetProperty("facet").GetString().ShouldBe("Seniority");
        var read = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/audiences/{id}", Ct);
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        read.Headers.ETag.ShouldBe(created.Headers.ETag);
        (await read.Content.ReadAsStringAsync(Ct)).ShouldContain(name);
        var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audiences/{id}");
        again.Headers.IfNoneMatch.Add(read.Headers.ETag!);
        (await app.Client(world.ContosoReadOnly).SendAsync(again, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Theory]
    [InlineData("""{"targeting":US}""", "name")]
    [InlineData("""{"name":"   ","targeting":US}""", "name")]
    [InlineData("""{"name":"NAME"}""", "targeting")]
    [InlineData("""{"name":"NAME","targeting":{"include":[]}}""", "targeting.include.Location")]
    [InlineData("""{"name":"NAME","targeting":{"include":[{"facet":"Location","values":["Atlantis"]}]}}""", "targeting.include.Location")]
    [InlineData("""{"name":"NAME","targeting":{"include":[{"facet":"Location","values":["US"]}],"exclude":[{"facet":"Seniority","values":["Emperor"]}]}}""", "targeting.exclude.Seniority")]
    [InlineData("""{"name":"NAME","targeting":{"include":[{"facet":"Planet","values":["Mars"]}]}}""", "targeting.include[0].facet")]
    [InlineData("""{"name":"NAME","targeting":{"include":[{"facet":3,"values":["US"]}]}}""", "targeting.include[0].facet")]
    [InlineData("""{"name":"NAME","targeting":{"include":[{"facet":"Location"}]}}""", "targeting.include[0].values")]
    [InlineData("""{"name":"NAME","targeting":{"include":[{"facet":"Location","values":[1]}]}}""", "targeting.include[0].values[0]")]
    [InlineData("""{"name":"NAME","targeting":"everyone"}""", "targeting")]
    [InlineData("""["NAME"]""", "body")]
    public async Task ABadAudienceIsA400NamingTheFieldAndSavesNothing(string template, string field)
    {
        var world = await app.WorldAsync();
        var before = await AudienceCountAsync(world.Contoso.AccountId);

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/audiences",
            ApiAppFactory.Json(template.Replace("NAME", Unique("Bad")).Replace("US}", Us + "}")), Ct);

        await ShouldBeInvalidAsync(response, field);
        (await AudienceCountAsync(world.Contoso.AccountId)).ShouldBe(before);
    }

    [Fact]
    public async Task AMissingFacetIsA400NamingTheCriterion()
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/audiences/count",
            ApiAppFactory.Json("""{"include":[{"values":["US"]}]}"""), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var fields = await ErrorFieldsAsync(response);
        fields.ShouldHaveSingleItem().ShouldStartWith("include[0]");
    }

    [Fact]
    public async Task ATakenNameIsA400OnNameAndAnotherBodyTypeIsA415()
    {
        var world = await app.WorldAsync();
        var name = Unique("Taken");
        var client = app.Client(world.ContosoReadWrite);
        (await client.PostAsync("/api/v1/audiences", Body(name, Us), Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var before = await AudienceCountAsync(world.Contoso.AccountId);

        await ShouldBeInvalidAsync(await client.PostAsync("/api/v1/audiences", Body(name.ToUpperInvariant(), Us), Ct), "name");
        var text = await client.PostAsync("/api/v1/audiences", new StringContent($$"""{"name":"{{Unique("Text")}}","targeting":{{Us}}}"""), Ct);

        text.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await AudienceCountAsync(world.Contoso.AccountId)).ShouldBe(before);
    }

    [Fact]
    public async Task TheListPagesByCursorReturningEveryAudienceOnce()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadWrite);
        var mine = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            mine.Add(await CreateAsync(world.ContosoReadWrite, Unique($"Paged {i}")));
        }
        var expected = await AudienceCountAsync(world.Contoso.AccountId);

        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var page = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/audiences?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", Ct));
            var items = page.RootElement.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetInt32()).ToList();
            items.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(items);
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 1000);

        cursor.ShouldBeNull();
        pages.ShouldBeGreaterThanOrEqualTo(3);
        seen.ShouldBeUnique();
        seen.Count.ShouldBe(expected);
        seen.ShouldBe(seen.Order().ToList());
        mine.ShouldBeSubsetOf(seen);
        (await app.Client(world.NorthwindReadWrite).GetStringAsync("/api/v1/audiences?limit=200", Ct)).ShouldNotContain("Paged 0");
    }

    [Theory]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    public async Task ABadListQueryIsA400NamingTheParameter(string query, string field)
    {
        var world = await app.WorldAsync();

        await ShouldBeInvalidAsync(await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/audiences?{query}", Ct), field);
    }

    [Fact]
    public async Task AnUpdateReplacesNameAndTargetingAndAnswersTheNewVersion()
    {
        var world = await app.WorldAsync();
        var id = await CreateAsync(world.ContosoReadWrite, Unique("Before"));
        var client = app.Client(world.ContosoReadWrite);
        var etag = (await client.GetAsync($"/api/v1/audiences/{id}", Ct)).Headers.ETag!;
        var renamed = Unique("After");

        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/audiences/{id}") { Content = Body(renamed, UsNotDirectors) };
        request.Headers.IfMatch.Add(etag);
        var updated = await client.SendAsync(request, Ct);

        updated.StatusCode.ShouldBe(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync(Ct));
        updated.Headers.ETag.ShouldNotBe(etag);
        using var body = JsonDocument.Parse(await updated.Content.ReadAsStringAsync(Ct));
        body.RootElement.GetProperty("name").GetString().ShouldBe(renamed);
        var stored = await StoredAsync(id);
        stored.Name.ShouldBe(renamed);
        stored.Targeting.ExcludedValues(Facet.Seniority).ShouldBe(["Director"]);
        (await client.GetAsync($"/api/v1/audiences/{id}", Ct)).Headers.ETag.ShouldBe(updated.Headers.ETag);
    }

    [Fact]
    public async Task AnUpdateWithAStaleIfMatchIsA412AndChangesNothing()
    {
        var world = await app.WorldAsync();
        var id = await CreateAsync(world.ContosoReadWrite, Unique("Stale"));
        var client = app.Client(world.ContosoReadWrite);
        var stale = (await client.GetAsync($"/api/v1/audiences/{id}", Ct)).Headers.ETag!;
        (await client.PutAsync($"/api/v1/audiences/{id}", Body(Unique("Someone else"), Us), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var before = await StoredAsync(id);

        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/audiences/{id}") { Content = Body(Unique("Mine"), Us) };
        request.Headers.IfMatch.Add(stale);
        var response = await client.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await StoredAsync(id)).ShouldBe(before);
    }

    [Theory]
    [InlineData("""{"name":"","targeting":US}""", "name")]
    [InlineData("""{"name":"NAME"}""", "targeting")]
    [InlineData("""{"name":"NAME","targeting":{"include":[{"facet":"Location","values":["US","US"]}]}}""", "targeting.include.Location")]
    public async Task ABadUpdateIsA400NamingTheFieldAndChangesNothing(string template, string field)
    {
        var world = await app.WorldAsync();
        var id = await CreateAsync(world.ContosoReadWrite, Unique("Kept"));
        var before = await StoredAsync(id);

        var response = await app.Client(world.ContosoReadWrite).PutAsync($"/api/v1/audiences/{id}",
            ApiAppFactory.Json(template.Replace("NAME", Unique("Bad")).Replace("US}", Us + "}")), Ct);

        await ShouldBeInvalidAsync(response, field);
        (await StoredAsync(id)).ShouldBe(before);
    }

    [Fact]
    public async Task DuplicatingSavesACopyNamedCopyOf()
    {
        var world = await app.WorldAsync();
        var name = Unique("Original");
        var id = await CreateAsync(world.ContosoReadWrite, name, UsNotDirectors);

        var copied = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/audiences/{id}/duplicate", null, Ct);

        copied.StatusCode.ShouldBe(HttpStatusCode.Created, await copied.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await copied.Content.ReadAsStringAsync(Ct));
        var copy = body.RootElement.GetProperty("id").GetInt32();
        copy.ShouldNotBe(id);
        copied.Headers.Location!.ToString().ShouldBe($"/api/v1/audiences/{copy}");
        body.RootElement.GetProperty("name").GetString().ShouldBe($"Copy of {name}");
        (await StoredAsync(copy)).TargetingJson.ShouldBe((await StoredAsync(id)).TargetingJson);
    }

    [Fact]
    public async Task DeletingAnAudienceIsA204AndItIsGone()
    {
        var world = await app.WorldAsync();
        var id = await CreateAsync(world.ContosoReadWrite, Unique("Doomed"));
        var client = app.Client(world.ContosoReadWrite);

        var deleted = await client.DeleteAsync($"/api/v1/audiences/{id}", Ct);

        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.GetAsync($"/api/v1/audiences/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.DeleteAsync($"/api/v1/audiences/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeletingAnAudienceALiveCampaignUsesIsA409AndKeepsIt()
    {
        var world = await app.WorldAsync();
        var id = await CreateAsync(world.ContosoReadWrite, Unique("In use"));
        await app.DraftAsync(world.Contoso with { AudienceId = id }, Unique("Paused campaign"), CampaignStatus.Paused);

        var response = await app.Client(world.ContosoReadWrite).DeleteAsync($"/api/v1/audiences/{id}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("live campaign");
        (await StoredAsync(id)).ShouldNotBeNull();
    }

    [Fact]
    public async Task AnotherAccountsAudienceIsNotFoundForEveryOperationAndNothingChanges()
    {
        var world = await app.WorldAsync();
        var id = await CreateAsync(world.ContosoReadWrite, Unique("Private"));
        var before = await StoredAsync(id);
        var theirCount = await AudienceCountAsync(world.Northwind.AccountId);
        var theirs = app.Client(world.NorthwindReadWrite);

        (await theirs.GetAsync($"/api/v1/audiences/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await theirs.GetAsync($"/api/v1/audiences/{id}/count", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await theirs.PutAsync($"/api/v1/audiences/{id}", Body(Unique("Hijacked"), Us), Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await theirs.PostAsync($"/api/v1/audiences/{id}/duplicate", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await theirs.DeleteAsync($"/api/v1/audiences/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await theirs.GetAsync("/api/v1/audiences/987654", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await StoredAsync(id)).ShouldBe(before);
        (await AudienceCountAsync(world.Northwind.AccountId)).ShouldBe(theirCount);
    }

    [Fact]
    public async Task AReadOnlyTokenCannotChangeAudiencesButCanReadAndCount()
    {
        var world = await app.WorldAsync();
        var id = await CreateAsync(world.ContosoReadWrite, Unique("Guarded"));
        var before = await StoredAsync(id);
        var count = await AudienceCountAsync(world.Contoso.AccountId);
        var readOnly = app.Client(world.ContosoReadOnly);

        (await readOnly.PostAsync("/api/v1/audiences", Body(Unique("Nope"), Us), Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await readOnly.PutAsync($"/api/v1/audiences/{id}", Body(Unique("Nope"), Us), Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await readOnly.PostAsync($"/api/v1/audiences/{id}/duplicate", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await readOnly.DeleteAsync($"/api/v1/audiences/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await StoredAsync(id)).ShouldBe(before);
        (await AudienceCountAsync(world.Contoso.AccountId)).ShouldBe(count);
        (await readOnly.GetAsync($"/api/v1/audiences/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await readOnly.PostAsync("/api/v1/audiences/count", ApiAppFactory.Json(Us), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CountingAnUnsavedTargetingGivesTheSameBreakdownAsTheSavedAudience()
    {
        var world = await app.WorldAsync();
        var id = await CreateAsync(world.ContosoReadWrite, Unique("Counted"), UsNotDirectors);
        var client = app.Client(world.ContosoReadOnly);

        using var saved = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/audiences/{id}/count", Ct));
        var unsaved = await client.PostAsync("/api/v1/audiences/count", ApiAppFactory.Json(UsNotDirectors), Ct);

        unsaved.StatusCode.ShouldBe(HttpStatusCode.OK, await unsaved.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await unsaved.Content.ReadAsStringAsync(Ct));
        saved.RootElement.GetProperty("audienceId").GetInt32().ShouldBe(id);
        foreach (var property in new[] { "matching", "optedOut", "frequencyCapped", "inactive", "deliverable" })
        {
            body.RootElement.GetProperty(property).GetInt32().ShouldBe(saved.RootElement.GetProperty(property).GetInt32(), property);
        }
        body.RootElement.GetProperty("matching").GetInt32().ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("""{"include":[]}""", "include.Location")]
    [InlineData("""{"include":[{"facet":"Location","values":["US"]}],"exclude":[{"facet":"Location","values":["US"]}]}""", "exclude.Location")]
    [InlineData("""{"include":[{"facet":"Location","values":["US"]},{"facet":"Skill","values":[]}]}""", "include.Skill")]
    [InlineData("""{"include":"US"}""", "include")]
    [InlineData("""not json""", "body")]
    public async Task CountingABadTargetingIsA400NamingTheFacet(string json, string field)
    {
        var world = await app.WorldAsync();

        await ShouldBeInvalidAsync(await app.Client(world.ContosoReadOnly).PostAsync("/api/v1/audiences/count", ApiAppFactory.Json(json), Ct), field);
        (await app.Client(world.ContosoReadOnly).PostAsync("/api/v1/audiences/count", new StringContent(Us), Ct))
            .StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    private static string Unique(string what) => $"{what} {Guid.NewGuid():N}"[..Math.Min(what.Length + 13, 100)];

    private static StringContent Body(string name, string targeting) =>
        ApiAppFactory.Json($$"""{"name":{{JsonSerializer.Serialize(name)}},"targeting":{{targeting}}}""");

    private async Task<int> CreateAsync(string token, string name, string targeting = Us)
    {
        var created = await app.Client(token).PostAsync("/api/v1/audiences", Body(name, targeting), Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("id").GetInt32();
    }

    private async Task<Stored> StoredAsync(int id)
    {
        await using var db = await app.CreateContextAsync();
        var row = await db.SavedAudiences.AsNoTracking().SingleAsync(a => a.Id == id, Ct);
        return new Stored(row.Name, row.TargetingJson, row.UpdatedAt);
    }

    private async Task<int> AudienceCountAsync(int accountId)
    {
        await using var db = await app.CreateContextAsync();
        return await db.SavedAudiences.CountAsync(a => a.AdvertiserAccountId == accountId, Ct);
    }

    private static async Task ShouldBeInvalidAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        (await ErrorFieldsAsync(response)).ShouldContain(field, text);
    }

    private static async Task<List<string>> ErrorFieldsAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
    }

    /// <summary>An audience as stored: name, targeting (as JSON) and version.</summary>
    private sealed record Stored(string Name, string TargetingJson, DateTime UpdatedAt)
    {
        public Targeting Targeting => Targeting.FromJson(TargetingJson);
    }
}

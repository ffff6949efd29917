using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Conversions;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>Reading, editing, archiving and listing conversion definitions, and the received-conversions log, over HTTP.</summary>
[Collection(ApiCollection.Name)]
public class ApiConversionDefinitionTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<ConversionDefinition> DefinitionAsync(int accountId, bool archived = false)
    {
        await using var db = await app.CreateContextAsync();
        var now = DateTime.UtcNow;
        now = new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc); // whole microseconds, as PostgreSQL keeps them
        var definition = new ConversionDefinition
        {
            AdvertiserAccountId = accountId, Name = $"Conversion {Guid.NewGuid():N}", Category = ConversionCategory.Lead,
            TagKey = "cv_" + Guid.NewGuid().ToString("N")[..16], CreatedAt = now, UpdatedAt = now, ArchivedAt = archived ? now : null,
        };
        db.ConversionDefinitions.Add(definition);
        await db.SaveChangesAsync(Ct);
        return definition;
    }

    private async Task<ConversionDefinition> RowAsync(int id)
    {
        await using var db = await app.CreateContextAsync();
        return await db.ConversionDefinitions.AsNoTracking().SingleAsync(d => d.Id == id, Ct);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(status, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string[]> ErrorFieldsAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        [.. (await JsonAsync(response, status)).GetProperty("errors").EnumerateObject().Select(p => p.Name)];

    private static void ShouldBeUnchanged(ConversionDefinition after, ConversionDefinition before) =>
        (after.Name, after.Category, after.PostClickDays, after.ArchivedAt, after.UpdatedAt)
            .ShouldBe((before.Name, before.Category, before.PostClickDays, before.ArchivedAt, before.UpdatedAt));

    [Fact]
    public async Task ADefinitionReadsWithAnETagAndIfNoneMatchAnswers304()
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);
        var client = app.Client(world.ContosoReadOnly);

        var read = await client.GetAsync($"/api/v1/conversions/{definition.Id}", Ct);

        var body = await JsonAsync(read);
        body.GetProperty("name").GetString().ShouldBe(definition.Name);
        body.GetProperty("tagKey").GetString().ShouldBe(definition.TagKey);
        read.Headers.ETag.ShouldNotBeNull();
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/conversions/{definition.Id}");
        again.Headers.IfNoneMatch.Add(read.Headers.ETag!);
        (await client.SendAsync(again, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await app.Client(world.NorthwindReadWrite).GetAsync($"/api/v1/conversions/{definition.Id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/api/v1/conversions/999999", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnUpdateReplacesTheSettingsAndAStaleIfMatchIsRefusedWith412()
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);
        var client = app.Client(world.ContosoReadWrite);
        var etag = (await client.GetAsync($"/api/v1/conversions/{definition.Id}", Ct)).Headers.ETag!;
        var name = $"Purchase {Guid.NewGuid():N}"[..24];

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/conversions/{definition.Id}")
        {
            Content = ApiAppFactory.Json($$"""{"name":"{{name}}","category":"Purchase","valueCents":4900,"postClickDays":7,"postSendDays":1,"counting":"EveryTime"}"""),
        };
        put.Headers.IfMatch.Add(etag);
        var updated = await client.SendAsync(put, Ct);

        var body = await JsonAsync(updated);
        (body.GetProperty("name").GetString(), body.GetProperty("category").GetString(), body.GetProperty("valueCents").GetInt64(),
            body.GetProperty("postClickDays").GetInt32(), body.GetProperty("counting").GetString()).ShouldBe((name, "Purchase", 4900L, 7, "EveryTime"));
        updated.Headers.ETag.ShouldNotBe(etag);
        var current = await RowAsync(definition.Id);
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/conversions/{definition.Id}")
        {
            Content = ApiAppFactory.Json("""{"name":"Too late","category":"Lead"}"""),
        };
        stale.Headers.IfMatch.Add(etag);
        (await client.SendAsync(stale, Ct)).StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        ShouldBeUnchanged(await RowAsync(definition.Id), current);
    }

    [Theory]
    [InlineData("""{"name":"x","category":"Purchase","postClickDays":14}""", "postClickDays")]
    [InlineData("""{"name":"x"}""", "category")]
    [InlineData("""{"name":"x","category":"Fame"}""", "category")]
    [InlineData("""{"name":"","category":"Lead"}""", "name")]
    [InlineData("""{"name":"x","category":"Lead","valueCents":"lots"}""", "valueCents")]
    public async Task ABadUpdateIsA400NamingTheFieldAndChangesNothing(string json, string field)
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);

        var response = await app.Client(world.ContosoReadWrite).PutAsync($"/api/v1/conversions/{definition.Id}", ApiAppFactory.Json(json), Ct);

        (await ErrorFieldsAsync(response)).ShouldContain(field);
        ShouldBeUnchanged(await RowAsync(definition.Id), definition);
    }

    [Fact]
    public async Task ANameAnotherDefinitionHasIsA400NamingName()
    {
        var world = await app.WorldAsync();
        var taken = await DefinitionAsync(world.Contoso.AccountId);
        var definition = await DefinitionAsync(world.Contoso.AccountId);

        var response = await app.Client(world.ContosoReadWrite).PutAsync($"/api/v1/conversions/{definition.Id}",
            ApiAppFactory.Json($$"""{"name":"{{taken.Name}}","category":"Lead"}"""), Ct);

        (await ErrorFieldsAsync(response)).ShouldContain("name");
        ShouldBeUnchanged(await RowAsync(definition.Id), definition);
    }

    [Fact]
    public async Task ArchivingAndRestoringAnswerTheDefinitionAndRepeatingEitherIsAConflict()
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);
        var client = app.Client(world.ContosoReadWrite);

        var archived = await JsonAsync(await client.PostAsync($"/api/v1/conversions/{definition.Id}/archive", null, Ct));
        var archivedAgain = await client.PostAsync($"/api/v1/conversions/{definition.Id}/archive", null, Ct);
        var restored = await JsonAsync(await client.PostAsync($"/api/v1/conversions/{definition.Id}/restore", null, Ct));
        var restoredAgain = await client.PostAsync($"/api/v1/conversions/{definition.Id}/restore", null, Ct);

        archived.GetProperty("archived").GetBoolean().ShouldBeTrue();
        (await ErrorFieldsAsync(archivedAgain, HttpStatusCode.Conflict)).ShouldContain("conversion");
        restored.GetProperty("archived").GetBoolean().ShouldBeFalse();
        (await ErrorFieldsAsync(restoredAgain, HttpStatusCode.Conflict)).ShouldContain("conversion");
        (await RowAsync(definition.Id)).ArchivedAt.ShouldBeNull();
    }

    [Fact]
    public async Task AReadOnlyTokenCannotUpdateArchiveOrRestoreAndNothingChanges()
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);
        var archived = await DefinitionAsync(world.Contoso.AccountId, archived: true);
        var client = app.Client(world.ContosoReadOnly);

        (await client.PutAsync($"/api/v1/conversions/{definition.Id}", ApiAppFactory.Json("""{"name":"Renamed","category":"Other"}"""), Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PostAsync($"/api/v1/conversions/{definition.Id}/archive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PostAsync($"/api/v1/conversions/{archived.Id}/restore", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        ShouldBeUnchanged(await RowAsync(definition.Id), definition);
        ShouldBeUnchanged(await RowAsync(archived.Id), archived);
    }

    [Fact]
    public async Task AnotherAccountsDefinitionIsNotFoundForEveryOperationAndNothingChanges()
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);
        var archived = await DefinitionAsync(world.Contoso.AccountId, archived: true);
        var client = app.Client(world.NorthwindReadWrite);

        (await client.GetAsync($"/api/v1/conversions/{definition.Id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PutAsync($"/api/v1/conversions/{definition.Id}", ApiAppFactory.Json("""{"name":"Renamed","category":"Other"}"""), Ct))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PostAsync($"/api/v1/conversions/{definition.Id}/archive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PostAsync($"/api/v1/conversions/{archived.Id}/restore", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        ShouldBeUnchanged(await RowAsync(definition.Id), definition);
        ShouldBeUnchanged(await RowAsync(archived.Id), archived);
    }

    [Fact]
    public async Task TheListPagedByTwoReturnsEveryDefinitionOnce()
    {
        var world = await app.WorldAsync();
        var mine = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            mine.Add((await DefinitionAsync(world.Contoso.AccountId, archived: true)).Id);
        }
        var client = app.Client(world.ContosoReadOnly);

        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await JsonAsync(await client.GetAsync($"/api/v1/conversions?includeArchived=true&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", Ct));
            var items = page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt32()).ToList();
            items.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(items);
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 200);

        cursor.ShouldBeNull();
        pages.ShouldBeGreaterThanOrEqualTo(2);
        seen.ShouldBeUnique();
        mine.ShouldBeSubsetOf(seen);
        var active = await JsonAsync(await client.GetAsync("/api/v1/conversions?limit=200", Ct));
        active.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt32()).ShouldNotContain(mine[0]);
    }

    [Theory]
    [InlineData("/api/v1/conversions?cursor=nonsense", "cursor")]
    [InlineData("/api/v1/conversions?limit=201", "limit")]
    [InlineData("/api/v1/conversions?includeArchived=maybe", "includeArchived")]
    [InlineData("/api/v1/conversions/events?cursor=c1.zz", "cursor")]
    [InlineData("/api/v1/conversions/events?limit=0", "limit")]
    public async Task ABadListParameterIsA400NamingIt(string path, string field)
    {
        var world = await app.WorldAsync();
        (await ErrorFieldsAsync(await app.Client(world.ContosoReadOnly).GetAsync(path, Ct))).ShouldContain(field);
    }

    [Fact]
    public async Task TheConversionsLogPagesNewestFirstAndOnlyShowsTheAccountsOwn()
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);
        var eventIds = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        var events = string.Join(",", eventIds.Select(id => $$"""
            {"conversionId":{{definition.Id}},"eventId":"{{id}}","occurredAt":"{{DateTime.UtcNow.AddMinutes(-5):O}}",
             "emailSha256":"{{MemberEmailHashes.Of("nobody@nowhere.example")}}"}
            """));
        var recorded = await JsonAsync(await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/conversions/events",
            ApiAppFactory.Json($$"""{"events":[{{events}}]}"""), Ct));
        var stored = recorded.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("conversionEventId").GetInt64()).ToList();
        var client = app.Client(world.ContosoReadOnly);

        var seen = new List<long>();
        var names = new Dictionary<long, string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await JsonAsync(await client.GetAsync($"/api/v1/conversions/events?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", Ct));
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                seen.Add(item.GetProperty("id").GetInt64());
                names[item.GetProperty("id").GetInt64()] = item.GetProperty("eventId").GetString() ?? "";
            }
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 500);

        cursor.ShouldBeNull();
        pages.ShouldBeGreaterThanOrEqualTo(3);
        seen.ShouldBeUnique();
        seen.ShouldBe(seen.OrderDescending().ToList());
        stored.ShouldBeSubsetOf(seen);
        stored.Select(id => names[id]).ShouldBe(eventIds, ignoreOrder: true);
        var northwind = await JsonAsync(await app.Client(world.NorthwindReadWrite).GetAsync("/api/v1/conversions/events?limit=200", Ct));
        northwind.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ShouldNotContain(stored[0]);
    }
}

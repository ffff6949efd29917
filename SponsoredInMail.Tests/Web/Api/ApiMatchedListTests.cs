using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>Matched lists over HTTP: multipart CSV upload, status, list, rejections download and delete, per account and token scope.</summary>
[Collection(ApiCollection.Name)]
public class ApiMatchedListTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUploadedContactListIsMatchedAndItsStatusAndRejectionsCanBeRead()
    {
        var world = await app.WorldAsync();
        var emails = await MemberEmailsAsync(3);
        var name = Unique("Contacts");
        var csv = string.Join("\r\n", ["email", .. emails, "=1+2", "not-an-address", ""]);

        var uploaded = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/matched-lists", Upload(name, "Contacts", csv, "crm export.csv"), Ct);

        uploaded.StatusCode.ShouldBe(HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync(Ct));
        var root = body.RootElement;
        var id = root.GetProperty("id").GetInt32();
        uploaded.Headers.Location!.ToString().ShouldBe($"/api/v1/matched-lists/{id}");
        (root.GetProperty("name").GetString(), root.GetProperty("kind").GetString(), root.GetProperty("state").GetString(), root.GetProperty("fileName").GetString())
            .ShouldBe((name, "Contacts", "Matched", "crm export.csv"));
        (root.GetProperty("rowsRead").GetInt32(), root.GetProperty("rowsRejected").GetInt32(), root.GetProperty("membersMatched").GetInt32())
            .ShouldBe((5, 2, 3));
        root.GetProperty("matchRate").GetDouble().ShouldBe(1.0);
        root.GetProperty("usableForLaunch").GetBoolean().ShouldBeFalse();
        root.GetProperty("unusableReason").GetString()!.ShouldContain("Only 3 members matched");

        var status = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/matched-lists/{id}", Ct);
        status.StatusCode.ShouldBe(HttpStatusCode.OK);
        status.Headers.ETag.ShouldBe(uploaded.Headers.ETag);
        using var read = JsonDocument.Parse(await status.Content.ReadAsStringAsync(Ct));
        read.RootElement.GetProperty("rowsRejected").GetInt32().ShouldBe(2);
        read.RootElement.GetProperty("matchRate").ValueKind.ShouldBe(JsonValueKind.Null);
        var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/matched-lists/{id}");
        again.Headers.IfNoneMatch.Add(status.Headers.ETag!);
        (await app.Client(world.ContosoReadOnly).SendAsync(again, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotModified);

        var rejections = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/matched-lists/{id}/rejections", Ct);
        rejections.StatusCode.ShouldBe(HttpStatusCode.OK);
        rejections.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        rejections.Content.Headers.ContentDisposition!.FileNameStar.ShouldBe("crm export-rejections.csv");
        var text = await rejections.Content.ReadAsStringAsync(Ct);
        text.ShouldContain("not-an-address");
        text.ShouldContain("1+2");
    }

    [Fact]
    public async Task ACompanyListIsMatchedAndCanBeTargetedByAnAudienceOfItsAccountOnly()
    {
        var world = await app.WorldAsync();
        string company;
        await using (var db = await app.CreateContextAsync())
        {
            company = await db.Members.OrderBy(m => m.Id).Select(m => m.Company!.Name).FirstAsync(Ct);
        }
        var id = await UploadAsync(world.ContosoReadWrite, Unique("Companies"), "Companies", $"company\r\n\"{company.Replace("\"", "\"\"")}\"\r\n");
        var targeting = $$"""{"include":[{"facet":"Location","values":["US"]},{"facet":"MatchedAudience","values":["{{id}}"]}]}""";

        var ours = await app.Client(world.ContosoReadOnly).PostAsync("/api/v1/audiences/count", ApiAppFactory.Json(targeting), Ct);
        var theirs = await app.Client(world.NorthwindReadWrite).PostAsync("/api/v1/audiences/count", ApiAppFactory.Json(targeting), Ct);

        ours.StatusCode.ShouldBe(HttpStatusCode.OK, await ours.Content.ReadAsStringAsync(Ct));
        theirs.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await theirs.Content.ReadAsStringAsync(Ct)).ShouldContain("include.MatchedAudience");
    }

    [Theory]
    [InlineData(null, "Contacts", "email\r\na@b.example\r\n", "name")]
    [InlineData("", "Contacts", "email\r\na@b.example\r\n", "name")]
    [InlineData("NAME", null, "email\r\na@b.example\r\n", "kind")]
    [InlineData("NAME", "People", "email\r\na@b.example\r\n", "kind")]
    [InlineData("NAME", "2", "email\r\na@b.example\r\n", "kind")]
    [InlineData("NAME", "Contacts", null, "file")]
    [InlineData("NAME", "Contacts", "", "file")]
    [InlineData("NAME", "Contacts", "phone\r\n555-0100\r\n", "file")]
    [InlineData("NAME", "Companies", "company\r\n\"Unclosed, Inc\r\n", "file")]
    public async Task ABadUploadIsA400NamingTheFieldAndSavesNothing(string? name, string? kind, string? csv, string field)
    {
        var world = await app.WorldAsync();
        var before = await ListCountAsync(world.Contoso.AccountId);

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/matched-lists",
            Upload(name?.Replace("NAME", Unique("Bad")), kind, csv), Ct);

        await ShouldBeInvalidAsync(response, field);
        (await ListCountAsync(world.Contoso.AccountId)).ShouldBe(before);
    }

    [Fact]
    public async Task ATakenNameIsA400OnNameAndAnotherContentTypeIsA415()
    {
        var world = await app.WorldAsync();
        var name = Unique("Taken");
        var client = app.Client(world.ContosoReadWrite);
        await UploadAsync(world.ContosoReadWrite, name, "Contacts", "email\r\nnobody@nowhere.example\r\n");
        var before = await ListCountAsync(world.Contoso.AccountId);

        await ShouldBeInvalidAsync(await client.PostAsync("/api/v1/matched-lists", Upload(name.ToUpperInvariant(), "Contacts", "email\r\nx@y.example\r\n"), Ct), "name");
        var csv = await client.PostAsync("/api/v1/matched-lists", new StringContent("email\r\nx@y.example\r\n", Encoding.UTF8, "text/csv"), Ct);
        var json = await client.PostAsync("/api/v1/matched-lists", ApiAppFactory.Json($$"""{"name":"{{Unique("Json")}}","kind":"Contacts"}"""), Ct);
        var urlEncoded = await client.PostAsync("/api/v1/matched-lists",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = Unique("Form"), ["kind"] = "Contacts", ["file"] = "email" }), Ct);

        csv.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        json.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        urlEncoded.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await ListCountAsync(world.Contoso.AccountId)).ShouldBe(before);
    }

    [Fact]
    public async Task TheListPagesNewestFirstByCursorReturningEveryListOnce()
    {
        var world = await app.WorldAsync();
        var mine = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            mine.Add(await UploadAsync(world.ContosoReadWrite, Unique($"Paged {i}"), "Contacts", "email\r\nnobody@nowhere.example\r\n"));
        }
        var expected = await ListCountAsync(world.Contoso.AccountId);
        var client = app.Client(world.ContosoReadOnly);

        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var page = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/matched-lists?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", Ct));
            var items = page.RootElement.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetInt32()).ToList();
            items.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(items);
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 1000);

        pages.ShouldBeGreaterThanOrEqualTo(2);
        seen.ShouldBeUnique();
        seen.Count.ShouldBe(expected);
        seen.ShouldBe(seen.OrderDescending().ToList());
        mine.ShouldBeSubsetOf(seen);
        (await app.Client(world.NorthwindReadWrite).GetStringAsync("/api/v1/matched-lists?limit=200", Ct)).ShouldNotContain("Paged 0");
    }

    [Theory]
    [InlineData("cursor=c1.bm9wZQ", "cursor")]
    [InlineData("cursor=garbage", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=many", "limit")]
    public async Task ABadListQueryIsA400NamingTheParameter(string query, string field)
    {
        var world = await app.WorldAsync();

        await ShouldBeInvalidAsync(await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/matched-lists?{query}", Ct), field);
    }

    [Fact]
    public async Task DeletingAListIsA204AndItIsGone()
    {
        var world = await app.WorldAsync();
        var id = await UploadAsync(world.ContosoReadWrite, Unique("Doomed"), "Contacts", "email\r\nnobody@nowhere.example\r\n");
        var client = app.Client(world.ContosoReadWrite);

        (await client.DeleteAsync($"/api/v1/matched-lists/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await client.GetAsync($"/api/v1/matched-lists/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/v1/matched-lists/{id}/rejections", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.DeleteAsync($"/api/v1/matched-lists/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeletingAListASavedAudienceTargetsIsA409AndKeepsIt()
    {
        var world = await app.WorldAsync();
        var id = await UploadAsync(world.ContosoReadWrite, Unique("Excluded"), "Contacts", "email\r\nnobody@nowhere.example\r\n");
        var audience = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/audiences", ApiAppFactory.Json($$$"""
            {"name":"{{{Unique("Minus list")}}}","targeting":{"include":[{"facet":"Location","values":["US"]}],"exclude":[{"facet":"MatchedAudience","values":["{{{id}}}"]}]}}
            """), Ct);
        audience.StatusCode.ShouldBe(HttpStatusCode.Created, await audience.Content.ReadAsStringAsync(Ct));

        var response = await app.Client(world.ContosoReadWrite).DeleteAsync($"/api/v1/matched-lists/{id}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("targets this list");
        (await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/matched-lists/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnotherAccountsListIsNotFoundForEveryOperationAndNothingChanges()
    {
        var world = await app.WorldAsync();
        var id = await UploadAsync(world.ContosoReadWrite, Unique("Private"), "Contacts", "email\r\nnobody@nowhere.example\r\n");
        var theirs = app.Client(world.NorthwindReadWrite);

        (await theirs.GetAsync($"/api/v1/matched-lists/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await theirs.GetAsync($"/api/v1/matched-lists/{id}/rejections", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await theirs.DeleteAsync($"/api/v1/matched-lists/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await theirs.GetAsync("/api/v1/matched-lists/987654", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/matched-lists/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AReadOnlyTokenCannotUploadOrDeleteButCanRead()
    {
        var world = await app.WorldAsync();
        var id = await UploadAsync(world.ContosoReadWrite, Unique("Guarded"), "Contacts", "email\r\nnobody@nowhere.example\r\n");
        var before = await ListCountAsync(world.Contoso.AccountId);
        var readOnly = app.Client(world.ContosoReadOnly);

        (await readOnly.PostAsync("/api/v1/matched-lists", Upload(Unique("Nope"), "Contacts", "email\r\nx@y.example\r\n"), Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await readOnly.DeleteAsync($"/api/v1/matched-lists/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await ListCountAsync(world.Contoso.AccountId)).ShouldBe(before);
        (await readOnly.GetAsync($"/api/v1/matched-lists/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await readOnly.GetAsync($"/api/v1/matched-lists/{id}/rejections", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static string Unique(string what) => $"{what} {Guid.NewGuid():N}"[..(what.Length + 13)];

    /// <summary>A multipart upload; a null part is left out.</summary>
    private static MultipartFormDataContent Upload(string? name, string? kind, string? csv, string fileName = "list.csv")
    {
        var content = new MultipartFormDataContent();
        if (name is not null)
        {
            content.Add(new StringContent(name), "name");
        }
        if (kind is not null)
        {
            content.Add(new StringContent(kind), "kind");
        }
        if (csv is not null)
        {
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            content.Add(file, "file", fileName);
        }
        return content;
    }

    private async Task<int> UploadAsync(string token, string name, string kind, string csv)
    {
        var uploaded = await app.Client(token).PostAsync("/api/v1/matched-lists", Upload(name, kind, csv), Ct);
        uploaded.StatusCode.ShouldBe(HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("id").GetInt32();
    }

    private async Task<List<string>> MemberEmailsAsync(int count)
    {
        await using var db = await app.CreateContextAsync();
        return await db.Members.OrderBy(m => m.Id).Select(m => m.Email).Take(count).ToListAsync(Ct);
    }

    private async Task<int> ListCountAsync(int accountId)
    {
        await using var db = await app.CreateContextAsync();
        return await db.MatchedAudiences.CountAsync(a => a.AdvertiserAccountId == accountId, Ct);
    }

    private static async Task ShouldBeInvalidAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        using var problem = JsonDocument.Parse(text);
        problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldContain(field, text);
    }
}

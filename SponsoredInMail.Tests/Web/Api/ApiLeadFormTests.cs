using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>Lead gen forms over the API: list, read, create, update, archive and duplicate.</summary>
[Collection(ApiCollection.Name)]
public class ApiLeadFormTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static string FormJson(string name, string headline = "Get the report", string privacy = "https://example.com/privacy") => $$"""
        {"name":"{{name}}","headline":"{{headline}}","details":"Two minutes.","profileFields":["FirstName","Email","Company"],
         "questions":[{"text":"Team size?","kind":"Choice","options":["1-10","11+"]},{"text":"What do you need?","kind":"FreeText"}],
         "privacyPolicyUrl":"{{privacy}}","consentText":"I agree to be contacted.","thankYouMessage":"Thanks!","thankYouUrl":"https://example.com/thanks"}
        """;

    private async Task<int> CreateAsync(string name)
    {
        var world = await app.WorldAsync();
        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/lead-forms", ApiAppFactory.Json(FormJson(name)), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        using var body = JsonDocument.Parse(text);
        return body.RootElement.GetProperty("id").GetInt32();
    }

    private async Task<LeadGenForm?> StoredAsync(int id)
    {
        await using var db = await app.CreateContextAsync();
        return await db.LeadGenForms.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, Ct);
    }

    private async Task<int> CountNamedAsync(string name)
    {
        await using var db = await app.CreateContextAsync();
        return await db.LeadGenForms.CountAsync(f => f.Name == name, Ct);
    }

    private static async Task<Dictionary<string, string[]>> BadRequestErrorsAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync(Ct));
        return await ApiCampaignTests.ErrorsAsync(response);
    }

    [Fact]
    public async Task AFormIsCreatedThenReadWithItsETagAnd304WhenUnchanged()
    {
        var world = await app.WorldAsync();
        var name = Unique("Report form");

        var created = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/lead-forms", ApiAppFactory.Json(FormJson(name)), Ct);

        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        var id = body.RootElement.GetProperty("id").GetInt32();
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/lead-forms/{id}");
        body.RootElement.GetProperty("profileFields").EnumerateArray().Select(f => f.GetString()).ShouldBe(["FirstName", "Email", "Company"]);
        body.RootElement.GetProperty("questions")[0].GetProperty("kind").GetString().ShouldBe("Choice");
        var reader = app.Client(world.ContosoReadOnly);
        var read = await reader.GetAsync($"/api/v1/lead-forms/{id}", Ct);
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        read.Headers.ETag!.Tag.ShouldBe(created.Headers.ETag!.Tag);
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/lead-forms/{id}");
        again.Headers.IfNoneMatch.Add(read.Headers.ETag);
        (await reader.SendAsync(again, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await StoredAsync(id))!.ConsentText.ShouldBe("I agree to be contacted.");
    }

    [Theory]
    [InlineData("""{"headline":"h","profileFields":["Email"],"privacyPolicyUrl":"https://example.com/p","thankYouMessage":"t"}""", "name")]
    [InlineData("""{"name":"NAME","profileFields":["Email"],"privacyPolicyUrl":"https://example.com/p","thankYouMessage":"t"}""", "headline")]
    [InlineData("""{"name":"NAME","headline":"h","profileFields":[],"privacyPolicyUrl":"https://example.com/p","thankYouMessage":"t"}""", "profileFields")]
    [InlineData("""{"name":"NAME","headline":"h","profileFields":[3],"privacyPolicyUrl":"https://example.com/p","thankYouMessage":"t"}""", "profileFields[0]")]
    [InlineData("""{"name":"NAME","headline":"h","profileFields":["Email"],"privacyPolicyUrl":"javascript:alert(1)","thankYouMessage":"t"}""", "privacyPolicyUrl")]
    [InlineData("""{"name":"NAME","headline":"h","profileFields":["Email"],"privacyPolicyUrl":"https://example.com/p"}""", "thankYouMessage")]
    [InlineData("""{"name":"NAME","headline":"h","profileFields":["Email"],"privacyPolicyUrl":"https://example.com/p","thankYouMessage":"t","questions":[{"text":"Q"}]}""", "questions[0].kind")]
    [InlineData("""{"name":"NAME","headline":"h","profileFields":["Email"],"privacyPolicyUrl":"https://example.com/p","thankYouMessage":"t","questions":[{"text":"Q","kind":"Choice","options":["only"]}]}""", "questions[0].options")]
    public async Task ABadFormIsA400NamingTheFieldAndNothingIsSaved(string template, string field)
    {
        var world = await app.WorldAsync();
        var name = Unique("Bad form");

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/lead-forms", ApiAppFactory.Json(template.Replace("NAME", name)), Ct);

        (await BadRequestErrorsAsync(response)).Keys.ShouldContain(field);
        (await CountNamedAsync(name)).ShouldBe(0);
    }

    [Fact]
    public async Task ANameTheAccountAlreadyUsesIsA400OnName()
    {
        var world = await app.WorldAsync();
        var name = Unique("Taken");
        await CreateAsync(name);

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/lead-forms", ApiAppFactory.Json(FormJson(name.ToUpperInvariant())), Ct);

        (await BadRequestErrorsAsync(response)).Keys.ShouldBe(["name"]);
        (await CountNamedAsync(name.ToUpperInvariant())).ShouldBe(0);
    }

    [Fact]
    public async Task AnUpdateWithTheCurrentETagReplacesTheContent()
    {
        var world = await app.WorldAsync();
        var id = await CreateAsync(Unique("Editable"));
        var client = app.Client(world.ContosoReadWrite);
        var read = await client.GetAsync($"/api/v1/lead-forms/{id}", Ct);
        var name = Unique("Edited form");

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/lead-forms/{id}") { Content = ApiAppFactory.Json(FormJson(name, headline: "New headline")) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        var updated = await client.SendAsync(put, Ct);

        updated.StatusCode.ShouldBe(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync(Ct));
        updated.Headers.ETag.ShouldNotBeNull();
        (await updated.Content.ReadAsStringAsync(Ct)).ShouldContain("New headline");
        var stored = await StoredAsync(id);
        (stored!.Name, stored.Headline).ShouldBe((name, "New headline"));
    }

    [Fact]
    public async Task AStaleIfMatchIs412AndTheFormIsUnchanged()
    {
        var world = await app.WorldAsync();
        var original = Unique("Stale form");
        var id = await CreateAsync(original);

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/lead-forms/{id}") { Content = ApiAppFactory.Json(FormJson(Unique("Late form"))) };
        put.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var response = await app.Client(world.ContosoReadWrite).SendAsync(put, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await StoredAsync(id))!.Name.ShouldBe(original);
    }

    [Fact]
    public async Task ABadUpdateIsA400NamingTheFieldAndTheFormIsUnchanged()
    {
        var world = await app.WorldAsync();
        var original = Unique("Keep form");
        var id = await CreateAsync(original);

        var response = await app.Client(world.ContosoReadWrite).PutAsync($"/api/v1/lead-forms/{id}",
            ApiAppFactory.Json(FormJson(Unique("Changed form"), privacy: "not a url")), Ct);

        (await BadRequestErrorsAsync(response)).Keys.ShouldBe(["privacyPolicyUrl"]);
        (await StoredAsync(id))!.Name.ShouldBe(original);
    }

    [Fact]
    public async Task AnArchivedFormIsHiddenFromTheDefaultListCannotBeEditedAndIsRestoredByUnarchive()
    {
        var world = await app.WorldAsync();
        var name = Unique("Shelved form");
        var id = await CreateAsync(name);
        var client = app.Client(world.ContosoReadWrite);

        var archived = await client.PostAsync($"/api/v1/lead-forms/{id}/archive", null, Ct);
        archived.StatusCode.ShouldBe(HttpStatusCode.OK, await archived.Content.ReadAsStringAsync(Ct));
        (await archived.Content.ReadAsStringAsync(Ct)).ShouldContain("\"archived\":true");
        (await client.GetStringAsync($"/api/v1/lead-forms?search={Uri.EscapeDataString(name)}", Ct)).ShouldNotContain(name);
        (await client.GetStringAsync($"/api/v1/lead-forms?search={Uri.EscapeDataString(name)}&includeArchived=true", Ct)).ShouldContain(name);
        (await client.PutAsync($"/api/v1/lead-forms/{id}", ApiAppFactory.Json(FormJson(Unique("While archived"))), Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await StoredAsync(id))!.Name.ShouldBe(name);

        var restored = await client.PostAsync($"/api/v1/lead-forms/{id}/unarchive", null, Ct);
        restored.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await StoredAsync(id))!.IsArchived.ShouldBeFalse();
    }

    [Fact]
    public async Task DuplicatingMakesAnActiveCopyWithTheFirstFreeCopyName()
    {
        var world = await app.WorldAsync();
        var name = Unique("Copied form");
        var id = await CreateAsync(name);
        var client = app.Client(world.ContosoReadWrite);

        var first = await client.PostAsync($"/api/v1/lead-forms/{id}/duplicate", null, Ct);
        var second = await client.PostAsync($"/api/v1/lead-forms/{id}/duplicate", null, Ct);

        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync(Ct));
        using var copy = JsonDocument.Parse(await first.Content.ReadAsStringAsync(Ct));
        copy.RootElement.GetProperty("name").GetString().ShouldBe($"Copy of {name}");
        first.Headers.Location!.ToString().ShouldBe($"/api/v1/lead-forms/{copy.RootElement.GetProperty("id").GetInt32()}");
        (await second.Content.ReadAsStringAsync(Ct)).ShouldContain($"Copy 2 of {name}");
    }

    [Fact]
    public async Task AReadOnlyTokenCannotChangeFormsAndNothingChanges()
    {
        var world = await app.WorldAsync();
        var name = Unique("Read-only form");
        var id = await CreateAsync(name);
        var client = app.Client(world.ContosoReadOnly);
        var other = Unique("Refused form");

        (await client.PostAsync("/api/v1/lead-forms", ApiAppFactory.Json(FormJson(other)), Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PutAsync($"/api/v1/lead-forms/{id}", ApiAppFactory.Json(FormJson(other)), Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PostAsync($"/api/v1/lead-forms/{id}/archive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PostAsync($"/api/v1/lead-forms/{id}/unarchive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PostAsync($"/api/v1/lead-forms/{id}/duplicate", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var stored = await StoredAsync(id);
        (stored!.Name, stored.IsArchived).ShouldBe((name, false));
        (await CountNamedAsync(other)).ShouldBe(0);
        (await CountNamedAsync($"Copy of {name}")).ShouldBe(0);
    }

    [Fact]
    public async Task AnotherAccountsFormAnswers404ToEveryOperationAndIsUnchanged()
    {
        var world = await app.WorldAsync();
        var name = Unique("Private form");
        var id = await CreateAsync(name);
        var northwind = app.Client(world.NorthwindReadWrite);

        var answers = new[]
        {
            await northwind.GetAsync($"/api/v1/lead-forms/{id}", Ct),
            await northwind.PutAsync($"/api/v1/lead-forms/{id}", ApiAppFactory.Json(FormJson(Unique("Taken form"))), Ct),
            await northwind.PostAsync($"/api/v1/lead-forms/{id}/archive", null, Ct),
            await northwind.PostAsync($"/api/v1/lead-forms/{id}/unarchive", null, Ct),
            await northwind.PostAsync($"/api/v1/lead-forms/{id}/duplicate", null, Ct),
        };

        foreach (var answer in answers)
        {
            answer.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await answer.Content.ReadAsStringAsync(Ct)).ShouldNotContain(name);
        }
        (await northwind.GetStringAsync("/api/v1/lead-forms?includeArchived=true&limit=200", Ct)).ShouldNotContain(name);
        var stored = await StoredAsync(id);
        (stored!.Name, stored.IsArchived).ShouldBe((name, false));
        (await CountNamedAsync($"Copy of {name}")).ShouldBe(0);
    }

    [Fact]
    public async Task AListPagedTwoAtATimeReturnsEveryMatchingFormOnce()
    {
        var world = await app.WorldAsync();
        var tag = Guid.NewGuid().ToString("N")[..10];
        var ids = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await CreateAsync($"Paged {tag} {i}"));
        }
        var client = app.Client(world.ContosoReadOnly);

        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/v1/lead-forms?search={tag}&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            using var page = JsonDocument.Parse(await client.GetStringAsync(url, Ct));
            seen.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        seen.ShouldBe(ids);
        cursor.ShouldBeNull();
        pages.ShouldBe(3);
    }

    [Theory]
    [InlineData("cursor=c1.bad", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=many", "limit")]
    [InlineData("includeArchived=yes", "includeArchived")]
    public async Task ABadListQueryIsA400NamingTheParameter(string query, string field)
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/lead-forms?{query}", Ct);

        (await BadRequestErrorsAsync(response)).Keys.ShouldContain(field);
    }
}

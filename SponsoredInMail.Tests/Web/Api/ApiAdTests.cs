using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>The ad library over the API: list, read, create, update, archive, duplicate and preview as a member.</summary>
[Collection(ApiCollection.Name)]
public class ApiAdTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private async Task<int> SenderAsync(AccountThings things)
    {
        await using var db = await app.CreateContextAsync();
        return await db.Ads.Where(a => a.Id == things.AdId).Select(a => a.SenderMemberId).SingleAsync(Ct);
    }

    private static string MessageAdJson(string name, int sender, string subject = "Hello %FIRSTNAME%", string landingUrl = "https://example.com/a") => $$"""
        {"name":"{{name}}","format":"MessageAd","senderMemberId":{{sender}},"subject":"{{subject}}","body":"Hi %FIRSTNAME%,\nsee [the agenda](https://example.com/agenda).",
         "ctaText":"Register","ctaTarget":"LandingUrl","landingUrl":"{{landingUrl}}","footer":"Terms apply."}
        """;

    private static string ConversationAdJson(string name, int sender, string firstText = "Hi %FIRSTNAME%, want the report?") => $$$"""
        {"name":"{{{name}}}","format":"ConversationAd","senderMemberId":{{{sender}}},"subject":"A question",
         "conversation":{"firstMessageId":"m1","messages":[
           {"id":"m1","text":"{{{firstText}}}","buttons":[
             {"id":"b1","text":"Yes please","action":"NextMessage","targetMessageId":"m2"},
             {"id":"b2","text":"Not interested","action":"End"}]},
           {"id":"m2","text":"Here it is.","buttons":[{"id":"b3","text":"Download","action":"Url","url":"https://example.com/report"}]}]}}
        """;

    private async Task<JsonElement> CreateAsync(string json)
    {
        var world = await app.WorldAsync();
        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/ads", ApiAppFactory.Json(json), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<Ad> StoredAsync(int id)
    {
        await using var db = await app.CreateContextAsync();
        return await db.Ads.AsNoTracking().SingleAsync(a => a.Id == id, Ct);
    }

    private async Task<int> CountNamedAsync(string name)
    {
        await using var db = await app.CreateContextAsync();
        return await db.Ads.CountAsync(a => a.Name == name, Ct);
    }

    private static async Task<Dictionary<string, string[]>> BadRequestErrorsAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync(Ct));
        return await ApiCampaignTests.ErrorsAsync(response);
    }

    [Fact]
    public async Task AMessageAdIsCreatedThenReadWithItsETagAnd304WhenUnchanged()
    {
        var world = await app.WorldAsync();
        var name = Unique("Webinar");
        var client = app.Client(world.ContosoReadWrite);

        var created = await client.PostAsync("/api/v1/ads", ApiAppFactory.Json(MessageAdJson(name, await SenderAsync(world.Contoso))), Ct);

        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        var id = body.RootElement.GetProperty("id").GetInt32();
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/ads/{id}");
        body.RootElement.GetProperty("status").GetString().ShouldBe("Active");
        body.RootElement.GetProperty("landingUrl").GetString().ShouldBe("https://example.com/a");
        var read = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/ads/{id}", Ct);
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        read.Headers.ETag!.Tag.ShouldBe(created.Headers.ETag!.Tag);
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/ads/{id}");
        again.Headers.IfNoneMatch.Add(read.Headers.ETag);
        (await app.Client(world.ContosoReadOnly).SendAsync(again, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await StoredAsync(id)).Name.ShouldBe(name);
    }

    [Fact]
    public async Task AConversationAdIsCreatedAndALongMessageComesBackAsAWarning()
    {
        var world = await app.WorldAsync();
        var ad = await CreateAsync(ConversationAdJson(Unique("Chat"), await SenderAsync(world.Contoso), new string('x', 600)));

        ad.GetProperty("format").GetString().ShouldBe("ConversationAd");
        ad.GetProperty("conversation").GetProperty("messages").GetArrayLength().ShouldBe(2);
        ad.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("field").GetString()).ShouldBe(["conversation.messages[m1]"]);
        (await StoredAsync(ad.GetProperty("id").GetInt32())).Conversation!.FirstMessageId.ShouldBe("m1");
    }

    [Theory]
    [InlineData("""{"format":"MessageAd","senderMemberId":SENDER,"subject":"s"}""", "name")]
    [InlineData("""{"name":"NAME","senderMemberId":SENDER,"subject":"s"}""", "format")]
    [InlineData("""{"name":"NAME","format":1,"senderMemberId":SENDER,"subject":"s"}""", "format")]
    [InlineData("""{"name":"NAME","format":"MessageAd","senderMemberId":"SENDER","subject":"s"}""", "senderMemberId")]
    [InlineData("""{"name":"NAME","format":"MessageAd","senderMemberId":FOREIGN,"subject":"s","body":"b","ctaText":"Go","ctaTarget":"LandingUrl","landingUrl":"https://example.com"}""", "senderMemberId")]
    [InlineData("""{"name":"NAME","format":"MessageAd","senderMemberId":SENDER,"subject":"s","body":"b","ctaText":"Go","ctaTarget":"LandingUrl","landingUrl":"ftp://x"}""", "landingUrl")]
    [InlineData("""{"name":"NAME","format":"MessageAd","senderMemberId":SENDER,"subject":"s","body":"b","ctaText":"Go","ctaTarget":"LeadForm","leadFormId":2147483647}""", "leadFormId")]
    [InlineData("""{"name":"NAME","format":"ConversationAd","senderMemberId":SENDER,"subject":"s","conversation":{"firstMessageId":"m1","messages":[{"id":"m1","text":"Hi","buttons":[{"id":"b1","text":"Go","action":"Url","url":"https://example.com"}]}]}}""", "conversation.messages[m1]")]
    [InlineData("""{"name":"NAME","format":"ConversationAd","senderMemberId":SENDER,"subject":"s","conversation":{"firstMessageId":"m1","messages":[{"id":"m1","text":"Hi","buttons":[{"id":"b1","text":"Go"}]}]}}""", "conversation.messages[0].buttons[0].action")]
    [InlineData("""{"name":"NAME","format":"ConversationAd","senderMemberId":SENDER,"subject":"s"}""", "conversation")]
    public async Task ABadAdIsA400NamingTheFieldAndNothingIsSaved(string template, string field)
    {
        var world = await app.WorldAsync();
        var name = Unique("Bad");
        var json = template.Replace("NAME", name).Replace("FOREIGN", (await SenderAsync(world.Northwind)).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Replace("SENDER", (await SenderAsync(world.Contoso)).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/ads", ApiAppFactory.Json(json), Ct);

        (await BadRequestErrorsAsync(response)).Keys.ShouldContain(field);
        (await CountNamedAsync(name)).ShouldBe(0);
    }

    [Fact]
    public async Task AnUpdateReplacesTheContentAndAnswersTheNewVersion()
    {
        var world = await app.WorldAsync();
        var sender = await SenderAsync(world.Contoso);
        var ad = await CreateAsync(MessageAdJson(Unique("Edit"), sender));
        var id = ad.GetProperty("id").GetInt32();
        var client = app.Client(world.ContosoReadWrite);
        var read = await client.GetAsync($"/api/v1/ads/{id}", Ct);
        var name = Unique("Edited");

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/ads/{id}") { Content = ApiAppFactory.Json(MessageAdJson(name, sender, landingUrl: "https://example.com/b")) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        var updated = await client.SendAsync(put, Ct);

        updated.StatusCode.ShouldBe(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await updated.Content.ReadAsStringAsync(Ct));
        body.RootElement.GetProperty("name").GetString().ShouldBe(name);
        updated.Headers.ETag.ShouldNotBeNull();
        var stored = await StoredAsync(id);
        (stored.Name, stored.LandingUrl).ShouldBe((name, "https://example.com/b"));
    }

    [Fact]
    public async Task AStaleIfMatchIs412AndTheAdIsUnchanged()
    {
        var world = await app.WorldAsync();
        var sender = await SenderAsync(world.Contoso);
        var original = Unique("Stale");
        var id = (await CreateAsync(MessageAdJson(original, sender))).GetProperty("id").GetInt32();
        var client = app.Client(world.ContosoReadWrite);

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/ads/{id}") { Content = ApiAppFactory.Json(MessageAdJson(Unique("Late"), sender)) };
        put.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var response = await client.SendAsync(put, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await StoredAsync(id)).Name.ShouldBe(original);
    }

    [Theory]
    [InlineData("""{"name":"NAME","format":"MessageAd","senderMemberId":SENDER,"subject":"","body":"b","ctaText":"Go","ctaTarget":"LandingUrl","landingUrl":"https://example.com"}""", "subject")]
    [InlineData("""{"name":"NAME","format":"MessageAd","senderMemberId":SENDER}""", "subject")]
    [InlineData("""{"name":"NAME","format":"ConversationAd","senderMemberId":SENDER,"subject":"s","conversation":{"firstMessageId":"m1","messages":[]}}""", "format")]
    public async Task ABadUpdateIsA400NamingTheFieldAndTheAdIsUnchanged(string template, string field)
    {
        var world = await app.WorldAsync();
        var sender = await SenderAsync(world.Contoso);
        var original = Unique("Keep");
        var id = (await CreateAsync(MessageAdJson(original, sender))).GetProperty("id").GetInt32();
        var json = template.Replace("NAME", Unique("Changed")).Replace("SENDER", sender.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var response = await app.Client(world.ContosoReadWrite).PutAsync($"/api/v1/ads/{id}", ApiAppFactory.Json(json), Ct);

        (await BadRequestErrorsAsync(response)).Keys.ShouldContain(field);
        (await StoredAsync(id)).Name.ShouldBe(original);
    }

    [Fact]
    public async Task ArchivingHidesAnAdFromTheDefaultListAndUnarchivingRestoresIt()
    {
        var world = await app.WorldAsync();
        var name = Unique("Shelf");
        var id = (await CreateAsync(MessageAdJson(name, await SenderAsync(world.Contoso)))).GetProperty("id").GetInt32();
        var client = app.Client(world.ContosoReadWrite);

        var archived = await client.PostAsync($"/api/v1/ads/{id}/archive", null, Ct);
        archived.StatusCode.ShouldBe(HttpStatusCode.OK, await archived.Content.ReadAsStringAsync(Ct));
        (await archived.Content.ReadAsStringAsync(Ct)).ShouldContain("\"status\":\"Archived\"");
        (await client.GetStringAsync($"/api/v1/ads?search={Uri.EscapeDataString(name)}", Ct)).ShouldNotContain(name);
        (await client.GetStringAsync($"/api/v1/ads?search={Uri.EscapeDataString(name)}&includeArchived=true", Ct)).ShouldContain(name);

        var restored = await client.PostAsync($"/api/v1/ads/{id}/unarchive", null, Ct);
        restored.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await StoredAsync(id)).Status.ShouldBe(AdStatus.Active);
    }

    [Fact]
    public async Task ACanceledAdCannotBeEditedArchivedOrRestored409()
    {
        var world = await app.WorldAsync();
        var sender = await SenderAsync(world.Contoso);
        var name = Unique("Canceled");
        var id = (await CreateAsync(MessageAdJson(name, sender))).GetProperty("id").GetInt32();
        await using (var db = await app.CreateContextAsync())
        {
            await db.Ads.Where(a => a.Id == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Status, AdStatus.Canceled).SetProperty(a => a.CanceledReason, "The sender revoked permission."), Ct);
        }
        var client = app.Client(world.ContosoReadWrite);

        (await client.PostAsync($"/api/v1/ads/{id}/archive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await client.PostAsync($"/api/v1/ads/{id}/unarchive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await client.PutAsync($"/api/v1/ads/{id}", ApiAppFactory.Json(MessageAdJson(Unique("Revived"), sender)), Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var stored = await StoredAsync(id);
        (stored.Status, stored.Name).ShouldBe((AdStatus.Canceled, name));
    }

    [Fact]
    public async Task DuplicatingMakesAnActiveCopyNamedCopyOf()
    {
        var world = await app.WorldAsync();
        var name = Unique("Original");
        var id = (await CreateAsync(ConversationAdJson(name, await SenderAsync(world.Contoso)))).GetProperty("id").GetInt32();

        var copied = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/ads/{id}/duplicate", null, Ct);

        copied.StatusCode.ShouldBe(HttpStatusCode.Created, await copied.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await copied.Content.ReadAsStringAsync(Ct));
        var copyId = body.RootElement.GetProperty("id").GetInt32();
        copyId.ShouldNotBe(id);
        copied.Headers.Location!.ToString().ShouldBe($"/api/v1/ads/{copyId}");
        var copy = await StoredAsync(copyId);
        (copy.Name, copy.Format, copy.Status).ShouldBe(($"Copy of {name}", AdFormat.ConversationAd, AdStatus.Active));
    }

    [Fact]
    public async Task DuplicatingWithASenderWhoHasNotGrantedIsA400AndNothingIsCopied()
    {
        var world = await app.WorldAsync();
        var name = Unique("Solo");
        var id = (await CreateAsync(MessageAdJson(name, await SenderAsync(world.Contoso)))).GetProperty("id").GetInt32();

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/ads/{id}/duplicate?senderMemberId={await SenderAsync(world.Northwind)}", null, Ct);

        (await BadRequestErrorsAsync(response)).Keys.ShouldContain("senderMemberId");
        (await CountNamedAsync($"Copy of {name}")).ShouldBe(0);
        var badQuery = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/ads/{id}/duplicate?senderMemberId=abc", null, Ct);
        (await BadRequestErrorsAsync(badQuery)).Keys.ShouldContain("senderMemberId");
    }

    [Fact]
    public async Task AReadOnlyTokenCannotChangeAdsAndNothingChanges()
    {
        var world = await app.WorldAsync();
        var sender = await SenderAsync(world.Contoso);
        var name = Unique("ReadOnly");
        var id = (await CreateAsync(MessageAdJson(name, sender))).GetProperty("id").GetInt32();
        var client = app.Client(world.ContosoReadOnly);
        var other = Unique("Nope");

        (await client.PostAsync("/api/v1/ads", ApiAppFactory.Json(MessageAdJson(other, sender)), Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PutAsync($"/api/v1/ads/{id}", ApiAppFactory.Json(MessageAdJson(other, sender)), Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PostAsync($"/api/v1/ads/{id}/archive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PostAsync($"/api/v1/ads/{id}/unarchive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PostAsync($"/api/v1/ads/{id}/duplicate", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var stored = await StoredAsync(id);
        (stored.Name, stored.Status).ShouldBe((name, AdStatus.Active));
        (await CountNamedAsync(other)).ShouldBe(0);
        (await CountNamedAsync($"Copy of {name}")).ShouldBe(0);
    }

    [Fact]
    public async Task AnotherAccountsAdAnswers404ToEveryOperationAndIsUnchanged()
    {
        var world = await app.WorldAsync();
        var sender = await SenderAsync(world.Contoso);
        var name = Unique("Private");
        var id = (await CreateAsync(MessageAdJson(name, sender))).GetProperty("id").GetInt32();
        var northwind = app.Client(world.NorthwindReadWrite);
        var theirSender = await SenderAsync(world.Northwind);

        var answers = new[]
        {
            await northwind.GetAsync($"/api/v1/ads/{id}", Ct),
            await northwind.PutAsync($"/api/v1/ads/{id}", ApiAppFactory.Json(MessageAdJson(Unique("Taken"), theirSender)), Ct),
            await northwind.PostAsync($"/api/v1/ads/{id}/archive", null, Ct),
            await northwind.PostAsync($"/api/v1/ads/{id}/unarchive", null, Ct),
            await northwind.PostAsync($"/api/v1/ads/{id}/duplicate", null, Ct),
            await northwind.GetAsync($"/api/v1/ads/{id}/preview", Ct),
        };

        foreach (var answer in answers)
        {
            answer.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await answer.Content.ReadAsStringAsync(Ct)).ShouldNotContain(name);
        }
        (await northwind.GetStringAsync("/api/v1/ads?includeArchived=true&limit=200", Ct)).ShouldNotContain(name);
        var stored = await StoredAsync(id);
        (stored.Name, stored.Status).ShouldBe((name, AdStatus.Active));
        (await CountNamedAsync($"Copy of {name}")).ShouldBe(0);
    }

    [Fact]
    public async Task AListPagedTwoAtATimeReturnsEveryMatchingAdOnceAndFiltersByFormat()
    {
        var world = await app.WorldAsync();
        var sender = await SenderAsync(world.Contoso);
        var tag = Guid.NewGuid().ToString("N")[..10];
        var ids = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await CreateAsync(MessageAdJson($"Paged {tag} {i}", sender))).GetProperty("id").GetInt32());
        }
        var conversation = (await CreateAsync(ConversationAdJson($"Paged {tag} chat", sender))).GetProperty("id").GetInt32();
        var client = app.Client(world.ContosoReadOnly);

        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/v1/ads?search={tag}&format=MessageAd&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            using var page = JsonDocument.Parse(await client.GetStringAsync(url, Ct));
            var items = page.RootElement.GetProperty("items").EnumerateArray().ToList();
            items.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(items.Select(i => i.GetProperty("id").GetInt32()));
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        seen.ShouldBe(ids);
        cursor.ShouldBeNull();
        pages.ShouldBe(3);
        (await client.GetStringAsync($"/api/v1/ads?search={tag}&format=ConversationAd", Ct)).ShouldContain($"\"id\":{conversation}");
    }

    [Theory]
    [InlineData("cursor=nonsense", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=two", "limit")]
    [InlineData("format=1", "format")]
    [InlineData("format=Banner", "format")]
    [InlineData("includeArchived=maybe", "includeArchived")]
    public async Task ABadListQueryIsA400NamingTheParameter(string query, string field)
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/ads?{query}", Ct);

        (await BadRequestErrorsAsync(response)).Keys.ShouldContain(field);
    }

    [Fact]
    public async Task APreviewRendersUnsavedContentForAnOfferedMemberWithoutSavingIt()
    {
        var world = await app.WorldAsync();
        var name = Unique("Preview");
        var client = app.Client(world.ContosoReadOnly);
        using var members = JsonDocument.Parse(await client.GetStringAsync("/api/v1/ads/preview-members", Ct));
        var member = members.RootElement[0].GetProperty("id").GetInt32();
        string firstName;
        await using (var db = await app.CreateContextAsync())
        {
            firstName = await db.Members.Where(m => m.Id == member).Select(m => m.FirstName).SingleAsync(Ct);
        }

        var response = await client.PostAsync($"/api/v1/ads/preview?sampleMemberId={member}",
            ApiAppFactory.Json(MessageAdJson(name, await SenderAsync(world.Contoso))), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        using var preview = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = preview.RootElement;
        root.GetProperty("subject").GetString().ShouldBe($"Hello {firstName}");
        root.GetProperty("messageAd").GetProperty("bodyHtml").GetString()!.ShouldContain("<a href=\"https://example.com/agenda\"");
        root.GetProperty("messageAd").GetProperty("ctaUrl").GetString().ShouldBe("https://example.com/a");
        root.GetProperty("errors").GetArrayLength().ShouldBe(0);
        (await CountNamedAsync(name)).ShouldBe(0);
    }

    [Fact]
    public async Task APreviewOfHalfWrittenContentListsWhatWouldStopItBeingSaved()
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/ads/preview",
            ApiAppFactory.Json($$"""{"format":"ConversationAd","subject":"Hi %FIRSTNAME%","senderMemberId":{{await SenderAsync(world.Northwind)}}}"""), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        using var preview = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = preview.RootElement;
        root.GetProperty("subject").GetString().ShouldBe("Hi LinkedIn Member");
        root.GetProperty("sender").GetProperty("name").GetString().ShouldBe("Choose a sender", "another account's sender is not revealed");
        root.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).Distinct().ShouldBe(["name", "senderMemberId", "conversation"], ignoreOrder: true);
    }

    [Fact]
    public async Task ASavedAdIsPreviewedAsAMemberAndAMemberNotOfferedIsA400()
    {
        var world = await app.WorldAsync();
        var id = (await CreateAsync(ConversationAdJson(Unique("Saved"), await SenderAsync(world.Contoso)))).GetProperty("id").GetInt32();
        var client = app.Client(world.ContosoReadOnly);
        using var members = JsonDocument.Parse(await client.GetStringAsync("/api/v1/ads/preview-members", Ct));
        var offered = members.RootElement.EnumerateArray().Select(m => m.GetProperty("id").GetInt32()).ToList();
        int stranger;
        await using (var db = await app.CreateContextAsync())
        {
            stranger = await db.Members.Where(m => !offered.Contains(m.Id)).OrderByDescending(m => m.Id).Select(m => m.Id).FirstAsync(Ct);
        }

        var rendered = await client.GetAsync($"/api/v1/ads/{id}/preview?memberId={offered[0]}", Ct);
        var refused = await client.GetAsync($"/api/v1/ads/{id}/preview?memberId={stranger}", Ct);
        var unsaved = await client.PostAsync($"/api/v1/ads/preview?sampleMemberId={stranger}", ApiAppFactory.Json("""{"format":"MessageAd"}"""), Ct);

        rendered.StatusCode.ShouldBe(HttpStatusCode.OK, await rendered.Content.ReadAsStringAsync(Ct));
        using var preview = JsonDocument.Parse(await rendered.Content.ReadAsStringAsync(Ct));
        var conversation = preview.RootElement.GetProperty("conversation");
        conversation.GetProperty("firstMessageId").GetString().ShouldBe("m1");
        conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ShouldBe(["m1", "m2"], ignoreOrder: true);
        preview.RootElement.GetProperty("messageAd").ValueKind.ShouldBe(JsonValueKind.Null);
        (await BadRequestErrorsAsync(refused)).Keys.ShouldContain("memberId");
        (await BadRequestErrorsAsync(unsaved)).Keys.ShouldContain("sampleMemberId");
    }

    [Fact]
    public async Task APreviewWithoutAFormatIsA400NamingIt()
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadOnly).PostAsync("/api/v1/ads/preview", ApiAppFactory.Json("""{"subject":"Hi"}"""), Ct);

        (await BadRequestErrorsAsync(response)).Keys.ShouldContain("format");
    }
}

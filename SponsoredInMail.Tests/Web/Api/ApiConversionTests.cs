using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Conversions;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>Conversion definitions and the Conversions API over HTTP, and the anonymous tag and pixel endpoints.</summary>
[Collection(ApiCollection.Name)]
public class ApiConversionTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AReadWriteTokenCreatesADefinitionThatTheListShows()
    {
        var world = await app.WorldAsync();
        var name = $"Sign-up {Guid.NewGuid():N}"[..20];

        var created = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/conversions", ApiAppFactory.Json($$"""
            {"name":"{{name}}","category":"SignUp","valueCents":2500,"postClickDays":90,"postSendDays":1,"counting":"EveryTime"}
            """), Ct);

        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        body.RootElement.GetProperty("tagKey").GetString().ShouldStartWith("cv_");
        body.RootElement.GetProperty("category").GetString().ShouldBe("SignUp");
        var listed = await app.Client(world.ContosoReadOnly).GetStringAsync("/api/v1/conversions", Ct);
        listed.ShouldContain(name);
        (await app.Client(world.NorthwindReadWrite).GetStringAsync("/api/v1/conversions", Ct)).ShouldNotContain(name);
    }

    [Theory]
    [InlineData("""{"name":"x","category":"Purchase","postClickDays":14}""", "postClickDays")]
    [InlineData("""{"name":"x","category":"Purchase","postSendDays":90}""", "postSendDays")]
    [InlineData("""{"name":"x","category":"Fame"}""", "category")]
    [InlineData("""{"name":"x","category":99}""", "category")]
    [InlineData("""{"name":"","category":"Lead"}""", "name")]
    [InlineData("""{"name":"x","category":"Lead","valueCents":-1}""", "valueCents")]
    public async Task ABadDefinitionIsA400NamingTheField(string json, string field)
    {
        var world = await app.WorldAsync();
        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/conversions", ApiAppFactory.Json(json), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldContain(field);
    }

    [Fact]
    public async Task AReadOnlyTokenCannotCreateOrRecord()
    {
        var world = await app.WorldAsync();
        (await app.Client(world.ContosoReadOnly).PostAsync("/api/v1/conversions", ApiAppFactory.Json("""{"name":"x","category":"Lead"}"""), Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Client(world.ContosoReadOnly).PostAsync("/api/v1/conversions/events", ApiAppFactory.Json("""{"events":[]}"""), Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheConversionsApiRecordsABatchAndAnswersARetryAsDuplicates()
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);
        var order = Guid.NewGuid().ToString("N");
        var json = $$"""
            {"events":[{"conversionId":{{definition.Id}},"eventId":"{{order}}","occurredAt":"{{DateTime.UtcNow.AddMinutes(-5):O}}",
                        "emailSha256":"{{MemberEmailHashes.Of("nobody@nowhere.example")}}","valueCents":1999}]}
            """;

        var first = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/conversions/events", ApiAppFactory.Json(json), Ct);
        var retry = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/conversions/events", ApiAppFactory.Json(json), Ct);

        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync(Ct));
        using var answer = JsonDocument.Parse(await first.Content.ReadAsStringAsync(Ct));
        answer.RootElement.GetProperty("unattributed").GetInt32().ShouldBe(1);
        answer.RootElement.GetProperty("results")[0].GetProperty("status").GetString().ShouldBe("Unattributed");
        using var again = JsonDocument.Parse(await retry.Content.ReadAsStringAsync(Ct));
        again.RootElement.GetProperty("duplicates").GetInt32().ShouldBe(1);
        await using var db = await app.CreateContextAsync();
        (await db.ConversionEvents.CountAsync(e => e.EventId == order, Ct)).ShouldBe(1);
    }

    [Theory]
    [InlineData("""{"events":[{"conversionId":DEF,"eventId":"x","occurredAt":"tomorrow"}]}""", "events[0].occurredAt")]
    [InlineData("""{"events":[{"conversionId":DEF,"occurredAt":"2026-01-01T00:00:00Z"}]}""", "events[0].eventId")]
    [InlineData("""{"events":[{"conversionId":"DEF","eventId":"x","occurredAt":"2026-01-01T00:00:00Z"}]}""", "events[0].conversionId")]
    [InlineData("""{"events":[{"conversionId":DEF,"eventId":"x","occurredAt":"NOW","clickId":"forged-forged-forged-forged"}]}""", "events[0].clickId")]
    [InlineData("""{"events":"all of them"}""", "events")]
    [InlineData("""{"events":[]}""", "events")]
    public async Task ABadConversionsBatchIsA400NamingTheFieldAndStoresNothing(string template, string field)
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);
        var json = template.Replace("DEF", definition.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Replace("NOW", DateTime.UtcNow.ToString("O"));

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/conversions/events", ApiAppFactory.Json(json), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync(Ct));
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldContain(field);
        await using var db = await app.CreateContextAsync();
        (await db.ConversionEvents.CountAsync(e => e.ConversionDefinitionId == definition.Id, Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task AnotherAccountsConversionIsNotFoundInTheBatch()
    {
        var world = await app.WorldAsync();
        var theirs = await DefinitionAsync(world.Northwind.AccountId);
        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/conversions/events", ApiAppFactory.Json($$"""
            {"events":[{"conversionId":{{theirs.Id}},"eventId":"x","occurredAt":"{{DateTime.UtcNow:O}}"}]}
            """), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("Conversion not found.");
    }

    [Fact]
    public async Task TheTagPostsTextPlainJsonAndThePixelAnswersAGif()
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);
        var anonymous = app.Client(null);

        var tagged = await anonymous.PostAsync("/c/events",
            new StringContent($$"""{"conversion":"{{definition.TagKey}}","clickId":null,"eventId":"tag-1","valueCents":700}""", Encoding.UTF8, "text/plain"), Ct);
        var pixel = await anonymous.GetAsync($"/c/px?c={definition.TagKey}&eid=px-1&v=300", Ct);
        var script = await anonymous.GetAsync("/c/tag.js", Ct);

        tagged.StatusCode.ShouldBe(HttpStatusCode.NoContent, await tagged.Content.ReadAsStringAsync(Ct));
        pixel.StatusCode.ShouldBe(HttpStatusCode.OK);
        pixel.Content.Headers.ContentType!.MediaType.ShouldBe("image/gif");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await script.Content.ReadAsStringAsync(Ct)).ShouldContain("simclid");
        await using var db = await app.CreateContextAsync();
        var stored = await db.ConversionEvents.Where(e => e.ConversionDefinitionId == definition.Id).OrderBy(e => e.Id).ToListAsync(Ct);
        stored.Select(e => (e.Source, e.ValueCents, e.Touch)).ShouldBe([(ConversionSource.Tag, 700L, AttributionTouch.None), (ConversionSource.Pixel, 300L, AttributionTouch.None)]);
    }

    [Theory]
    [InlineData("POST", """{"conversion":"cv_unknown"}""")]
    [InlineData("POST", "not json")]
    [InlineData("POST", """{"conversion":"KEY","valueCents":"lots"}""")]
    [InlineData("GET", "c=cv_unknown")]
    [InlineData("GET", "c=KEY&v=ten")]
    public async Task BadTagEventsAreA400ProblemAndStoreNothing(string method, string payload)
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);
        payload = payload.Replace("KEY", definition.TagKey);
        var anonymous = app.Client(null);

        var response = method == "POST"
            ? await anonymous.PostAsync("/c/events", new StringContent(payload, Encoding.UTF8, "text/plain"), Ct)
            : await anonymous.GetAsync($"/c/px?{payload}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        await using var db = await app.CreateContextAsync();
        (await db.ConversionEvents.CountAsync(e => e.ConversionDefinitionId == definition.Id, Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task AConversionMatchedByEmailHashShowsInTheCampaignReport()
    {
        var world = await app.WorldAsync();
        var definition = await DefinitionAsync(world.Contoso.AccountId);
        var data = new Components.Inbox.InboxTestData(app.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<SponsoredInMail.Core.Data.AppDbContext>>(), () => DateTime.UtcNow);
        var memberId = Components.Inbox.InboxTestData.NewMember();
        var delivery = await data.MessageAdAsync(memberId, "Contoso Cloud", "Conversions by API", DateTime.UtcNow.AddDays(-1));
        int campaign;
        string email;
        await using (var db = await app.CreateContextAsync())
        {
            campaign = await db.Deliveries.Where(d => d.Id == delivery).Select(d => d.CampaignId).SingleAsync(Ct);
            email = await db.Members.Where(m => m.Id == memberId).Select(m => m.Email).SingleAsync(Ct);
        }

        var recorded = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/conversions/events", ApiAppFactory.Json($$"""
            {"events":[{"conversionId":{{definition.Id}},"eventId":"{{Guid.NewGuid():N}}","occurredAt":"{{DateTime.UtcNow:O}}",
                        "emailSha256":"{{MemberEmailHashes.Of(" " + email.ToUpperInvariant())}}","valueCents":12000}]}
            """), Ct);
        using var answer = JsonDocument.Parse(await recorded.Content.ReadAsStringAsync(Ct));
        var result = answer.RootElement.GetProperty("results")[0];
        (result.GetProperty("status").GetString(), result.GetProperty("campaignId").GetInt32(), result.GetProperty("touch").GetString())
            .ShouldBe(("Attributed", campaign, "Send"));

        using var report = JsonDocument.Parse(await app.Client(world.ContosoReadOnly).GetStringAsync($"/api/v1/campaigns/{campaign}/report", Ct));
        var conversions = report.RootElement.GetProperty("conversions");
        conversions.GetProperty("conversions").GetInt64().ShouldBe(1);
        conversions.GetProperty("postSend").GetInt64().ShouldBe(1);
        conversions.GetProperty("valueCents").GetInt64().ShouldBe(12000);
        conversions.GetProperty("conversionRate").GetDouble().ShouldBe(1.0);
        conversions.GetProperty("returnOnAdSpend").GetDouble().ShouldBeGreaterThan(0);
    }

    private async Task<ConversionDefinition> DefinitionAsync(int accountId)
    {
        await using var db = await app.CreateContextAsync();
        var definition = new ConversionDefinition
        {
            AdvertiserAccountId = accountId, Name = $"Conversion {Guid.NewGuid():N}", Category = ConversionCategory.Lead,
            TagKey = "cv_" + Guid.NewGuid().ToString("N")[..16], CreatedAt = DateTime.UtcNow,
        };
        db.ConversionDefinitions.Add(definition);
        await db.SaveChangesAsync(Ct);
        return definition;
    }
}

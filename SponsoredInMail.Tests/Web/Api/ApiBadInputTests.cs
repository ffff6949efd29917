using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>The API host in the Development environment (developer exception page, binding failures thrown).</summary>
public sealed class DevelopmentApiAppFactory : ApiAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Development");
    }
}

/// <summary>The API host in the Production environment (the app's HTML /Error page for everything else).</summary>
public sealed class ProductionApiAppFactory : ApiAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

public sealed class ApiBadInputInDevelopmentTests(DevelopmentApiAppFactory app) : ApiBadInputTests(app), IClassFixture<DevelopmentApiAppFactory>;

public sealed class ApiBadInputInProductionTests(ProductionApiAppFactory app) : ApiBadInputTests(app), IClassFixture<ProductionApiAppFactory>;

/// <summary>
/// Values that used to crash or slip through: every one is a 4xx problem-details answer naming the field, in
/// Development and Production alike, and nothing is stored. Every API error status is problem details, never HTML.
/// The report CSV downloads answer a bad range the same way.
/// </summary>
public abstract class ApiBadInputTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Day(int daysFromToday) => DateTime.UtcNow.AddDays(daysFromToday).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string Time(DateTime at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<Dictionary<string, string[]>> ProblemErrorsAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(status, text);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", text);
        return await ApiCampaignTests.ErrorsAsync(response);
    }

    private async Task<int> CampaignCountAsync(int accountId)
    {
        await using var db = await app.CreateContextAsync();
        return await db.Campaigns.CountAsync(c => c.AdvertiserAccountId == accountId, Ct);
    }

    /// <summary>A draft body with one property replaced by <paramref name="json"/> (raw JSON text).</summary>
    private static string Body(string property, string json)
    {
        var fields = new Dictionary<string, string>
        {
            ["name"] = "\"Bad input\"", ["objective"] = "\"WebsiteVisits\"", ["bidCents"] = "100", ["lifetimeBudgetCents"] = "10000",
            ["startAt"] = $"\"{Time(DateTime.UtcNow.AddDays(1))}\"",
        };
        fields[property] = json;
        return "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
    }

    public static TheoryData<string, string, string> RefusedDraftValues() => new()
    {
        { "bidCents", "-9223372036854775808", "bidCents" },
        { "bidCents", "9223372036854775807", "bidCents" },
        { "lifetimeBudgetCents", "9223372036854775807", "lifetimeBudgetCents" },
        { "lifetimeBudgetCents", "1000000001", "lifetimeBudgetCents" },
        { "objective", "999", "objective" },
        { "objective", "-1", "objective" },
        { "objective", "0", "objective" },
        { "objective", "\"1\"", "objective" },
        { "objective", "\"WebsiteVisits \"", "objective" },
        { "objective", "\" WebsiteVisits\"", "objective" },
        { "objective", "\"Website Visits\"", "objective" },
        { "objective", "\"WebsiteVisits, LeadGeneration\"", "objective" },
        { "name", "\"Null\\u0000byte\"", "name" },
        { "name", "\"Two\\nlines\"", "name" },
        { "name", "\"Carriage\\rreturn\"", "name" },
        { "name", "\"Tab\\there\"", "name" },
        { "name", "\"Bell\\u0007\"", "name" },
        { "startAt", "\"0001-01-01T00:00:00Z\"", "startAt" },
        { "startAt", "\"9999-12-31T00:00:00Z\"", "startAt" },
        { "startAt", $"\"{Time(DateTime.UtcNow.AddDays(-2))}\"", "startAt" },
        { "endAt", "\"9999-12-31T23:59:59Z\"", "endAt" },
        { "adIds", "[]", "adIds" },
        { "adIds", "[1,2,3,4,5,6,7,8,9,10,11]", "adIds" },
        { "adIds", "\"5\"", "adIds" },
        { "adIds", "5", "adIds" },
        { "adIds", "[1,\"x\"]", "adIds" },
        { "adIds", "[1.5]", "adIds" },
        { "adIds", "[2147483647]", "adIds" },
        { "rotation", "\"Sideways\"", "rotation" },
        { "rotation", "\"1\"", "rotation" },
        { "rotation", "0", "rotation" },
        { "rotation", "\"Even, Optimize\"", "rotation" },
        { "abTestMetric", "\"Clicks\"", "abTestMetric" },
        { "abTestMetric", "99", "abTestMetric" },
        { "abTestMetric", "\"OpenRate\"", "abTestMetric" },
        // Enums are strict strings: even a defined value's number is refused.
        { "objective", "2", "objective" },
        { "rotation", "1", "rotation" },
    };

    [Theory]
    [MemberData(nameof(RefusedDraftValues))]
    public async Task AnInvalidDraftValueIsA400NamingTheFieldAndNothingIsStored(string property, string json, string field)
    {
        var world = await app.WorldAsync();
        var before = await CampaignCountAsync(world.Contoso.AccountId);

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/campaigns", ApiAppFactory.Json(Body(property, json)), Ct);

        (await ProblemErrorsAsync(response, HttpStatusCode.BadRequest)).Keys.ShouldContain(field);
        (await CampaignCountAsync(world.Contoso.AccountId)).ShouldBe(before);
    }

    [Theory]
    [InlineData("\"leadgeneration\"")]
    [InlineData("\"LeadGeneration\"")]
    public async Task AnObjectiveByNameInAnyCaseIsAccepted(string objective)
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/campaigns", ApiAppFactory.Json(Body("objective", objective)), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        body.RootElement.GetProperty("objective").GetString().ShouldBe("LeadGeneration");
    }

    [Theory]
    [InlineData("from=0001-01-01&to=9999-12-31", "from")]
    [InlineData("from=9999-12-31&to=9999-12-31", "from")]
    [InlineData("to=0001-01-01", "to")]
    [InlineData("from=abc", "from")]
    [InlineData("to=2026-13-45", "to")]
    [InlineData("from=2026-11-10&to=2026-11-01", "to")]
    [InlineData("from=2024-01-01&to=2025-12-31", "to")]
    public async Task AReportRangeOutsideTheRulesIsA400NamingTheField(string query, string field)
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadOnly);

        var campaign = await client.GetAsync($"/api/v1/campaigns/{world.Contoso.DraftCampaignId}/report?{query}", Ct);
        var account = await client.GetAsync($"/api/v1/reports/account?{query}", Ct);

        (await ProblemErrorsAsync(campaign, HttpStatusCode.BadRequest)).Keys.ShouldContain(field);
        (await ProblemErrorsAsync(account, HttpStatusCode.BadRequest)).Keys.ShouldContain(field);
    }

    [Fact]
    public async Task AReportRangeWithinTheRulesIsServed()
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/reports/account?from={Day(-365)}&to={Day(0)}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("/api/v1/ads?includeArchived=maybe", "includeArchived")]
    [InlineData("/api/v1/ads?includeArchived=1", "includeArchived")]
    [InlineData("/api/v1/leads?campaignId=abc", "campaignId")]
    [InlineData("/api/v1/leads?limit=lots", "limit")]
    [InlineData("/api/v1/leads?limit=0", "limit")]
    [InlineData("/api/v1/leads?limit=201", "limit")]
    [InlineData("/api/v1/leads?from=yesterday", "from")]
    [InlineData("/api/v1/leads?from=2026-12-02&to=2026-12-01", "from")]
    [InlineData("/api/v1/leads?cursor=12", "cursor")]
    public async Task AnUnparsableQueryValueIsA400NamingIt(string url, string field)
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadOnly).GetAsync(url, Ct);

        (await ProblemErrorsAsync(response, HttpStatusCode.BadRequest)).Keys.ShouldContain(field);
    }

    [Fact]
    public async Task EveryErrorStatusIsProblemDetails()
    {
        var world = await app.WorldAsync();
        var draft = await app.DraftAsync(world.Contoso, "Error statuses");
        var readWrite = app.Client(world.ContosoReadWrite);
        var answers = new Dictionary<HttpStatusCode, HttpResponseMessage>
        {
            [HttpStatusCode.Unauthorized] = await app.Client(null).GetAsync("/api/v1/campaigns", Ct),
            [HttpStatusCode.Forbidden] = await app.Client(world.ContosoReadOnly).PostAsync($"/api/v1/campaigns/{draft}/submit", null, Ct),
            [HttpStatusCode.NotFound] = await readWrite.GetAsync("/api/v1/campaigns/2147483647", Ct),
            [HttpStatusCode.MethodNotAllowed] = await readWrite.PutAsync("/api/v1/campaigns", ApiAppFactory.Json("{}"), Ct),
            [HttpStatusCode.Conflict] = await readWrite.PostAsync($"/api/v1/campaigns/{draft}/pause", null, Ct),
            [HttpStatusCode.UnsupportedMediaType] = await readWrite.PostAsync("/api/v1/campaigns", new StringContent("name=x"), Ct),
            [HttpStatusCode.InternalServerError] = await readWrite.GetAsync($"/api/v1/ads/{await BrokenAdAsync(world.Contoso)}", Ct),
        };

        foreach (var (status, response) in answers)
        {
            var text = await response.Content.ReadAsStringAsync(Ct);
            response.StatusCode.ShouldBe(status, text);
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", $"{status}: {text}");
            using var problem = JsonDocument.Parse(text);
            problem.RootElement.GetProperty("status").GetInt32().ShouldBe((int)status);
            text.ShouldNotContain("   at ", Case.Sensitive, "no stack trace");
        }
    }

    [Theory]
    [InlineData("from=0001-01-01&to=9999-12-31", "from")]
    [InlineData("from=9999-12-31&to=9999-12-31", "from")]
    [InlineData("to=0001-01-01", "to")]
    [InlineData("from=abc", "from")]
    [InlineData("from=2026-11-10&to=2026-11-01", "to")]
    public async Task AReportCsvWithABadRangeIsA400NamingTheField(string query, string field)
    {
        var world = await app.WorldAsync();
        var client = app.CreateBrowserlessClient();
        await Fakes.AppFactory.LoginAsync(client, "maria@contoso.example");

        var kpis = await client.GetAsync($"/accounts/{world.Contoso.AccountId}/campaigns/{world.Contoso.DraftCampaignId}/report/demographics.csv?{query}", Ct);
        var campaigns = await client.GetAsync($"/accounts/{world.Contoso.AccountId}/reports/campaigns.csv?{query}", Ct);

        (await ProblemErrorsAsync(kpis, HttpStatusCode.BadRequest)).Keys.ShouldContain(field);
        (await ProblemErrorsAsync(campaigns, HttpStatusCode.BadRequest)).Keys.ShouldContain(field);
    }

    /// <summary>A Conversation Ad whose stored script no longer reads: showing it fails on our side (500).</summary>
    private async Task<int> BrokenAdAsync(AccountThings things)
    {
        await using var db = await app.CreateContextAsync();
        var sender = await db.Ads.Where(a => a.Id == things.AdId).Select(a => a.SenderMemberId).SingleAsync(Ct);
        var now = DateTime.UtcNow;
        var ad = new Ad
        {
            AdvertiserAccountId = things.AccountId, Name = $"Broken {Guid.NewGuid():N}", Format = AdFormat.ConversationAd, SenderMemberId = sender,
            Subject = "Broken", ConversationJson = "{not json", CreatedByUserId = "test", CreatedAt = now, UpdatedByUserId = "test", UpdatedAt = now,
        };
        db.Ads.Add(ad);
        await db.SaveChangesAsync(Ct);
        return ad.Id;
    }
}

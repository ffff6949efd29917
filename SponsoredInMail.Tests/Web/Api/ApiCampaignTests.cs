using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>Campaigns over the API: drafts created from a validated body, and the moves a marketer's tools make.</summary>
[Collection(ApiCollection.Name)]
public class ApiCampaignTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACreatedDraftIsTheAccountsWithMoneyInCents()
    {
        var world = await app.WorldAsync();
        // Schedules reach at most two years ahead: 1 January of next year always fits.
        var year = DateTime.UtcNow.Year + 1;

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/campaigns", ApiAppFactory.Json($$"""
            {"name":"API draft","objective":"LeadGeneration","audienceId":{{world.Contoso.AudienceId}},"adId":{{world.Contoso.AdId}},
             "bidCents":150,"lifetimeBudgetCents":50000,"dailyBudgetCents":5000,"startAt":"{{year}}-01-01T09:00:00Z"}
            """), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var id = body.RootElement.GetProperty("id").GetInt32();
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/campaigns/{id}");
        body.RootElement.GetProperty("status").GetString().ShouldBe("Draft");
        body.RootElement.GetProperty("bidCents").GetInt64().ShouldBe(150);
        body.RootElement.GetProperty("lifetimeBudgetCents").GetInt64().ShouldBe(50000);
        await using var db = await app.CreateContextAsync();
        var saved = await db.Campaigns.SingleAsync(c => c.Id == id, Ct);
        saved.AdvertiserAccountId.ShouldBe(world.Contoso.AccountId);
        saved.Objective.ShouldBe(CampaignObjective.LeadGeneration);
        saved.StartAt.ShouldBe(new DateTime(year, 1, 1, 9, 0, 0, DateTimeKind.Utc));
        (await db.AuditLog.AnyAsync(e => e.EntityType == "Campaign" && e.EntityId == id.ToString() && e.Action == "created", Ct)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("{\"name\":\"x\",", "body")]
    [InlineData("not json", "body")]
    [InlineData("[1,2]", "body")]
    [InlineData("{\"name\":\"x\",\"objective\":\"WebsiteVisits\",\"bidCents\":\"lots\",\"lifetimeBudgetCents\":1000}", "bidCents")]
    [InlineData("{\"name\":\"x\",\"objective\":\"WebsiteVisits\",\"bidCents\":\"100\",\"lifetimeBudgetCents\":1000}", "bidCents")]
    [InlineData("{\"name\":\"x\",\"objective\":\"WebsiteVisits\",\"bidCents\":1.5,\"lifetimeBudgetCents\":1000}", "bidCents")]
    [InlineData("{\"name\":\"x\",\"objective\":\"Fame\",\"bidCents\":100,\"lifetimeBudgetCents\":1000}", "objective")]
    [InlineData("{\"name\":\"x\",\"objective\":\"WebsiteVisits\",\"bidCents\":100,\"lifetimeBudgetCents\":1000,\"startAt\":\"next tuesday\"}", "startAt")]
    [InlineData("{\"name\":\"x\",\"objective\":\"WebsiteVisits\",\"bidCents\":100,\"lifetimeBudgetCents\":1000,\"audienceId\":\"seven\"}", "audienceId")]
    [InlineData("{\"name\":42,\"objective\":\"WebsiteVisits\",\"bidCents\":100,\"lifetimeBudgetCents\":1000}", "name")]
    public async Task AMalformedBodyGetsProblemDetailsNamingTheField(string json, string field)
    {
        var world = await app.WorldAsync();
        var before = await CountAsync(world.Contoso.AccountId);

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/campaigns", ApiAppFactory.Json(json), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await ErrorsAsync(response)).Keys.ShouldContain(field);
        (await CountAsync(world.Contoso.AccountId)).ShouldBe(before);
    }

    [Fact]
    public async Task MissingRequiredFieldsAreEachNamed()
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/campaigns", ApiAppFactory.Json("{}"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ErrorsAsync(response)).Keys.ShouldBe(["name", "objective", "bidCents", "lifetimeBudgetCents"], ignoreOrder: true);
    }

    [Fact]
    public async Task CoreRulesComeBackUnderTheBodysFieldNames()
    {
        var world = await app.WorldAsync();
        var before = await CountAsync(world.Contoso.AccountId);

        var year = DateTime.UtcNow.Year + 1;

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/campaigns", ApiAppFactory.Json(
            $"{{\"name\":\"\",\"objective\":\"WebsiteVisits\",\"bidCents\":1,\"lifetimeBudgetCents\":0,\"startAt\":\"{year}-01-02T00:00:00Z\",\"endAt\":\"{year}-01-01T00:00:00Z\"}}"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = await ErrorsAsync(response);
        errors.Keys.ShouldBe(["name", "bidCents", "lifetimeBudgetCents", "endAt"], ignoreOrder: true);
        errors["bidCents"][0].ShouldStartWith("The bid must be at least");
        (await CountAsync(world.Contoso.AccountId)).ShouldBe(before);
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIs415()
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/campaigns", new StringContent("name=x"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task ACompleteDraftIsSubmittedForReview()
    {
        var world = await app.WorldAsync();
        var draft = await app.DraftAsync(world.Contoso, "To submit");

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{draft}/submit", null, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        body.RootElement.GetProperty("status").GetString().ShouldBe("InReview");
    }

    [Fact]
    public async Task AnIncompleteDraftIsNotSubmittedAndTheMissingFieldsAreNamed()
    {
        var world = await app.WorldAsync();
        var created = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/campaigns",
            ApiAppFactory.Json("{\"name\":\"Bare\",\"objective\":\"WebsiteVisits\",\"bidCents\":100,\"lifetimeBudgetCents\":1000}"), Ct);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetInt32();

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{id}/submit", null, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ErrorsAsync(response)).Keys.ShouldBe(["audienceId", "adId"], ignoreOrder: true);
    }

    [Fact]
    public async Task AnActiveCampaignIsPausedAndResumed()
    {
        var world = await app.WorldAsync();
        var active = await app.DraftAsync(world.Contoso, "Running", CampaignStatus.Active);
        var client = app.Client(world.ContosoReadWrite);

        var paused = await client.PostAsync($"/api/v1/campaigns/{active}/pause", null, Ct);
        var statusWhilePaused = await StatusAsync(active);
        var resumed = await client.PostAsync($"/api/v1/campaigns/{active}/resume", null, Ct);

        paused.StatusCode.ShouldBe(HttpStatusCode.OK);
        statusWhilePaused.ShouldBe(CampaignStatus.Paused);
        resumed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await StatusAsync(active)).ShouldBe(CampaignStatus.Active);
    }

    [Fact]
    public async Task ResumingAnApprovedCampaignIs409AndDoesNotLaunchIt()
    {
        var world = await app.WorldAsync();
        var approved = await app.DraftAsync(world.Contoso, "Approved, not launched", CampaignStatus.Approved);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{approved}/resume", null, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await ErrorsAsync(response))["status"].ShouldBe(["Only a paused campaign can be resumed; this one is approved and has never run: launch it instead."]);
        (await StatusAsync(approved)).ShouldBe(CampaignStatus.Approved);
    }

    [Fact]
    public async Task TheLaunchEndpointLaunchesAnApprovedCampaign()
    {
        var world = await app.WorldAsync();
        var approved = await app.DraftAsync(world.Contoso, "Ready to launch", CampaignStatus.Approved);
        await using (var db = await app.CreateContextAsync())
        {
            // Approval freezes the audience; every country of the network is large enough to launch.
            var countries = await db.Members.Select(m => m.CountryCode).Distinct().ToListAsync(Ct);
            await db.Campaigns.Where(c => c.Id == approved).ExecuteUpdateAsync(u => u.SetProperty(c => c.TargetingJson,
                new SponsoredInMail.Core.Audiences.Targeting([new(SponsoredInMail.Core.Audiences.Facet.Location, countries)], []).ToJson()), Ct);
        }

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{approved}/launch", null, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        (await StatusAsync(approved)).ShouldBe(CampaignStatus.Active);
    }

    [Fact]
    public async Task LaunchingAPausedCampaignIs409()
    {
        var world = await app.WorldAsync();
        var paused = await app.DraftAsync(world.Contoso, "Paused", CampaignStatus.Paused);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{paused}/launch", null, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ErrorsAsync(response))["status"].ShouldBe(["Only an approved campaign can be launched; this one is paused: resume it instead."]);
        (await StatusAsync(paused)).ShouldBe(CampaignStatus.Paused);
    }

    [Fact]
    public async Task AMoveTheStateDoesNotAllowIs409NamingTheStatus()
    {
        var world = await app.WorldAsync();
        var draft = await app.DraftAsync(world.Contoso, "Never launched");

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{draft}/pause", null, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ErrorsAsync(response)).Keys.ShouldBe(["status"]);
        (await StatusAsync(draft)).ShouldBe(CampaignStatus.Draft);
    }

    [Fact]
    public async Task ACampaignReadsWithItsProgress()
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/campaigns/{world.Contoso.DraftCampaignId}", Ct);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        body.RootElement.GetProperty("audienceId").GetInt32().ShouldBe(world.Contoso.AudienceId);
        body.RootElement.GetProperty("progress").GetProperty("spentCents").GetInt64().ShouldBe(0);
    }

    /// <summary>A second active ad of the account, a copy of its first.</summary>
    private async Task<int> SecondAdAsync(AccountThings things)
    {
        await using var db = await app.CreateContextAsync();
        var first = await db.Ads.AsNoTracking().SingleAsync(a => a.Id == things.AdId, Ct);
        var ad = new SponsoredInMail.Core.Ads.Ad
        {
            AdvertiserAccountId = first.AdvertiserAccountId, Name = $"Variant {Guid.NewGuid():N}"[..16], Format = first.Format, SenderMemberId = first.SenderMemberId,
            Subject = "Other subject", Body = first.Body, CtaText = first.CtaText, CtaTarget = first.CtaTarget, LandingUrl = first.LandingUrl,
            CreatedByUserId = "test", CreatedAt = first.CreatedAt, UpdatedByUserId = "test", UpdatedAt = first.UpdatedAt,
        };
        db.Ads.Add(ad);
        await db.SaveChangesAsync(Ct);
        return ad.Id;
    }

    [Fact]
    public async Task ADraftOfSeveralAdsKeepsTheirOrderAndItsAbTestAndReadsThemBack()
    {
        var world = await app.WorldAsync();
        var second = await SecondAdAsync(world.Contoso);
        var client = app.Client(world.ContosoReadWrite);

        var response = await client.PostAsync("/api/v1/campaigns", ApiAppFactory.Json($$"""
            {"name":"A/B draft","objective":"WebsiteVisits","adIds":[{{second}},{{world.Contoso.AdId}}],"abTestMetric":"ClickToOpenRate",
             "bidCents":100,"lifetimeBudgetCents":10000}
            """), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetInt32();
        using var read = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/campaigns/{id}", Ct));
        var campaign = read.RootElement;
        campaign.GetProperty("adIds").EnumerateArray().Select(a => a.GetInt32()).ShouldBe([second, world.Contoso.AdId]);
        campaign.GetProperty("adId").GetInt32().ShouldBe(second, "the first ad is the campaign's ad");
        campaign.GetProperty("rotation").GetString().ShouldBe("Even");
        campaign.GetProperty("abTestMetric").GetString().ShouldBe("ClickToOpenRate");
        campaign.GetProperty("winnerAdId").ValueKind.ShouldBe(JsonValueKind.Null);
        await using var db = await app.CreateContextAsync();
        (await db.CampaignAds.Where(a => a.CampaignId == id).OrderBy(a => a.Position).Select(a => a.AdId).ToListAsync(Ct)).ShouldBe([second, world.Contoso.AdId]);
    }

    [Fact]
    public async Task ARotationIsTakenByName()
    {
        var world = await app.WorldAsync();
        var second = await SecondAdAsync(world.Contoso);

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/campaigns", ApiAppFactory.Json($$"""
            {"name":"Optimized","objective":"WebsiteVisits","adId":{{world.Contoso.AdId}},"adIds":[{{world.Contoso.AdId}},{{second}}],"rotation":"optimize",
             "bidCents":100,"lifetimeBudgetCents":10000}
            """), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        body.RootElement.GetProperty("rotation").GetString().ShouldBe("Optimize");
        body.RootElement.GetProperty("abTestMetric").ValueKind.ShouldBe(JsonValueKind.Null);
        body.RootElement.GetProperty("adIds").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task AdsRefusedByTheRulesAreNamedAsTheBodyListsThem()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadWrite);
        var before = await CountAsync(world.Contoso.AccountId);
        string Body(string ads) => $$"""{"name":"Refused","objective":"WebsiteVisits",{{ads}},"bidCents":100,"lifetimeBudgetCents":10000}""";

        var twice = await client.PostAsync("/api/v1/campaigns", ApiAppFactory.Json(Body($"\"adIds\":[{world.Contoso.AdId},{world.Contoso.AdId}]")), Ct);
        var theirs = await client.PostAsync("/api/v1/campaigns", ApiAppFactory.Json(Body($"\"adIds\":[{world.Contoso.AdId},{world.Northwind.AdId}]")), Ct);
        var notFirst = await client.PostAsync("/api/v1/campaigns", ApiAppFactory.Json(Body($"\"adId\":{world.Northwind.AdId},\"adIds\":[{world.Contoso.AdId}]")), Ct);
        var single = await client.PostAsync("/api/v1/campaigns", ApiAppFactory.Json(Body($"\"adId\":{world.Northwind.AdId}")), Ct);

        (await ErrorsAsync(twice))["adIds"].ShouldBe(["Each ad can be chosen once per campaign."]);
        (await ErrorsAsync(theirs))["adIds"].ShouldBe(["Every ad must be one of this account's active ads."]);
        (await ErrorsAsync(notFirst))["adIds"][0].ShouldStartWith($"adId ({world.Northwind.AdId}) must be the first of adIds");
        // A body without adIds keeps its field name.
        (await ErrorsAsync(single)).Keys.ShouldBe(["adId"]);
        foreach (var response in new[] { twice, theirs, notFirst, single })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        (await CountAsync(world.Contoso.AccountId)).ShouldBe(before);
    }

    [Fact]
    public async Task ACampaignOfOneAdListsItAsItsOnlyAd()
    {
        var world = await app.WorldAsync();

        using var body = JsonDocument.Parse(await app.Client(world.ContosoReadOnly).GetStringAsync($"/api/v1/campaigns/{world.Contoso.DraftCampaignId}", Ct));

        body.RootElement.GetProperty("adIds").EnumerateArray().Select(a => a.GetInt32()).ShouldBe([world.Contoso.AdId]);
        body.RootElement.GetProperty("rotation").GetString().ShouldBe("Even");
        body.RootElement.GetProperty("abTestMetric").ValueKind.ShouldBe(JsonValueKind.Null);
        body.RootElement.GetProperty("winnerAdId").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    public static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var problem = JsonDocument.Parse(text);
        problem.RootElement.TryGetProperty("errors", out var errors).ShouldBeTrue(text);
        return errors.Deserialize<Dictionary<string, string[]>>()!;
    }

    private async Task<int> CountAsync(int accountId)
    {
        await using var db = await app.CreateContextAsync();
        return await db.Campaigns.CountAsync(c => c.AdvertiserAccountId == accountId, Ct);
    }

    private async Task<CampaignStatus> StatusAsync(int campaignId)
    {
        await using var db = await app.CreateContextAsync();
        return await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.Status).SingleAsync(Ct);
    }
}

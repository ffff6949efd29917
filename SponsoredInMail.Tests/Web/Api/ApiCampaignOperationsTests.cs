using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>
/// The campaign API beyond create and the launch moves: the paged list, versions (ETag, If-Match), draft and running
/// settings, holdout, withdraw, cancel, archive, duplicate, status history, variants and ending an A/B test.
/// </summary>
[Collection(ApiCollection.Name)]
public class ApiCampaignOperationsTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Unique(string what) => $"{what} {Guid.NewGuid():N}"[..(what.Length + 13)];

    // ---- list ----

    [Fact]
    public async Task TheListPagedByTwoReturnsEveryCampaignOnceAndEndsWithoutACursor()
    {
        var world = await app.WorldAsync();
        var mine = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            mine.Add(await MakeAsync(world.Contoso, Unique("Paged"), CampaignStatus.Completed));
        }
        var client = app.Client(world.ContosoReadOnly);
        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var page = JsonDocument.Parse(await client.GetStringAsync(
                $"/api/v1/campaigns?status=Completed&limit=2{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}", Ct));
            var items = page.RootElement.GetProperty("items");
            items.GetArrayLength().ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(items.EnumerateArray().Select(c => c.GetProperty("id").GetInt32()));
            items.EnumerateArray().ShouldAllBe(c => c.GetProperty("status").GetString() == "Completed");
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 1000);

        cursor.ShouldBeNull();
        pages.ShouldBeGreaterThanOrEqualTo(3);
        seen.ShouldBeUnique();
        mine.ShouldBeSubsetOf(seen);
    }

    [Fact]
    public async Task TheListLeavesArchivedCampaignsOutUnlessAskedAndFiltersByStatus()
    {
        var world = await app.WorldAsync();
        var archived = await MakeAsync(world.Contoso, Unique("Archived"), CampaignStatus.Archived);
        var paused = await MakeAsync(world.Contoso, Unique("Paused"), CampaignStatus.Paused);
        var client = app.Client(world.ContosoReadOnly);

        var all = await AllIdsAsync(client, "");
        var withArchived = await AllIdsAsync(client, "includeArchived=true");
        var onlyPaused = await AllIdsAsync(client, "status=Paused");
        var onlyArchived = await AllIdsAsync(client, "status=Archived");

        all.ShouldContain(paused);
        all.ShouldNotContain(archived);
        withArchived.ShouldContain(archived);
        onlyPaused.ShouldContain(paused);
        onlyPaused.ShouldNotContain(archived);
        onlyArchived.ShouldContain(archived);
        (await AllIdsAsync(app.Client(world.NorthwindReadWrite), "includeArchived=true")).ShouldNotContain(archived);
    }

    [Theory]
    [InlineData("cursor=nonsense", "cursor")]
    [InlineData("cursor=c1.%21%21", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=two", "limit")]
    [InlineData("status=Running", "status")]
    [InlineData("status=4", "status")]
    [InlineData("includeArchived=yes", "includeArchived")]
    public async Task ABadListParameterIsA400NamingIt(string query, string parameter)
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/campaigns?{query}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldContain(parameter);
    }

    // ---- one campaign and its version ----

    [Fact]
    public async Task ACampaignReadsWithAnETagThatAnswers304UntilAStatusMoveChangesIt()
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Versioned"), CampaignStatus.Active);
        var client = app.Client(world.ContosoReadWrite);

        var first = await client.GetAsync($"/api/v1/campaigns/{id}", Ct);
        var tag = first.Headers.ETag!;
        var unchanged = await SendAsync(client, HttpMethod.Get, $"/api/v1/campaigns/{id}", null, ifNoneMatch: tag.Tag);
        (await client.PostAsync($"/api/v1/campaigns/{id}/pause", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var afterPause = await SendAsync(client, HttpMethod.Get, $"/api/v1/campaigns/{id}", null, ifNoneMatch: tag.Tag);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        tag.IsWeak.ShouldBeFalse();
        unchanged.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        afterPause.StatusCode.ShouldBe(HttpStatusCode.OK);
        afterPause.Headers.ETag!.Tag.ShouldNotBe(tag.Tag);
    }

    // ---- draft settings (PUT) ----

    [Fact]
    public async Task ADraftsSettingsAreReplacedAndTheAnswerCarriesTheNewVersion()
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Before"));
        var client = app.Client(world.ContosoReadWrite);
        var tag = (await client.GetAsync($"/api/v1/campaigns/{id}", Ct)).Headers.ETag!.Tag;
        var name = Unique("After");

        var response = await SendAsync(client, HttpMethod.Put, $"/api/v1/campaigns/{id}", DraftBody(world.Contoso, name, 250), ifMatch: tag);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        body.RootElement.GetProperty("name").GetString().ShouldBe(name);
        body.RootElement.GetProperty("bidCents").GetInt64().ShouldBe(250);
        body.RootElement.GetProperty("holdoutPercent").GetInt32().ShouldBe(5);
        response.Headers.ETag!.Tag.ShouldNotBe(tag);
        var saved = await CampaignAsync(id);
        (saved.Name, saved.BidCents, saved.Objective).ShouldBe((name, 250L, CampaignObjective.LeadGeneration));
    }

    [Fact]
    public async Task ARejectedCampaignEditedOverTheApiIsADraftAgain()
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Rejected"), CampaignStatus.Rejected);

        var response = await app.Client(world.ContosoReadWrite).PutAsync($"/api/v1/campaigns/{id}", DraftBody(world.Contoso, Unique("Fixed"), 120), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        (await CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Draft);
    }

    [Theory]
    [InlineData("""{"name":"x","objective":"WebsiteVisits","lifetimeBudgetCents":10000}""", "bidCents")]
    [InlineData("""{"name":"x","objective":"WebsiteVisits","bidCents":"lots","lifetimeBudgetCents":10000}""", "bidCents")]
    [InlineData("""{"name":"x","objective":"WebsiteVisits","bidCents":1,"lifetimeBudgetCents":10000}""", "bidCents")]
    [InlineData("""{"name":"","objective":"WebsiteVisits","bidCents":100,"lifetimeBudgetCents":10000}""", "name")]
    [InlineData("""{"name":"x","objective":"WebsiteVisits","bidCents":100,"lifetimeBudgetCents":10000,"adIds":[1.5]}""", "adIds")]
    [InlineData("""{"name":"x","objective":"WebsiteVisits","bidCents":100,"lifetimeBudgetCents":10000,"holdoutPercent":40}""", "holdoutPercent")]
    [InlineData("not json", "body")]
    public async Task AnInvalidDraftUpdateIsA400NamingTheFieldAndChangesNothing(string json, string field)
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Kept"));
        var before = await CampaignAsync(id);

        var response = await app.Client(world.ContosoReadWrite).PutAsync($"/api/v1/campaigns/{id}", ApiAppFactory.Json(json), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldContain(field);
        await ShouldBeUnchangedAsync(before);
    }

    [Fact]
    public async Task ADraftUpdateThatIsNotJsonIs415()
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Kept"));

        var response = await app.Client(world.ContosoReadWrite).PutAsync($"/api/v1/campaigns/{id}", new StringContent("name=x"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData(CampaignStatus.Active)]
    [InlineData(CampaignStatus.InReview)]
    [InlineData(CampaignStatus.Archived)]
    public async Task OnlyDraftsAndRejectedCampaignsTakeAFullUpdateOthersAre409(CampaignStatus status)
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Not a draft"), status);
        var before = await CampaignAsync(id);

        var response = await app.Client(world.ContosoReadWrite).PutAsync($"/api/v1/campaigns/{id}", DraftBody(world.Contoso, Unique("Nope"), 300), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldContain("status");
        await ShouldBeUnchangedAsync(before);
    }

    [Theory]
    [InlineData("PUT", "", CampaignStatus.Draft)]
    [InlineData("POST", "/settings", CampaignStatus.Active)]
    [InlineData("POST", "/holdout", CampaignStatus.Approved)]
    public async Task AStaleIfMatchIs412AndChangesNothing(string method, string suffix, CampaignStatus status)
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Raced"), status);
        var client = app.Client(world.ContosoReadWrite);
        var stale = (await client.GetAsync($"/api/v1/campaigns/{id}", Ct)).Headers.ETag!.Tag;
        // Someone else changes the campaign meanwhile.
        await using (var db = await app.CreateContextAsync())
        {
            await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.UpdatedAt, c => c.UpdatedAt.AddSeconds(1)), Ct);
        }
        var before = await CampaignAsync(id);

        var response = await SendAsync(client, new HttpMethod(method), $"/api/v1/campaigns/{id}{suffix}", BodyFor(world, suffix), ifMatch: stale);

        response.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        response.Headers.ETag!.Tag.ShouldNotBe(stale);
        await ShouldBeUnchangedAsync(before);
    }

    // ---- running settings ----

    [Fact]
    public async Task ARunningCampaignsBidChangesAndWhatWasNotSentIsKept()
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Running"), CampaignStatus.Active);
        var end = DateTime.UtcNow.AddDays(30);
        await using (var db = await app.CreateContextAsync())
        {
            await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.DailyBudgetCents, 2_000L).SetProperty(c => c.EndAt, end), Ct);
        }
        var client = app.Client(world.ContosoReadWrite);

        var bid = await client.PostAsync($"/api/v1/campaigns/{id}/settings", ApiAppFactory.Json("""{"bidCents":180}"""), Ct);
        var afterBid = await CampaignAsync(id);
        var cleared = await client.PostAsync($"/api/v1/campaigns/{id}/settings", ApiAppFactory.Json("""{"dailyBudgetCents":null,"endAt":null}"""), Ct);

        bid.StatusCode.ShouldBe(HttpStatusCode.OK, await bid.Content.ReadAsStringAsync(Ct));
        bid.Headers.ETag.ShouldNotBeNull();
        (afterBid.BidCents, afterBid.LifetimeBudgetCents, afterBid.DailyBudgetCents).ShouldBe((180L, 10_000L, 2_000L));
        afterBid.EndAt.ShouldNotBeNull();
        cleared.StatusCode.ShouldBe(HttpStatusCode.OK, await cleared.Content.ReadAsStringAsync(Ct));
        var after = await CampaignAsync(id);
        (after.BidCents, after.DailyBudgetCents, after.EndAt).ShouldBe((180L, (long?)null, (DateTime?)null));
        after.Status.ShouldBe(CampaignStatus.Active);
    }

    [Theory]
    [InlineData("""{"bidCents":1}""", "bidCents")]
    [InlineData("""{"bidCents":"more"}""", "bidCents")]
    [InlineData("""{"dailyBudgetCents":999999999}""", "dailyBudgetCents")]
    [InlineData("""{"endAt":"2001-01-01T00:00:00Z"}""", "endAt")]
    [InlineData("""{"endAt":"soon"}""", "endAt")]
    [InlineData("[]", "body")]
    public async Task InvalidRunningSettingsAreA400NamingTheFieldAndChangeNothing(string json, string field)
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Running"), CampaignStatus.Active);
        var before = await CampaignAsync(id);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{id}/settings", ApiAppFactory.Json(json), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldContain(field);
        await ShouldBeUnchangedAsync(before);
    }

    [Fact]
    public async Task ADraftHasNoRunningSettingsTheyAre409()
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Draft"));
        var before = await CampaignAsync(id);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{id}/settings", ApiAppFactory.Json("""{"bidCents":300}"""), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldContain("status");
        await ShouldBeUnchangedAsync(before);
    }

    // ---- holdout ----

    [Fact]
    public async Task AnApprovedCampaignsHoldoutIsSet()
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Holdout"), CampaignStatus.Approved);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{id}/holdout", ApiAppFactory.Json("""{"holdoutPercent":15}"""), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("holdoutPercent").GetInt32().ShouldBe(15);
        (await CampaignAsync(id)).HoldoutPercent.ShouldBe(15);
    }

    [Theory]
    [InlineData("""{"holdoutPercent":21}""")]
    [InlineData("""{"holdoutPercent":-1}""")]
    [InlineData("""{"holdoutPercent":"ten"}""")]
    [InlineData("""{}""")]
    public async Task ABadHoldoutIsA400NamingHoldoutPercentAndChangesNothing(string json)
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Holdout"), CampaignStatus.Approved);
        var before = await CampaignAsync(id);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{id}/holdout", ApiAppFactory.Json(json), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldBe(["holdoutPercent"]);
        await ShouldBeUnchangedAsync(before);
    }

    [Fact]
    public async Task ALaunchedCampaignsHoldoutIsFixed409()
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Launched"), CampaignStatus.Active);
        var before = await CampaignAsync(id);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{id}/holdout", ApiAppFactory.Json("""{"holdoutPercent":10}"""), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ApiCampaignTests.ErrorsAsync(response))["status"][0].ShouldStartWith("The holdout cannot change once a campaign has launched");
        await ShouldBeUnchangedAsync(before);
    }

    // ---- moves ----

    [Theory]
    [InlineData("withdraw", CampaignStatus.InReview, CampaignStatus.Draft)]
    [InlineData("cancel", CampaignStatus.Active, CampaignStatus.Canceled)]
    [InlineData("cancel", CampaignStatus.Approved, CampaignStatus.Canceled)]
    [InlineData("archive", CampaignStatus.Completed, CampaignStatus.Archived)]
    [InlineData("archive", CampaignStatus.Draft, CampaignStatus.Archived)]
    public async Task AMoveTheStateAllowsAnswersTheMovedCampaign(string verb, CampaignStatus from, CampaignStatus to)
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique(verb), from);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{id}/{verb}", null, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("status").GetString().ShouldBe(to.ToString());
        (await CampaignAsync(id)).Status.ShouldBe(to);
    }

    [Theory]
    [InlineData("withdraw", CampaignStatus.Draft)]
    [InlineData("withdraw", CampaignStatus.Active)]
    [InlineData("cancel", CampaignStatus.Draft)]
    [InlineData("cancel", CampaignStatus.Completed)]
    [InlineData("archive", CampaignStatus.Active)]
    [InlineData("archive", CampaignStatus.Archived)]
    public async Task AMoveTheStateForbidsIs409AndChangesNothing(string verb, CampaignStatus from)
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique(verb), from);
        var before = await CampaignAsync(id);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{id}/{verb}", null, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldBe(["status"]);
        await ShouldBeUnchangedAsync(before);
    }

    [Fact]
    public async Task ADuplicateIsANewDraftAnsweredWith201()
    {
        var world = await app.WorldAsync();
        var name = Unique("Original");
        var id = await MakeAsync(world.Contoso, name, CampaignStatus.Completed);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{id}/duplicate", null, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var copy = body.RootElement.GetProperty("id").GetInt32();
        copy.ShouldNotBe(id);
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/campaigns/{copy}");
        body.RootElement.GetProperty("name").GetString().ShouldBe($"Copy of {name}");
        body.RootElement.GetProperty("status").GetString().ShouldBe("Draft");
        var saved = await CampaignAsync(copy);
        (saved.AdvertiserAccountId, saved.BidCents, saved.AdId).ShouldBe((world.Contoso.AccountId, 100L, (int?)world.Contoso.AdId));
        (await CampaignAsync(id)).Status.ShouldBe(CampaignStatus.Completed);
    }

    // ---- history ----

    [Fact]
    public async Task TheHistoryListsEveryMoveWithItsReasonOldestFirstInPages()
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("History"));
        var client = app.Client(world.ContosoReadWrite);
        (await client.PostAsync($"/api/v1/campaigns/{id}/submit", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.PostAsync($"/api/v1/campaigns/{id}/withdraw", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.PostAsync($"/api/v1/campaigns/{id}/archive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var moves = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = JsonDocument.Parse(await app.Client(world.ContosoReadOnly).GetStringAsync(
                $"/api/v1/campaigns/{id}/history?limit=2{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}", Ct)).RootElement;
            moves.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        pages.ShouldBe(2);
        moves.Select(m => $"{m.GetProperty("from").GetString()}→{m.GetProperty("to").GetString()}").ShouldBe(["Draft→InReview", "InReview→Draft", "Draft→Archived"]);
        moves[1].GetProperty("reason").GetString().ShouldBe("Withdrawn from review");
        moves.Select(m => m.GetProperty("id").GetInt64()).ShouldBeUnique();
    }

    [Fact]
    public async Task ABadHistoryCursorIsA400()
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/campaigns/{world.Contoso.DraftCampaignId}/history?cursor=abc", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldBe(["cursor"]);
    }

    // ---- variants and the A/B test ----

    [Fact]
    public async Task AnAbTestsVariantsReadWithTheirOutcomesAndTheVerdict()
    {
        var world = await app.WorldAsync();
        var (id, ads) = await AbTestAsync(world.Contoso);

        var response = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/campaigns/{id}/variants", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        view.GetProperty("campaignId").GetInt32().ShouldBe(id);
        view.GetProperty("abTestMetric").GetString().ShouldBe("OpenRate");
        view.GetProperty("ads").EnumerateArray().Select(a => (a.GetProperty("adId").GetInt32(), a.GetProperty("letter").GetString()))
            .ShouldBe([(ads[0], "A"), (ads[1], "B")]);
        view.GetProperty("ads")[0].GetProperty("outcomes").GetProperty("sends").GetInt64().ShouldBe(0);
        view.GetProperty("abTest").GetProperty("winner").GetString().ShouldBe("None");
        view.GetProperty("canEndAbTest").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task EndingAnAbTestSendsTheWinnerAndASecondEndIs409()
    {
        var world = await app.WorldAsync();
        var (id, ads) = await AbTestAsync(world.Contoso);
        var client = app.Client(world.ContosoReadWrite);

        var ended = await client.PostAsync($"/api/v1/campaigns/{id}/ab-test/end", ApiAppFactory.Json($$"""{"winnerAdId":{{ads[1]}}}"""), Ct);
        var again = await client.PostAsync($"/api/v1/campaigns/{id}/ab-test/end", ApiAppFactory.Json($$"""{"winnerAdId":{{ads[0]}}}"""), Ct);

        ended.StatusCode.ShouldBe(HttpStatusCode.OK, await ended.Content.ReadAsStringAsync(Ct));
        JsonDocument.Parse(await ended.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("winnerAdId").GetInt32().ShouldBe(ads[1]);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ApiCampaignTests.ErrorsAsync(again))["status"].ShouldBe(["This A/B test has already ended."]);
        (await CampaignAsync(id)).WinnerAdId.ShouldBe(ads[1]);
    }

    [Fact]
    public async Task EndingTheTestOfACampaignThatIsNotAnAbTestIs409()
    {
        var world = await app.WorldAsync();
        var id = await MakeAsync(world.Contoso, Unique("Single ad"), CampaignStatus.Active);
        var before = await CampaignAsync(id);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{id}/ab-test/end",
            ApiAppFactory.Json($$"""{"winnerAdId":{{world.Contoso.AdId}}}"""), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        await ShouldBeUnchangedAsync(before);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"winnerAdId":"A"}""")]
    [InlineData("""{"winnerAdId":2147483647}""")]
    public async Task AWinnerThatIsMissingOrNotOneOfTheTestsAdsIsA400(string json)
    {
        var world = await app.WorldAsync();
        var (id, _) = await AbTestAsync(world.Contoso);
        var before = await CampaignAsync(id);

        var response = await app.Client(world.ContosoReadWrite).PostAsync($"/api/v1/campaigns/{id}/ab-test/end", ApiAppFactory.Json(json), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldBe(["winnerAdId"]);
        await ShouldBeUnchangedAsync(before);
    }

    // ---- every write: read-only token and another account ----

    public static TheoryData<string, string, CampaignStatus> Writes => new()
    {
        { "PUT", "", CampaignStatus.Draft },
        { "POST", "/settings", CampaignStatus.Active },
        { "POST", "/holdout", CampaignStatus.Approved },
        { "POST", "/withdraw", CampaignStatus.InReview },
        { "POST", "/cancel", CampaignStatus.Active },
        { "POST", "/archive", CampaignStatus.Completed },
        { "POST", "/duplicate", CampaignStatus.Draft },
        { "POST", "/ab-test/end", CampaignStatus.Active },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task AReadOnlyTokenCannotWriteIt403AndNothingChanges(string method, string suffix, CampaignStatus status)
    {
        var world = await app.WorldAsync();
        var (id, ads) = suffix == "/ab-test/end" ? await AbTestAsync(world.Contoso) : (await MakeAsync(world.Contoso, Unique("Read-only"), status), []);
        var before = await CampaignAsync(id);
        var count = await CountAsync(world.Contoso.AccountId);

        var response = await SendAsync(app.Client(world.ContosoReadOnly), new HttpMethod(method), $"/api/v1/campaigns/{id}{suffix}", BodyFor(world, suffix, ads));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await ShouldBeUnchangedAsync(before);
        (await CountAsync(world.Contoso.AccountId)).ShouldBe(count);
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task AnotherAccountsCampaignReadsAsMissing404AndNothingChanges(string method, string suffix, CampaignStatus status)
    {
        var world = await app.WorldAsync();
        var (id, ads) = suffix == "/ab-test/end" ? await AbTestAsync(world.Contoso) : (await MakeAsync(world.Contoso, Unique("Theirs"), status), []);
        var before = await CampaignAsync(id);
        var counts = (await CountAsync(world.Contoso.AccountId), await CountAsync(world.Northwind.AccountId));

        // Northwind's body names Northwind's own audience and ad, so only the campaign id is foreign.
        var response = await SendAsync(app.Client(world.NorthwindReadWrite), new HttpMethod(method), $"/api/v1/campaigns/{id}{suffix}",
            BodyFor(world with { Contoso = world.Northwind }, suffix, ads));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound, await response.Content.ReadAsStringAsync(Ct));
        await ShouldBeUnchangedAsync(before);
        (await CountAsync(world.Contoso.AccountId), await CountAsync(world.Northwind.AccountId)).ShouldBe(counts);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/history")]
    [InlineData("/variants")]
    public async Task AnotherAccountsCampaignCannotBeRead404(string suffix)
    {
        var world = await app.WorldAsync();

        var theirs = await app.Client(world.NorthwindReadWrite).GetAsync($"/api/v1/campaigns/{world.Contoso.DraftCampaignId}{suffix}", Ct);
        var missing = await app.Client(world.NorthwindReadWrite).GetAsync($"/api/v1/campaigns/2147483647{suffix}", Ct);

        theirs.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ProblemAsync(theirs)).ShouldBe(await ProblemAsync(missing));
    }

    // ---- helpers ----

    /// <summary>A problem's title and detail (its trace id differs per request).</summary>
    private static async Task<(string?, string?)> ProblemAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return (problem.RootElement.GetProperty("title").GetString(), problem.RootElement.GetProperty("detail").GetString());
    }

    private static StringContent DraftBody(AccountThings things, string name, long bid) => ApiAppFactory.Json($$"""
        {"name":"{{name}}","objective":"LeadGeneration","audienceId":{{things.AudienceId}},"adId":{{things.AdId}},
         "bidCents":{{bid}},"lifetimeBudgetCents":20000,"holdoutPercent":5}
        """);

    private static StringContent? BodyFor(ApiWorld world, string suffix, IReadOnlyList<int>? ads = null) => suffix switch
    {
        "" => DraftBody(world.Contoso, Unique("Changed"), 300),
        "/settings" => ApiAppFactory.Json("""{"bidCents":300}"""),
        "/holdout" => ApiAppFactory.Json("""{"holdoutPercent":10}"""),
        "/ab-test/end" => ApiAppFactory.Json($$"""{"winnerAdId":{{ads![0]}}}"""),
        _ => null,
    };

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? body, string? ifMatch = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ifNoneMatch));
        }
        return await client.SendAsync(request, Ct);
    }

    private static async Task<List<int>> AllIdsAsync(HttpClient client, string query)
    {
        var ids = new List<int>();
        string? cursor = null;
        do
        {
            var page = JsonDocument.Parse(await client.GetStringAsync(
                $"/api/v1/campaigns?limit=200&{query}{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}", Ct)).RootElement;
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetInt32()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return ids;
    }

    /// <summary>An active A/B test on open rate of the account's ad and a copy of it, both approved.</summary>
    private async Task<(int Id, int[] Ads)> AbTestAsync(AccountThings things)
    {
        var id = await MakeAsync(things, Unique("A/B"), CampaignStatus.Active);
        await using var db = await app.CreateContextAsync();
        var first = await db.Ads.AsNoTracking().SingleAsync(a => a.Id == things.AdId, Ct);
        var second = new SponsoredInMail.Core.Ads.Ad
        {
            AdvertiserAccountId = first.AdvertiserAccountId, Name = Unique("Variant"), Format = first.Format, SenderMemberId = first.SenderMemberId,
            Subject = "Other subject", Body = first.Body, CtaText = first.CtaText, CtaTarget = first.CtaTarget, LandingUrl = first.LandingUrl,
            CreatedByUserId = "test", CreatedAt = first.CreatedAt, UpdatedByUserId = "test", UpdatedAt = first.UpdatedAt,
        };
        db.Ads.Add(second);
        await db.SaveChangesAsync(Ct);
        db.CampaignAds.Add(new CampaignAd { CampaignId = id, AdId = first.Id, Position = 0, Review = AdReview.Approved });
        db.CampaignAds.Add(new CampaignAd { CampaignId = id, AdId = second.Id, Position = 1, Review = AdReview.Approved });
        await db.SaveChangesAsync(Ct);
        await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.AbTestMetric, AbTestMetric.OpenRate), Ct);
        return (id, [first.Id, second.Id]);
    }

    /// <summary>
    /// A campaign in <paramref name="status"/>; past Draft its audience's targeting is frozen as a submit would, so the
    /// delivery engine never completes an active one for having no audience (its start, tomorrow, keeps it from sending).
    /// </summary>
    private Task<int> MakeAsync(AccountThings things, string name, CampaignStatus status = CampaignStatus.Draft) => app.DraftAsync(things, name, status);

    private async Task<Campaign> CampaignAsync(int id)
    {
        await using var db = await app.CreateContextAsync();
        return await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id, Ct);
    }

    private async Task ShouldBeUnchangedAsync(Campaign before)
    {
        var after = await CampaignAsync(before.Id);
        (after.Status, after.Name, after.BidCents, after.LifetimeBudgetCents, after.DailyBudgetCents, after.EndAt, after.HoldoutPercent, after.WinnerAdId, after.UpdatedAt)
            .ShouldBe((before.Status, before.Name, before.BidCents, before.LifetimeBudgetCents, before.DailyBudgetCents, before.EndAt, before.HoldoutPercent, before.WinnerAdId,
                before.UpdatedAt));
    }

    private async Task<int> CountAsync(int accountId)
    {
        await using var db = await app.CreateContextAsync();
        return await db.Campaigns.CountAsync(c => c.AdvertiserAccountId == accountId, Ct);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Tests.Core.Ads;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>What an ad needs besides its text, over HTTP: a sender who granted permission, and a banner image.</summary>
[Collection(ApiCollection.Name)]
public class ApiSenderAndBannerTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<int> MemberWithoutPermissionAsync(int accountId)
    {
        await using var db = await app.CreateContextAsync();
        var asked = db.SenderPermissions.Where(p => p.AdvertiserAccountId == accountId).Select(p => p.MemberId);
        // A random member, so that tests of this class never ask the same one.
        var members = await db.Members.Where(m => !asked.Contains(m.Id)).Select(m => m.Id).Take(200).ToListAsync(Ct);
        return members[Random.Shared.Next(members.Count)];
    }

    [Fact]
    public async Task TheSendersListShowsGrantedSendersInCursorPagesAndNotAnotherAccounts()
    {
        var world = await app.WorldAsync();
        var seen = new List<int>();
        string? cursor = null;
        do
        {
            var response = await app.Client(world.ContosoReadOnly).GetAsync("/api/v1/senders?limit=1" + (cursor is null ? "" : $"&cursor={cursor}"), Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            seen.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("permissionId").GetInt32()));
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        await using var db = await app.CreateContextAsync();
        var expected = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == world.Contoso.AccountId).Select(p => p.Id).ToListAsync(Ct);
        seen.ShouldBe(expected, ignoreOrder: true);
        seen.Distinct().Count().ShouldBe(seen.Count);
        var northwind = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == world.Northwind.AccountId).Select(p => p.Id).ToListAsync(Ct);
        seen.Intersect(northwind).ShouldBeEmpty();
    }

    [Fact]
    public async Task AManagerAsksAMemberToSendAndAskingAgainWhilePendingIsA400()
    {
        var world = await app.WorldAsync();
        var member = await MemberWithoutPermissionAsync(world.Contoso.AccountId);
        var client = app.Client(world.ContosoReadWrite);

        var asked = await client.PostAsync("/api/v1/senders", ApiAppFactory.Json($$"""{"memberId":{{member}}}"""), Ct);
        var again = await client.PostAsync("/api/v1/senders", ApiAppFactory.Json($$"""{"memberId":{{member}}}"""), Ct);

        asked.StatusCode.ShouldBe(HttpStatusCode.Created, await asked.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await asked.Content.ReadAsStringAsync(Ct));
        body.RootElement.GetProperty("status").GetString().ShouldBe("Pending");
        body.RootElement.GetProperty("memberId").GetInt32().ShouldBe(member);
        again.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(again)).Keys.ShouldBe(["memberId"]);
        await using var db = await app.CreateContextAsync();
        (await db.SenderPermissions.CountAsync(p => p.AdvertiserAccountId == world.Contoso.AccountId && p.MemberId == member, Ct)).ShouldBe(1);
    }

    [Theory]
    [InlineData("{}", "memberId")]
    [InlineData("""{"memberId":"7"}""", "memberId")]
    [InlineData("""{"memberId":2147483647}""", "memberId")]
    public async Task ABadSenderRequestIsA400NamingMemberIdAndAsksNobody(string json, string field)
    {
        var world = await app.WorldAsync();
        await using var before = await app.CreateContextAsync();
        var count = await before.SenderPermissions.CountAsync(Ct);

        var response = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/senders", ApiAppFactory.Json(json), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldContain(field);
        await using var after = await app.CreateContextAsync();
        (await after.SenderPermissions.CountAsync(Ct)).ShouldBe(count);
    }

    private static MultipartFormDataContent Banner(byte[] bytes, string name = "file")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, name, "banner.png");
        return form;
    }

    [Fact]
    public async Task ABannerIsUploadedReadBackAndHiddenFromAnotherAccount()
    {
        var world = await app.WorldAsync();

        var uploaded = await app.Client(world.ContosoReadWrite).PostAsync("/api/v1/banners", Banner(BannerImageInspectorTests.Png(300, 250)), Ct);

        uploaded.StatusCode.ShouldBe(HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync(Ct));
        using var body = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync(Ct));
        body.RootElement.GetProperty("width").GetInt32().ShouldBe(300);
        body.RootElement.GetProperty("contentType").GetString().ShouldBe("image/png");
        var location = uploaded.Headers.Location!.ToString();
        (await app.Client(world.ContosoReadOnly).GetAsync(location, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.Client(world.NorthwindReadWrite).GetAsync(location, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AWrongSizedMissingOrNonMultipartBannerIsRefusedAndStoresNothing()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadWrite);
        await using var before = await app.CreateContextAsync();
        var count = await before.BannerImages.CountAsync(Ct);

        var wrongSize = await client.PostAsync("/api/v1/banners", Banner(BannerImageInspectorTests.Png(320, 250)), Ct);
        var noFile = await client.PostAsync("/api/v1/banners", Banner(BannerImageInspectorTests.Png(300, 250), name: "image"), Ct);
        var json = await client.PostAsync("/api/v1/banners", ApiAppFactory.Json("{}"), Ct);

        wrongSize.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(wrongSize))["file"][0].ShouldContain("300×250");
        noFile.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(noFile)).Keys.ShouldBe(["file"]);
        json.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        await using var after = await app.CreateContextAsync();
        (await after.BannerImages.CountAsync(Ct)).ShouldBe(count);
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>What a token reads: its account's audiences with counts, ads, campaigns, reports and leads.</summary>
[Collection(ApiCollection.Name)]
public class ApiReadTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AudiencesAreListedAndCountedWithTheirBreakdown()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadOnly);

        using var list = await JsonAsync(client, "/api/v1/audiences");
        using var count = await JsonAsync(client, $"/api/v1/audiences/{world.Contoso.AudienceId}/count");

        var items = list.RootElement.GetProperty("items");
        items.EnumerateArray().Select(a => a.GetProperty("id").GetInt32()).ShouldContain(world.Contoso.AudienceId);
        items[0].GetProperty("targeting").GetProperty("include")[0].GetProperty("facet").GetString().ShouldBe("Location");
        var matching = count.RootElement.GetProperty("matching").GetInt32();
        matching.ShouldBeGreaterThan(0);
        count.RootElement.GetProperty("deliverable").GetInt32().ShouldBeLessThanOrEqualTo(matching);
    }

    [Fact]
    public async Task AdsAreListedAndReadWithTheirContent()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadOnly);

        using var list = await JsonAsync(client, "/api/v1/ads");
        using var ad = await JsonAsync(client, $"/api/v1/ads/{world.Contoso.AdId}");

        list.RootElement.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("format").GetString()).ShouldContain("MessageAd");
        ad.RootElement.GetProperty("landingUrl").GetString().ShouldBe("https://example.com/landing");
    }

    [Fact]
    public async Task TheCampaignReportHasKpisAndOneDailyPointPerDayOfTheRange()
    {
        var world = await app.WorldAsync();

        using var report = await JsonAsync(app.Client(world.ContosoReadOnly),
            $"/api/v1/campaigns/{world.Contoso.DraftCampaignId}/report?from=2026-11-01&to=2026-11-07");

        report.RootElement.GetProperty("range").GetProperty("from").GetString().ShouldBe("2026-11-01");
        report.RootElement.GetProperty("series").GetArrayLength().ShouldBe(7);
        var kpis = report.RootElement.GetProperty("kpis");
        kpis.GetProperty("sends").GetInt64().ShouldBe(0);
        kpis.GetProperty("spendCents").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task WithoutARangeTheCampaignReportCoversTheCampaignsWholeLife()
    {
        var world = await app.WorldAsync();
        var sentOn = DateTime.UtcNow.AddDays(-45);
        var data = new Components.Inbox.InboxTestData(app.Get<IDbContextFactory<AppDbContext>>(), () => DateTime.UtcNow);
        var delivery = await data.MessageAdAsync(Components.Inbox.InboxTestData.NewMember(), "Contoso Cloud", "Old news", sentOn);
        int campaign;
        await using (var db = await app.CreateContextAsync())
        {
            campaign = await db.Deliveries.Where(d => d.Id == delivery).Select(d => d.CampaignId).SingleAsync(Ct);
        }

        using var report = await JsonAsync(app.Client(world.ContosoReadOnly), $"/api/v1/campaigns/{campaign}/report");

        report.RootElement.GetProperty("range").GetProperty("from").GetString().ShouldBe($"{sentOn:yyyy-MM-dd}");
        report.RootElement.GetProperty("kpis").GetProperty("sends").GetInt64().ShouldBe(1);
        report.RootElement.GetProperty("kpis").GetProperty("spendCents").GetInt64().ShouldBe(50);
    }

    [Fact]
    public async Task TheCampaignReportBreaksTheFiguresDownByAd()
    {
        var world = await app.WorldAsync();
        var sentOn = DateTime.UtcNow.AddDays(-3);
        var (campaign, adA, adB) = await TwoAdCampaign.CreateAsync(app.Get<IDbContextFactory<AppDbContext>>(), "Contoso Cloud", sentOn);

        using var report = await JsonAsync(app.Client(world.ContosoReadOnly), $"/api/v1/campaigns/{campaign}/report");

        var ads = report.RootElement.GetProperty("ads").EnumerateArray().ToList();
        ads.Select(a => a.GetProperty("adId").GetInt32()).ShouldBe([adA, adB]);
        ads.Select(a => a.GetProperty("letter").GetString()).ShouldBe(["A", "B"]);
        ads.Select(a => a.GetProperty("name").GetString()).ShouldBe(["Variant A", "Variant B"]);
        ads.Select(a => a.GetProperty("kpis").GetProperty("sends").GetInt64()).ShouldBe([1, 1]);
        ads[0].GetProperty("kpis").GetProperty("openRate").GetDouble().ShouldBe(1.0);
        ads[1].GetProperty("shareOfSends").GetDouble().ShouldBe(0.5);
        ads[0].GetProperty("series").GetArrayLength().ShouldBe(report.RootElement.GetProperty("series").GetArrayLength());
        ads.Sum(a => a.GetProperty("kpis").GetProperty("spendCents").GetInt64()).ShouldBe(report.RootElement.GetProperty("kpis").GetProperty("spendCents").GetInt64());
        report.RootElement.TryGetProperty("hasSeveralAds", out _).ShouldBeFalse("a display helper, not data");
    }

    [Fact]
    public async Task AOneAdCampaignsReportListsThatAdWithTheCampaignsFigures()
    {
        var world = await app.WorldAsync();

        using var report = await JsonAsync(app.Client(world.ContosoReadOnly), $"/api/v1/campaigns/{world.Contoso.DraftCampaignId}/report?from=2026-11-01&to=2026-11-07");

        var ad = report.RootElement.GetProperty("ads").EnumerateArray().ShouldHaveSingleItem();
        ad.GetProperty("adId").GetInt32().ShouldBe(world.Contoso.AdId);
        ad.GetProperty("kpis").GetProperty("sends").GetInt64().ShouldBe(0);
        ad.GetProperty("shareOfSends").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-11-01&to=11/07/2026", "to")]
    public async Task ABadReportRangeIsAValidationProblemNamingTheParameter(string query, string field)
    {
        var world = await app.WorldAsync();

        var response = await app.Client(world.ContosoReadOnly).GetAsync($"/api/v1/reports/account?{query}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiCampaignTests.ErrorsAsync(response)).Keys.ShouldBe([field]);
    }

    [Fact]
    public async Task TheAccountReportListsEveryCampaignOfTheAccountWithTotalsInCents()
    {
        var world = await app.WorldAsync();

        using var report = await JsonAsync(app.Client(world.NorthwindReadWrite), "/api/v1/reports/account");

        report.RootElement.GetProperty("campaigns").EnumerateArray().Select(c => c.GetProperty("campaignId").GetInt32())
            .ShouldContain(world.Northwind.DraftCampaignId);
        report.RootElement.GetProperty("totals").TryGetProperty("spendCents", out _).ShouldBeTrue();
        report.RootElement.GetProperty("series").GetArrayLength().ShouldBe(30);
    }

    [Fact]
    public async Task LeadsPageNewestFirstWithACursorEveryLeadOnce()
    {
        var world = await app.WorldAsync();
        var client = app.Client(world.ContosoReadOnly);
        var campaign = await app.DraftAsync(world.Contoso, $"Leads {Guid.NewGuid():N}");
        List<long> expected;
        await using (var db = await app.CreateContextAsync())
        {
            // Five members sent the campaign, each submitted its lead form.
            var now = DateTime.UtcNow;
            var form = new SponsoredInMail.Core.Ads.LeadGenForm
            {
                AdvertiserAccountId = world.Contoso.AccountId, Name = $"Form {Guid.NewGuid():N}", Headline = "Get the report", PrivacyPolicyUrl = "https://example.com/privacy",
                ThankYouMessage = "Thanks", CreatedByUserId = "test", UpdatedByUserId = "test", CreatedAt = now, UpdatedAt = now,
            };
            db.LeadGenForms.Add(form);
            var members = await db.Members.OrderBy(m => m.Id).Select(m => m.Id).Take(5).ToListAsync(Ct);
            var deliveries = members.Select(m => new SponsoredInMail.Core.Deliveries.Delivery
            {
                CampaignId = campaign, MemberId = m, AdvertiserAccountId = world.Contoso.AccountId, AdId = world.Contoso.AdId, PriceCents = 100, DeliveredAt = now,
            }).ToList();
            db.Deliveries.AddRange(deliveries);
            await db.SaveChangesAsync(Ct);
            db.Leads.AddRange(deliveries.Select((d, i) => new SponsoredInMail.Core.Engagement.Lead
            {
                DeliveryId = d.Id, CampaignId = campaign, AdvertiserAccountId = world.Contoso.AccountId, MemberId = d.MemberId, LeadFormId = form.Id,
                AnswersJson = "{\"Work e-mail\":\"m" + i + "@example.com\"}", SubmittedAt = now.AddMinutes(i), UpdatedAt = now.AddMinutes(i),
            }));
            await db.SaveChangesAsync(Ct);
            expected = await db.Leads.Where(l => l.CampaignId == campaign).OrderByDescending(l => l.Id).Select(l => l.Id).ToListAsync(Ct);
        }
        expected.Count.ShouldBe(5);

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var page = await JsonAsync(client, $"/api/v1/leads?campaignId={campaign}&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            var items = page.RootElement.GetProperty("items").EnumerateArray().ToList();
            items.Count.ShouldBeLessThanOrEqualTo(2);
            items.ShouldAllBe(i => i.GetProperty("campaignId").GetInt32() == campaign);
            seen.AddRange(items.Select(i => i.GetProperty("id").GetInt64()));
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 1_000);

        seen.ShouldBe(expected);
        pages.ShouldBe((expected.Count + 1) / 2);
    }

    private static async Task<JsonDocument> JsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text);
    }
}

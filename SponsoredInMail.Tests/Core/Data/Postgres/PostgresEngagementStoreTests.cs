using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using SponsoredInMail.Core.Data.Postgres;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Tests.Core.Data.Postgres;

/// <summary><see cref="PostgresEngagementStore"/> against a real PostgreSQL database (skipped without POSTGRES_CONNECTION).</summary>
public class PostgresEngagementStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static DateTime Now => StoreTestData.Now;

    private sealed record Scene(StoreTestData Pg, int Account, int Campaign, int Sender, long[] Deliveries, int[] Members, int Cta, int Inline)
    {
        public PostgresEngagementStore NewStore() => new(Pg.Connection, Pg.Signal, new FakeTimeProvider(Now.AddMinutes(5)));

        public async Task<DailyCampaign> TallyAsync()
        {
            await using var db = Pg.Context();
            var s = await db.CampaignDailyStats.SingleAsync(s => s.CampaignId == Campaign);
            return new(s.Opens, s.ButtonClicks, s.LinkClicks, s.UniqueClickers, s.LeadFormOpens, s.Leads, s.NotInterested, s.OptOuts);
        }
    }

    private sealed record DailyCampaign(int Opens, int ButtonClicks, int LinkClicks, int UniqueClickers, int LeadFormOpens, int Leads, int NotInterested, int OptOuts);

    private static async Task<Scene> SceneAsync(StoreTestData pg)
    {
        var account = await pg.AccountAsync("Contoso");
        var sender = (await pg.MembersAsync(1))[0];
        var members = await pg.MembersAsync(3);
        var campaign = await pg.CampaignAsync(account, sender, bid: 100, lifetime: 100_000);
        (await new PostgresDeliveryStore(pg.Connection, pg.Signal).SendAsync(await pg.BatchAsync(campaign, members), Ct)).SentMemberIds.Count.ShouldBe(3);
        await using var db = pg.Context();
        var ad = await db.Campaigns.Where(c => c.Id == campaign).Select(c => c.AdId!.Value).SingleAsync(Ct);
        var cta = new AdLink { AdId = ad, Kind = LinkKind.Cta, Url = "https://contoso.example/landing" };
        var inline = new AdLink { AdId = ad, Kind = LinkKind.Inline, Url = "https://contoso.example/report" };
        db.AdLinks.AddRange(cta, inline);
        await db.SaveChangesAsync(Ct);
        var deliveries = await db.Deliveries.Where(d => d.CampaignId == campaign).OrderBy(d => d.MemberId).Select(d => d.Id).ToArrayAsync(Ct);
        return new Scene(pg, account, campaign, sender, deliveries, [.. members], cta.Id, inline.Id);
    }

    [Fact]
    public async Task FirstOpensFirstClicksAndLeadsCountOnceAndTheTalliesMatchTheEvents()
    {
        await using var pg = await StoreTestData.PostgresAsync();
        var s = await SceneAsync(pg);
        long d1 = s.Deliveries[0], d2 = s.Deliveries[1];
        using var store = s.NewStore();
        var changesBefore = await pg.ScalarAsync("""SELECT COUNT(*) FROM "Changes" """);

        var first = await store.WriteAsync([
            new EventRequest(d1, EventKind.Open, Now.AddMinutes(1)),
            new EventRequest(d1, EventKind.Open, Now.AddMinutes(2)),
            new EventRequest(d1, EventKind.ButtonClick, Now.AddMinutes(3), AdLinkId: s.Cta),
            new EventRequest(d1, EventKind.LinkClick, Now.AddMinutes(4), AdLinkId: s.Inline),
            new EventRequest(d2, EventKind.Open, Now.AddMinutes(5), MemberId: s.Members[1]),
            new EventRequest(d2, EventKind.Open, Now.AddMinutes(5), MemberId: s.Members[0]),
            new EventRequest(d2, EventKind.ButtonClick, Now.AddMinutes(5), AdLinkId: 999_999),
            new EventRequest(999_999, EventKind.Open, Now.AddMinutes(5)),
        ], Ct);
        first.Select(o => (o.Stored, o.Counted)).ShouldBe([(true, true), (true, false), (true, true), (true, true), (true, true), (false, false), (false, false), (false, false)]);
        first[2].RedirectUrl.ShouldBe("https://contoso.example/landing");
        first[3].Kind.ShouldBe(EventKind.LinkClick);

        var second = await store.WriteAsync([
            new EventRequest(d1, EventKind.Open, Now.AddMinutes(6)),
            new EventRequest(d1, EventKind.ButtonClick, Now.AddMinutes(6), AdLinkId: s.Cta),
            new EventRequest(d1, EventKind.LeadFormOpen, Now.AddMinutes(7)),
            new EventRequest(d1, EventKind.LeadFormOpen, Now.AddMinutes(7)),
            new EventRequest(d1, EventKind.LeadSubmitted, Now.AddMinutes(8), Lead: new LeadPayload(7, """{"Email":"a@example.com"}""")),
            new EventRequest(d1, EventKind.LeadSubmitted, Now.AddMinutes(9), Lead: new LeadPayload(7, """{"Email":"b@example.com"}""")),
            new EventRequest(d2, EventKind.NotInterested, Now.AddMinutes(9)),
            new EventRequest(d2, EventKind.NotInterested, Now.AddMinutes(10)),
        ], Ct);
        second.Select(o => o.Counted).ShouldBe([false, true, true, true, true, false, true, false]);

        (await s.TallyAsync()).ShouldBe(new DailyCampaign(Opens: 2, ButtonClicks: 2, LinkClicks: 1, UniqueClickers: 1, LeadFormOpens: 2, Leads: 1, NotInterested: 1, OptOuts: 0));
        await using var db = pg.Context();
        var delivery = await db.Deliveries.SingleAsync(d => d.Id == d1, Ct);
        (delivery.FirstOpenedAt, delivery.FirstClickedAt).ShouldBe((Now.AddMinutes(1), Now.AddMinutes(3)));
        var lead = await db.Leads.SingleAsync(Ct);
        (lead.DeliveryId, lead.MemberId, lead.AnswersJson, lead.SubmittedAt, lead.UpdatedAt)
            .ShouldBe((d1, s.Members[0], """{"Email":"b@example.com"}""", Now.AddMinutes(8), Now.AddMinutes(9)));
        (await db.EngagementEvents.CountAsync(Ct)).ShouldBe(13);
        (await pg.ScalarAsync("""SELECT COUNT(*) FROM "Changes" """)).ShouldBeGreaterThan(changesBefore);
        (await PostgresEngagementTallyCheck.MismatchesAsync(pg.ConnectionString, Ct)).ShouldBe(0);

        // The checker sees a broken tally.
        await pg.ScalarAsync($"""UPDATE "CampaignDailyStats" SET "Opens" = 5 WHERE "CampaignId" = {s.Campaign} RETURNING 0""");
        (await PostgresEngagementTallyCheck.MismatchesAsync(pg.ConnectionString, Ct)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task AnOptOutFromAMessageIsStoredOnceAndStopsLaterSends()
    {
        await using var pg = await StoreTestData.PostgresAsync();
        var s = await SceneAsync(pg);
        using var store = s.NewStore();

        var outcomes = await store.WriteAsync([
            new EventRequest(s.Deliveries[0], EventKind.OptOut, Now.AddMinutes(1), OptOutScope: OptOutScope.Advertiser),
            new EventRequest(s.Deliveries[0], EventKind.OptOut, Now.AddMinutes(2), OptOutScope: OptOutScope.Advertiser),
            new EventRequest(s.Deliveries[1], EventKind.OptOut, Now.AddMinutes(3), OptOutScope: OptOutScope.Sender),
        ], Ct);
        outcomes.Select(o => o.Counted).ShouldBe([true, false, true]);
        (outcomes[0].OptOutAccountId, outcomes[0].OptOutSenderId).ShouldBe(((int?)s.Account, (int?)null));
        (outcomes[2].OptOutAccountId, outcomes[2].OptOutSenderId).ShouldBe(((int?)null, (int?)s.Sender));
        (await store.WriteAsync([new EventRequest(s.Deliveries[0], EventKind.OptOut, Now.AddMinutes(4), OptOutScope: OptOutScope.Advertiser)], Ct))[0]
            .Counted.ShouldBeFalse();

        await using (var db = pg.Context())
        {
            var optOuts = await db.MemberOptOuts.OrderBy(o => o.MemberId).ToListAsync(Ct);
            optOuts.Select(o => (o.MemberId, o.Scope, o.AdvertiserAccountId, o.SenderMemberId)).ShouldBe([
                (s.Members[0], OptOutScope.Advertiser, (int?)s.Account, (int?)null),
                (s.Members[1], OptOutScope.Sender, (int?)null, (int?)s.Sender)]);
        }
        (await s.TallyAsync()).OptOuts.ShouldBe(2);
        (await PostgresEngagementTallyCheck.MismatchesAsync(pg.ConnectionString, Ct)).ShouldBe(0);

        // A second campaign of the account, with the same sender, reaches only the member who did not opt out.
        var next = await pg.CampaignAsync(s.Account, s.Sender, bid: 100, lifetime: 100_000);
        var sent = await new PostgresDeliveryStore(pg.Connection, pg.Signal).SendAsync(
            await pg.BatchAtAsync(next, s.Members, Now.AddDays(40), Now.AddDays(-30), Now.AddDays(33), Now.AddDays(10)), Ct);
        sent.SentMemberIds.ShouldBe([s.Members[2]]);
    }

    /// <summary>Two stores (two processes) recording the same events at once: each "first" still counts once.</summary>
    [Fact]
    public async Task TwoWritersAtOnceCountEachFirstOnce()
    {
        await using var pg = await StoreTestData.PostgresAsync();
        var s = await SceneAsync(pg);
        using var a = s.NewStore();
        using var b = s.NewStore();
        for (var round = 0; round < 5; round++)
        {
            EventRequest[] batch = [
                .. s.Deliveries.Select(d => new EventRequest(d, EventKind.Open, Now.AddMinutes(round))),
                .. s.Deliveries.Select(d => new EventRequest(d, EventKind.ButtonClick, Now.AddMinutes(round), AdLinkId: s.Cta)),
                new EventRequest(s.Deliveries[0], EventKind.LeadSubmitted, Now.AddMinutes(round), Lead: new LeadPayload(7, "{}")),
                new EventRequest(s.Deliveries[1], EventKind.NotInterested, Now.AddMinutes(round)),
                new EventRequest(s.Deliveries[2], EventKind.OptOut, Now.AddMinutes(round), OptOutScope: OptOutScope.All),
            ];
            await Task.WhenAll(Task.Run(() => a.WriteAsync(batch, Ct)), Task.Run(() => b.WriteAsync([.. batch.Reverse()], Ct)));
        }

        (await s.TallyAsync()).ShouldBe(new DailyCampaign(Opens: 3, ButtonClicks: 30, LinkClicks: 0, UniqueClickers: 3, LeadFormOpens: 0, Leads: 1, NotInterested: 1, OptOuts: 1));
        (await pg.ScalarAsync("""SELECT COUNT(*) FROM "MemberOptOuts" """)).ShouldBe(1);
        (await pg.ScalarAsync("""SELECT COUNT(*) FROM "Leads" """)).ShouldBe(1);
        (await PostgresEngagementTallyCheck.MismatchesAsync(pg.ConnectionString, Ct)).ShouldBe(0);
    }
}

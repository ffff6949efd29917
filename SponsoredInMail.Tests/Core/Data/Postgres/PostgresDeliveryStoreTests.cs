using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Data.Postgres;
using SponsoredInMail.Core.Data.Sqlite;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Tests.Core.Data.Postgres;

/// <summary><see cref="PostgresDeliveryStore"/> against a real PostgreSQL database (skipped without POSTGRES_CONNECTION).</summary>
public class PostgresDeliveryStoreTests
{
    private static readonly InvariantReport Clean = new(0, 0, 0, 0, 0, 0, 0, 0, 0);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static DateTime Now => StoreTestData.Now;

    [Fact]
    public async Task ABatchSendsOnlyEligibleMembersAndChargesExactly()
    {
        await using var pg = await StoreTestData.PostgresAsync();
        var contoso = await pg.AccountAsync("Contoso");
        var fabrikam = await pg.AccountAsync("Fabrikam");
        var senders = await pg.MembersAsync(1);
        var campaign = await pg.CampaignAsync(contoso, senders[0], bid: 120, lifetime: 100_000);
        var sameAccountCampaign = await pg.CampaignAsync(contoso, senders[0], bid: 50, lifetime: 100_000);
        var otherCampaign = await pg.CampaignAsync(fabrikam, senders[0], bid: 50, lifetime: 100_000);
        var inactive = (await pg.MembersAsync(1, lastActiveDaysAgo: 60))[0];
        var m = await pg.MembersAsync(9);
        int optedOutAll = m[0], optedOutContoso = m[1], optedOutSender = m[2], alreadySent = m[3], anyCapped = m[4], sameCapped = m[5];
        int optedOutFabrikam = m[6], eligible1 = m[7], eligible2 = m[8];
        await using (var db = pg.Context())
        {
            db.MemberOptOuts.AddRange(
                new MemberOptOut { MemberId = optedOutAll, Scope = OptOutScope.All, CreatedAt = Now.AddDays(-1) },
                new MemberOptOut { MemberId = optedOutContoso, Scope = OptOutScope.Advertiser, AdvertiserAccountId = contoso, CreatedAt = Now.AddDays(-1) },
                new MemberOptOut { MemberId = optedOutSender, Scope = OptOutScope.Sender, SenderMemberId = senders[0], CreatedAt = Now.AddDays(-1) },
                new MemberOptOut { MemberId = optedOutFabrikam, Scope = OptOutScope.Advertiser, AdvertiserAccountId = fabrikam, CreatedAt = Now.AddDays(-1) });
            db.Deliveries.AddRange(
                new Delivery { CampaignId = campaign, MemberId = alreadySent, AdvertiserAccountId = contoso, PriceCents = 120, DeliveredAt = Now.AddDays(-100) },
                new Delivery { CampaignId = otherCampaign, MemberId = anyCapped, AdvertiserAccountId = fabrikam, PriceCents = 50, DeliveredAt = Now.AddDays(-2) },
                new Delivery { CampaignId = sameAccountCampaign, MemberId = sameCapped, AdvertiserAccountId = contoso, PriceCents = 50, DeliveredAt = Now.AddDays(-20) });
            await db.SaveChangesAsync(Ct);
        }
        var store = new PostgresDeliveryStore(pg.Connection, pg.Signal);
        var next = pg.Signal.Next;
        // The seeding above recorded its own changes (accounts, members, campaigns); the batch appends one more.
        var seeded = await pg.ScalarAsync("""SELECT COALESCE(MAX("Position"), 0) FROM "Changes" """);

        var result = await store.SendAsync(await pg.BatchAsync(campaign, [inactive, .. m], anyCapDays: 7, sameCapDays: 30), Ct);

        result.SentMemberIds.ShouldBe([optedOutFabrikam, eligible1, eligible2]);
        result.PriceCents.ShouldBe(120);
        result.AdvertiserAccountId.ShouldBe(contoso);
        result.Stop.ShouldBe(BatchStop.None);
        next.IsCompleted.ShouldBeTrue("the commit signals the followers");
        await using var check = pg.Context();
        (await check.Campaigns.SingleAsync(c => c.Id == campaign, Ct)).SpentCents.ShouldBe(3 * 120);
        var today = await check.CampaignDailyStats.SingleAsync(s => s.CampaignId == campaign, Ct);
        (today.Day, today.Sends, today.SpendCents, today.DailyBudgetCents).ShouldBe((DateOnly.FromDateTime(Now), 3, 360L, (long?)null));
        var sent = await check.Deliveries.Where(d => d.CampaignId == campaign && d.DeliveredAt == Now).OrderBy(d => d.MemberId).ToListAsync(Ct);
        sent.Select(d => d.MemberId).ShouldBe([optedOutFabrikam, eligible1, eligible2]);
        sent.ShouldAllBe(d => d.PriceCents == 120 && d.AdvertiserAccountId == contoso && d.DeliveredAt.Kind == DateTimeKind.Utc);
        var change = (await check.Changes.SingleAsync(c => c.Position > seeded, Ct)).Read().ShouldBeOfType<DeliveriesSent>();
        (change.CampaignId, change.AdvertiserAccountId, change.At).ShouldBe((campaign, contoso, Now));
        change.MemberIds.ShouldBe([optedOutFabrikam, eligible1, eligible2]);

        // Sending the same candidates again sends nobody (all sent now, or still ineligible) and charges nothing.
        (await store.SendAsync(await pg.BatchAsync(campaign, [inactive, .. m]), Ct)).SentMemberIds.ShouldBeEmpty();
        (await pg.ScalarAsync($"""SELECT "SpentCents" FROM "Campaigns" WHERE "Id" = {campaign}""")).ShouldBe(360);
    }

    [Fact]
    public async Task TheLifetimeAndDailyBudgetsHoldToTheCent()
    {
        await using var pg = await StoreTestData.PostgresAsync();
        var contoso = await pg.AccountAsync("Contoso");
        var sender = (await pg.MembersAsync(1))[0];
        var members = await pg.MembersAsync(10);
        var store = new PostgresDeliveryStore(pg.Connection, pg.Signal);

        var lifetime = await pg.CampaignAsync(contoso, sender, bid: 100, lifetime: 250);
        var first = await store.SendAsync(await pg.BatchAsync(lifetime, members[..5], anyCapDays: 0, sameCapDays: 0), Ct);
        first.SentMemberIds.ShouldBe(members[..2]);
        first.Stop.ShouldBe(BatchStop.LifetimeBudget);
        var second = await store.SendAsync(await pg.BatchAsync(lifetime, members[5..], anyCapDays: 0, sameCapDays: 0), Ct);
        second.SentMemberIds.ShouldBeEmpty();
        second.Stop.ShouldBe(BatchStop.LifetimeBudget);

        var daily = await pg.CampaignAsync(contoso, sender, bid: 100, lifetime: 10_000, daily: 350);
        var today = await store.SendAsync(await pg.BatchAsync(daily, members[5..], anyCapDays: 0, sameCapDays: 0), Ct);
        today.SentMemberIds.ShouldBe(members[5..8]);
        today.Stop.ShouldBe(BatchStop.DailyBudget);
        (await store.SendAsync(await pg.BatchAsync(daily, members[8..], anyCapDays: 0, sameCapDays: 0), Ct)).Stop.ShouldBe(BatchStop.DailyBudget);

        (await pg.ScalarAsync($"""SELECT "SpentCents" FROM "Campaigns" WHERE "Id" = {lifetime}""")).ShouldBe(200);
        (await pg.ScalarAsync($"""SELECT "SpentCents" FROM "Campaigns" WHERE "Id" = {daily}""")).ShouldBe(300);
        (await pg.ScalarAsync($"""SELECT "DailyBudgetCents" FROM "CampaignDailyStats" WHERE "CampaignId" = {daily}""")).ShouldBe(350);
        (await PostgresDeliveryInvariantCheck.RunAsync(pg.ConnectionString, 0, 0, 30, Ct)).ShouldBe(Clean);
    }

    [Fact]
    public async Task ABatchOfACampaignThatIsNotSendingSendsNothing()
    {
        await using var pg = await StoreTestData.PostgresAsync();
        var contoso = await pg.AccountAsync("Contoso");
        var sender = (await pg.MembersAsync(1))[0];
        var members = await pg.MembersAsync(3);
        var campaign = await pg.CampaignAsync(contoso, sender, bid: 100, lifetime: 10_000);
        await pg.ScalarAsync($"""UPDATE "Campaigns" SET "Status" = 5 WHERE "Id" = {campaign} RETURNING 0""");

        var result = await new PostgresDeliveryStore(pg.Connection, pg.Signal).SendAsync(await pg.BatchAsync(campaign, members), Ct);

        (result.SentMemberIds.Count, result.Stop).ShouldBe((0, BatchStop.NotSending));
        (await pg.ScalarAsync("""SELECT COUNT(*) FROM "Deliveries" """)).ShouldBe(0);
    }

    /// <summary>
    /// Batches of one campaign over disjoint and overlapping candidates, all at once on their own connections, round
    /// after round: never a cent past the budget, never a member twice.
    /// </summary>
    [Fact]
    public async Task ConcurrentBatchesOfOneCampaignNeverOverspendNorSendAMemberTwice()
    {
        await using var pg = await StoreTestData.PostgresAsync();
        var contoso = await pg.AccountAsync("Contoso");
        var sender = (await pg.MembersAsync(1))[0];
        var store = new PostgresDeliveryStore(pg.Connection, pg.Signal);
        var campaigns = new List<int>();
        for (var round = 0; round < 8; round++)
        {
            var members = await pg.MembersAsync(200);
            var campaign = await pg.CampaignAsync(contoso, sender, bid: 100, lifetime: 100 * 70);
            campaigns.Add(campaign);
            List<int>[] candidates = [members[..100], members[100..], members, [.. members]];
            var batches = await Task.WhenAll(candidates.Select(c => pg.BatchAsync(campaign, c, anyCapDays: 0, sameCapDays: 0)));
            var results = await Task.WhenAll(batches.Select(b => Task.Run(() => store.SendAsync(b, Ct))));

            var sent = results.SelectMany(r => r.SentMemberIds).ToList();
            sent.Count.ShouldBeLessThanOrEqualTo(70, $"round {round}");
            sent.Distinct().Count().ShouldBe(sent.Count, $"round {round}");
        }
        foreach (var campaign in campaigns)
        {
            (await pg.ScalarAsync($"""SELECT "SpentCents" FROM "Campaigns" WHERE "Id" = {campaign}""")).ShouldBe(7_000);
        }
        (await PostgresDeliveryInvariantCheck.RunAsync(pg.ConnectionString, 0, 0, 30, Ct)).ShouldBe(Clean);
    }

    /// <summary>Two advertisers' campaigns sending to the same members at once: the any-advertiser cap still holds.</summary>
    [Fact]
    public async Task ConcurrentBatchesOfTwoCampaignsKeepTheFrequencyCap()
    {
        await using var pg = await StoreTestData.PostgresAsync();
        var sender = (await pg.MembersAsync(1))[0];
        var store = new PostgresDeliveryStore(pg.Connection, pg.Signal);
        for (var round = 0; round < 8; round++)
        {
            var members = await pg.MembersAsync(150);
            var first = await pg.CampaignAsync(await pg.AccountAsync($"Contoso {round}"), sender, bid: 100, lifetime: 1_000_000);
            var second = await pg.CampaignAsync(await pg.AccountAsync($"Fabrikam {round}"), sender, bid: 100, lifetime: 1_000_000);
            var batches = new[] { await pg.BatchAsync(first, members), await pg.BatchAsync(second, members) };
            var results = await Task.WhenAll(batches.Select(b => Task.Run(() => store.SendAsync(b, Ct))));

            results.Sum(r => r.SentMemberIds.Count).ShouldBe(150, $"round {round}: each member once");
        }
        (await PostgresDeliveryInvariantCheck.RunAsync(pg.ConnectionString, 7, 30, 30, Ct)).ShouldBe(Clean);
    }
}

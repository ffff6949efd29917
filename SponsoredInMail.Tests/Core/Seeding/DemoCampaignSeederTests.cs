using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Seeding;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Seeding;

/// <summary>The demo's campaigns: every state on show, and weeks of history that keep every delivery rule.</summary>
public class DemoCampaignSeederTests
{
    [Fact]
    public async Task TheDemoHasCampaignsInEveryStateWithHistoryThatKeepsTheRules()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 20_000, settings: new Dictionary<string, string?> { ["Seed:DemoCampaigns"] = "true" });
        await using var db = s.Database.CreateContext();
        var ct = TestContext.Current.CancellationToken;

        var states = await db.Campaigns.Select(c => c.Status).Distinct().ToListAsync(ct);
        states.ShouldBe([CampaignStatus.Draft, CampaignStatus.InReview, CampaignStatus.Approved, CampaignStatus.Active, CampaignStatus.Paused,
            CampaignStatus.Completed, CampaignStatus.Rejected, CampaignStatus.Canceled], ignoreOrder: true);
        var launched = await db.Campaigns.Where(c => c.LaunchedAt != null).Select(c => c.Id).ToListAsync(ct);
        foreach (var id in launched)
        {
            (await db.Deliveries.CountAsync(d => d.CampaignId == id, ct)).ShouldBeGreaterThan(0, $"campaign {id} has no history");
        }
        var days = await db.CampaignDailyStats.Select(d => d.Day).Distinct().CountAsync(ct);
        days.ShouldBeGreaterThan(14);
        (await db.Campaigns.SingleAsync(c => c.Status == CampaignStatus.Rejected, ct)).RejectionReason.ShouldStartWith("Excessive capitals");
        (await s.CheckInvariantsAsync()).Total.ShouldBe(0);

        // Engagement at the benchmark rates, and tallies that say what the raw events say.
        var deliveries = await db.Deliveries.CountAsync(ct);
        var opened = await db.Deliveries.CountAsync(d => d.FirstOpenedAt != null, ct);
        ((double)opened / deliveries).ShouldBeInRange(0.40, 0.55);
        var clicks = await db.EngagementEvents.CountAsync(e => e.Kind == EventKind.ButtonClick || e.Kind == EventKind.LinkClick, ct);
        clicks.ShouldBeGreaterThan(0);
        (await db.Leads.CountAsync(ct)).ShouldBeGreaterThan(0);
        (await db.EngagementEvents.CountAsync(e => e.Kind == EventKind.ConversationButton, ct)).ShouldBeGreaterThan(0);
        (await db.EngagementEvents.CountAsync(e => e.Kind == EventKind.NotInterested, ct)).ShouldBeGreaterThan(0);
        (await db.CampaignDailyStats.SumAsync(t => t.Opens, ct)).ShouldBe(opened);
        (await db.CampaignDailyStats.SumAsync(t => t.Leads, ct)).ShouldBe(await db.Leads.CountAsync(ct));
        (await db.CampaignDailyStats.SumAsync(t => t.ButtonClicks + t.LinkClicks, ct)).ShouldBe(clicks);
        (await db.OrganicMessages.CountAsync(m => m.ToMemberId == 1, ct)).ShouldBeGreaterThan(0);
        (await s.TallyMismatchesAsync()).ShouldBe(0);

        // Conversions on the advertisers' sites, credited to the demo campaigns' clicks and sends by the real intake.
        var conversions = await db.ConversionEvents.ToListAsync(ct);
        conversions.Count(e => e.Touch == SponsoredInMail.Core.Conversions.AttributionTouch.Click && e.Counted).ShouldBeGreaterThan(0);
        conversions.Count(e => e.Touch == SponsoredInMail.Core.Conversions.AttributionTouch.Send).ShouldBeGreaterThan(0);
        conversions.ShouldAllBe(e => e.CampaignId == null || db.Campaigns.Any(c => c.Id == e.CampaignId && c.AdvertiserAccountId == e.AdvertiserAccountId));

        // The demo rep: a seat, granted credits, one InMail awaiting the demo member, one answered and credited back.
        var rep = await s.Database.UserIdAsync("rep@sponsoredinmail.example");
        var inMail = s.Database.Get<SponsoredInMail.Core.InMail.InMailService>();
        (await inMail.ReceivedAsync(1, ct)).Count.ShouldBe(1);
        var ledger = await inMail.LedgerAsync(rep, ct);
        ledger.Count(e => e.Kind == SponsoredInMail.Core.InMail.LedgerKind.Refund).ShouldBe(1);
        (await inMail.BalanceAsync(rep, ct)).ShouldBe(ledger.Sum(e => e.Amount));
        (await inMail.BalanceAsync(rep, ct)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task TheDemoMembersKeepTheirInboxHistoryYetANewCampaignOfAnyDemoAccountReachesThemNow()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 20_000, settings: new Dictionary<string, string?> { ["Seed:DemoCampaigns"] = "true" });
        var ct = TestContext.Current.CancellationToken;
        var now = s.Database.Clock.GetUtcNow().UtcDateTime;
        var caps = s.Database.Get<IOptions<AudienceOptions>>().Value;
        string[] logins = ["member@sponsoredinmail.example", "rep@sponsoredinmail.example"];
        var members = logins.Select(email => DemoData.Logins.Single(l => l.Email == email).MemberId!.Value).ToList();

        // The app starts: its engine first sends the campaigns still running at the end of the demo history.
        await s.Engine.RunUntilIdleAsync(ct);

        await using var db = s.Database.CreateContext();
        var accounts = await db.AdvertiserAccounts.Select(a => a.Id).ToListAsync(ct);
        accounts.Count.ShouldBe(DemoData.Accounts.Count);
        foreach (var member in members)
        {
            // Their inbox keeps sponsored history, all of it older than both caps.
            var history = await db.Deliveries.Where(d => d.MemberId == member).Select(d => d.DeliveredAt).ToListAsync(ct);
            history.ShouldNotBeEmpty($"member {member} has no sponsored history");
            history.Max().ShouldBeLessThan(now.AddDays(-Math.Max(caps.AnyAdvertiserCapDays, caps.SameAdvertiserCapDays)));

            // Deliverable now for every demo account, by the engine's own candidate rule (active, no opt-out, under neither cap).
            var country = await db.Members.Where(m => m.Id == member).Select(m => m.CountryCode).SingleAsync(ct);
            foreach (var account in accounts)
            {
                var deliverable = s.Index.DeliverableSet(DeliveryScenario.Countries(country), account, senderMemberId: null);
                (deliverable[member >> 6] & (1UL << (member & 63))).ShouldNotBe(0UL, $"member {member} cannot receive a campaign of account {account}");
            }
        }

        // And the database's send-time check agrees: a new Contoso campaign at their country reaches both at once.
        var homes = await db.Members.Where(m => members.Contains(m.Id)).Select(m => m.CountryCode).Distinct().ToArrayAsync(ct);
        var campaign = await s.LaunchAsync(await s.AccountAsync("Contoso Cloud"), DeliveryScenario.Countries(homes), bidCents: 100, lifetimeCents: 1_000_000);
        await s.Engine.RunUntilIdleAsync(ct);
        members.ShouldBeSubsetOf((await s.DeliveriesAsync(campaign)).Select(d => d.MemberId));
    }
}

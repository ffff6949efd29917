using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Campaigns;
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
    }
}

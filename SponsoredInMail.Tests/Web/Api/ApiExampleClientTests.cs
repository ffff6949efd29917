using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.ApiExample;
using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>
/// The docs' example client (<c>docs/api/ExampleClient.cs</c>, compiled in as is) run against the app: the integrator's
/// journey works end to end with a read-write token, and a refusal is reported with its problem details.
/// </summary>
[Collection(ApiCollection.Name)]
public partial class ApiExampleClientTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheJourneyRunsWithAReadWriteTokenAndLeavesOneAudienceAndACampaignInReview()
    {
        var world = await app.WorldAsync();
        var output = new StringWriter();

        var exit = await ExampleClient.RunAsync(app.Client(world.ContosoReadWrite), output, Ct);

        var text = output.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        exit.ShouldBe(0, text);
        var saved = SavedAudience().Match(text);
        saved.Success.ShouldBeTrue(text);
        var audienceId = int.Parse(saved.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture);
        text.ShouldContain($"Retried with the same Idempotency-Key: audience {audienceId} (replayed: True).");
        text.ShouldContain("Asked again with If-None-Match: 304 (unchanged)");
        var created = CreatedCampaign().Match(text);
        created.Success.ShouldBeTrue(text);
        var campaignId = int.Parse(created.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture);
        text.ShouldContain($"Submitted campaign {campaignId}: now InReview.");
        text.ShouldContain($"Report of campaign {campaignId}: 0 sends, $0.00 spent.");

        await using var db = await app.CreateContextAsync();
        (await db.SavedAudiences.CountAsync(a => a.Name == saved.Groups["name"].Value, Ct)).ShouldBe(1, "the idempotent retry saved no second audience");
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId, Ct);
        campaign.AdvertiserAccountId.ShouldBe(world.Contoso.AccountId);
        campaign.Status.ShouldBe(CampaignStatus.InReview);
        campaign.SavedAudienceId.ShouldBe(audienceId);
        campaign.Objective.ShouldBe(CampaignObjective.WebsiteVisits);
        campaign.BidCents.ShouldBe(50);
        campaign.LifetimeBudgetCents.ShouldBe(10_000);
    }

    [Fact]
    public async Task AReadOnlyTokenStopsTheJourneyAtItsFirstWriteWithThe403Problem()
    {
        var world = await app.WorldAsync();
        var output = new StringWriter();

        var exit = await ExampleClient.RunAsync(app.Client(world.ContosoReadOnly), output, Ct);

        var text = output.ToString();
        exit.ShouldBe(1, text);
        text.ShouldContain("POST /api/v1/audiences failed: 403 Forbidden");
        text.ShouldContain("title:   This token is read-only.");
        text.ShouldMatch(@"traceId: \S+");
        text.ShouldNotContain("Saved audience");
    }

    [GeneratedRegex("""Saved audience (?<id>\d+) "(?<name>[^"]+)"\.""")]
    private static partial Regex SavedAudience();

    [GeneratedRegex(@"Created campaign (?<id>\d+) \(Draft\)\.")]
    private static partial Regex CreatedCampaign();
}

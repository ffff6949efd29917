using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Variants;

/// <summary>One ad of a campaign as its pages show it: what it is, its review, what it has done and its share of sends.</summary>
/// <param name="AdId">The ad's id.</param>
/// <param name="Name">The ad's name.</param>
/// <param name="Subject">The message's subject line.</param>
/// <param name="SenderName">The member the message is sent as.</param>
/// <param name="Position">The ad's place in the campaign's list, from 0 (ad A).</param>
/// <param name="Review">The admin's decision on this ad.</param>
/// <param name="RejectionReason">Why the admin rejected it; null unless rejected.</param>
/// <param name="Outcomes">What it has done so far: sends, opens, clicks, leads.</param>
/// <param name="ShareOfSends">Its share of the campaign's sends so far, a fraction 0–1.</param>
public sealed record CampaignAdView(
    int AdId, string Name, string Subject, string SenderName, int Position, AdReview Review, string? RejectionReason,
    AdOutcomes Outcomes, double ShareOfSends)
{
    /// <summary>"A", "B", … by position (how the A/B test and the report name them).</summary>
    public string Letter => LetterOf(Position);

    /// <summary>The letter of the ad at <paramref name="position"/> (0 → "A").</summary>
    public static string LetterOf(int position) => ((char)('A' + position)).ToString();
}

/// <summary>A campaign's ads, rotation and (for an A/B test) the verdict so far.</summary>
/// <param name="CampaignId">The campaign's id.</param>
/// <param name="Status">The campaign's state now.</param>
/// <param name="Rotation">How sends are shared between the ads.</param>
/// <param name="AbTestMetric">The metric of the A/B test; null when the campaign is not one.</param>
/// <param name="WinnerAdId">The ad that won, once the test was ended; null before.</param>
/// <param name="AbTestEndedAt">When the test was ended (UTC); null before.</param>
/// <param name="Ads">The campaign's ads in order (A, B, …).</param>
/// <param name="AbTest">The A/B test's verdict so far; null when the campaign is not an A/B test of two ads.</param>
public sealed record CampaignVariantsView(
    int CampaignId, CampaignStatus Status, AdRotation Rotation, AbTestMetric? AbTestMetric, int? WinnerAdId, DateTime? AbTestEndedAt,
    IReadOnlyList<CampaignAdView> Ads, AbTestResult? AbTest)
{
    /// <summary>Whether the marketer can end the A/B test now and send the winner to the rest of the audience.</summary>
    public bool CanEndAbTest => AbTestMetric is not null && WinnerAdId is null && Status is CampaignStatus.Active or CampaignStatus.Paused;

    /// <summary>
    /// The ad to send to the rest when the test ends: the verdict's winner, else the ad ahead on the metric (A on a tie);
    /// null when this is not an A/B test of two ads.
    /// </summary>
    public CampaignAdView? SuggestedWinner => AbTest is not { } test || Ads.Count != 2 ? null
        : test.Winner switch
        {
            AbWinner.A => Ads[0],
            AbWinner.B => Ads[1],
            _ => test.B.Rate > test.A.Rate ? Ads[1] : Ads[0],
        };

    /// <summary>The ad that won the ended test, if it has ended.</summary>
    public CampaignAdView? Winner => WinnerAdId is { } id ? Ads.FirstOrDefault(a => a.AdId == id) : null;
}

/// <summary>A campaign's several ads: who sees which (read), and ending an A/B test with its winner (change).</summary>
public sealed class VariantService(IDbContextFactory<AppDbContext> factory, AccountScope scope, TimeProvider clock)
{
    public async Task<CampaignVariantsView?> GetAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default)
    {
        var campaign = await scope.ReadAsync<Campaign>(actorUserId, accountId, campaignId, ct);
        if (campaign is null)
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        return await ViewAsync(db, campaign, ct);
    }

    /// <summary>The campaign's ads in order (a wizard reopening a draft); empty for an unknown or another account's campaign.</summary>
    public async Task<IReadOnlyList<int>> AdIdsAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default)
    {
        if (await scope.ReadAsync<Campaign>(actorUserId, accountId, campaignId, ct) is null)
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        return await CampaignVariants.AdIdsAsync(db, campaignId, ct);
    }

    /// <summary>The view without an account check: for admins, who review any campaign.</summary>
    public static async Task<CampaignVariantsView> ViewAsync(AppDbContext db, Campaign campaign, CancellationToken ct)
    {
        var rows = await (from ca in db.CampaignAds.AsNoTracking()
                          where ca.CampaignId == campaign.Id
                          join a in db.Ads on ca.AdId equals a.Id
                          join m in db.Members on a.SenderMemberId equals m.Id into senders
                          from s in senders.DefaultIfEmpty()
                          orderby ca.Position
                          select new { ca.AdId, a.Name, a.Subject, Sender = s == null ? "" : s.FirstName + " " + s.LastName, ca.Position, ca.Review, ca.RejectionReason })
            .ToListAsync(ct);
        var outcomes = await AdOutcomesQuery.ForAsync(db, campaign.Id, [.. rows.Select(r => r.AdId)], ct);
        var total = outcomes.Sum(o => o.Sends);
        var ads = rows.Select((r, i) => new CampaignAdView(r.AdId, r.Name, r.Subject, r.Sender, r.Position, r.Review, r.RejectionReason,
            outcomes[i], total == 0 ? 0 : (double)outcomes[i].Sends / total)).ToList();
        var abTest = campaign.AbTestMetric is { } metric && ads.Count == 2 ? AbVerdict.Evaluate(ads[0].Outcomes, ads[1].Outcomes, metric) : null;
        return new CampaignVariantsView(campaign.Id, campaign.Status, campaign.Rotation, campaign.AbTestMetric, campaign.WinnerAdId, campaign.AbTestEndedAt, ads, abTest);
    }

    /// <summary>
    /// Ends the campaign's A/B test: from its next batch every send carries <paramref name="winnerAdId"/> (one of the
    /// test's two ads), to the rest of the audience. Refused for a campaign that is not a running A/B test.
    /// </summary>
    public async Task<Result> EndAbTestAsync(string actorUserId, int accountId, int campaignId, int winnerAdId, CancellationToken ct = default)
    {
        await using var change = await scope.ChangeAsync<Campaign>(actorUserId, accountId, campaignId, ct, transaction: true);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, campaign) = (change.Db, change.Entity);
        if (campaign.AbTestMetric is null)
        {
            return Result.Fail("status", "This campaign is not an A/B test.");
        }
        if (campaign.WinnerAdId is not null)
        {
            return Result.Fail("status", "This A/B test has already ended.");
        }
        if (campaign.Status is not (CampaignStatus.Active or CampaignStatus.Paused))
        {
            return Result.Fail("status", $"An A/B test can be ended while the campaign runs or is paused; this one is {CampaignStateMachine.Describe(campaign.Status)}.");
        }
        if (!await db.CampaignAds.AnyAsync(a => a.CampaignId == campaignId && a.AdId == winnerAdId && a.Review == AdReview.Approved, ct))
        {
            return Result.Fail("winner", "The winner must be one of the test's two ads.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        campaign.WinnerAdId = winnerAdId;
        campaign.AbTestEndedAt = now;
        campaign.UpdatedByUserId = actorUserId;
        campaign.UpdatedAt = now;
        db.AuditLog.Add(CampaignAudit.Entry(campaign, actorUserId, now, "A/B test ended", null, $"winner ad {winnerAdId}"));
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }
}

using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>Why an admin rejects a campaign (SPEC §2 review examples), plus free text.</summary>
public enum RejectionCode
{
    MisleadingClaim = 1,
    BrokenLandingPage = 2,
    ExcessiveCapitals = 3,
    MissingPrivacyPolicy = 4,
    Other = 5,
}

public sealed record ReviewItem(int CampaignId, string CampaignName, int AccountId, string AccountName, DateTime SubmittedAt);

/// <summary>One of the campaign's ads under review: as members see it, where it leads, and the decision on it so far.</summary>
public sealed record ReviewAd(
    Ads.Ad Ad, string Letter, Ads.AdPreview Preview, IReadOnlyList<string> LandingUrls, Variants.AdReview Review, string? RejectionReason);

/// <summary>Everything an admin weighs before approving: each ad as members see it, who gets them, where they lead.</summary>
/// <param name="Ads">The campaign's ads in order (A, B, …); empty for a draft without one.</param>
/// <param name="LeadForms">The lead gen forms the ads open, each once.</param>
/// <param name="LandingUrls">Every ad's landing URLs, each once.</param>
public sealed record ReviewDetail(
    Campaign Campaign, string AccountName, IReadOnlyList<ReviewAd> Ads, IReadOnlyList<Ads.LeadGenForm> LeadForms,
    string AudienceDescription, Audiences.AudienceBreakdown? Audience, IReadOnlyList<string> LandingUrls, IReadOnlyList<CampaignStatusChange> History);

/// <summary>The admin review queue: every campaign is approved or rejected (with a reason) before it can send.</summary>
public sealed class ReviewService(IDbContextFactory<AppDbContext> factory, Audiences.AudienceIndex index, TimeProvider clock)
{
    public const int ReasonMax = 2_000;

    public static string Describe(RejectionCode code) => code switch
    {
        RejectionCode.MisleadingClaim => "Misleading claim",
        RejectionCode.BrokenLandingPage => "Broken landing page",
        RejectionCode.ExcessiveCapitals => "Excessive capitals",
        RejectionCode.MissingPrivacyPolicy => "Missing privacy policy on the lead form",
        _ => "Other",
    };

    /// <summary>Campaigns waiting for review, oldest submission first.</summary>
    public async Task<IReadOnlyList<ReviewItem>> QueueAsync(string adminUserId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await IsAdminAsync(db, adminUserId, ct))
        {
            return [];
        }
        var rows = await (from c in db.Campaigns.AsNoTracking()
                          where c.Status == CampaignStatus.InReview
                          join a in db.AdvertiserAccounts on c.AdvertiserAccountId equals a.Id
                          select new
                          {
                              c.Id, c.Name, AccountId = a.Id, AccountName = a.Name,
                              Submitted = db.CampaignStatusChanges.Where(h => h.CampaignId == c.Id && h.To == CampaignStatus.InReview).Max(h => (DateTime?)h.At) ?? c.UpdatedAt,
                          }).ToListAsync(ct);
        return rows.Select(r => new ReviewItem(r.Id, r.Name, r.AccountId, r.AccountName, r.Submitted)).OrderBy(r => r.SubmittedAt).ToList();
    }

    /// <summary>The campaign under review with its ad preview, audience and links; null for non-admins or unknown ids.</summary>
    public async Task<ReviewDetail?> GetAsync(string adminUserId, int campaignId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await IsAdminAsync(db, adminUserId, ct))
        {
            return null;
        }
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return null;
        }
        var account = await db.AdvertiserAccounts.Where(a => a.Id == campaign.AdvertiserAccountId).Select(a => a.Name).FirstAsync(ct);
        var rows = await Variants.CampaignVariants.ListAsync(db, campaignId, ct);
        var adIds = rows.Select(r => r.AdId).ToList();
        var ads = await db.Ads.AsNoTracking().Where(a => adIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var senderIds = ads.Values.Select(a => a.SenderMemberId).Distinct().ToList();
        var senders = await db.Members.AsNoTracking().Where(m => senderIds.Contains(m.Id))
            .Select(m => new { m.Id, Name = m.FirstName + " " + m.LastName, m.Headline }).ToDictionaryAsync(m => m.Id, m => new Ads.SenderCard(m.Name, m.Headline), ct);
        var reviewAds = new List<ReviewAd>();
        var formIds = new List<int>();
        foreach (var row in rows)
        {
            if (!ads.TryGetValue(row.AdId, out var ad))
            {
                continue;
            }
            var sender = senders.GetValueOrDefault(ad.SenderMemberId) ?? new Ads.SenderCard("Unknown sender", "");
            var preview = ad.Format == Ads.AdFormat.ConversationAd
                ? new Ads.AdPreview(null, Ads.MessageRenderer.RenderConversation(ad, sender, null))
                : new Ads.AdPreview(Ads.MessageRenderer.RenderMessageAd(ad, sender, null), null);
            var (urls, forms) = Destinations(ad);
            formIds.AddRange(forms);
            reviewAds.Add(new ReviewAd(ad, Variants.CampaignAdView.LetterOf(row.Position), preview, urls, row.Review, row.RejectionReason));
        }
        var distinctForms = formIds.Distinct().ToList();
        var leadForms = (await db.LeadGenForms.AsNoTracking().Where(f => distinctForms.Contains(f.Id)).ToListAsync(ct))
            .OrderBy(f => distinctForms.IndexOf(f.Id)).ToList();
        var targetingJson = campaign.TargetingJson
            ?? await db.SavedAudiences.Where(a => a.Id == campaign.SavedAudienceId).Select(a => a.TargetingJson).FirstOrDefaultAsync(ct);
        var targeting = targetingJson is null ? null : Audiences.Targeting.FromJson(targetingJson);
        var description = targeting is null ? "No audience" : Audiences.TargetingDescription.Describe(targeting, index);
        // The first ad's sender, as launch counts it.
        var breakdown = targeting is null || !index.IsReady ? null : index.Count(targeting, campaign.AdvertiserAccountId, reviewAds.FirstOrDefault()?.Ad.SenderMemberId);
        var history = await db.CampaignStatusChanges.AsNoTracking().Where(h => h.CampaignId == campaignId).OrderBy(h => h.Id).ToListAsync(ct);
        return new ReviewDetail(campaign, account, reviewAds, leadForms, description, breakdown,
            reviewAds.SelectMany(a => a.LandingUrls).Distinct().ToList(), history);
    }

    /// <summary>Where an ad sends members: its landing URLs and the lead gen forms it opens, in the order they appear.</summary>
    private static (IReadOnlyList<string> Urls, IReadOnlyList<int> Forms) Destinations(Ads.Ad ad)
    {
        var urls = new List<string>();
        var forms = new List<int>();
        if (ad.LeadFormId is { } formId)
        {
            forms.Add(formId);
        }
        if (ad.LandingUrl is { Length: > 0 } landing)
        {
            urls.Add(landing);
        }
        foreach (var button in ad.Conversation?.Messages.SelectMany(m => m.Buttons) ?? [])
        {
            if (button.Url is { Length: > 0 } url)
            {
                urls.Add(url);
            }
            if (button.LeadFormId is { } id)
            {
                forms.Add(id);
            }
        }
        return (urls.Distinct().ToList(), forms);
    }

    /// <summary>Approves the campaign with every one of its ads.</summary>
    public Task<Result> ApproveAsync(string adminUserId, int campaignId, CancellationToken ct = default) =>
        ApproveAsync(adminUserId, campaignId, new Dictionary<int, string>(), ct);

    /// <summary>
    /// Approves the campaign with all its ads except <paramref name="rejectedAds"/> (ad id → why): it launches with the
    /// approved ones. At least one ad must stay approved, and an A/B test needs both of its ads.
    /// </summary>
    public async Task<Result> ApproveAsync(string adminUserId, int campaignId, IReadOnlyDictionary<int, string> rejectedAds, CancellationToken ct = default)
    {
        foreach (var (_, why) in rejectedAds)
        {
            if (string.IsNullOrWhiteSpace(why))
            {
                return Result.Fail("ads", "Say why each rejected ad is rejected: the marketer needs it to fix the ad.");
            }
            if (why.Trim().Length > ReasonMax)
            {
                return Result.Fail("ads", $"An ad's rejection reason can be at most {ReasonMax:N0} characters.");
            }
        }
        return await DecideAsync(adminUserId, campaignId, CampaignStatus.Approved, null, ct, async (db, campaign) =>
        {
            var ads = await db.CampaignAds.Where(a => a.CampaignId == campaign.Id).ToListAsync(ct);
            if (rejectedAds.Keys.Any(id => ads.All(a => a.AdId != id)))
            {
                return Result.Fail("ads", "Only the campaign's own ads can be rejected.");
            }
            if (ads.Count > 0 && ads.All(a => rejectedAds.ContainsKey(a.AdId)))
            {
                return Result.Fail("ads", "Every ad is rejected: reject the campaign instead, with a reason.");
            }
            if (campaign.AbTestMetric is not null && rejectedAds.Count > 0)
            {
                return Result.Fail("ads", "An A/B test needs both of its ads: reject the campaign instead, with a reason.");
            }
            foreach (var ad in ads)
            {
                var rejected = rejectedAds.TryGetValue(ad.AdId, out var why);
                ad.Review = rejected ? Variants.AdReview.Rejected : Variants.AdReview.Approved;
                ad.RejectionReason = rejected ? why!.Trim() : null;
            }
            return Result.Ok;
        });
    }

    public Task<Result> RejectAsync(string adminUserId, int campaignId, RejectionCode code, string? details, CancellationToken ct = default)
    {
        var text = details?.Trim() ?? "";
        if (!Enum.IsDefined(code))
        {
            return Task.FromResult(Result.Fail("reason", "Choose a reason for the rejection."));
        }
        if (code == RejectionCode.Other && text.Length == 0)
        {
            return Task.FromResult(Result.Fail("details", "Say what is wrong: the marketer needs it to fix the campaign."));
        }
        if (text.Length > ReasonMax)
        {
            return Task.FromResult(Result.Fail("details", $"The explanation can be at most {ReasonMax:N0} characters; it has {text.Length:N0}."));
        }
        var reason = text.Length == 0 ? Describe(code) + "." : $"{Describe(code)}: {text}";
        return DecideAsync(adminUserId, campaignId, CampaignStatus.Rejected, reason, ct);
    }

    private async Task<Result> DecideAsync(
        string adminUserId, int campaignId, CampaignStatus to, string? reason, CancellationToken ct, Func<AppDbContext, Campaign, Task<Result>>? alsoDecide = null)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await IsAdminAsync(db, adminUserId, ct))
        {
            return Result.Fail("account", "Only an admin can review campaigns.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Locked before it is read: a concurrent move of the same campaign waits, then reads this one's result.
        await db.LockAsync<Campaign>(campaignId, ct);
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return Result.Fail("campaign", "Campaign not found.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var moved = CampaignStateMachine.Move(campaign, to, adminUserId, now, reason);
        if (!moved.Succeeded)
        {
            return moved.Outcome;
        }
        if (alsoDecide is not null && await alsoDecide(db, campaign) is { Succeeded: false } refused)
        {
            return refused;
        }
        campaign.RejectionReason = to == CampaignStatus.Rejected ? reason : null;
        db.CampaignStatusChanges.Add(moved.Value!);
        db.AuditLog.Add(CampaignAudit.Entry(campaign, adminUserId, now, to == CampaignStatus.Approved ? "approved" : "rejected",
            moved.Value!.From.ToString(), reason ?? to.ToString()));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result.Ok;
    }

    private static Task<bool> IsAdminAsync(AppDbContext db, string userId, CancellationToken ct) => db.IsAdminAsync(userId, ct);
}

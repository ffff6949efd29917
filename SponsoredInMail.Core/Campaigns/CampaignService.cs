using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Audit;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>
/// What a marketer sets on a campaign; money in cents. No <c>StartAt</c> means "as soon as it is launched". The ads are
/// <see cref="AdIds"/> in order (1–10 of one format); without it, <see cref="AdId"/> alone. <see cref="AbTest"/> makes
/// the campaign an A/B test of exactly two ads on that metric (its rotation is then the 50/50 split).
/// <see cref="HoldoutPercent"/> (0–20) holds that share of the eligible audience out, to measure incremental lift.
/// </summary>
public sealed record CampaignInput(
    string Name, CampaignObjective Objective, int? SavedAudienceId, int? AdId, long BidCents, long LifetimeBudgetCents,
    long? DailyBudgetCents, DateTime? StartAt, DateTime? EndAt,
    IReadOnlyList<int>? AdIds = null, Variants.AdRotation Rotation = Variants.AdRotation.Even, Variants.AbTestMetric? AbTest = null,
    int HoldoutPercent = 0)
{
    /// <summary>The campaign's ads in order: <see cref="AdIds"/>, or the one <see cref="AdId"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<int> Ads => AdIds ?? (AdId is { } ad ? [ad] : []);
}

/// <summary>
/// Campaign drafts and their life: save, submit for review, withdraw, pause, resume, cancel, archive.
/// Every change writes the status history and the append-only audit log in the same transaction.
/// Managers change; Viewers read; another account's campaign answers like a missing one.
/// </summary>
public sealed class CampaignService(
    IDbContextFactory<AppDbContext> factory, AccountScope scope, Audiences.AudienceIndex index, Changes.ChangeFeed feed,
    Microsoft.Extensions.Options.IOptions<CampaignOptions> options, Microsoft.Extensions.Options.IOptions<Audiences.AudienceOptions> audienceOptions, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>
    /// Checks a draft's settings; <paramref name="forSubmit"/> also requires audience and ad, <paramref name="newStart"/>
    /// (a draft being created or edited) a start that is not in the past.
    /// </summary>
    public Result Validate(CampaignInput input, bool forSubmit, bool newStart = false)
    {
        var errors = new List<FieldError>();
        CampaignRules.Name(errors, input.Name);
        CampaignRules.Objective(errors, input.Objective);
        var floor = options.Value.BidFloorCents;
        if (input.BidCents < floor)
        {
            errors.Add(new FieldError("bid", $"The bid must be at least {Money.Format(floor)} per send; it is {Money.Format(input.BidCents)}."));
        }
        if (input.LifetimeBudgetCents < input.BidCents || input.LifetimeBudgetCents <= 0)
        {
            errors.Add(new FieldError("lifetimeBudget", $"The lifetime budget must cover at least one send ({Money.Format(Math.Max(input.BidCents, floor))})."));
        }
        if (input.DailyBudgetCents is { } daily && (daily < input.BidCents || daily > input.LifetimeBudgetCents))
        {
            errors.Add(new FieldError("dailyBudget", "The daily budget must cover at least one send and not exceed the lifetime budget."));
        }
        if (input.EndAt is { } end && end <= (input.StartAt ?? Now()))
        {
            errors.Add(new FieldError("endAt", "The end must be after the start."));
        }
        CampaignRules.MoneyCap(errors, "bid", "The bid", input.BidCents);
        CampaignRules.MoneyCap(errors, "lifetimeBudget", "The lifetime budget", input.LifetimeBudgetCents);
        CampaignRules.MoneyCap(errors, "dailyBudget", "The daily budget", input.DailyBudgetCents);
        // No start means "as soon as launched": now, as far as the schedule rules go.
        CampaignRules.Schedule(errors, input.StartAt ?? Now(), input.EndAt, Now(), newStart: newStart);
        if (forSubmit && input.SavedAudienceId is null)
        {
            errors.Add(new FieldError("audience", "Choose an audience before submitting."));
        }
        if (forSubmit && input.Ads.Count == 0)
        {
            errors.Add(new FieldError("ad", "Choose an ad before submitting."));
        }
        Variants.VariantRules.Check(errors, input.Ads, input.Rotation, input.AbTest);
        if (Conversions.ConversionRules.CheckHoldout(input.HoldoutPercent) is { } holdout)
        {
            errors.Add(new FieldError("holdout", holdout));
        }
        return errors.Count == 0 ? Result.Ok : Result.Fail(errors);
    }

    public Task<Result<int>> CreateDraftAsync(string actorUserId, int accountId, CampaignInput input, CancellationToken ct = default) =>
        CreateAsync(actorUserId, accountId, input, dropUnusable: false, ct);

    /// <summary>
    /// A new draft, in one transaction: the caller's seat, the ad and the audience are locked before they are checked
    /// (seat → ad → audience, the order everyone takes them in), so an ad archived or an audience deleted meanwhile
    /// is either seen by the check or waits for the draft. <paramref name="dropUnusable"/> (a duplicate) leaves out an
    /// audience or ad that is no longer usable instead of refusing.
    /// </summary>
    private async Task<Result<int>> CreateAsync(string actorUserId, int accountId, CampaignInput input, bool dropUnusable, CancellationToken ct)
    {
        if (await scope.RequireManagerAsync<Campaign>(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await AccountScope.LockSeatAsync<Campaign>(db, actorUserId, accountId, ct) is { } refusedNow)
        {
            return refusedNow;
        }
        await LockAdsAsync(db, input.Ads, ct);
        if (dropUnusable)
        {
            // The copy keeps the audience and ad only while they are still usable by a draft.
            if (input.SavedAudienceId is { } audience && !await LockAudienceAsync(db, accountId, audience, ct))
            {
                input = input with { SavedAudienceId = null };
            }
            var usable = await UsableAdsAsync(db, accountId, input.Ads, ct);
            if (usable.Count != input.Ads.Count)
            {
                List<int> kept = [.. input.Ads.Where(usable.Contains)];
                input = input with { AdId = kept.Count > 0 ? kept[0] : null, AdIds = kept, AbTest = kept.Count == 2 ? input.AbTest : null };
            }
        }
        var check = await CheckAsync(db, accountId, input, forSubmit: false, ct);
        if (!check.Succeeded)
        {
            return check;
        }
        var now = Now();
        var campaign = new Campaign { Name = "", AdvertiserAccountId = accountId, CreatedByUserId = actorUserId, CreatedAt = now, UpdatedByUserId = actorUserId, UpdatedAt = now };
        Apply(campaign, input);
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        await Variants.CampaignVariants.SetAsync(db, campaign.Id, input.Ads, ct);
        db.AuditLog.Add(Entry(actorUserId, campaign, "created", null, Snapshot(campaign, input.Ads)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<int>.Ok(campaign.Id);
    }

    /// <summary>Edits a draft or a rejected campaign (which goes back to Draft).</summary>
    public async Task<Result> UpdateDraftAsync(string actorUserId, int accountId, int campaignId, CampaignInput input, CancellationToken ct = default)
    {
        // The chosen ads are locked before the campaign (ad → campaign, as a sender's revocation takes them): an archive
        // of one meanwhile is seen by the check.
        await using var change = await scope.ChangeAsync<Campaign>(actorUserId, accountId, campaignId, ct, transaction: true,
            lockFirst: input.Ads.Count > 0 ? (locking, token) => LockAdsAsync(locking, input.Ads, token) : null);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, campaign) = (change.Db, change.Entity);
        if (campaign.Status is not (CampaignStatus.Draft or CampaignStatus.Rejected))
        {
            return Result.Fail("status", $"A campaign that is {CampaignStateMachine.Describe(campaign.Status)} cannot be edited; only drafts and rejected campaigns can.");
        }
        var check = await CheckAsync(db, accountId, input, forSubmit: false, ct);
        if (!check.Succeeded)
        {
            return check;
        }
        var adsBefore = await Variants.CampaignVariants.AdIdsAsync(db, campaign.Id, ct);
        var before = Snapshot(campaign, adsBefore);
        if (campaign.Status == CampaignStatus.Rejected)
        {
            db.CampaignStatusChanges.Add(CampaignStateMachine.Move(campaign, CampaignStatus.Draft, actorUserId, Now(), "Edited after rejection").Value!);
            db.AuditLog.Add(Entry(actorUserId, campaign, $"status {CampaignStatus.Rejected} → {CampaignStatus.Draft}", nameof(CampaignStatus.Rejected), nameof(CampaignStatus.Draft)));
        }
        Apply(campaign, input);
        if (!adsBefore.SequenceEqual(input.Ads))
        {
            await Variants.CampaignVariants.SetAsync(db, campaign.Id, input.Ads, ct);
        }
        // Every wizard step saves the whole draft: only a step that changed something leaves a line, naming only what changed.
        if (AuditDiff.ChangedFields(before, Snapshot(campaign, input.Ads)) is { } changed)
        {
            campaign.UpdatedByUserId = actorUserId;
            campaign.UpdatedAt = Now();
            db.AuditLog.Add(Entry(actorUserId, campaign, "settings changed", changed.Before, changed.After));
        }
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>
    /// Changes what may change while a campaign is approved, active or paused: bid, budgets and end. The engine
    /// reads them at its next batch. A lifetime budget lowered to or below the spend stops the campaign
    /// (nothing is refunded: spend stays the sum of the sends made).
    /// </summary>
    public async Task<Result> UpdateRunningAsync(string actorUserId, int accountId, int campaignId, long bidCents, long lifetimeBudgetCents, long? dailyBudgetCents, DateTime? endAt, CancellationToken ct = default)
    {
        await using var change = await scope.ChangeAsync<Campaign>(actorUserId, accountId, campaignId, ct, transaction: true);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, campaign) = (change.Db, change.Entity);
        if (campaign.Status is not (CampaignStatus.Approved or CampaignStatus.Active or CampaignStatus.Paused))
        {
            return Result.Fail("status", $"A campaign that is {CampaignStateMachine.Describe(campaign.Status)} has no running settings to change.");
        }
        var ads = await Variants.CampaignVariants.AdIdsAsync(db, campaign.Id, ct);
        var input = ToInput(campaign, ads) with { BidCents = bidCents, LifetimeBudgetCents = lifetimeBudgetCents, DailyBudgetCents = dailyBudgetCents, EndAt = endAt };
        // A lifetime budget below the spend is allowed (it stops the campaign); the other rules hold as for drafts.
        var errors = Validate(input with { LifetimeBudgetCents = Math.Max(lifetimeBudgetCents, Math.Max(bidCents, 1)) }, forSubmit: false).Errors.ToList();
        if (lifetimeBudgetCents <= 0)
        {
            errors.Add(new FieldError("lifetimeBudget", "The lifetime budget must be more than zero."));
        }
        if (endAt is { } end && end <= Now() && campaign.Status != CampaignStatus.Approved)
        {
            errors.Add(new FieldError("endAt", "The new end must be in the future."));
        }
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        var before = Snapshot(campaign, ads);
        // Lowered below what is already spent: the budget becomes the spend, so the campaign stops and the
        // record still reads "spend never above budget". Nothing is refunded.
        Apply(campaign, input with { LifetimeBudgetCents = Math.Max(lifetimeBudgetCents, campaign.SpentCents) });
        if (AuditDiff.ChangedFields(before, Snapshot(campaign, ads)) is { } changed)
        {
            campaign.UpdatedByUserId = actorUserId;
            campaign.UpdatedAt = Now();
            db.AuditLog.Add(Entry(actorUserId, campaign, "running settings changed", changed.Before, changed.After));
        }
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>
    /// Changes the share of the audience held out (0–20%) while the campaign has not launched: a draft, a rejected
    /// campaign, one in review or an approved one. Once it has sent, the holdout is fixed: changing it would move members
    /// between the groups the lift compares (and could hold out someone already sent).
    /// </summary>
    public async Task<Result> SetHoldoutAsync(string actorUserId, int accountId, int campaignId, int percent, CancellationToken ct = default)
    {
        if (Conversions.ConversionRules.CheckHoldout(percent) is { } problem)
        {
            return Result.Fail("holdout", problem);
        }
        await using var change = await scope.ChangeAsync<Campaign>(actorUserId, accountId, campaignId, ct, transaction: true);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, campaign) = (change.Db, change.Entity);
        if (!CanChangeHoldout(campaign))
        {
            return Result.Fail("status", $"The holdout cannot change once a campaign has launched; this one is {CampaignStateMachine.Describe(campaign.Status)}.");
        }
        if (campaign.HoldoutPercent == percent)
        {
            return Result.Ok;
        }
        var ads = await Variants.CampaignVariants.AdIdsAsync(db, campaign.Id, ct);
        var before = Snapshot(campaign, ads);
        campaign.HoldoutPercent = percent;
        if (AuditDiff.ChangedFields(before, Snapshot(campaign, ads)) is { } changed)
        {
            campaign.UpdatedByUserId = actorUserId;
            campaign.UpdatedAt = Now();
            db.AuditLog.Add(Entry(actorUserId, campaign, "settings changed", changed.Before, changed.After));
        }
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>Whether the holdout may still change: never after launch (a launched campaign has <see cref="Campaign.LaunchedAt"/>).</summary>
    public static bool CanChangeHoldout(Campaign campaign) =>
        campaign.LaunchedAt is null && campaign.Status is CampaignStatus.Draft or CampaignStatus.Rejected or CampaignStatus.InReview or CampaignStatus.Approved;

    /// <summary>
    /// Puts a complete draft in the admin review queue. Refused (field "ad") when an edit changes the draft's ads while
    /// the submission is under way; submitting again checks the edited ads.
    /// </summary>
    public Task<Result> SubmitAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default) =>
        MoveAsync(actorUserId, accountId, campaignId, CampaignStatus.InReview, null, requireSubmittable: true, ct);

    public Task<Result> WithdrawAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default) =>
        MoveAsync(actorUserId, accountId, campaignId, CampaignStatus.Draft, "Withdrawn from review", requireSubmittable: false, ct);

    public Task<Result> PauseAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default) =>
        MoveAsync(actorUserId, accountId, campaignId, CampaignStatus.Paused, null, requireSubmittable: false, ct);

    /// <summary>Resumes a paused campaign; not one an admin paused (only an admin resumes that), and never launches one.</summary>
    public Task<Result> ResumeAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default) =>
        MoveAsync(actorUserId, accountId, campaignId, CampaignStatus.Active, null, requireSubmittable: false, ct, from: CampaignStatus.Paused);

    /// <summary>
    /// Starts an approved campaign: the delivery engine sends from its start time. Refused when the end has
    /// passed or fewer members than the minimum audience can receive it now.
    /// </summary>
    public Task<Result> LaunchAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default) =>
        MoveAsync(actorUserId, accountId, campaignId, CampaignStatus.Active, null, requireSubmittable: false, ct, from: CampaignStatus.Approved);

    /// <summary>A new draft with the same settings ("copy of …"); the copy is not submitted.</summary>
    public async Task<Result<int>> DuplicateAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default)
    {
        var original = await GetAsync(actorUserId, accountId, campaignId, ct);
        if (original is null)
        {
            return AccountScope.NotFound<Campaign>();
        }
        IReadOnlyList<int> ads;
        await using (var read = await factory.CreateDbContextAsync(ct))
        {
            ads = await Variants.CampaignVariants.AdIdsAsync(read, campaignId, ct);
        }
        var input = ToInput(original, ads);
        var name = $"Copy of {original.Name}";
        var now = Now();
        input = input with
        {
            Name = name.Length > CampaignRules.NameMax ? name[..CampaignRules.NameMax] : name,
            StartAt = input.StartAt < now ? now : input.StartAt,
            EndAt = input.EndAt is { } end && end <= (input.StartAt < now ? now : input.StartAt) ? null : input.EndAt,
        };
        // Whether the audience and ad are still usable is decided under their locks, in the copy's transaction.
        return await CreateAsync(actorUserId, accountId, input, dropUnusable: true, ct);
    }

    public Task<Result> CancelAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default) =>
        MoveAsync(actorUserId, accountId, campaignId, CampaignStatus.Canceled, null, requireSubmittable: false, ct);

    public Task<Result> ArchiveAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default) =>
        MoveAsync(actorUserId, accountId, campaignId, CampaignStatus.Archived, null, requireSubmittable: false, ct);

    public Task<Campaign?> GetAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default) =>
        scope.ReadAsync<Campaign>(actorUserId, accountId, campaignId, ct);

    public async Task<IReadOnlyList<CampaignStatusChange>> HistoryAsync(string actorUserId, int accountId, int campaignId, CancellationToken ct = default)
    {
        if (await GetAsync(actorUserId, accountId, campaignId, ct) is null)
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.CampaignStatusChanges.AsNoTracking().Where(c => c.CampaignId == campaignId).OrderBy(c => c.Id).ToListAsync(ct);
    }

    private async Task<Result> MoveAsync(
        string actorUserId, int accountId, int campaignId, CampaignStatus to, string? reason, bool requireSubmittable, CancellationToken ct, CampaignStatus? from = null)
    {
        // A submission checks its ads, so it locks them before the campaign (ad → campaign, as an archive, an edit and a
        // revocation take them): an archive meanwhile is either seen by the check or waits for the submission. Which
        // ads they are is known only from the campaign, so they are read first without its lock.
        IReadOnlyList<int> lockedAds = [];
        await using var change = await scope.ChangeAsync<Campaign>(actorUserId, accountId, campaignId, ct, transaction: true,
            lockFirst: requireSubmittable ? async (locking, token) =>
            {
                lockedAds = await AdIdsToLockAsync(locking, accountId, campaignId, token);
                await LockAdsAsync(locking, lockedAds, token);
            } : null);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, campaign) = (change.Db, change.Entity);
        if (await WrongStartAsync(db, campaign, from, ct) is { } wrongStart)
        {
            return wrongStart;
        }
        if (requireSubmittable)
        {
            var ads = await Variants.CampaignVariants.AdIdsAsync(db, campaign.Id, ct);
            if (!ads.ToHashSet().SetEquals(lockedAds))
            {
                // An edit changed the ads between that read and the campaign's lock. Refused, not retried: the ads
                // it would check are not locked, and whoever submits should see the edit before it goes to review.
                return Result.Fail("ad", "The campaign's ads changed while it was being submitted; check them and submit again.");
            }
            var check = await CheckAsync(db, accountId, ToInput(campaign, ads), forSubmit: true, ct);
            if (!check.Succeeded)
            {
                return check;
            }
            // What the admin approves is each ad anew.
            await Variants.CampaignVariants.ResetReviewAsync(db, campaign.Id, ct);
        }
        if (to == CampaignStatus.InReview)
        {
            var audience = await db.SavedAudiences.AsNoTracking().FirstAsync(a => a.Id == campaign.SavedAudienceId, ct);
            campaign.TargetingJson = audience.TargetingJson;
            campaign.AudienceName = audience.Name;
        }
        if (to == CampaignStatus.Active && campaign.Status == CampaignStatus.Approved && await LaunchProblemAsync(db, campaign, ct) is { } problem)
        {
            return problem;
        }
        var before = campaign.Status;
        var moved = CampaignStateMachine.Move(campaign, to, actorUserId, Now(), reason);
        if (moved.Succeeded && to == CampaignStatus.Active && campaign.LaunchedAt is null)
        {
            campaign.LaunchedAt = Now();
        }
        if (!moved.Succeeded)
        {
            return moved.Outcome;
        }
        db.CampaignStatusChanges.Add(moved.Value!);
        db.AuditLog.Add(Entry(actorUserId, campaign, $"status {before} → {to}", before.ToString(), to.ToString()));
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>
    /// Launch starts only an approved campaign and resume only a paused one (each names the other when asked the wrong
    /// way); a campaign an admin paused waits for an admin.
    /// </summary>
    private static async Task<Result?> WrongStartAsync(AppDbContext db, Campaign campaign, CampaignStatus? from, CancellationToken ct)
    {
        if (from is not { } required)
        {
            return null;
        }
        if (campaign.Status == required)
        {
            return required == CampaignStatus.Paused && await AdminCampaignService.AdminPauseAsync(db, campaign.Id, ct) is { } pause
                ? Result.Fail("status", $"An admin paused this campaign ({pause.Reason}); only an admin can resume it.")
                : null;
        }
        var state = CampaignStateMachine.Describe(campaign.Status);
        return required == CampaignStatus.Approved
            ? Result.Fail("status", campaign.Status == CampaignStatus.Paused
                ? "Only an approved campaign can be launched; this one is paused: resume it instead."
                : $"Only an approved campaign can be launched; this one is {state}.")
            : Result.Fail("status", campaign.Status == CampaignStatus.Approved
                ? "Only a paused campaign can be resumed; this one is approved and has never run: launch it instead."
                : $"Only a paused campaign can be resumed; this one is {state}.");
    }

    /// <summary>The rules plus the account checks: the audience and ad must be this account's, the ad active.</summary>
    private async Task<Result> CheckAsync(AppDbContext db, int accountId, CampaignInput input, bool forSubmit, CancellationToken ct)
    {
        var errors = Validate(input, forSubmit, newStart: !forSubmit).Errors.ToList();
        if (input.SavedAudienceId is { } audience && !await LockAudienceAsync(db, accountId, audience, ct))
        {
            errors.Add(new FieldError("audience", "Choose one of this account's saved audiences."));
        }
        if (input.Ads.Count > 0)
        {
            var ads = await db.Ads.AsNoTracking().Where(a => a.AdvertiserAccountId == accountId && input.Ads.Contains(a.Id) && a.Status == AdStatus.Active)
                .Select(a => new { a.Id, a.Format }).ToListAsync(ct);
            if (ads.Count != input.Ads.Distinct().Count())
            {
                errors.Add(new FieldError("ad", input.Ads.Count == 1 ? "Choose one of this account's active ads." : "Every ad must be one of this account's active ads."));
            }
            else if (ads.Select(a => a.Format).Distinct().Count() > 1)
            {
                errors.Add(new FieldError("ad", "A campaign's ads must all be the same format: all Message Ads or all Conversation Ads."));
            }
        }
        return errors.Count == 0 ? Result.Ok : Result.Fail(errors);
    }

    /// <summary>Locks the ads in ascending id order (two drafts sharing ads cannot deadlock).</summary>
    private static async Task LockAdsAsync(AppDbContext db, IReadOnlyList<int> ads, CancellationToken ct)
    {
        foreach (var ad in ads.Distinct().Order())
        {
            await db.LockAsync<Ad>(ad, ct);
        }
    }

    /// <summary>The account's campaign's ads, read without its lock: the ads a move that checks them locks first.</summary>
    private static async Task<IReadOnlyList<int>> AdIdsToLockAsync(AppDbContext db, int accountId, int campaignId, CancellationToken ct) =>
        await db.Campaigns.WhereOwned(accountId, campaignId).SelectMany(c => db.CampaignAds.Where(a => a.CampaignId == c.Id)).Select(a => a.AdId).ToListAsync(ct);

    private static async Task<HashSet<int>> UsableAdsAsync(AppDbContext db, int accountId, IReadOnlyList<int> ads, CancellationToken ct) =>
        [.. await db.Ads.Where(a => a.AdvertiserAccountId == accountId && ads.Contains(a.Id) && a.Status == AdStatus.Active).Select(a => a.Id).ToListAsync(ct)];


    /// <summary>
    /// Locks the saved audience (inside the caller's transaction, after the campaign's and ad's locks) and says whether
    /// it is the account's: a deletion meanwhile either waits for this transaction or has committed and is seen.
    /// </summary>
    private static async Task<bool> LockAudienceAsync(AppDbContext db, int accountId, int audienceId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            await db.LockAsync<SavedAudience>(audienceId, ct);
        }
        return await db.SavedAudiences.WhereOwned(accountId, audienceId).AnyAsync(ct);
    }

    private async Task<Result?> LaunchProblemAsync(AppDbContext db, Campaign campaign, CancellationToken ct)
    {
        var sender = await db.Ads.Where(a => a.Id == campaign.AdId).Select(a => (int?)a.SenderMemberId).FirstOrDefaultAsync(ct);
        if (campaign.EndAt is { } end && end <= Now())
        {
            return Result.Fail("endAt", "The campaign's end date has passed; duplicate it with a new schedule instead.");
        }
        if (campaign.TargetingJson is null)
        {
            return Result.Fail("audience", "The campaign has no audience.");
        }
        var minimum = audienceOptions.Value.MinimumAudienceSize;
        await feed.CatchUpAudienceIndexAsync(index, ct);
        var deliverable = index.Count(Audiences.Targeting.FromJson(campaign.TargetingJson), campaign.AdvertiserAccountId, sender).Deliverable;
        if (deliverable < minimum)
        {
            return Result.Fail("audience", $"Only {deliverable:N0} members can receive this campaign now; at least {minimum:N0} are needed to launch.");
        }
        return null;
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private AuditEntry Entry(string actor, Campaign campaign, string action, string? before, string? after) =>
        CampaignAudit.Entry(campaign, actor, Now(), action, before, after);

    private static string Snapshot(Campaign c, IReadOnlyList<int> ads) => JsonSerializer.Serialize(ToInput(c, ads), Json);

    private static CampaignInput ToInput(Campaign c, IReadOnlyList<int> ads) =>
        new(c.Name, c.Objective, c.SavedAudienceId, c.AdId, c.BidCents, c.LifetimeBudgetCents, c.DailyBudgetCents, c.StartAt, c.EndAt,
            ads.Count > 1 ? ads : null, c.Rotation, c.AbTestMetric, c.HoldoutPercent);

    private void Apply(Campaign campaign, CampaignInput input)
    {
        campaign.Name = input.Name.Trim();
        campaign.Objective = input.Objective;
        campaign.SavedAudienceId = input.SavedAudienceId;
        campaign.AdId = input.Ads.Count > 0 ? input.Ads[0] : null;
        campaign.Rotation = input.Rotation;
        campaign.AbTestMetric = input.Ads.Count == 2 ? input.AbTest : null;
        campaign.HoldoutPercent = input.HoldoutPercent;
        campaign.BidCents = input.BidCents;
        campaign.LifetimeBudgetCents = input.LifetimeBudgetCents;
        campaign.DailyBudgetCents = input.DailyBudgetCents;
        // No start: as soon as it is launched (a start at or before the launch sends from the launch on).
        campaign.StartAt = input.StartAt ?? Now();
        campaign.EndAt = input.EndAt;
    }
}

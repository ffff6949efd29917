using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Ads;

/// <summary>Configuration section "Ads".</summary>
public sealed class AdOptions
{
    public const string Section = "Ads";

    public int MaxConversationDepth { get; set; } = AdLimits.DefaultMaxConversationDepth;
}

public sealed record AdSummary(int Id, string Name, AdFormat Format, string Subject, string SenderName, AdStatus Status, string? CanceledReason, DateTime UpdatedAt);

public sealed record AdView(int Id, AdInput Input, AdStatus Status, string? CanceledReason, string UpdatedBy, DateTime UpdatedAt);

public sealed record AdPreview(RenderedMessageAd? MessageAd, RenderedConversation? Conversation);

/// <summary>
/// The ad library of an advertiser account: create, edit, duplicate, archive, and preview as a chosen
/// member would see it. Viewers read; Managers change; another account's ad answers like a missing one.
/// </summary>
public sealed class AdService(IDbContextFactory<AppDbContext> factory, AccountScope scope, IOptions<AdOptions> options, TimeProvider clock)
{
    public async Task<IReadOnlyList<AdSummary>> ListAsync(string actorUserId, int accountId, string? search = null, AdFormat? format = null,
        bool includeArchived = false, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var ads = db.Ads.AsNoTracking().Where(a => a.AdvertiserAccountId == accountId);
        if (!includeArchived)
        {
            ads = ads.Where(a => a.Status != AdStatus.Archived);
        }
        if (format is { } f)
        {
            ads = ads.Where(a => a.Format == f);
        }
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = LikePattern.Contains(search.Trim());
            ads = ads.Where(a => EF.Functions.Like(a.Name.ToLower(), pattern, LikePattern.EscapeCharacter) || EF.Functions.Like(a.Subject.ToLower(), pattern, LikePattern.EscapeCharacter));
        }
        return await (from a in ads
                      join m in db.Members on a.SenderMemberId equals m.Id
                      orderby a.UpdatedAt descending
                      select new AdSummary(a.Id, a.Name, a.Format, a.Subject, m.FirstName + " " + m.LastName, a.Status, a.CanceledReason, a.UpdatedAt))
            .ToListAsync(ct);
    }

    public async Task<AdView?> GetAsync(string actorUserId, int accountId, int adId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await (from a in db.Ads.AsNoTracking().WhereOwned(accountId, adId)
                         join u in db.Users on a.UpdatedByUserId equals u.Id into updaters
                         from u in updaters.DefaultIfEmpty()
                         select new { Ad = a, UpdatedBy = u == null ? "System" : u.DisplayName }).FirstOrDefaultAsync(ct);
        return row is null ? null : new AdView(row.Ad.Id, ToInput(row.Ad), row.Ad.Status, row.Ad.CanceledReason, row.UpdatedBy, row.Ad.UpdatedAt);
    }

    /// <summary>Checks an ad without saving it (the editors' inline validation), with warnings.</summary>
    public async Task<(Result Outcome, IReadOnlyList<FieldError> Warnings)> ValidateAsync(int accountId, AdInput input, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return AdValidator.Validate(input, await ContextAsync(db, accountId, input, ct));
    }

    public async Task<Result<int>> CreateAsync(string actorUserId, int accountId, AdInput input, CancellationToken ct = default)
    {
        if (await scope.RequireManagerAsync<Ad>(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await AccountScope.LockSeatAsync<Ad>(db, actorUserId, accountId, ct) is { } refusedNow)
        {
            return refusedNow;
        }
        await LockSenderAsync(db, accountId, input, ct);
        await LockLeadFormsAsync(db, input, ct);
        var (outcome, _) = AdValidator.Validate(input, await ContextAsync(db, accountId, input, ct));
        if (!outcome.Succeeded)
        {
            return outcome;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var ad = new Ad { Name = "", Subject = "", AdvertiserAccountId = accountId, CreatedByUserId = actorUserId, CreatedAt = now, UpdatedByUserId = actorUserId, UpdatedAt = now };
        Apply(ad, input);
        db.Ads.Add(ad);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<int>.Ok(ad.Id);
    }

    public async Task<Result> UpdateAsync(string actorUserId, int accountId, int adId, AdInput input, CancellationToken ct = default)
    {
        // The sender permission is locked before the ad, as a revocation does (permission, then its ads).
        await using var change = await scope.ChangeAsync<Ad>(actorUserId, accountId, adId, ct, transaction: true,
            lockFirst: (locking, token) => LockSenderAsync(locking, accountId, input, token));
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, ad) = (change.Db, change.Entity);
        if (ad.Status == AdStatus.Canceled)
        {
            return Result.Fail("ad", $"{ad.CanceledReason} Duplicate the ad to use it again with another sender.");
        }
        if (input.Format != ad.Format)
        {
            return Result.Fail("format", "An ad keeps its format; create a new ad for the other format.");
        }
        await LockLeadFormsAsync(db, input, ct);
        var (outcome, _) = AdValidator.Validate(input, await ContextAsync(db, accountId, input, ct));
        if (!outcome.Succeeded)
        {
            return outcome;
        }
        Apply(ad, input);
        ad.UpdatedByUserId = actorUserId;
        ad.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>Copies an ad (optionally with another sender, e.g. after the original's sender revoked).</summary>
    public async Task<Result<int>> DuplicateAsync(string actorUserId, int accountId, int adId, int? newSenderMemberId = null, CancellationToken ct = default)
    {
        var original = await GetAsync(actorUserId, accountId, adId, ct);
        if (original is null)
        {
            return AccountScope.NotFound<Ad>();
        }
        var name = $"Copy of {original.Input.Name}";
        return await CreateAsync(actorUserId, accountId, original.Input with
        {
            Name = name.Length > AdLimits.NameMax ? name[..AdLimits.NameMax] : name,
            SenderMemberId = newSenderMemberId ?? original.Input.SenderMemberId,
        }, ct);
    }

    public Task<Result> ArchiveAsync(string actorUserId, int accountId, int adId, CancellationToken ct = default) =>
        SetArchivedAsync(actorUserId, accountId, adId, archived: true, ct);

    public Task<Result> UnarchiveAsync(string actorUserId, int accountId, int adId, CancellationToken ct = default) =>
        SetArchivedAsync(actorUserId, accountId, adId, archived: false, ct);

    /// <summary>Stores a banner after checking it is a 300×250 JPG or PNG of at most 2 MB.</summary>
    public async Task<Result<int>> UploadBannerAsync(string actorUserId, int accountId, string fileName, byte[] bytes, CancellationToken ct = default)
    {
        if (await scope.RequireManagerAsync<Ad>(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        var inspected = BannerImageInspector.Inspect(bytes);
        if (!inspected.Succeeded)
        {
            return inspected.Outcome;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var banner = new BannerImage
        {
            AdvertiserAccountId = accountId, FileName = Path.GetFileName(fileName ?? "banner"), ContentType = inspected.Value!.ContentType,
            Width = inspected.Value.Width, Height = inspected.Value.Height, Bytes = bytes, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.BannerImages.Add(banner);
        await db.SaveChangesAsync(ct);
        return Result<int>.Ok(banner.Id);
    }

    /// <summary>A banner's bytes for the account that owns it; null for anyone else.</summary>
    public async Task<BannerImage?> GetBannerAsync(int accountId, int bannerId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.BannerImages.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bannerId && b.AdvertiserAccountId == accountId, ct);
    }

    /// <summary>Renders an ad (saved or being edited) as the chosen member will see it, through the one renderer.</summary>
    public async Task<AdPreview?> PreviewAsync(string actorUserId, int accountId, AdInput input, int? sampleMemberId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        // Only a member who has given (or once gave) this account sender permission shows as the sender, and only the
        // offered sample members personalize: a preview never reveals any other member's name or profile.
        var sender = await db.Members.AsNoTracking()
            .Where(m => m.Id == input.SenderMemberId && db.SenderPermissions.Any(p => p.AdvertiserAccountId == accountId && p.MemberId == m.Id))
            .Select(m => new SenderCard(m.FirstName + " " + m.LastName, m.Headline)).FirstOrDefaultAsync(ct) ?? new SenderCard("Choose a sender", "");
        List<int> offered = sampleMemberId is null ? [] : await PreviewMemberIdsAsync(db, ct);
        var member = sampleMemberId is { } id && offered.Contains(id)
            ? await db.Members.AsNoTracking().Where(m => m.Id == id)
                .Select(m => new PersonalizationProfile(m.FirstName, m.LastName, m.Company!.Name, m.JobTitle, m.Industry, m.PersonalizationOff))
                .FirstOrDefaultAsync(ct)
            : null;
        var ad = new Ad { Name = "", Subject = "", CreatedByUserId = "", UpdatedByUserId = "" };
        Apply(ad, input);
        return input.Format == AdFormat.ConversationAd
            ? new AdPreview(null, MessageRenderer.RenderConversation(ad, sender, member))
            : new AdPreview(MessageRenderer.RenderMessageAd(ad, sender, member), null);
    }

    /// <summary>The ids of the members <see cref="PreviewMembersAsync"/> offers (the only ones a preview personalizes for).</summary>
    private static async Task<List<int>> PreviewMemberIdsAsync(AppDbContext db, CancellationToken ct)
    {
        var personalized = await db.Members.AsNoTracking().Where(m => !m.PersonalizationOff).OrderBy(m => m.Id).Take(6).Select(m => m.Id).ToListAsync(ct);
        var off = await db.Members.AsNoTracking().Where(m => m.PersonalizationOff).OrderBy(m => m.Id).Take(1).Select(m => m.Id).ToListAsync(ct);
        return [.. personalized, .. off];
    }

    /// <summary>A handful of members to preview personalization with, one of them with personalization off.</summary>
    public async Task<IReadOnlyList<(int Id, string Label)>> PreviewMembersAsync(string actorUserId, int accountId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var personalized = await db.Members.AsNoTracking().Where(m => !m.PersonalizationOff).OrderBy(m => m.Id).Take(6)
            .Select(m => new { m.Id, m.FirstName, m.LastName, m.JobTitle, Company = m.Company!.Name, m.PersonalizationOff }).ToListAsync(ct);
        var off = await db.Members.AsNoTracking().Where(m => m.PersonalizationOff).OrderBy(m => m.Id).Take(1)
            .Select(m => new { m.Id, m.FirstName, m.LastName, m.JobTitle, Company = m.Company!.Name, m.PersonalizationOff }).ToListAsync(ct);
        return personalized.Concat(off)
            .Select(m => (m.Id, m.PersonalizationOff ? $"{m.FirstName} {m.LastName} (personalization off)" : $"{m.FirstName} {m.LastName} · {m.JobTitle} at {m.Company}"))
            .ToList();
    }

    private async Task<Result> SetArchivedAsync(string actorUserId, int accountId, int adId, bool archived, CancellationToken ct)
    {
        // In a transaction with the ad locked: a revocation canceling it meanwhile is seen, not overwritten.
        await using var change = await scope.ChangeAsync<Ad>(actorUserId, accountId, adId, ct, transaction: true);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, ad) = (change.Db, change.Entity);
        if (ad.Status == AdStatus.Canceled)
        {
            return Result.Fail("ad", ad.CanceledReason ?? "This ad was canceled.");
        }
        ad.Status = archived ? AdStatus.Archived : AdStatus.Active;
        ad.UpdatedByUserId = actorUserId;
        ad.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }


    /// <summary>
    /// Locks the sender permission the ad relies on (if there is one) before it is checked, so that a revocation
    /// running meanwhile either waits for this save (and then cancels the saved ad) or is seen by the check.
    /// </summary>
    private static async Task LockSenderAsync(AppDbContext db, int accountId, AdInput input, CancellationToken ct)
    {
        var permissionId = await db.SenderPermissions.AsNoTracking()
            .Where(p => p.AdvertiserAccountId == accountId && p.MemberId == input.SenderMemberId).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
        if (permissionId is { } id)
        {
            await db.LockAsync<SenderPermission>(id, ct);
        }
    }

    /// <summary>
    /// Locks the lead forms the ad would point at (after the sender permission and the ad: seat → permission → ad →
    /// lead form) before they are checked: an archive of one of them either waits for this save to commit (an ad
    /// saved before the archive keeps its form) or has committed and the check refuses the form.
    /// </summary>
    private static Task LockLeadFormsAsync(AppDbContext db, AdInput input, CancellationToken ct)
    {
        var forms = (input.Conversation?.Messages ?? []).SelectMany(m => m?.Buttons ?? []).Select(b => b?.LeadFormId)
            .Append(input.Format == AdFormat.MessageAd && input.CtaTarget == CtaTarget.LeadForm ? input.LeadFormId : null)
            .OfType<int>().Select(id => (long)id).Distinct().ToList();
        return db.LockAsync<LeadGenForm>(forms, ct);
    }

    private async Task<AdContext> ContextAsync(AppDbContext db, int accountId, AdInput input, CancellationToken ct)
    {
        var granted = await db.SenderPermissions.AnyAsync(p => p.AdvertiserAccountId == accountId && p.MemberId == input.SenderMemberId
            && p.Status == SenderPermissionStatus.Granted, ct);
        var forms = (await db.LeadGenForms.Where(f => f.AdvertiserAccountId == accountId && !f.IsArchived).Select(f => f.Id).ToListAsync(ct)).ToHashSet();
        var banners = (await db.BannerImages.Where(b => b.AdvertiserAccountId == accountId).Select(b => b.Id).ToListAsync(ct)).ToHashSet();
        return new AdContext(granted, forms.Contains, banners.Contains, options.Value.MaxConversationDepth);
    }

    private static AdInput ToInput(Ad ad) => new(ad.Name, ad.Format, ad.SenderMemberId, ad.Subject, ad.Body, ad.CtaText, ad.CtaTarget,
        ad.LandingUrl, ad.LeadFormId, ad.BannerImageId, ad.Footer, ad.Conversation);

    private static void Apply(Ad ad, AdInput input)
    {
        ad.Name = input.Name.Trim();
        ad.Format = input.Format;
        ad.SenderMemberId = input.SenderMemberId;
        ad.Subject = input.Subject;
        ad.Footer = input.Footer ?? "";
        var message = input.Format == AdFormat.MessageAd;
        ad.Body = message ? input.Body ?? "" : "";
        ad.CtaText = message ? input.CtaText ?? "" : "";
        ad.CtaTarget = message ? input.CtaTarget : null;
        ad.LandingUrl = message && input.CtaTarget == CtaTarget.LandingUrl ? input.LandingUrl : null;
        ad.LeadFormId = message && input.CtaTarget == CtaTarget.LeadForm ? input.LeadFormId : null;
        ad.BannerImageId = message ? input.BannerImageId : null;
        ad.Conversation = message ? null : input.Conversation;
    }
}

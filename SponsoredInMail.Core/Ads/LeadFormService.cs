using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Ads;

/// <summary>A row of the lead gen form list.</summary>
public sealed record LeadFormSummary(
    int Id, string Name, string Headline, int ProfileFieldCount, int QuestionCount, bool HasConsent, bool IsArchived,
    string UpdatedBy, DateTime UpdatedAt);

/// <summary>A lead gen form as the editor and the preview show it.</summary>
public sealed record LeadFormView(
    int Id,
    string Name,
    string Headline,
    string Details,
    IReadOnlyList<ProfileField> ProfileFields,
    IReadOnlyList<CustomQuestion> Questions,
    string PrivacyPolicyUrl,
    string? ConsentText,
    string ThankYouMessage,
    string? ThankYouUrl,
    bool IsArchived,
    string CreatedBy,
    DateTime CreatedAt,
    string UpdatedBy,
    DateTime UpdatedAt)
{
    /// <summary>The form's content, ready to edit and pass back to <see cref="LeadFormService.UpdateAsync"/>.</summary>
    public LeadFormInput ToInput() =>
        new(Name, Headline, Details, ProfileFields, Questions, PrivacyPolicyUrl, ConsentText, ThankYouMessage, ThankYouUrl);
}

/// <summary>
/// Lead gen forms of an advertiser account. Viewers read; Managers create, edit, duplicate, archive and unarchive.
/// Another account's form answers exactly like a missing one. Names are unique per account ignoring case, archived
/// forms included. A refused command leaves the database as it was.
/// </summary>
public sealed class LeadFormService(IDbContextFactory<AppDbContext> factory, AccountScope scope, TimeProvider clock)
{
    /// <summary>The account's forms by name; archived ones only when asked; <paramref name="search"/> matches names.</summary>
    public async Task<IReadOnlyList<LeadFormSummary>> ListAsync(
        string actorUserId, int accountId, bool includeArchived = false, string? search = null, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await (from f in db.LeadGenForms.AsNoTracking()
                          where f.AdvertiserAccountId == accountId && (includeArchived || !f.IsArchived)
                          join u in db.Users on f.UpdatedByUserId equals u.Id
                          select new { Form = f, UpdatedBy = u.DisplayName })
                         .ToListAsync(ct);
        var term = search?.Trim() ?? "";
        return rows
            .Where(r => term.Length == 0 || r.Form.Name.Contains(term, StringComparison.OrdinalIgnoreCase))
            .OrderBy(r => r.Form.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Form.Id)
            .Select(r => new LeadFormSummary(r.Form.Id, r.Form.Name, r.Form.Headline, r.Form.ProfileFields.Count, r.Form.Questions.Count,
                r.Form.ConsentText is not null, r.Form.IsArchived, r.UpdatedBy, r.Form.UpdatedAt))
            .ToList();
    }

    /// <summary>The form, archived or not, or null when it is missing or not this account's (or the caller has no seat).</summary>
    public async Task<LeadFormView?> GetAsync(string actorUserId, int accountId, int formId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await (from f in db.LeadGenForms.AsNoTracking().WhereOwned(accountId, formId)
                         join c in db.Users on f.CreatedByUserId equals c.Id
                         join u in db.Users on f.UpdatedByUserId equals u.Id
                         select new { Form = f, CreatedBy = c.DisplayName, UpdatedBy = u.DisplayName })
                        .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }
        var form = row.Form;
        return new LeadFormView(form.Id, form.Name, form.Headline, form.Details, form.ProfileFields, form.Questions, form.PrivacyPolicyUrl,
            form.ConsentText, form.ThankYouMessage, form.ThankYouUrl, form.IsArchived, row.CreatedBy, form.CreatedAt, row.UpdatedBy, form.UpdatedAt);
    }

    /// <summary>
    /// Whether a non-archived form with this id belongs to the account: the check an ad's CTA or conversation button
    /// makes before it points at a form. Does not check the caller; the ad service has done so.
    /// </summary>
    public async Task<bool> BelongsToAccountAsync(int accountId, int formId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.LeadGenForms.WhereOwned(accountId, formId).AnyAsync(f => !f.IsArchived, ct);
    }

    public async Task<Result<int>> CreateAsync(string actorUserId, int accountId, LeadFormInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (await scope.RequireManagerAsync<LeadGenForm>(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        var form = LeadFormValidator.Normalize(input);
        var errors = LeadFormValidator.Validate(form).Errors.ToList();

        await using var db = await factory.CreateDbContextAsync(ct);
        // Two saves of one name cannot both pass the check: CheckNameAsync locks the account's form names first.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await CheckNameAsync(db, accountId, null, form.Name, errors, ct);
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var entity = new LeadGenForm
        {
            AdvertiserAccountId = accountId, Name = form.Name, Headline = form.Headline, PrivacyPolicyUrl = form.PrivacyPolicyUrl,
            ThankYouMessage = form.ThankYouMessage, CreatedByUserId = actorUserId, CreatedAt = now, UpdatedByUserId = actorUserId, UpdatedAt = now,
        };
        Apply(entity, form);
        db.LeadGenForms.Add(entity);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<int>.Ok(entity.Id);
    }

    /// <summary>Replaces the form's content. An archived form is unarchived before it can be edited.</summary>
    public async Task<Result> UpdateAsync(string actorUserId, int accountId, int formId, LeadFormInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var form = LeadFormValidator.Normalize(input);
        var errors = LeadFormValidator.Validate(form).Errors.ToList();
        await using var change = await scope.ChangeAsync<LeadGenForm>(actorUserId, accountId, formId, ct, transaction: true);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, entity) = (change.Db, change.Entity);
        if (entity.IsArchived)
        {
            return Result.Fail("form", $"'{entity.Name}' is archived; unarchive it before editing.");
        }
        await CheckNameAsync(db, accountId, formId, form.Name, errors, ct);
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        Apply(entity, form);
        Touch(entity, actorUserId);
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>Copies the form (archived or not) as a new, active "Copy of …" with the first free name.</summary>
    public async Task<Result<int>> DuplicateAsync(string actorUserId, int accountId, int formId, CancellationToken ct = default)
    {
        await using var change = await scope.ChangeAsync<LeadGenForm>(actorUserId, accountId, formId, ct, transaction: true);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, original) = (change.Db, change.Entity);
        // The free name is picked under the lock every save of a name takes (after the original's row, as an edit
        // takes them): a create or another copy cannot take it meanwhile.
        await LockNamesAsync(db, accountId, ct);
        var taken = (await db.LeadGenForms.Where(f => f.AdvertiserAccountId == accountId).Select(f => f.Name).ToListAsync(ct))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var name = CopyName(original.Name, 1);
        for (var n = 2; taken.Contains(name); n++)
        {
            name = CopyName(original.Name, n);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var copy = new LeadGenForm
        {
            AdvertiserAccountId = accountId, Name = name, Headline = original.Headline, Details = original.Details,
            ProfileFieldsJson = original.ProfileFieldsJson, QuestionsJson = original.QuestionsJson, PrivacyPolicyUrl = original.PrivacyPolicyUrl,
            ConsentText = original.ConsentText, ThankYouMessage = original.ThankYouMessage, ThankYouUrl = original.ThankYouUrl,
            CreatedByUserId = actorUserId, CreatedAt = now, UpdatedByUserId = actorUserId, UpdatedAt = now,
        };
        db.LeadGenForms.Add(copy);
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result<int>.Ok(copy.Id);
    }

    /// <summary>Hides the form from the default list and from new ads; ads already pointing at it keep it.</summary>
    public Task<Result> ArchiveAsync(string actorUserId, int accountId, int formId, CancellationToken ct = default) =>
        SetArchivedAsync(actorUserId, accountId, formId, true, ct);

    public Task<Result> UnarchiveAsync(string actorUserId, int accountId, int formId, CancellationToken ct = default) =>
        SetArchivedAsync(actorUserId, accountId, formId, false, ct);

    private async Task<Result> SetArchivedAsync(string actorUserId, int accountId, int formId, bool archived, CancellationToken ct)
    {
        // In a transaction with the form locked: an ad save that has checked the form (and holds its lock) commits
        // first, so no ad is saved pointing at a form on a check made before the form was archived.
        await using var change = await scope.ChangeAsync<LeadGenForm>(actorUserId, accountId, formId, ct, transaction: true);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, entity) = (change.Db, change.Entity);
        if (entity.IsArchived != archived)
        {
            entity.IsArchived = archived;
            Touch(entity, actorUserId);
            await db.SaveChangesAsync(ct);
            await change.CommitAsync(ct);
        }
        return Result.Ok;
    }

    private static async Task CheckNameAsync(AppDbContext db, int accountId, int? formId, string name, List<FieldError> errors, CancellationToken ct)
    {
        if (name.Length == 0 || errors.Any(e => e.Field == "name"))
        {
            return;
        }
        await LockNamesAsync(db, accountId, ct);
        // Compared in memory: SQLite's upper() folds ASCII only, and an account has few forms.
        var names = await db.LeadGenForms.AsNoTracking()
            .Where(f => f.AdvertiserAccountId == accountId && f.Id != (formId ?? 0))
            .Select(f => f.Name)
            .ToListAsync(ct);
        if (names.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(new FieldError("name", $"This account already has a lead gen form named '{name}'."));
        }
    }

    /// <summary>
    /// The rule spans rows (and the name may not exist yet): saves of one account's form names take turns from here
    /// to their commit (SQLite: the IMMEDIATE transaction; PostgreSQL: a lock on the account's form names).
    /// </summary>
    private static Task LockNamesAsync(AppDbContext db, int accountId, CancellationToken ct) =>
        db.LockNameAsync($"lead-form-names:{accountId}", ct);

    private static string CopyName(string original, int n)
    {
        var name = n == 1 ? $"Copy of {original}" : $"Copy {n} of {original}";
        return name.Length > AdLimits.NameMax ? name[..AdLimits.NameMax].TrimEnd() : name;
    }

    private static void Apply(LeadGenForm entity, LeadFormInput form)
    {
        entity.Name = form.Name;
        entity.Headline = form.Headline;
        entity.Details = form.Details;
        entity.ProfileFields = form.ProfileFields;
        entity.Questions = form.Questions;
        entity.PrivacyPolicyUrl = form.PrivacyPolicyUrl;
        entity.ConsentText = form.ConsentText;
        entity.ThankYouMessage = form.ThankYouMessage;
        entity.ThankYouUrl = form.ThankYouUrl;
    }

    private void Touch(LeadGenForm entity, string actorUserId)
    {
        entity.UpdatedByUserId = actorUserId;
        entity.UpdatedAt = clock.GetUtcNow().UtcDateTime;
    }
}

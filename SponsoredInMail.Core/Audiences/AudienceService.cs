using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Audiences;

public sealed record SavedAudienceView(
    int Id, string Name, Targeting Targeting, string CreatedBy, DateTime CreatedAt, string UpdatedBy, DateTime UpdatedAt);

public sealed record SampleMember(int Id, string Name, string Headline, string Location, Seniority Seniority, string Industry);

/// <summary>Answers whether a live campaign uses an audience; campaigns (a later issue) provide the real answer.</summary>
public interface IAudienceUsage
{
    Task<bool> IsUsedByLiveCampaignAsync(int savedAudienceId, CancellationToken ct);

    /// <summary>
    /// Inside a deletion's transaction, before the audience is locked: locks the campaigns that use it, in the order a
    /// campaign's own changes take them (the campaign, then its audience), and returns their ids. A submission under way
    /// then either commits first and is seen, or waits for the deletion and finds the audience gone.
    /// </summary>
    Task<IReadOnlyList<long>> LockUsersAsync(AppDbContext db, int savedAudienceId, CancellationToken ct) => Task.FromResult<IReadOnlyList<long>>([]);

    /// <summary>The campaigns that use the audience now (read in <paramref name="db"/>'s transaction).</summary>
    Task<IReadOnlyList<long>> UsersAsync(AppDbContext db, int savedAudienceId, CancellationToken ct) => Task.FromResult<IReadOnlyList<long>>([]);
}

/// <summary>
/// Saved audiences of an advertiser account and live counts over the audience index. Viewers read;
/// Managers change. Another account's audience answers exactly like a missing one.
/// </summary>
public sealed class AudienceService(
    IDbContextFactory<AppDbContext> factory,
    AccountScope scope,
    AudienceIndex index,
    Changes.ChangeFeed feed,
    IAudienceUsage usage,
    IOptions<AudienceOptions> options,
    TimeProvider clock)
{
    public int MinimumAudienceSize => options.Value.MinimumAudienceSize;

    public async Task<IReadOnlyList<SavedAudienceView>> ListAsync(string actorUserId, int accountId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await (from a in db.SavedAudiences.AsNoTracking()
                          where a.AdvertiserAccountId == accountId
                          join c in db.Users on a.CreatedByUserId equals c.Id
                          join u in db.Users on a.UpdatedByUserId equals u.Id
                          orderby a.Name
                          select new { a.Id, a.Name, a.TargetingJson, Created = c.DisplayName, a.CreatedAt, Updated = u.DisplayName, a.UpdatedAt })
                         .ToListAsync(ct);
        return rows.Select(r => new SavedAudienceView(r.Id, r.Name, Targeting.FromJson(r.TargetingJson), r.Created, r.CreatedAt, r.Updated, r.UpdatedAt)).ToList();
    }

    public async Task<SavedAudienceView?> GetAsync(string actorUserId, int accountId, int audienceId, CancellationToken ct = default) =>
        (await ListAsync(actorUserId, accountId, ct)).FirstOrDefault(a => a.Id == audienceId);

    /// <summary>Counts a targeting for the account (Viewers may count). Refuses an invalid targeting.</summary>
    public async Task<Result<AudienceBreakdown>> CountAsync(string actorUserId, int accountId, Targeting targeting, CancellationToken ct = default)
    {
        if (await scope.RequireSeatAsync(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        await feed.CatchUpAudienceIndexAsync(index, ct);
        var validation = TargetingValidator.Validate(targeting, index, accountId);
        return validation.Succeeded ? Result<AudienceBreakdown>.Ok(index.Count(targeting, accountId)) : validation;
    }

    /// <summary>Ten (or <paramref name="count"/>) random members matching the targeting, for the builder's sample panel.</summary>
    public async Task<IReadOnlyList<SampleMember>> SampleAsync(string actorUserId, int accountId, Targeting targeting, int count = 10, int? seed = null, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct) || !TargetingValidator.Validate(targeting, index, accountId).Succeeded)
        {
            return [];
        }
        await feed.CatchUpAudienceIndexAsync(index, ct);
        var ids = index.Sample(targeting, accountId, Math.Clamp(count, 1, 50), seed ?? Random.Shared.Next());
        await using var db = await factory.CreateDbContextAsync(ct);
        var members = await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id)).ToListAsync(ct);
        return members.Select(m => new SampleMember(m.Id, m.FullName, m.Headline, $"{m.Region}, {Taxonomy.CountryName(m.CountryCode)}", m.Seniority, m.Industry))
            .OrderBy(m => m.Name).ToList();
    }

    /// <summary>Facet values for the pickers, with member counts; matched lists only of this account, by name.</summary>
    public async Task<IReadOnlyList<FacetValue>> SuggestAsync(string actorUserId, int accountId, Facet facet, string? search, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await feed.CatchUpAudienceIndexAsync(index, ct);
        if (facet != Facet.MatchedAudience)
        {
            return index.Suggest(facet, search, accountId);
        }
        var names = await MatchedListNamesAsync(accountId, ct);
        return index.Suggest(facet, null, accountId, 100)
            .Select(v => v with { Label = names.GetValueOrDefault(v.Value, v.Label) })
            .Where(v => string.IsNullOrWhiteSpace(search) || v.Label.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase))
            .ToList();
    }

    /// <summary>Label of a chosen value as the pickers show it.</summary>
    public async Task<string> LabelAsync(int accountId, Facet facet, string value, CancellationToken ct = default) =>
        facet == Facet.MatchedAudience && (await MatchedListNamesAsync(accountId, ct)).TryGetValue(value, out var name)
            ? name
            : index.Label(facet, value);

    private async Task<Dictionary<string, string>> MatchedListNamesAsync(int accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.MatchedAudiences.AsNoTracking().Where(a => a.AdvertiserAccountId == accountId)
            .ToDictionaryAsync(a => a.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), a => a.Name, ct);
    }

    /// <summary>The readable sentence of a targeting, with matched lists named.</summary>
    public async Task<string> DescribeAsync(int accountId, Targeting targeting, CancellationToken ct = default)
    {
        var usesLists = targeting.IncludedValues(Facet.MatchedAudience).Count + targeting.ExcludedValues(Facet.MatchedAudience).Count > 0;
        var names = usesLists ? await MatchedListNamesAsync(accountId, ct) : [];
        return TargetingDescription.Describe(targeting, new NamedLists(index, names));
    }

    public Task<Result<int>> CreateAsync(string actorUserId, int accountId, string name, Targeting targeting, CancellationToken ct = default) =>
        InsertAsync(actorUserId, accountId, name, targeting, firstFreeCopy: false, ct);

    public async Task<Result> UpdateAsync(string actorUserId, int accountId, int audienceId, string name, Targeting targeting, CancellationToken ct = default)
    {
        var check = await CheckWriteAsync(actorUserId, accountId, audienceId, name, targeting, ct);
        if (!check.Succeeded)
        {
            return check;
        }
        return await ChangeAsync(accountId, audienceId, actorUserId, name.Trim(), targeting, a =>
        {
            a.Name = name.Trim();
            a.TargetingJson = targeting.ToJson();
        }, ct);
    }

    public async Task<Result> RenameAsync(string actorUserId, int accountId, int audienceId, string name, CancellationToken ct = default)
    {
        var check = await CheckWriteAsync(actorUserId, accountId, audienceId, name, null, ct);
        return check.Succeeded ? await ChangeAsync(accountId, audienceId, actorUserId, name.Trim(), null, a => a.Name = name.Trim(), ct) : check;
    }

    /// <summary>A copy named "Copy of …" (or "Copy 2 of …", …): the first name free when the copy is saved.</summary>
    public async Task<Result<int>> DuplicateAsync(string actorUserId, int accountId, int audienceId, CancellationToken ct = default)
    {
        var original = await GetAsync(actorUserId, accountId, audienceId, ct);
        if (original is null)
        {
            return AccountScope.NotFound<SavedAudience>();
        }
        return await InsertAsync(actorUserId, accountId, original.Name, original.Targeting, firstFreeCopy: true, ct);
    }

    public async Task<Result> DeleteAsync(string actorUserId, int accountId, int audienceId, CancellationToken ct = default)
    {
        // In a transaction, the campaigns using the audience locked before the audience itself: a submission racing
        // the deletion is either seen as live below or finds the audience gone (and no deletion can null the audience
        // of a campaign in review). On SQLite the IMMEDIATE transaction does the same.
        IReadOnlyList<long> locked = [];
        await using var change = await scope.ChangeAsync<SavedAudience>(actorUserId, accountId, audienceId, ct, transaction: true,
            lockFirst: async (locking, token) => locked = await usage.LockUsersAsync(locking, audienceId, token));
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, audience) = (change.Db, change.Entity);
        if (await usage.IsUsedByLiveCampaignAsync(audienceId, ct))
        {
            return Result.Fail("audience", $"'{audience.Name}' is used by a live campaign; pause or end the campaign before deleting it.");
        }
        if ((await usage.UsersAsync(db, audienceId, ct)).Except(locked).Any())
        {
            // A draft chose it between the two locks: not locked here, so not touched (its save may be under way).
            return Result.Fail("audience", $"A campaign has just chosen '{audience.Name}'; try deleting it again.");
        }
        db.SavedAudiences.Remove(audience);
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    private async Task<Result> CheckWriteAsync(string actorUserId, int accountId, int? audienceId, string name, Targeting? targeting, CancellationToken ct)
    {
        if (await scope.RequireManagerAsync<SavedAudience>(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        var errors = new List<FieldError>();
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            errors.Add(new FieldError("name", "Give the audience a name."));
        }
        else if (trimmed.Length > AudienceRules.MaxNameLength)
        {
            errors.Add(new FieldError("name", $"The name can be at most {AudienceRules.MaxNameLength} characters; it has {trimmed.Length}."));
        }
        else
        {
            FieldRules.SingleLine(errors, "name", "The name", trimmed, 1, AudienceRules.MaxNameLength);
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        if (audienceId is { } id && !await db.SavedAudiences.WhereOwned(accountId, id).AnyAsync(ct))
        {
            return AccountScope.NotFound<SavedAudience>();
        }
        // The name's clash check is made in the write's transaction (LockForSaveAsync); a refused name (a NUL, say)
        // returns from here and never reaches a query.
        if (targeting is not null)
        {
            await feed.CatchUpAudienceIndexAsync(index, ct);
            errors.AddRange(TargetingValidator.Validate(targeting, index, accountId).Errors);
        }
        return errors.Count == 0 ? Result.Ok : Result.Fail(errors);
    }

    private async Task<Result<int>> InsertAsync(string actorUserId, int accountId, string name, Targeting targeting, bool firstFreeCopy, CancellationToken ct)
    {
        var check = await CheckWriteAsync(actorUserId, accountId, null, name, targeting, ct);
        if (!check.Succeeded)
        {
            return check;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (taken, refused) = await LockForSaveAsync(db, accountId, null, targeting, ct);
        if (refused is not null)
        {
            return refused;
        }
        var chosen = name.Trim();
        if (firstFreeCopy)
        {
            chosen = CopyName(name.Trim(), 1);
            for (var n = 2; taken.Contains(chosen); n++)
            {
                chosen = CopyName(name.Trim(), n);
            }
        }
        else if (taken.Contains(chosen))
        {
            return NameTaken(chosen);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var audience = new SavedAudience
        {
            AdvertiserAccountId = accountId, Name = chosen, TargetingJson = targeting.ToJson(),
            CreatedByUserId = actorUserId, CreatedAt = now, UpdatedByUserId = actorUserId, UpdatedAt = now,
        };
        db.SavedAudiences.Add(audience);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<int>.Ok(audience.Id);
    }

    private async Task<Result> ChangeAsync(int accountId, int audienceId, string actorUserId, string name, Targeting? targeting, Action<SavedAudience> change, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (taken, refused) = await LockForSaveAsync(db, accountId, audienceId, targeting, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (await AccountScope.FindAsync<SavedAudience>(db, accountId, audienceId, ct) is not { } audience)
        {
            return AccountScope.NotFound<SavedAudience>();
        }
        if (taken.Contains(name))
        {
            return NameTaken(name);
        }
        change(audience);
        audience.UpdatedByUserId = actorUserId;
        audience.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>
    /// The locks of an audience save, inside its transaction and before the reads they protect: the account's audience
    /// names (a rule across rows, for a name that may not exist yet: saves of one account take turns from here to
    /// their commit, so two cannot both find a name free), then the matched lists the targeting uses (a list deletion
    /// either waits and then sees this audience, or has committed and the list is missing here), then the audience
    /// itself (a deletion either waits or is seen). On SQLite the IMMEDIATE transaction already serializes them.
    /// Returns the names the account's other audiences have, or why the save cannot go ahead.
    /// </summary>
    private static async Task<(HashSet<string> Taken, Result? Refusal)> LockForSaveAsync(
        AppDbContext db, int accountId, int? audienceId, Targeting? targeting, CancellationToken ct)
    {
        await db.LockNameAsync($"audience-names:{accountId}", ct);
        if (targeting is not null && await MissingListsAsync(db, accountId, targeting, ct) is { } missing)
        {
            return ([], missing);
        }
        if (audienceId is { } id)
        {
            await db.LockAsync<SavedAudience>(id, ct);
        }
        // Compared in memory: SQLite's upper() folds ASCII only, PostgreSQL's more; an account has few audiences.
        var names = await db.SavedAudiences.AsNoTracking()
            .Where(a => a.AdvertiserAccountId == accountId && a.Id != (audienceId ?? 0))
            .Select(a => a.Name)
            .ToListAsync(ct);
        return (names.ToHashSet(StringComparer.OrdinalIgnoreCase), null);
    }

    /// <summary>Locks the matched lists the targeting names and refuses it when one of them is no longer there.</summary>
    private static async Task<Result?> MissingListsAsync(AppDbContext db, int accountId, Targeting targeting, CancellationToken ct)
    {
        var named = new[] { ("Include.", targeting.IncludedValues(Facet.MatchedAudience)), ("Exclude.", targeting.ExcludedValues(Facet.MatchedAudience)) }
            .SelectMany(g => g.Item2.Select(value => (Field: g.Item1 + Facet.MatchedAudience, Value: value)))
            .Select(v => (v.Field, v.Value, Id: int.TryParse(v.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var listId) ? listId : 0))
            .ToList();
        if (named.Count == 0)
        {
            return null;
        }
        await db.LockAsync<MatchedAudience>(named.Select(n => (long)n.Id).Where(n => n > 0).Distinct().ToList(), ct);
        var ids = named.Select(n => n.Id).ToList();
        var present = (await db.MatchedAudiences.AsNoTracking().Where(m => m.AdvertiserAccountId == accountId && ids.Contains(m.Id))
            .Select(m => m.Id).ToListAsync(ct)).ToHashSet();
        var errors = named.Where(n => !present.Contains(n.Id))
            .Select(n => new FieldError(n.Field, $"The matched list '{n.Value}' has just been deleted; take it out of the audience."))
            .ToList();
        return errors.Count == 0 ? null : Result.Fail(errors);
    }

    private static Result NameTaken(string name) => Result.Fail("name", $"This account already has an audience named '{name}'.");

    private static string CopyName(string original, int n)
    {
        var name = n == 1 ? $"Copy of {original}" : $"Copy {n} of {original}";
        return name.Length > AudienceRules.MaxNameLength ? name[..AudienceRules.MaxNameLength] : name;
    }

    /// <summary>Labels matched lists by their names; everything else as the index labels it.</summary>
    private sealed class NamedLists(IFacetVocabulary inner, Dictionary<string, string> names) : IFacetVocabulary
    {
        public bool IsKnown(Facet facet, string value, int accountId) => inner.IsKnown(facet, value, accountId);

        public string Label(Facet facet, string value) =>
            facet == Facet.MatchedAudience && names.TryGetValue(value, out var name) ? name : inner.Label(facet, value);
    }
}

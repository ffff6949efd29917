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

    public async Task<Result<int>> CreateAsync(string actorUserId, int accountId, string name, Targeting targeting, CancellationToken ct = default)
    {
        var check = await CheckWriteAsync(actorUserId, accountId, null, name, targeting, ct);
        if (!check.Succeeded)
        {
            return check;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var audience = new SavedAudience
        {
            AdvertiserAccountId = accountId, Name = name.Trim(), TargetingJson = targeting.ToJson(),
            CreatedByUserId = actorUserId, CreatedAt = now, UpdatedByUserId = actorUserId, UpdatedAt = now,
        };
        db.SavedAudiences.Add(audience);
        await db.SaveChangesAsync(ct);
        return Result<int>.Ok(audience.Id);
    }

    public async Task<Result> UpdateAsync(string actorUserId, int accountId, int audienceId, string name, Targeting targeting, CancellationToken ct = default)
    {
        var check = await CheckWriteAsync(actorUserId, accountId, audienceId, name, targeting, ct);
        if (!check.Succeeded)
        {
            return check;
        }
        return await ChangeAsync(accountId, audienceId, actorUserId, a =>
        {
            a.Name = name.Trim();
            a.TargetingJson = targeting.ToJson();
        }, ct);
    }

    public async Task<Result> RenameAsync(string actorUserId, int accountId, int audienceId, string name, CancellationToken ct = default)
    {
        var check = await CheckWriteAsync(actorUserId, accountId, audienceId, name, null, ct);
        return check.Succeeded ? await ChangeAsync(accountId, audienceId, actorUserId, a => a.Name = name.Trim(), ct) : check;
    }

    public async Task<Result<int>> DuplicateAsync(string actorUserId, int accountId, int audienceId, CancellationToken ct = default)
    {
        var original = await GetAsync(actorUserId, accountId, audienceId, ct);
        if (original is null)
        {
            return AccountScope.NotFound<SavedAudience>();
        }
        var existing = (await ListAsync(actorUserId, accountId, ct)).Select(a => a.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var name = $"Copy of {original.Name}";
        for (var n = 2; existing.Contains(name); n++)
        {
            name = $"Copy {n} of {original.Name}";
        }
        if (name.Length > AudienceRules.MaxNameLength)
        {
            name = name[..AudienceRules.MaxNameLength];
        }
        return await CreateAsync(actorUserId, accountId, name, original.Targeting, ct);
    }

    public async Task<Result> DeleteAsync(string actorUserId, int accountId, int audienceId, CancellationToken ct = default)
    {
        await using var change = await scope.ChangeAsync<SavedAudience>(actorUserId, accountId, audienceId, ct);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, audience) = (change.Db, change.Entity);
        if (await usage.IsUsedByLiveCampaignAsync(audienceId, ct))
        {
            return Result.Fail("audience", $"'{audience.Name}' is used by a live campaign; pause or end the campaign before deleting it.");
        }
        db.SavedAudiences.Remove(audience);
        await db.SaveChangesAsync(ct);
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
        if (trimmed.Length > 0 && errors.Count == 0) // a refused name (a NUL, say) never reaches a query
        {
            var clash = await db.SavedAudiences.AnyAsync(a => a.AdvertiserAccountId == accountId && a.Id != (audienceId ?? 0)
                && a.Name.ToUpper() == trimmed.ToUpper(), ct);
            if (clash)
            {
                errors.Add(new FieldError("name", $"This account already has an audience named '{trimmed}'."));
            }
        }
        if (targeting is not null)
        {
            await feed.CatchUpAudienceIndexAsync(index, ct);
            errors.AddRange(TargetingValidator.Validate(targeting, index, accountId).Errors);
        }
        return errors.Count == 0 ? Result.Ok : Result.Fail(errors);
    }

    private async Task<Result> ChangeAsync(int accountId, int audienceId, string actorUserId, Action<SavedAudience> change, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await AccountScope.FindAsync<SavedAudience>(db, accountId, audienceId, ct) is not { } audience)
        {
            return AccountScope.NotFound<SavedAudience>();
        }
        change(audience);
        audience.UpdatedByUserId = actorUserId;
        audience.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return Result.Ok;
    }

    /// <summary>Labels matched lists by their names; everything else as the index labels it.</summary>
    private sealed class NamedLists(IFacetVocabulary inner, Dictionary<string, string> names) : IFacetVocabulary
    {
        public bool IsKnown(Facet facet, string value, int accountId) => inner.IsKnown(facet, value, accountId);

        public string Label(Facet facet, string value) =>
            facet == Facet.MatchedAudience && names.TryGetValue(value, out var name) ? name : inner.Label(facet, value);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audit;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Conversions;

/// <summary>A conversion definition as pages and the API show it, with its received and counted events so far.</summary>
public sealed record ConversionDefinitionView(
    int Id, string Name, ConversionCategory Category, long? ValueCents, int PostClickDays, int PostSendDays, ConversionCounting Counting,
    string TagKey, DateTime CreatedAt, DateTime? ArchivedAt, long Received, long Attributed, DateTime UpdatedAt)
{
    public bool IsArchived => ArchivedAt is not null;
}

/// <summary>A received conversion as the account's conversions page lists it.</summary>
public sealed record ConversionLogRow(
    long Id, int ConversionId, string ConversionName, ConversionSource Source, DateTime OccurredAt, DateTime ReceivedAt, long ValueCents,
    AttributionTouch Touch, int? CampaignId, string? CampaignName, bool Counted, string? EventId);

/// <summary>
/// An account's conversion definitions: Managers create, edit and archive them; every seat lists them. Names are unique
/// per account; at most <see cref="ConversionRules.MaxDefinitionsPerAccount"/> active ones. Archiving keeps the events.
/// </summary>
public sealed class ConversionDefinitionService(IDbContextFactory<AppDbContext> factory, AccountScope accountScope, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<ConversionDefinitionView>> ListAsync(string actorUserId, int accountId, bool includeArchived = false, CancellationToken ct = default)
    {
        if (!await accountScope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        return await ListForAccountAsync(accountId, includeArchived, ct);
    }

    /// <summary>The list without the seat check (the API checks its token's account instead).</summary>
    public async Task<IReadOnlyList<ConversionDefinitionView>> ListForAccountAsync(int accountId, bool includeArchived, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var definitions = await db.ConversionDefinitions.AsNoTracking()
            .Where(d => d.AdvertiserAccountId == accountId && (includeArchived || d.ArchivedAt == null))
            .OrderBy(d => d.ArchivedAt != null).ThenBy(d => d.Name).ToListAsync(ct);
        var ids = definitions.Select(d => d.Id).ToList();
        var counts = await db.ConversionEvents.AsNoTracking().Where(e => e.AdvertiserAccountId == accountId && ids.Contains(e.ConversionDefinitionId))
            .GroupBy(e => e.ConversionDefinitionId)
            .Select(g => new { Id = g.Key, Received = g.LongCount(), Attributed = g.LongCount(e => e.Counted) })
            .ToDictionaryAsync(c => c.Id, ct);
        return definitions.ConvertAll(d => View(d, counts.TryGetValue(d.Id, out var c) ? c.Received : 0, counts.TryGetValue(d.Id, out var a) ? a.Attributed : 0));
    }

    /// <summary>The account's most recently received conversions (newest first), attributed or not; empty without a seat.</summary>
    public async Task<IReadOnlyList<ConversionLogRow>> RecentAsync(string actorUserId, int accountId, int take = 50, CancellationToken ct = default)
    {
        if (!await accountScope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        return await (from e in db.ConversionEvents.AsNoTracking()
                      where e.AdvertiserAccountId == accountId
                      orderby e.ReceivedAt descending, e.Id descending
                      join d in db.ConversionDefinitions on e.ConversionDefinitionId equals d.Id
                      join c in db.Campaigns on e.CampaignId equals c.Id into campaigns
                      from c in campaigns.DefaultIfEmpty()
                      select new ConversionLogRow(e.Id, d.Id, d.Name, e.Source, e.OccurredAt, e.ReceivedAt, e.ValueCents, e.Touch, e.CampaignId,
                          c == null ? null : c.Name, e.Counted, e.EventId))
            .Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
    }

    /// <summary>
    /// A page of the account's received conversions, newest first by id (keyset: those with an id below
    /// <paramref name="beforeId"/>), attributed or not; reads up to <paramref name="take"/> (1–500). Empty without a seat.
    /// </summary>
    public async Task<IReadOnlyList<ConversionLogRow>> RecentAsync(string actorUserId, int accountId, long? beforeId, int take, CancellationToken ct = default)
    {
        if (!await accountScope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var events = db.ConversionEvents.AsNoTracking().Where(e => e.AdvertiserAccountId == accountId);
        if (beforeId is { } before)
        {
            events = events.Where(e => e.Id < before);
        }
        return await (from e in events
                      orderby e.Id descending
                      join d in db.ConversionDefinitions on e.ConversionDefinitionId equals d.Id
                      join c in db.Campaigns on e.CampaignId equals c.Id into campaigns
                      from c in campaigns.DefaultIfEmpty()
                      select new ConversionLogRow(e.Id, d.Id, d.Name, e.Source, e.OccurredAt, e.ReceivedAt, e.ValueCents, e.Touch, e.CampaignId,
                          c == null ? null : c.Name, e.Counted, e.EventId))
            .Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
    }

    public async Task<ConversionDefinitionView?> GetAsync(string actorUserId, int accountId, int id, CancellationToken ct = default) =>
        (await ListAsync(actorUserId, accountId, includeArchived: true, ct)).FirstOrDefault(d => d.Id == id);

    public async Task<Result<int>> CreateAsync(string actorUserId, int accountId, ConversionDefinitionInput input, CancellationToken ct = default)
    {
        if (await accountScope.RequireManagerAsync<ConversionDefinition>(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        var errors = new List<FieldError>();
        ConversionRules.Validate(errors, input);
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        // The name and count rules span rows: creations and renames of one account take turns under one name lock.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await AccountScope.LockSeatAsync<ConversionDefinition>(db, actorUserId, accountId, ct) is { } refusedNow)
        {
            return refusedNow;
        }
        await db.LockNameAsync(LockName(accountId), ct);
        var name = input.Name.Trim();
        if (await NameTakenAsync(db, accountId, name, null, ct))
        {
            return Result.Fail("name", $"A conversion named \"{name}\" already exists in this account.");
        }
        if (await db.ConversionDefinitions.CountAsync(d => d.AdvertiserAccountId == accountId && d.ArchivedAt == null, ct) >= ConversionRules.MaxDefinitionsPerAccount)
        {
            return Result.Fail("name", $"An account can have at most {ConversionRules.MaxDefinitionsPerAccount} active conversions; archive one first.");
        }
        var definition = new ConversionDefinition
        {
            AdvertiserAccountId = accountId, Name = name, TagKey = NewTagKey(), CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        definition.UpdatedAt = definition.CreatedAt;
        Apply(definition, input);
        db.ConversionDefinitions.Add(definition);
        await db.SaveChangesAsync(ct);
        db.AuditLog.Add(Entry(actorUserId, definition, "Conversion created", null, Snapshot(definition)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<int>.Ok(definition.Id);
    }

    /// <summary>Edits a definition; new windows and counting apply to conversions received from now on.</summary>
    public async Task<Result> UpdateAsync(string actorUserId, int accountId, int id, ConversionDefinitionInput input, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        ConversionRules.Validate(errors, input);
        await using var change = await accountScope.ChangeAsync<ConversionDefinition>(actorUserId, accountId, id, ct, transaction: true,
            lockFirst: (db, c) => db.LockNameAsync(LockName(accountId), c));
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        var (db, definition) = (change.Db, change.Entity);
        var name = input.Name.Trim();
        if (await NameTakenAsync(db, accountId, name, id, ct))
        {
            return Result.Fail("name", $"A conversion named \"{name}\" already exists in this account.");
        }
        var before = Snapshot(definition);
        definition.Name = name;
        Apply(definition, input);
        definition.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        db.AuditLog.Add(Entry(actorUserId, definition, "Conversion edited", before, Snapshot(definition)));
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>Archives (or restores) a definition: archived ones accept no new events; their conversions stay in reports.</summary>
    public async Task<Result> SetArchivedAsync(string actorUserId, int accountId, int id, bool archived, CancellationToken ct = default)
    {
        await using var change = await accountScope.ChangeAsync<ConversionDefinition>(actorUserId, accountId, id, ct, transaction: true,
            lockFirst: (db, c) => db.LockNameAsync(LockName(accountId), c));
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, definition) = (change.Db, change.Entity);
        if (definition.IsArchived() == archived)
        {
            return Result.Fail("conversion", archived ? "This conversion is already archived." : "This conversion is not archived.");
        }
        if (!archived && await db.ConversionDefinitions.CountAsync(d => d.AdvertiserAccountId == accountId && d.ArchivedAt == null, ct) >= ConversionRules.MaxDefinitionsPerAccount)
        {
            return Result.Fail("conversion", $"An account can have at most {ConversionRules.MaxDefinitionsPerAccount} active conversions; archive one first.");
        }
        var before = Snapshot(definition);
        definition.ArchivedAt = archived ? clock.GetUtcNow().UtcDateTime : null;
        definition.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        db.AuditLog.Add(Entry(actorUserId, definition, archived ? "Conversion archived" : "Conversion restored", before, Snapshot(definition)));
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    private static void Apply(ConversionDefinition definition, ConversionDefinitionInput input)
    {
        definition.Category = input.Category;
        definition.ValueCents = input.ValueCents;
        definition.PostClickDays = input.PostClickDays;
        definition.PostSendDays = input.PostSendDays;
        definition.Counting = input.Counting;
    }

    // Names compare case-insensitively the same on every provider: an account has at most a few dozen.
    private static async Task<bool> NameTakenAsync(AppDbContext db, int accountId, string name, int? except, CancellationToken ct) =>
        (await db.ConversionDefinitions.AsNoTracking().Where(d => d.AdvertiserAccountId == accountId && d.Id != except).Select(d => d.Name).ToListAsync(ct))
        .Contains(name, StringComparer.OrdinalIgnoreCase);

    private static string LockName(int accountId) => $"conversion-definitions:{accountId}";

    private static string NewTagKey() =>
        "cv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    internal static ConversionDefinitionView View(ConversionDefinition d, long received, long attributed) =>
        new(d.Id, d.Name, d.Category, d.ValueCents, d.PostClickDays, d.PostSendDays, d.Counting, d.TagKey, d.CreatedAt, d.ArchivedAt, received, attributed,
            d.UpdatedAt);

    private AuditEntry Entry(string actor, ConversionDefinition d, string action, string? before, string? after) => new()
    {
        At = clock.GetUtcNow().UtcDateTime, ActorUserId = actor, AdvertiserAccountId = d.AdvertiserAccountId, EntityType = "ConversionDefinition",
        EntityId = d.Id.ToString(CultureInfo.InvariantCulture), Action = action, Before = before, After = after,
    };

    private static string Snapshot(ConversionDefinition d) => JsonSerializer.Serialize(new
    {
        d.Name, Category = d.Category.ToString(), d.ValueCents, d.PostClickDays, d.PostSendDays, Counting = d.Counting.ToString(), d.ArchivedAt,
    }, Json);
}

internal static class ConversionDefinitionState
{
    public static bool IsArchived(this ConversionDefinition definition) => definition.ArchivedAt is not null;
}

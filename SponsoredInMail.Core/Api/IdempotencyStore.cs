using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Api;

/// <summary>What to do with a request that carries an <c>Idempotency-Key</c>.</summary>
public enum IdempotencyStartKind
{
    /// <summary>The first time: run it, then <see cref="IdempotencyStore.CompleteAsync"/> (or abandon it on a server error).</summary>
    Run,

    /// <summary>Done before with this very request: answer with <see cref="IdempotencyStart.Stored"/>.</summary>
    Replay,

    /// <summary>The key was used with another request: 409.</summary>
    Mismatch,

    /// <summary>The first request with this key is still running: 409, retry shortly.</summary>
    InProgress,
}

public sealed record IdempotencyStart(IdempotencyStartKind Kind, IdempotencyRecord? Stored = null);

/// <summary>
/// Remembers API requests by (account, Idempotency-Key), in the database, so that every app instance sees the same keys.
/// The claim is one portable <c>INSERT … ON CONFLICT DO NOTHING</c> on the unique (account, key) index: of two
/// concurrent first attempts exactly one inserts and runs; the other finds the row and is told the first is in progress
/// (or, once it finished, gets its answer). A server error releases the key, so a retry runs again; so does a first
/// attempt that never finished (its process died) after <see cref="IdempotencyRules.Abandoned"/>.
/// </summary>
public sealed class IdempotencyStore(IDbContextFactory<AppDbContext> factory, TimeProvider clock)
{
    public async Task<IdempotencyStart> BeginAsync(int accountId, string key, string requestHash, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await factory.CreateDbContextAsync(ct);
        // Forget this account's expired keys first, so that an old key can be used again.
        var expired = now - IdempotencyRules.Retention;
        await db.IdempotencyRecords.Where(r => r.AdvertiserAccountId == accountId && r.CreatedAt < expired).ExecuteDeleteAsync(ct);

        var inserted = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO "IdempotencyRecords" ("AdvertiserAccountId", "Key", "RequestHash", "CreatedAt")
            VALUES ({accountId}, {key}, {requestHash}, {now})
            ON CONFLICT ("AdvertiserAccountId", "Key") DO NOTHING
            """, ct);
        if (inserted == 1)
        {
            return new IdempotencyStart(IdempotencyStartKind.Run);
        }
        var stored = await db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.AdvertiserAccountId == accountId && r.Key == key, ct);
        if (stored is null)
        {
            // Released between our insert and read (a server error): claim it again.
            return await BeginAsync(accountId, key, requestHash, ct);
        }
        if (stored.RequestHash != requestHash)
        {
            return new IdempotencyStart(IdempotencyStartKind.Mismatch, stored);
        }
        if (stored.CompletedAt is not null)
        {
            return new IdempotencyStart(IdempotencyStartKind.Replay, stored);
        }
        if (stored.CreatedAt < now - IdempotencyRules.Abandoned)
        {
            // Take over an attempt whose process died: a conditional update, so only one retry wins it.
            var taken = await db.IdempotencyRecords
                .Where(r => r.Id == stored.Id && r.CompletedAt == null && r.CreatedAt == stored.CreatedAt)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, now), ct);
            if (taken == 1)
            {
                return new IdempotencyStart(IdempotencyStartKind.Run);
            }
        }
        return new IdempotencyStart(IdempotencyStartKind.InProgress, stored);
    }

    /// <summary>Stores the response of a finished first attempt, to replay to every retry.</summary>
    public async Task CompleteAsync(int accountId, string key, int statusCode, string? contentType, string? location, string body, CancellationToken ct = default, string? etag = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.IdempotencyRecords.Where(r => r.AdvertiserAccountId == accountId && r.Key == key && r.CompletedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.CompletedAt, now)
                .SetProperty(r => r.StatusCode, statusCode)
                .SetProperty(r => r.ContentType, contentType)
                .SetProperty(r => r.Location, location)
                .SetProperty(r => r.ETag, etag)
                .SetProperty(r => r.ResponseBody, body), ct);
    }

    /// <summary>Forgets a key whose first attempt failed on the server's side, so that a retry runs it again.</summary>
    public async Task ReleaseAsync(int accountId, string key, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.IdempotencyRecords.Where(r => r.AdvertiserAccountId == accountId && r.Key == key && r.CompletedAt == null).ExecuteDeleteAsync(ct);
    }
}

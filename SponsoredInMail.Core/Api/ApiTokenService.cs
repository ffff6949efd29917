using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audit;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Api;

/// <summary>A token as the settings page lists it: never the secret, only its first characters.</summary>
public sealed record ApiTokenView(
    int Id, string Name, string Prefix, ApiTokenScope Scope, string CreatedBy, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A token just created: <see cref="Secret"/> exists only here, once; the database keeps its hash.</summary>
public sealed record NewApiToken(int Id, string Name, string Prefix, ApiTokenScope Scope, string Secret);

/// <summary>
/// Who an API request acts for: one account, with the token's scope. <see cref="ActingUserId"/> is the token's
/// creator; the API calls Core's services as that user, so their seat checks and account filters apply unchanged.
/// </summary>
public sealed record ApiCaller(int TokenId, int AccountId, ApiTokenScope Scope, string ActingUserId)
{
    public bool CanWrite => Scope == ApiTokenScope.ReadWrite;
}

/// <summary>
/// Account API tokens: Managers create and revoke, every seat lists. The secret is <c>sim_</c> plus 32 random
/// bytes (base64url), shown once; only its SHA-256 hash and first characters are stored. A token works while it is
/// not revoked and its creator still has a seat on the account; a creator who is now a Viewer leaves it read-only.
/// </summary>
public sealed class ApiTokenService(IDbContextFactory<AppDbContext> factory, AccountScope accountScope, TimeProvider clock)
{
    public const string SecretPrefix = "sim_";
    public const int NameMax = 60;
    public const int MaxActiveTokensPerAccount = 25;

    /// <summary>How stale <see cref="ApiToken.LastUsedAt"/> may get before a request writes it again.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const int SecretBytes = 32;
    private const int ShownPrefixLength = 12;
    private static readonly int SecretLength = SecretPrefix.Length + Base64UrlLength(SecretBytes);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<NewApiToken>> CreateAsync(string actorUserId, int accountId, string name, ApiTokenScope scope, CancellationToken ct = default)
    {
        if (await accountScope.RequireManagerAsync<ApiToken>(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        var errors = new List<FieldError>();
        FieldRules.SingleLine(errors, "name", "Token name", name?.Trim(), 1, NameMax);
        if (!Enum.IsDefined(scope))
        {
            errors.Add(new FieldError("scope", "Choose read-only or read-write."));
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        // The limit spans rows (one not there yet): creations of one account take turns, counting under the lock.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await AccountScope.LockSeatAsync<ApiToken>(db, actorUserId, accountId, ct) is { } refusedNow)
        {
            return refusedNow;
        }
        await db.LockNameAsync($"api-tokens:{accountId}", ct);
        var active = await db.ApiTokens.CountAsync(t => t.AdvertiserAccountId == accountId && t.RevokedAt == null, ct);
        if (active >= MaxActiveTokensPerAccount)
        {
            errors.Add(new FieldError("name", $"An account can have at most {MaxActiveTokensPerAccount} active tokens; revoke one first."));
        }
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        var now = Now();
        var token = new ApiToken
        {
            AdvertiserAccountId = accountId, Name = name!.Trim(), Prefix = secret[..ShownPrefixLength], SecretHash = Hash(secret), Scope = scope,
            CreatedByUserId = actorUserId, CreatedAt = now,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        db.AuditLog.Add(Entry(actorUserId, token, "API token created", null, Snapshot(token)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<NewApiToken>.Ok(new NewApiToken(token.Id, token.Name, token.Prefix, token.Scope, secret));
    }

    /// <summary>The account's tokens, active first, newest first; empty without a seat.</summary>
    public async Task<IReadOnlyList<ApiTokenView>> ListAsync(string actorUserId, int accountId, CancellationToken ct = default)
    {
        if (!await accountScope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        return await (from t in db.ApiTokens.AsNoTracking()
                      where t.AdvertiserAccountId == accountId
                      join u in db.Users on t.CreatedByUserId equals u.Id into creators
                      from u in creators.DefaultIfEmpty()
                      orderby t.RevokedAt != null, t.CreatedAt descending, t.Id descending
                      select new ApiTokenView(t.Id, t.Name, t.Prefix, t.Scope, u == null ? "Former team member" : u.DisplayName, t.CreatedAt, t.LastUsedAt, t.RevokedAt))
            .ToListAsync(ct);
    }

    /// <summary>Revokes a token of the account for good; its next request gets 401.</summary>
    public async Task<Result> RevokeAsync(string actorUserId, int accountId, int tokenId, CancellationToken ct = default)
    {
        await using var change = await accountScope.ChangeAsync<ApiToken>(actorUserId, accountId, tokenId, ct, transaction: true);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, token) = (change.Db, change.Entity);
        if (token.RevokedAt is not null)
        {
            return Result.Fail("token", "This token is already revoked.");
        }
        var before = Snapshot(token);
        token.RevokedAt = Now();
        db.AuditLog.Add(Entry(actorUserId, token, "API token revoked", before, Snapshot(token)));
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>
    /// The caller a secret stands for, or null when it is unknown, revoked, or its creator has no seat on the account
    /// any more. Looks the token up by the hash of the secret (a unique index); writes LastUsedAt at most once a minute.
    /// </summary>
    public async Task<ApiCaller?> AuthenticateAsync(string? secret, CancellationToken ct = default)
    {
        if (secret is null || secret.Length != SecretLength || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var hash = Hash(secret);
        await using var db = await factory.CreateDbContextAsync(ct);
        var found = await (from t in db.ApiTokens.AsNoTracking()
                           where t.SecretHash == hash && t.RevokedAt == null
                           join m in db.AccountMemberships on new { t.AdvertiserAccountId, UserId = t.CreatedByUserId } equals new { m.AdvertiserAccountId, m.UserId }
                           select new { t.Id, t.AdvertiserAccountId, t.Scope, t.CreatedByUserId, t.LastUsedAt, m.Role }).FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return null;
        }
        var now = Now();
        if (found.LastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            // The condition is in the WHERE: of concurrent requests, one writes per minute (no read-then-write race).
            var since = now - LastUsedResolution;
            await db.ApiTokens.Where(t => t.Id == found.Id && (t.LastUsedAt == null || t.LastUsedAt <= since))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
        // A token can do no more than its creator can now: a creator demoted to Viewer leaves a read-only token.
        var scope = found.Role == AccountRole.Manager ? found.Scope : ApiTokenScope.ReadOnly;
        return new ApiCaller(found.Id, found.AdvertiserAccountId, scope, found.CreatedByUserId);
    }

    /// <summary>Lower-case hex SHA-256 of the secret, as stored in <see cref="ApiToken.SecretHash"/>.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int Base64UrlLength(int bytes) => (bytes * 4 + 2) / 3;

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private AuditEntry Entry(string actor, ApiToken token, string action, string? before, string? after) => new()
    {
        At = Now(), ActorUserId = actor, AdvertiserAccountId = token.AdvertiserAccountId, EntityType = "ApiToken",
        EntityId = token.Id.ToString(CultureInfo.InvariantCulture), Action = action, Before = before, After = after,
    };

    private static string Snapshot(ApiToken t) =>
        JsonSerializer.Serialize(new { t.Name, t.Prefix, Scope = t.Scope.ToString(), t.RevokedAt }, Json);
}

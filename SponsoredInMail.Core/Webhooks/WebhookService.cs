using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audit;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Webhooks;

/// <summary>An endpoint as the webhooks page lists it. <see cref="Secret"/> is the real secret for Managers only.</summary>
public sealed record WebhookEndpointView(
    int Id, string Url, WebhookEvents Events, string Secret, bool SecretVisible, DateTime CreatedAt, string CreatedBy,
    DateTime? DisabledAt, string? DisabledReason, int Pending, int Failed, DateTime? LastDeliveredAt, DateTime UpdatedAt)
{
    public bool IsEnabled => DisabledAt is null;
}

/// <summary>One line of an endpoint's delivery log.</summary>
public sealed record WebhookDeliveryView(
    long Id, string EventType, string IdempotencyKey, WebhookDeliveryStatus Status, int Attempts, int? LastStatusCode, string? LastError,
    int? LastDurationMs, DateTime CreatedAt, DateTime? LastAttemptAt, DateTime? NextAttemptAt, DateTime? DeliveredAt, bool Sending);

public sealed record WebhookAttemptView(DateTime At, int? StatusCode, int DurationMs, string? Error);

/// <summary>What the page or the API submits for an endpoint.</summary>
public sealed record WebhookEndpointInput(string? Url, WebhookEvents Events);

/// <summary>
/// An account's webhook endpoints: Managers create, change, disable, enable, delete them and rotate their secrets, and
/// replay deliveries; every seat lists them and reads the delivery log (the secret masked for Viewers). Every change
/// is audited. Validation is <see cref="WebhookRules"/>; at most <see cref="WebhookRules.MaxEndpointsPerAccount"/> per account.
/// </summary>
public sealed class WebhookService(
    IDbContextFactory<AppDbContext> factory, AccountScope accountScope, AccountService accounts, IOptions<WebhookOptions> options,
    WebhookSignal signal, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<WebhookEndpointView>> CreateAsync(string actorUserId, int accountId, WebhookEndpointInput input, CancellationToken ct = default)
    {
        if (await accountScope.RequireManagerAsync<WebhookEndpoint>(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        var errors = new List<FieldError>();
        WebhookRules.Validate(errors, input.Url, input.Events, options.Value.AllowPrivateTargets);
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        // The limit spans rows (one not there yet): creations of one account take turns, counting under the lock.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await AccountScope.LockSeatAsync<WebhookEndpoint>(db, actorUserId, accountId, ct) is { } refusedNow)
        {
            return refusedNow;
        }
        await db.LockNameAsync($"webhooks:{accountId}", ct);
        if (await db.WebhookEndpoints.CountAsync(e => e.AdvertiserAccountId == accountId, ct) >= WebhookRules.MaxEndpointsPerAccount)
        {
            return Result.Fail("url", $"An account can have at most {WebhookRules.MaxEndpointsPerAccount} webhook endpoints; delete one first.");
        }
        var now = Now();
        var endpoint = new WebhookEndpoint
        {
            AdvertiserAccountId = accountId, Url = input.Url!, Events = input.Events, Secret = WebhookRules.NewSecret(),
            CreatedAt = now, CreatedBy = actorUserId, UpdatedAt = now,
        };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        db.AuditLog.Add(Entry(actorUserId, endpoint, "Webhook endpoint created", null, Snapshot(endpoint)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Result<WebhookEndpointView>.Ok((await ListAsync(actorUserId, accountId, ct)).Single(e => e.Id == endpoint.Id));
    }

    /// <summary>The account's endpoints, oldest first; empty without a seat. Viewers get the secret masked.</summary>
    public async Task<IReadOnlyList<WebhookEndpointView>> ListAsync(string actorUserId, int accountId, CancellationToken ct = default)
    {
        var role = await accounts.GetRoleAsync(actorUserId, accountId, ct);
        if (role is null)
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var endpoints = await (from e in db.WebhookEndpoints.AsNoTracking()
                               where e.AdvertiserAccountId == accountId
                               join u in db.Users on e.CreatedBy equals u.Id into creators
                               from u in creators.DefaultIfEmpty()
                               orderby e.CreatedAt, e.Id
                               select new { Endpoint = e, CreatedBy = u == null ? "Former team member" : u.DisplayName }).ToListAsync(ct);
        var ids = endpoints.Select(e => e.Endpoint.Id).ToList();
        var counts = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => ids.Contains(d.WebhookEndpointId))
            .GroupBy(d => d.WebhookEndpointId)
            .Select(g => new
            {
                Id = g.Key,
                Pending = g.Count(d => d.Status == WebhookDeliveryStatus.Pending),
                Failed = g.Count(d => d.Status == WebhookDeliveryStatus.Failed),
                LastDelivered = g.Max(d => d.DeliveredAt),
            })
            .ToDictionaryAsync(c => c.Id, ct);
        var manager = role == AccountRole.Manager;
        return endpoints.ConvertAll(row =>
        {
            var e = row.Endpoint;
            counts.TryGetValue(e.Id, out var c);
            return new WebhookEndpointView(e.Id, e.Url, e.Events, manager ? e.Secret : WebhookRules.MaskedSecret, manager, e.CreatedAt, row.CreatedBy,
                e.DisabledAt, e.DisabledReason, c?.Pending ?? 0, c?.Failed ?? 0, c?.LastDelivered, e.UpdatedAt);
        });
    }

    /// <summary>One endpoint as <see cref="ListAsync"/> shows it; null without a seat or for another account's endpoint.</summary>
    public async Task<WebhookEndpointView?> GetAsync(string actorUserId, int accountId, int endpointId, CancellationToken ct = default) =>
        (await ListAsync(actorUserId, accountId, ct)).FirstOrDefault(e => e.Id == endpointId);

    /// <summary>Changes an endpoint's URL and events (its secret and log stay).</summary>
    public async Task<Result> UpdateAsync(string actorUserId, int accountId, int endpointId, WebhookEndpointInput input, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        WebhookRules.Validate(errors, input.Url, input.Events, options.Value.AllowPrivateTargets);
        return await ChangeAsync(actorUserId, accountId, endpointId, "Webhook endpoint changed", endpoint =>
        {
            if (errors.Count > 0)
            {
                return Result.Fail(errors);
            }
            endpoint.Url = input.Url!;
            endpoint.Events = input.Events;
            return Result.Ok;
        }, ct);
    }

    /// <summary>Stops sending to an endpoint; its pending deliveries wait until it is enabled again. No new events are queued for it meanwhile.</summary>
    public async Task<Result> DisableAsync(string actorUserId, int accountId, int endpointId, CancellationToken ct = default)
    {
        var who = await UserNameAsync(actorUserId, ct);
        return await ChangeAsync(actorUserId, accountId, endpointId, "Webhook endpoint disabled", endpoint =>
        {
            if (!endpoint.IsEnabled)
            {
                return Result.Fail("webhook", "This endpoint is already disabled.");
            }
            endpoint.DisabledAt = Now();
            endpoint.DisabledReason = $"Disabled by {who} on {Format(endpoint.DisabledAt.Value)}.";
            return Result.Ok;
        }, ct);
    }

    /// <summary>Sends to an endpoint again; its pending deliveries are attempted at once.</summary>
    public async Task<Result> EnableAsync(string actorUserId, int accountId, int endpointId, CancellationToken ct = default)
    {
        var now = Now();
        var result = await ChangeAsync(actorUserId, accountId, endpointId, "Webhook endpoint enabled", endpoint =>
        {
            if (endpoint.IsEnabled)
            {
                return Result.Fail("webhook", "This endpoint is already enabled.");
            }
            endpoint.DisabledAt = null;
            endpoint.DisabledReason = null;
            return Result.Ok;
        }, ct, after: db => db.WebhookDeliveries
            .Where(d => d.WebhookEndpointId == endpointId && d.Status == WebhookDeliveryStatus.Pending && !(d.LastAttemptAt != null && d.LastDurationMs == null && d.NextAttemptAt > now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, now), ct));
        if (result.Succeeded)
        {
            signal.Pulse();
        }
        return result;
    }

    /// <summary>A new signing secret; the old one stops working at once (shown on the page to configure the receiver).</summary>
    public async Task<Result> RotateSecretAsync(string actorUserId, int accountId, int endpointId, CancellationToken ct = default) =>
        await ChangeAsync(actorUserId, accountId, endpointId, "Webhook secret rotated", endpoint =>
        {
            endpoint.Secret = WebhookRules.NewSecret();
            return Result.Ok;
        }, ct);

    /// <summary>Deletes an endpoint with its delivery log.</summary>
    public async Task<Result> DeleteAsync(string actorUserId, int accountId, int endpointId, CancellationToken ct = default)
    {
        await using var change = await accountScope.ChangeAsync<WebhookEndpoint>(actorUserId, accountId, endpointId, ct, transaction: true);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, endpoint) = (change.Db, change.Entity);
        db.AuditLog.Add(Entry(actorUserId, endpoint, "Webhook endpoint deleted", Snapshot(endpoint), null));
        db.WebhookEndpoints.Remove(endpoint);
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>
    /// Sends a delivery again, now, with the same idempotency key (a receiver that has it already drops it). A delivery
    /// older than the retry window gets this one attempt; a younger one carries on with back-off if it fails.
    /// </summary>
    public async Task<Result> ReplayAsync(string actorUserId, int accountId, int endpointId, long deliveryId, CancellationToken ct = default)
    {
        await using var change = await accountScope.ChangeAsync<WebhookEndpoint>(actorUserId, accountId, endpointId, ct, transaction: true);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, endpoint) = (change.Db, change.Entity);
        var delivery = await db.WebhookDeliveries.AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == deliveryId && d.WebhookEndpointId == endpointId && d.AdvertiserAccountId == accountId, ct);
        if (delivery is null)
        {
            return Result.Fail("delivery", "Delivery not found.");
        }
        if (!endpoint.IsEnabled)
        {
            return Result.Fail("delivery", "This endpoint is disabled; enable it to send to it again.");
        }
        var now = Now();
        // Conditional: a delivery a sender has claimed (being sent right now) is left to it, so no two sends overlap.
        var replayed = await db.WebhookDeliveries
            .Where(d => d.Id == deliveryId && !(d.LastAttemptAt != null && d.LastDurationMs == null && d.NextAttemptAt > now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Pending).SetProperty(d => d.NextAttemptAt, now), ct);
        if (replayed == 0)
        {
            return Result.Fail("delivery", "This delivery is being sent right now.");
        }
        db.AuditLog.Add(new AuditEntry
        {
            At = now, ActorUserId = actorUserId, AdvertiserAccountId = accountId, EntityType = "WebhookDelivery",
            EntityId = deliveryId.ToString(CultureInfo.InvariantCulture), Action = "Webhook delivery replayed",
            Before = JsonSerializer.Serialize(new { Status = delivery.Status.ToString(), delivery.IdempotencyKey, Endpoint = endpoint.Url }, Json),
            After = JsonSerializer.Serialize(new { Status = nameof(WebhookDeliveryStatus.Pending), delivery.IdempotencyKey, Endpoint = endpoint.Url }, Json),
        });
        await db.SaveChangesAsync(ct);
        await change.CommitAsync(ct);
        signal.Pulse();
        return Result.Ok;
    }

    /// <summary>An endpoint's delivery log, newest first; empty without a seat or for another account's endpoint.</summary>
    public async Task<Page<WebhookDeliveryView>> DeliveriesAsync(string actorUserId, int accountId, int endpointId, int skip, int take, CancellationToken ct = default)
    {
        if (!await accountScope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return new Page<WebhookDeliveryView>([], 0);
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.WebhookEndpointId == endpointId && d.AdvertiserAccountId == accountId);
        var total = await query.CountAsync(ct);
        var now = Now();
        var rows = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .ToListAsync(ct);
        return new Page<WebhookDeliveryView>(rows.ConvertAll(d => new WebhookDeliveryView(d.Id, d.EventType, d.IdempotencyKey, d.Status, d.Attempts,
            d.LastStatusCode, d.LastError, d.LastDurationMs, d.CreatedAt, d.LastAttemptAt, d.NextAttemptAt, d.DeliveredAt,
            Sending: d.Status == WebhookDeliveryStatus.Pending && d.LastAttemptAt != null && d.LastDurationMs == null && d.NextAttemptAt > now)), total);
    }

    /// <summary>
    /// A page of an endpoint's delivery log, newest first by id (keyset: the deliveries with an id below
    /// <paramref name="beforeId"/>), optionally of one status; reads up to <paramref name="take"/> (1–500). Empty without
    /// a seat or for another account's endpoint.
    /// </summary>
    public async Task<IReadOnlyList<WebhookDeliveryView>> DeliveriesAsync(
        string actorUserId, int accountId, int endpointId, WebhookDeliveryStatus? status, long? beforeId, int take, CancellationToken ct = default)
    {
        if (!await accountScope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.WebhookEndpointId == endpointId && d.AdvertiserAccountId == accountId);
        if (status is { } wanted)
        {
            query = query.Where(d => d.Status == wanted);
        }
        if (beforeId is { } before)
        {
            query = query.Where(d => d.Id < before);
        }
        var now = Now();
        var rows = await query.OrderByDescending(d => d.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return rows.ConvertAll(d => View(d, now));
    }

    /// <summary>One delivery of one endpoint; null without a seat, for another endpoint's or another account's delivery.</summary>
    public async Task<WebhookDeliveryView?> DeliveryAsync(string actorUserId, int accountId, int endpointId, long deliveryId, CancellationToken ct = default)
    {
        if (!await accountScope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var delivery = await db.WebhookDeliveries.AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == deliveryId && d.WebhookEndpointId == endpointId && d.AdvertiserAccountId == accountId, ct);
        return delivery is null ? null : View(delivery, Now());
    }

    private static WebhookDeliveryView View(WebhookDelivery d, DateTime now) => new(d.Id, d.EventType, d.IdempotencyKey, d.Status, d.Attempts,
        d.LastStatusCode, d.LastError, d.LastDurationMs, d.CreatedAt, d.LastAttemptAt, d.NextAttemptAt, d.DeliveredAt,
        Sending: d.Status == WebhookDeliveryStatus.Pending && d.LastAttemptAt != null && d.LastDurationMs == null && d.NextAttemptAt > now);

    /// <summary>Every attempt of one delivery, newest first; empty without a seat or for another account's delivery.</summary>
    public async Task<IReadOnlyList<WebhookAttemptView>> AttemptsAsync(string actorUserId, int accountId, long deliveryId, CancellationToken ct = default)
    {
        if (!await accountScope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        return await (from a in db.WebhookAttempts.AsNoTracking()
                      join d in db.WebhookDeliveries on a.WebhookDeliveryId equals d.Id
                      where d.Id == deliveryId && d.AdvertiserAccountId == accountId
                      orderby a.At descending, a.Id descending
                      select new WebhookAttemptView(a.At, a.StatusCode, a.DurationMs, a.Error)).ToListAsync(ct);
    }

    /// <summary>How the page and the automatic disable notice write a time: "24 Nov 2026 12:00 UTC".</summary>
    public static string Format(DateTime at) => at.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " UTC";

    private async Task<Result> ChangeAsync(string actorUserId, int accountId, int endpointId, string action, Func<WebhookEndpoint, Result> apply,
        CancellationToken ct, Func<AppDbContext, Task>? after = null)
    {
        await using var change = await accountScope.ChangeAsync<WebhookEndpoint>(actorUserId, accountId, endpointId, ct, transaction: true);
        if (change.Refusal is { } refused)
        {
            return refused;
        }
        var (db, endpoint) = (change.Db, change.Entity);
        var before = Snapshot(endpoint);
        if (apply(endpoint) is { Succeeded: false } failed)
        {
            return failed;
        }
        endpoint.UpdatedAt = Now();
        db.AuditLog.Add(Entry(actorUserId, endpoint, action, before, Snapshot(endpoint)));
        await db.SaveChangesAsync(ct);
        if (after is not null)
        {
            await after(db);
        }
        await change.CommitAsync(ct);
        return Result.Ok;
    }

    private async Task<string> UserNameAsync(string userId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) ?? "a Manager";
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private AuditEntry Entry(string actor, WebhookEndpoint endpoint, string action, string? before, string? after) => new()
    {
        At = Now(), ActorUserId = actor, AdvertiserAccountId = endpoint.AdvertiserAccountId, EntityType = "WebhookEndpoint",
        EntityId = endpoint.Id.ToString(CultureInfo.InvariantCulture), Action = action, Before = before, After = after,
    };

    // Never the secret: the audit log is read by admins and other Managers.
    private static string Snapshot(WebhookEndpoint e) =>
        JsonSerializer.Serialize(new { e.Url, Events = e.Events.ToString(), SecretEndsWith = e.Secret[^4..], e.DisabledAt, e.DisabledReason }, Json);
}

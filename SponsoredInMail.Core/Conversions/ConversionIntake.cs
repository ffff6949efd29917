using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Core.Conversions;

/// <summary>One event of a Conversions API request (the API's field names in errors: <c>events[i].field</c>).</summary>
/// <param name="ConversionId">The id of the conversion definition this event counts for.</param>
/// <param name="EventId">Your own unique id of the event (1–100 characters); a retry with the same id is a duplicate, never counted twice.</param>
/// <param name="OccurredAt">When the conversion happened, UTC.</param>
/// <param name="ClickId">The <c>simclid</c> parameter of the landing URL the member arrived by, if you kept it.</param>
/// <param name="EmailSha256">The SHA-256 (hex) of the member's trimmed, lower-case e-mail address.</param>
/// <param name="ValueCents">The value of this conversion in cents; without it, the definition's value.</param>
public sealed record ApiConversion(int? ConversionId, string? EventId, DateTime? OccurredAt, string? ClickId, string? EmailSha256, long? ValueCents);

/// <summary>What became of one received conversion event.</summary>
public enum ConversionStatus
{
    /// <summary>Stored and credited to one of the account's campaigns.</summary>
    Attributed = 1,

    /// <summary>Stored, but matched no member, no delivery of this account, or fell outside every window.</summary>
    Unattributed = 2,

    /// <summary>An event with this event id was received before: nothing new stored; the first one's result.</summary>
    Duplicate = 3,
}

/// <summary>What happened to one received event.</summary>
public sealed record ConversionOutcome(
    string? EventId, ConversionStatus Status, long ConversionEventId, int? CampaignId, int? AdId, AttributionTouch Touch, bool Counted);

/// <summary>
/// Receives conversions (tag, pixel, Conversions API), matches the member (a click id this app signed, or the SHA-256 of
/// an e-mail among the account's touched members), credits the last touch (<see cref="AttributionRules"/>) and stores
/// every event, attributed or not. Only the account's own deliveries are ever considered, so nothing is attributed to
/// another account's campaigns. One account's events are recorded one batch at a time (a lock on the account's name):
/// that keeps "once per member per window" and the advertiser's event ids exact under concurrent requests.
/// </summary>
public sealed class ConversionIntake(IDbContextFactory<AppDbContext> factory, TrackingTokens tokens, MemberEmailHashes emailHashes, TimeProvider clock)
{
    /// <summary>
    /// An event from the tag or the pixel: the definition named by its public tag key, the click id the tag kept (a
    /// missing, forged or expired one leaves the event unattributed rather than refused), an optional event id (the
    /// advertiser's order number, against double counting) and value.
    /// </summary>
    public async Task<Result<ConversionOutcome>> FromTagAsync(
        string? tagKey, string? clickId, string? eventId, long? valueCents, ConversionSource source, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(tagKey) || tagKey.Length > 40)
        {
            errors.Add(new FieldError("conversion", "The tag names no conversion: copy the snippet again from the Conversions page."));
        }
        CheckEventId(errors, "eventId", eventId, required: false);
        CheckValue(errors, "value", valueCents);
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var definition = await db.ConversionDefinitions.AsNoTracking().FirstOrDefaultAsync(d => d.TagKey == tagKey, ct);
        if (definition is null || definition.ArchivedAt is not null)
        {
            return Result.Fail("conversion", "That conversion does not exist or is archived.");
        }
        var member = await MemberOfClickAsync(db, definition.AdvertiserAccountId, clickId, ct);
        var now = Now();
        var outcomes = await RecordAsync(definition.AdvertiserAccountId,
            [new Pending(definition, NullIfBlank(eventId), now, member, valueCents ?? definition.ValueCents ?? 0, source)], ct);
        return Result<ConversionOutcome>.Ok(outcomes[0]);
    }

    /// <summary>
    /// A Conversions API batch (1–<see cref="ConversionRules.MaxBatch"/> events), all checked before anything is stored:
    /// one bad event refuses the batch with every problem named by field. Idempotent by event id (required here).
    /// </summary>
    public async Task<Result<IReadOnlyList<ConversionOutcome>>> FromApiAsync(int accountId, IReadOnlyList<ApiConversion>? events, CancellationToken ct = default)
    {
        if (events is not { Count: > 0 })
        {
            return Result.Fail("events", "Send at least one event.");
        }
        if (events.Count > ConversionRules.MaxBatch)
        {
            return Result.Fail("events", $"Send at most {ConversionRules.MaxBatch:N0} events per request; this one has {events.Count:N0}.");
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var definitions = await db.ConversionDefinitions.AsNoTracking().Where(d => d.AdvertiserAccountId == accountId).ToDictionaryAsync(d => d.Id, ct);
        var now = Now();
        var errors = new List<FieldError>();
        var clicks = new Dictionary<int, long>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var at = $"events[{i}].";
            if (e is null)
            {
                errors.Add(new FieldError($"events[{i}]", "An event is required here."));
                continue;
            }
            if (e.ConversionId is not { } id)
            {
                errors.Add(new FieldError(at + "conversionId", "Name the conversion (its id from GET /api/v1/conversions)."));
            }
            else if (!definitions.TryGetValue(id, out var definition))
            {
                errors.Add(new FieldError(at + "conversionId", "Conversion not found."));
            }
            else if (definition.ArchivedAt is not null)
            {
                errors.Add(new FieldError(at + "conversionId", "This conversion is archived: restore it to record events."));
            }
            CheckEventId(errors, at + "eventId", e.EventId, required: true);
            if (e.OccurredAt is not { } occurred)
            {
                errors.Add(new FieldError(at + "occurredAt", "When the conversion happened is required (UTC, ISO 8601)."));
            }
            else if (occurred > now + ConversionRules.MaxClockSkew)
            {
                errors.Add(new FieldError(at + "occurredAt", "The time is in the future: send UTC times."));
            }
            else if (occurred < now.AddDays(-ConversionRules.MaxAgeDays))
            {
                errors.Add(new FieldError(at + "occurredAt", $"Events older than {ConversionRules.MaxAgeDays} days cannot be attributed; leave them out."));
            }
            if (e.ClickId is { Length: > 0 } clickId)
            {
                if (await tokens.ReadClickIdAsync(clickId, ct) is { } click)
                {
                    clicks[i] = click.DeliveryId;
                }
                else
                {
                    errors.Add(new FieldError(at + "clickId", "This is not a click id from a tracked click (the simclid parameter of the landing URL)."));
                }
            }
            if (e.EmailSha256 is { Length: > 0 } hash && !MemberEmailHashes.IsWellFormed(hash))
            {
                errors.Add(new FieldError(at + "emailSha256", "Send the SHA-256 of the trimmed, lower-case e-mail address as 64 hexadecimal digits."));
            }
            CheckValue(errors, at + "valueCents", e.ValueCents);
        }
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        var byClick = await MembersOfDeliveriesAsync(db, accountId, clicks.Values, ct);
        var byEmail = await emailHashes.FindAsync(accountId, events.Select(e => e.EmailSha256).OfType<string>(), ct);
        var pending = events.Select((e, i) =>
        {
            var definition = definitions[e.ConversionId!.Value];
            int? member = clicks.TryGetValue(i, out var delivery) && byClick.TryGetValue(delivery, out var clicker) ? clicker
                : e.EmailSha256 is { } hash && byEmail.TryGetValue(hash, out var matched) ? matched : null;
            return new Pending(definition, e.EventId!.Trim(), e.OccurredAt!.Value.ToUniversalTime(), member, e.ValueCents ?? definition.ValueCents ?? 0, ConversionSource.Api);
        }).ToList();
        return Result<IReadOnlyList<ConversionOutcome>>.Ok(await RecordAsync(accountId, pending, ct));
    }

    private sealed record Pending(ConversionDefinition Definition, string? EventId, DateTime OccurredAt, int? MemberId, long ValueCents, ConversionSource Source);

    private async Task<IReadOnlyList<ConversionOutcome>> RecordAsync(int accountId, IReadOnlyList<Pending> events, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockNameAsync($"conversions:{accountId}", ct);

        var eventIds = events.Select(e => e.EventId).OfType<string>().Distinct().ToList();
        var earlier = new Dictionary<string, ConversionOutcome>(StringComparer.Ordinal);
        foreach (var chunk in eventIds.Chunk(500))
        {
            foreach (var row in await db.ConversionEvents.AsNoTracking().Where(e => e.AdvertiserAccountId == accountId && chunk.Contains(e.EventId!)).ToListAsync(ct))
            {
                earlier[row.EventId!] = Outcome(row) with { Status = ConversionStatus.Duplicate };
            }
        }

        var touches = await TouchesAsync(db, accountId, events.Select(e => e.MemberId).OfType<int>().Distinct().ToList(), ct);
        var countedKeys = await CountedKeysAsync(db, touches.Values.SelectMany(t => t).Select(t => t.DeliveryId).Distinct().ToList(), ct);
        var now = Now();
        var rows = new List<(int Index, ConversionEvent Row)>();
        var outcomes = new ConversionOutcome?[events.Count];
        var inBatch = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.EventId is { } id && (earlier.ContainsKey(id) || inBatch.ContainsKey(id)))
            {
                continue; // answered below, once the first one's row has its id
            }
            var definition = e.Definition;
            var touch = e.MemberId is { } member && touches.TryGetValue(member, out var memberTouches)
                ? AttributionRules.LastTouch(memberTouches, e.OccurredAt, definition.PostClickDays, definition.PostSendDays)
                : null;
            var counted = touch is not null
                && (definition.Counting == ConversionCounting.EveryTime || countedKeys.Add((definition.Id, touch.DeliveryId, touch.Kind, touch.At)));
            var row = new ConversionEvent
            {
                AdvertiserAccountId = accountId, ConversionDefinitionId = definition.Id, EventId = e.EventId, Source = e.Source,
                OccurredAt = e.OccurredAt, ReceivedAt = now, MemberId = e.MemberId, ValueCents = e.ValueCents,
                Touch = touch?.Kind ?? AttributionTouch.None, DeliveryId = touch?.DeliveryId, CampaignId = touch?.CampaignId, AdId = touch?.AdId,
                TouchAt = touch?.At, Counted = counted,
            };
            db.ConversionEvents.Add(row);
            rows.Add((i, row));
            if (e.EventId is { } first)
            {
                inBatch[first] = i;
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        foreach (var (index, row) in rows)
        {
            outcomes[index] = Outcome(row);
        }
        for (var i = 0; i < events.Count; i++)
        {
            if (outcomes[i] is null && events[i].EventId is { } id)
            {
                outcomes[i] = earlier.TryGetValue(id, out var before) ? before : outcomes[inBatch[id]]! with { Status = ConversionStatus.Duplicate };
            }
        }
        return outcomes.Select(o => o!).ToList();
    }

    private static ConversionOutcome Outcome(ConversionEvent row) => new(
        row.EventId, row.CampaignId is null ? ConversionStatus.Unattributed : ConversionStatus.Attributed, row.Id, row.CampaignId, row.AdId, row.Touch, row.Counted);

    /// <summary>Each member's touches by the account's campaigns: every send, and every click on one of those sends.</summary>
    private static async Task<Dictionary<int, List<Touch>>> TouchesAsync(AppDbContext db, int accountId, List<int> members, CancellationToken ct)
    {
        var touches = new Dictionary<int, List<Touch>>();
        if (members.Count == 0)
        {
            return touches;
        }
        var deliveries = new List<(long Id, int MemberId, int CampaignId, int AdId, DateTime At)>();
        foreach (var chunk in members.Chunk(500))
        {
            deliveries.AddRange((await db.Deliveries.AsNoTracking().Where(d => chunk.Contains(d.MemberId) && d.AdvertiserAccountId == accountId)
                .Select(d => new { d.Id, d.MemberId, d.CampaignId, d.AdId, d.DeliveredAt }).ToListAsync(ct))
                .Select(d => (d.Id, d.MemberId, d.CampaignId, d.AdId, d.DeliveredAt)));
        }
        var byId = deliveries.ToDictionary(d => d.Id);
        foreach (var d in deliveries)
        {
            Add(d.MemberId, new Touch(d.Id, d.CampaignId, d.AdId, AttributionTouch.Send, d.At));
        }
        var clickKinds = EventKinds.Clicks;
        foreach (var chunk in byId.Keys.Chunk(500))
        {
            var clicks = await db.EngagementEvents.AsNoTracking().Where(e => chunk.Contains(e.DeliveryId) && clickKinds.Contains(e.Kind))
                .Select(e => new { e.DeliveryId, e.At }).ToListAsync(ct);
            foreach (var click in clicks)
            {
                var d = byId[click.DeliveryId];
                Add(d.MemberId, new Touch(d.Id, d.CampaignId, d.AdId, AttributionTouch.Click, click.At));
            }
        }
        return touches;

        void Add(int member, Touch touch)
        {
            if (!touches.TryGetValue(member, out var list))
            {
                touches[member] = list = [];
            }
            list.Add(touch);
        }
    }

    /// <summary>Touches that already have a counted conversion, per definition: "once per member per window" counts no second.</summary>
    private static async Task<HashSet<(int, long, AttributionTouch, DateTime)>> CountedKeysAsync(AppDbContext db, List<long> deliveries, CancellationToken ct)
    {
        var keys = new HashSet<(int, long, AttributionTouch, DateTime)>();
        foreach (var chunk in deliveries.Chunk(500))
        {
            var rows = await db.ConversionEvents.AsNoTracking().Where(e => e.Counted && e.DeliveryId != null && chunk.Contains(e.DeliveryId!.Value))
                .Select(e => new { e.ConversionDefinitionId, e.DeliveryId, e.Touch, e.TouchAt }).ToListAsync(ct);
            foreach (var row in rows)
            {
                keys.Add((row.ConversionDefinitionId, row.DeliveryId!.Value, row.Touch, row.TouchAt!.Value));
            }
        }
        return keys;
    }

    private async Task<int?> MemberOfClickAsync(AppDbContext db, int accountId, string? clickId, CancellationToken ct)
    {
        if (await tokens.ReadClickIdAsync(clickId, ct) is not { } click)
        {
            return null;
        }
        return (await MembersOfDeliveriesAsync(db, accountId, [click.DeliveryId], ct)).TryGetValue(click.DeliveryId, out var member) ? member : null;
    }

    /// <summary>The members of these deliveries — only the account's own: another account's click id matches nobody.</summary>
    private static async Task<Dictionary<long, int>> MembersOfDeliveriesAsync(AppDbContext db, int accountId, IEnumerable<long> deliveries, CancellationToken ct)
    {
        var found = new Dictionary<long, int>();
        foreach (var chunk in deliveries.Distinct().Chunk(500))
        {
            foreach (var d in await db.Deliveries.AsNoTracking().Where(d => chunk.Contains(d.Id) && d.AdvertiserAccountId == accountId)
                         .Select(d => new { d.Id, d.MemberId }).ToListAsync(ct))
            {
                found[d.Id] = d.MemberId;
            }
        }
        return found;
    }

    private static void CheckEventId(List<FieldError> errors, string field, string? eventId, bool required)
    {
        if (string.IsNullOrWhiteSpace(eventId))
        {
            if (required)
            {
                errors.Add(new FieldError(field, "An event id is required: your own unique id for this conversion (e.g. the order number), so a retry is not counted twice."));
            }
            return;
        }
        if (eventId.Trim().Length > ConversionRules.EventIdMax || eventId.Any(char.IsControl))
        {
            errors.Add(new FieldError(field, $"The event id is at most {ConversionRules.EventIdMax} printable characters."));
        }
    }

    private static void CheckValue(List<FieldError> errors, string field, long? valueCents)
    {
        if (valueCents is < 0 or > ConversionRules.MaxValueCents)
        {
            errors.Add(new FieldError(field, string.Create(CultureInfo.InvariantCulture,
                $"The value is in cents, between 0 and {ConversionRules.MaxValueCents:N0}.")));
        }
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}

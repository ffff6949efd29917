using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Core.Webhooks;

/// <summary>
/// Turns committed changes into webhook deliveries (the outbox): for each new lead, campaign status move and attributed
/// conversion, one <see cref="WebhookDelivery"/> per enabled endpoint of the account that subscribes to it, with the
/// JSON body it will be sent with. A durable follower: it resumes from its cursor after a restart, and every instance
/// runs it. The idempotency key is derived from what happened (the lead, the conversion, the change's position), and
/// rows are inserted with ON CONFLICT DO NOTHING on the unique (endpoint, key) index, so a batch handed again, or
/// handled by two instances at once, still queues each event once per endpoint.
/// </summary>
public sealed class WebhookOutbox(IDbContextFactory<AppDbContext> factory, WebhookSignal signal, TimeProvider clock) : IChangeSubscriber
{
    public string Name => "webhooks";

    public bool Durable => true;

    public ValueTask<long> StartPositionAsync(ChangeFeed feed, CancellationToken ct) => ValueTask.FromResult(0L); // durable: the cursor decides

    /// <summary>One event ready to queue: its account, which subscription it needs, its key and its body.</summary>
    private sealed record WebhookEvent(int AccountId, WebhookEvents Flag, string Key, string Payload);

    public async Task HandleAsync(IReadOnlyList<ChangeEnvelope> changes, CancellationToken ct)
    {
        var leads = new List<EngagedMember>();
        var statuses = new List<(ChangeEnvelope Envelope, CampaignChanged Change)>();
        var conversions = new List<ConversionAttributed>();
        foreach (var envelope in changes)
        {
            switch (envelope.Change)
            {
                case EngagementRecorded engagement:
                    leads.AddRange(engagement.Events.Where(e => e.Kind == EventKind.LeadSubmitted));
                    break;
                case CampaignChanged { PreviousStatus: { } previous } campaign when previous != campaign.Status:
                    statuses.Add((envelope, campaign));
                    break;
                case ConversionAttributed conversion:
                    conversions.Add(conversion);
                    break;
            }
        }
        if (leads.Count + statuses.Count + conversions.Count == 0)
        {
            return; // the hot path: opens and clicks cost no query here
        }
        var accountIds = leads.Select(l => l.AdvertiserAccountId).Concat(statuses.Select(s => s.Change.AdvertiserAccountId))
            .Concat(conversions.Select(c => c.AdvertiserAccountId)).Distinct().ToList();
        await using var db = await factory.CreateDbContextAsync(ct);
        var endpoints = await db.WebhookEndpoints.AsNoTracking()
            .Where(e => accountIds.Contains(e.AdvertiserAccountId) && e.DisabledAt == null)
            .Select(e => new { e.Id, e.AdvertiserAccountId, e.Events }).ToListAsync(ct);
        if (endpoints.Count == 0)
        {
            return;
        }
        bool Wanted(int account, WebhookEvents flag) => endpoints.Any(e => e.AdvertiserAccountId == account && e.Events.HasFlag(flag));

        var events = new List<WebhookEvent>();
        events.AddRange(await LeadEventsAsync(db, leads.Where(l => Wanted(l.AdvertiserAccountId, WebhookEvents.LeadCreated)).ToList(), ct));
        events.AddRange(statuses.Where(s => Wanted(s.Change.AdvertiserAccountId, WebhookEvents.CampaignStatusChanged)).Select(s => StatusEvent(s.Envelope, s.Change)));
        events.AddRange(await ConversionEventsAsync(db, conversions.Where(c => Wanted(c.AdvertiserAccountId, WebhookEvents.ConversionAttributed)).ToList(), ct));
        if (events.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var queued = 0;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            foreach (var e in events)
            {
                foreach (var endpoint in endpoints.Where(x => x.AdvertiserAccountId == e.AccountId && x.Events.HasFlag(e.Flag)))
                {
                    var type = WebhookRules.TypeOf(e.Flag);
                    // Portable SQL (SQLite and PostgreSQL): a duplicate of the unique (endpoint, key) index is skipped, not an error.
                    queued += await db.Database.ExecuteSqlInterpolatedAsync($"""
                        INSERT INTO "WebhookDeliveries" ("WebhookEndpointId", "AdvertiserAccountId", "EventType", "IdempotencyKey", "Payload", "CreatedAt", "Status", "Attempts", "NextAttemptAt")
                        VALUES ({endpoint.Id}, {e.AccountId}, {type}, {e.Key}, {e.Payload}, {now}, {(int)WebhookDeliveryStatus.Pending}, {0}, {now})
                        ON CONFLICT ("WebhookEndpointId", "IdempotencyKey") DO NOTHING
                        """, ct);
                }
            }
            await transaction.CommitAsync(ct);
        }
        if (queued > 0)
        {
            signal.Pulse();
        }
    }

    private static async Task<List<WebhookEvent>> LeadEventsAsync(AppDbContext db, List<EngagedMember> submitted, CancellationToken ct)
    {
        if (submitted.Count == 0)
        {
            return [];
        }
        var campaignIds = submitted.Select(s => s.CampaignId).Distinct().ToList();
        var memberIds = submitted.Select(s => s.MemberId).Distinct().ToList();
        var rows = await (from l in db.Leads.AsNoTracking()
                          where campaignIds.Contains(l.CampaignId) && memberIds.Contains(l.MemberId)
                          join c in db.Campaigns on l.CampaignId equals c.Id
                          join f in db.LeadGenForms on l.LeadFormId equals f.Id
                          select new { Lead = l, Campaign = c.Name, Form = f.Name }).ToListAsync(ct);
        var wanted = submitted.Select(s => (s.CampaignId, s.MemberId)).ToHashSet();
        return rows.Where(r => wanted.Contains((r.Lead.CampaignId, r.Lead.MemberId))).Select(r =>
        {
            var lead = r.Lead;
            var key = $"{WebhookRules.LeadCreated}:{lead.Id.ToString(CultureInfo.InvariantCulture)}";
            var data = new JsonObject
            {
                ["leadId"] = lead.Id,
                ["campaign"] = new JsonObject { ["id"] = lead.CampaignId, ["name"] = r.Campaign },
                ["form"] = new JsonObject { ["id"] = lead.LeadFormId, ["name"] = r.Form },
                // The member's answers, field label → answer, in the form's order (as stored).
                ["answers"] = JsonNode.Parse(lead.AnswersJson) ?? new JsonObject(),
                ["submittedAt"] = lead.SubmittedAt,
            };
            return new WebhookEvent(lead.AdvertiserAccountId, WebhookEvents.LeadCreated, key, Body(key, WebhookRules.LeadCreated, lead.AdvertiserAccountId, lead.SubmittedAt, data));
        }).ToList();
    }

    private static WebhookEvent StatusEvent(ChangeEnvelope envelope, CampaignChanged change)
    {
        // The change is the transition itself (its from and to), so it is read from the change, not the campaign's row now.
        var key = FormattableString.Invariant($"{WebhookRules.CampaignStatusChanged}:{change.CampaignId}:{envelope.Position}");
        var data = new JsonObject
        {
            ["campaign"] = new JsonObject { ["id"] = change.CampaignId, ["name"] = change.Name },
            ["from"] = change.PreviousStatus.ToString(),
            ["to"] = change.Status.ToString(),
            ["at"] = envelope.At,
        };
        return new WebhookEvent(change.AdvertiserAccountId, WebhookEvents.CampaignStatusChanged, key,
            Body(key, WebhookRules.CampaignStatusChanged, change.AdvertiserAccountId, envelope.At, data));
    }

    private static async Task<List<WebhookEvent>> ConversionEventsAsync(AppDbContext db, List<ConversionAttributed> attributed, CancellationToken ct)
    {
        if (attributed.Count == 0)
        {
            return [];
        }
        var ids = attributed.Select(a => a.ConversionEventId).Distinct().ToList();
        var rows = await (from e in db.ConversionEvents.AsNoTracking()
                          where ids.Contains(e.Id)
                          join d in db.ConversionDefinitions on e.ConversionDefinitionId equals d.Id
                          join c in db.Campaigns on e.CampaignId equals c.Id into campaigns
                          from c in campaigns.DefaultIfEmpty()
                          select new { Event = e, Definition = d.Name, Campaign = c == null ? null : c.Name }).ToListAsync(ct);
        return rows.Where(r => r.Event.CampaignId is not null).Select(r =>
        {
            var e = r.Event;
            var key = $"{WebhookRules.ConversionAttributed}:{e.Id.ToString(CultureInfo.InvariantCulture)}";
            var data = new JsonObject
            {
                ["conversionEventId"] = e.Id,
                ["definition"] = new JsonObject { ["id"] = e.ConversionDefinitionId, ["name"] = r.Definition },
                ["campaign"] = new JsonObject { ["id"] = e.CampaignId, ["name"] = r.Campaign },
                ["adId"] = e.AdId,
                ["touch"] = e.Touch switch { AttributionTouch.Click => "click", AttributionTouch.Send => "send", _ => "none" },
                ["valueCents"] = e.ValueCents,
                ["occurredAt"] = e.OccurredAt,
            };
            return new WebhookEvent(e.AdvertiserAccountId, WebhookEvents.ConversionAttributed, key,
                Body(key, WebhookRules.ConversionAttributed, e.AdvertiserAccountId, e.ReceivedAt, data));
        }).ToList();
    }

    private static string Body(string key, string type, int accountId, DateTime createdAt, JsonObject data) =>
        new JsonObject
        {
            ["id"] = key,
            ["type"] = type,
            ["createdAt"] = DateTime.SpecifyKind(createdAt, DateTimeKind.Utc),
            ["accountId"] = accountId,
            ["data"] = data,
        }.ToJsonString();
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SponsoredInMail.Core.Webhooks;

/// <summary>The events an endpoint subscribes to.</summary>
[Flags]
public enum WebhookEvents
{
    None = 0,
    LeadCreated = 1,
    CampaignStatusChanged = 2,
    ConversionAttributed = 4,
}

/// <summary>
/// Where an account's events are POSTed (lead sync to a CRM, status changes, attributed conversions). Every request is
/// signed with <see cref="Secret"/>. An endpoint that keeps failing is disabled (<see cref="DisabledAt"/>, with the
/// reason shown to the marketer) until a Manager enables it again.
/// </summary>
public class WebhookEndpoint : Accounts.IAccountOwned<WebhookEndpoint>
{
    public static Accounts.OwnedNames Names { get; } = new("webhook", "Webhook endpoint", "webhooks");

    public int Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public required string Url { get; set; }

    /// <summary>The signing secret ("whsec_" and random characters), shown to Managers to configure the receiver.</summary>
    public required string Secret { get; set; }

    public WebhookEvents Events { get; set; }

    public DateTime CreatedAt { get; set; }
    public required string CreatedBy { get; set; }

    /// <summary>The last change of its settings, state or secret (the API's version of it; CreatedAt until then).</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>Set when the endpoint was disabled (by a Manager, or automatically after failing for too long).</summary>
    public DateTime? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }

    public bool IsEnabled => DisabledAt is null;
}

/// <summary>Where a webhook delivery stands.</summary>
public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its next attempt (<see cref="WebhookDelivery.NextAttemptAt"/>).</summary>
    Pending = 1,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered = 2,

    /// <summary>Every attempt for 24 hours failed; a Manager may replay it.</summary>
    Failed = 3,
}

/// <summary>
/// One event for one endpoint (the outbox): created from the change feed, attempted until the receiver answers 2xx
/// or 24 hours have passed, with exponential back-off. <see cref="IdempotencyKey"/> is the same on every attempt and
/// replay, so a receiver can drop repeats.
/// </summary>
public class WebhookDelivery
{
    public long Id { get; set; }
    public int WebhookEndpointId { get; set; }
    public int AdvertiserAccountId { get; set; }

    /// <summary>"lead.created", "campaign.status_changed" or "conversion.attributed".</summary>
    public required string EventType { get; set; }

    public required string IdempotencyKey { get; set; }

    /// <summary>The exact JSON body sent (signed as is).</summary>
    public required string Payload { get; set; }

    public DateTime CreatedAt { get; set; }
    public WebhookDeliveryStatus Status { get; set; } = WebhookDeliveryStatus.Pending;
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public int? LastDurationMs { get; set; }
    public DateTime? DeliveredAt { get; set; }
}

/// <summary>One attempt of a delivery, for the delivery log.</summary>
public class WebhookAttempt
{
    public long Id { get; set; }
    public long WebhookDeliveryId { get; set; }
    public DateTime At { get; set; }
    public int? StatusCode { get; set; }
    public int DurationMs { get; set; }
    public string? Error { get; set; }
}

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> endpoint)
    {
        endpoint.Property(e => e.Url).HasMaxLength(2048);
        endpoint.Property(e => e.Secret).HasMaxLength(100);
        endpoint.Property(e => e.CreatedBy).HasMaxLength(450);
        endpoint.Property(e => e.DisabledReason).HasMaxLength(500);
        endpoint.Ignore(e => e.IsEnabled);
        endpoint.HasIndex(e => e.AdvertiserAccountId);
        endpoint.HasOne<Accounts.AdvertiserAccount>().WithMany().HasForeignKey(e => e.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> delivery)
    {
        delivery.Property(d => d.EventType).HasMaxLength(40);
        delivery.Property(d => d.IdempotencyKey).HasMaxLength(100);
        delivery.Property(d => d.LastError).HasMaxLength(500);
        delivery.HasIndex(d => new { d.WebhookEndpointId, d.IdempotencyKey }).IsUnique();
        delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
        delivery.HasIndex(d => new { d.WebhookEndpointId, d.CreatedAt });
        delivery.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.WebhookEndpointId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> attempt)
    {
        attempt.Property(a => a.Error).HasMaxLength(500);
        attempt.HasIndex(a => new { a.WebhookDeliveryId, a.At });
        attempt.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.WebhookDeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}

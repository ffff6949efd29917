using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SponsoredInMail.Core.Conversions;

/// <summary>What kind of action a conversion definition counts.</summary>
public enum ConversionCategory
{
    /// <summary>A lead: a contact or demo request, a form sent.</summary>
    Lead = 1,

    /// <summary>A sign-up: an account or trial created.</summary>
    SignUp = 2,

    /// <summary>A purchase.</summary>
    Purchase = 3,

    /// <summary>A download: a report, an app, a white paper.</summary>
    Download = 4,

    /// <summary>Any other action.</summary>
    Other = 5,
}

/// <summary>How often one member's conversions of one definition count.</summary>
public enum ConversionCounting
{
    /// <summary>At most one counted conversion per member per attribution window (per touch that opened the window).</summary>
    OncePerMemberPerWindow = 1,

    /// <summary>Every conversion counts (purchases, downloads).</summary>
    EveryTime = 2,
}

/// <summary>
/// Something an advertiser counts as a conversion on their own site (SPEC seed 001: "website visits post-send"), with
/// its attribution windows. Its <see cref="TagKey"/> is public (it appears in the advertiser's page source): it names
/// the definition in tag and pixel events, nothing more.
/// </summary>
public class ConversionDefinition : Accounts.IAccountOwned<ConversionDefinition>
{
    public static Accounts.OwnedNames Names { get; } = new("conversion", "Conversion", "conversions");

    public int Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public required string Name { get; set; }
    public ConversionCategory Category { get; set; }

    /// <summary>The value of one conversion in cents (null: no value; the tag or API may send one per event).</summary>
    public long? ValueCents { get; set; }

    /// <summary>Days after a click during which a conversion is credited to it (1, 7, 30 or 90).</summary>
    public int PostClickDays { get; set; } = 30;

    /// <summary>Days after a send (no click) during which a conversion is credited to it (1, 7 or 30).</summary>
    public int PostSendDays { get; set; } = 7;

    public ConversionCounting Counting { get; set; } = ConversionCounting.OncePerMemberPerWindow;

    /// <summary>Public key naming this definition in the tag and pixel ("cv_" and 16 random characters).</summary>
    public required string TagKey { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>The last edit, archive or restore (the API's version of it; CreatedAt until then).</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>Archived definitions accept no new events; their conversions stay in reports.</summary>
    public DateTime? ArchivedAt { get; set; }
}

/// <summary>Where a conversion event came from.</summary>
public enum ConversionSource
{
    /// <summary>The JavaScript tag on the advertiser's page.</summary>
    Tag = 1,

    /// <summary>The image pixel (pages without JavaScript).</summary>
    Pixel = 2,

    /// <summary>The Conversions API (server to server, token-authenticated).</summary>
    Api = 3,
}

/// <summary>What a conversion was credited to: the last touch, a click beating a send.</summary>
public enum AttributionTouch
{
    /// <summary>Unattributed: no matching member, no delivery of this account, or outside every window.</summary>
    None = 0,

    /// <summary>Credited to a send of a message (no click) within the post-send window.</summary>
    Send = 1,

    /// <summary>Credited to a click within the post-click window.</summary>
    Click = 2,
}

/// <summary>
/// One conversion as received, always kept. When attributed, it names the delivery (and so the campaign and ad) whose
/// touch it is credited to; <see cref="Counted"/> says whether it counts in reports (the definition's counting rule).
/// </summary>
public class ConversionEvent
{
    public long Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public int ConversionDefinitionId { get; set; }

    /// <summary>The advertiser's own id for the event; a second event with the same id is a duplicate (idempotency).</summary>
    public string? EventId { get; set; }

    public ConversionSource Source { get; set; }

    /// <summary>When the member converted (the advertiser's clock for API events; receipt time for the tag).</summary>
    public DateTime OccurredAt { get; set; }

    public DateTime ReceivedAt { get; set; }

    /// <summary>The member, when the click id or the e-mail hash named one of the account's members.</summary>
    public int? MemberId { get; set; }

    public long ValueCents { get; set; }

    public AttributionTouch Touch { get; set; }
    public long? DeliveryId { get; set; }
    public int? CampaignId { get; set; }
    public int? AdId { get; set; }

    /// <summary>When the credited touch happened (the click, or the send).</summary>
    public DateTime? TouchAt { get; set; }

    public bool Counted { get; set; }
}

/// <summary>
/// A member of a campaign's eligible audience held out at random (the campaign's holdout share): never sent, never
/// charged, not counted against caps; the control group for the campaign's incremental lift.
/// </summary>
public class CampaignHoldout
{
    public int CampaignId { get; set; }
    public int MemberId { get; set; }
    public int AdvertiserAccountId { get; set; }
    public DateTime HeldAt { get; set; }
}

internal sealed class ConversionDefinitionConfiguration : IEntityTypeConfiguration<ConversionDefinition>
{
    public void Configure(EntityTypeBuilder<ConversionDefinition> definition)
    {
        definition.Property(d => d.Name).HasMaxLength(ConversionRules.NameMax);
        definition.Property(d => d.TagKey).HasMaxLength(40);
        definition.HasIndex(d => d.TagKey).IsUnique();
        definition.HasIndex(d => new { d.AdvertiserAccountId, d.Name }).IsUnique();
        definition.HasOne<Accounts.AdvertiserAccount>().WithMany().HasForeignKey(d => d.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ConversionEventConfiguration : IEntityTypeConfiguration<ConversionEvent>
{
    public void Configure(EntityTypeBuilder<ConversionEvent> conversion)
    {
        conversion.Property(e => e.EventId).HasMaxLength(ConversionRules.EventIdMax);
        conversion.HasIndex(e => new { e.AdvertiserAccountId, e.EventId }).IsUnique();
        conversion.HasIndex(e => new { e.AdvertiserAccountId, e.ReceivedAt });
        conversion.HasIndex(e => new { e.AdvertiserAccountId, e.MemberId, e.OccurredAt });
        conversion.HasIndex(e => new { e.CampaignId, e.OccurredAt });
        conversion.HasIndex(e => new { e.DeliveryId, e.ConversionDefinitionId });
        conversion.HasOne<ConversionDefinition>().WithMany().HasForeignKey(e => e.ConversionDefinitionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CampaignHoldoutConfiguration : IEntityTypeConfiguration<CampaignHoldout>
{
    public void Configure(EntityTypeBuilder<CampaignHoldout> holdout)
    {
        holdout.HasKey(h => new { h.CampaignId, h.MemberId });
        holdout.HasIndex(h => new { h.AdvertiserAccountId, h.MemberId });
    }
}

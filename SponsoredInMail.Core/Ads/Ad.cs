using System.Text.Json;
using System.Text.Json.Serialization;

namespace SponsoredInMail.Core.Ads;

/// <summary>An ad's format: a Message Ad or a Conversation Ad.</summary>
public enum AdFormat
{
    /// <summary>One message with one call-to-action button.</summary>
    MessageAd = 1,
    /// <summary>A branching dialogue of messages with buttons.</summary>
    ConversationAd = 2,
}

/// <summary>Where an ad stands: Active, Archived (hidden from the library and new campaigns), or Canceled (its sender revoked permission).</summary>
public enum AdStatus
{
    Active = 1,
    Archived = 2,
    /// <summary>Its sender revoked permission; <see cref="Ad.CanceledReason"/> says so.</summary>
    Canceled = 3,
}

/// <summary>Where a Message Ad's button leads: a landing URL or a lead gen form.</summary>
public enum CtaTarget
{
    LandingUrl = 1,
    LeadForm = 2,
}

/// <summary>A creative of an advertiser account: a Message Ad or a Conversation Ad, sent in a member's name.</summary>
public class Ad : Accounts.IAccountOwned<Ad>
{
    public static Accounts.OwnedNames Names { get; } = new("ad", "Ad", "ads");

    public int Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public required string Name { get; set; }
    public AdFormat Format { get; set; }

    /// <summary>The member the message comes from; they must have granted the account sender permission.</summary>
    public int SenderMemberId { get; set; }

    public required string Subject { get; set; }

    // Message Ad
    public string Body { get; set; } = "";
    public string CtaText { get; set; } = "";
    public CtaTarget? CtaTarget { get; set; }
    public string? LandingUrl { get; set; }
    public int? LeadFormId { get; set; }
    public int? BannerImageId { get; set; }

    /// <summary>Custom footer / terms (both formats).</summary>
    public string Footer { get; set; } = "";

    // Conversation Ad
    public string? ConversationJson { get; set; }

    public AdStatus Status { get; set; } = AdStatus.Active;
    public string? CanceledReason { get; set; }

    public required string CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string UpdatedByUserId { get; set; }
    public DateTime UpdatedAt { get; set; }

    public ConversationScript? Conversation
    {
        get => ConversationJson is null ? null : ConversationScript.FromJson(ConversationJson);
        set => ConversationJson = value?.ToJson();
    }
}

/// <summary>An optional 300×250 desktop banner of a Message Ad.</summary>
public class BannerImage
{
    public int Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public required byte[] Bytes { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>What a Conversation Ad's button does: opens the next message, a URL or a lead gen form, or ends the conversation.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ButtonAction>))]
public enum ButtonAction
{
    NextMessage = 1,
    Url = 2,
    LeadForm = 3,
    End = 4,
}

/// <summary>A Conversation Ad's graph: messages with buttons, starting at <see cref="FirstMessageId"/>.</summary>
public sealed record ConversationScript(string FirstMessageId, IReadOnlyList<ConversationMessage> Messages)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ConversationScript FromJson(string json) =>
        JsonSerializer.Deserialize<ConversationScript>(json, Json) ?? new ConversationScript("", []);

    public ConversationMessage? Find(string? id) => Messages.FirstOrDefault(m => m.Id == id);
}

public sealed record ConversationMessage(string Id, string Text, IReadOnlyList<ConversationButton> Buttons);

/// <summary>A reply button: leads to another message, a URL, a lead gen form, or ends the conversation.</summary>
public sealed record ConversationButton(string Id, string Text, ButtonAction Action, string? TargetMessageId = null, string? Url = null, int? LeadFormId = null);

using SponsoredInMail.Core.Ads;

namespace SponsoredInMail.Web.Components.Shared.Messages;

/// <summary>A member's press of a Conversation Ad button: which message it sits on and which button.</summary>
public sealed record ConversationPress(string MessageId, RenderedButton Button);

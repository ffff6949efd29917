namespace SponsoredInMail.Core.Ads;

public sealed record SenderCard(string Name, string Headline)
{
    public string Initials => string.Concat(Name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(p => p[0]));
}

/// <param name="BannerUrl">Where the banner leads (the landing URL, tracked as a banner click); null without both.</param>
public sealed record RenderedMessageAd(
    SenderCard Sender, string Subject, string BodyHtml, string CtaText, string? CtaUrl, int? LeadFormId, string FooterHtml, int? BannerImageId,
    string? BannerUrl = null);

public sealed record RenderedButton(string Id, string Text, ButtonAction Action, string? TargetMessageId, string? Url, int? LeadFormId);

public sealed record RenderedConversationMessage(string Id, string TextHtml, IReadOnlyList<RenderedButton> Buttons);

public sealed record RenderedConversation(
    SenderCard Sender, string Subject, string FirstMessageId, IReadOnlyDictionary<string, RenderedConversationMessage> Messages, string FooterHtml);

/// <summary>
/// The one renderer of sponsored messages: the editor's preview, test sends and real deliveries all go
/// through here, so a member sees byte for byte what the marketer previewed for them. Text is
/// sanitized first and personalized after, so member values are always HTML-encoded.
/// </summary>
public static class MessageRenderer
{
    /// <param name="rewriteUrl">Swaps each link for its tracking redirect, told where the link sits; null keeps URLs as they are.</param>
    public static RenderedMessageAd RenderMessageAd(Ad ad, SenderCard sender, PersonalizationProfile? member, Func<string, Engagement.LinkKind, string>? rewriteUrl = null)
    {
        var landing = ad.CtaTarget == CtaTarget.LandingUrl && ad.LandingUrl is { } url && Common.FieldRules.IsHttpUrl(url) ? url : null;
        return new(
            sender,
            Personalization.ApplyToText(ad.Subject, member),
            Personalization.ApplyToHtml(MessageBody.ToHtml(ad.Body, Inline(rewriteUrl)), member),
            Personalization.ApplyToText(ad.CtaText, member),
            landing is null ? null : rewriteUrl?.Invoke(landing, Engagement.LinkKind.Cta) ?? landing,
            ad.CtaTarget == CtaTarget.LeadForm ? ad.LeadFormId : null,
            Personalization.ApplyToHtml(MessageBody.PlainTextToHtml(ad.Footer), member),
            ad.BannerImageId,
            ad.BannerImageId is null || landing is null ? null : rewriteUrl?.Invoke(landing, Engagement.LinkKind.Banner) ?? landing);
    }

    private static Func<string, string>? Inline(Func<string, Engagement.LinkKind, string>? rewriteUrl) =>
        rewriteUrl is null ? null : url => rewriteUrl(url, Engagement.LinkKind.Inline);

    public static RenderedConversation RenderConversation(Ad ad, SenderCard sender, PersonalizationProfile? member, Func<string, Engagement.LinkKind, string>? rewriteUrl = null)
    {
        var script = ad.Conversation ?? new ConversationScript("", []);
        var messages = script.Messages.DistinctBy(m => m.Id).ToDictionary(
            m => m.Id,
            m => new RenderedConversationMessage(
                m.Id,
                Personalization.ApplyToHtml(MessageBody.ToHtml(m.Text, Inline(rewriteUrl)), member),
                m.Buttons.Select(b => new RenderedButton(b.Id, Personalization.ApplyToText(b.Text, member), b.Action, b.TargetMessageId,
                    b.Action == ButtonAction.Url && Common.FieldRules.IsHttpUrl(b.Url) ? (rewriteUrl?.Invoke(b.Url!, Engagement.LinkKind.ConversationButton) ?? b.Url) : null,
                    b.LeadFormId)).ToList()));
        return new RenderedConversation(sender, Personalization.ApplyToText(ad.Subject, member), script.FirstMessageId, messages,
            Personalization.ApplyToHtml(MessageBody.PlainTextToHtml(ad.Footer), member));
    }
}

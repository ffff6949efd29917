using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Ads;

/// <summary>What a marketer submits for an ad, Message Ad and Conversation Ad alike.</summary>
public sealed record AdInput(
    string Name,
    AdFormat Format,
    int SenderMemberId,
    string Subject,
    string Body = "",
    string CtaText = "",
    CtaTarget? CtaTarget = null,
    string? LandingUrl = null,
    int? LeadFormId = null,
    int? BannerImageId = null,
    string Footer = "",
    ConversationScript? Conversation = null);

/// <summary>Facts from the database the rules need: is the sender granted, which forms and banners are the account's.</summary>
public sealed record AdContext(bool SenderGranted, Func<int, bool> IsUsableLeadForm, Func<int, bool> IsAccountBanner, int MaxConversationDepth);

/// <summary>Every SPEC §2 creative limit, each refusal naming the field and the limit; all problems at once.</summary>
public static class AdValidator
{
    public static (Result Outcome, IReadOnlyList<FieldError> Warnings) Validate(AdInput input, AdContext context)
    {
        var errors = new List<FieldError>();
        var warnings = new List<FieldError>();
        FieldRules.SingleLine(errors, "name", "Ad name", input.Name?.Trim(), 1, AdLimits.NameMax);
        if (!Enum.IsDefined(input.Format))
        {
            errors.Add(new FieldError("format", "Choose Message Ad or Conversation Ad."));
        }
        if (!context.SenderGranted)
        {
            errors.Add(new FieldError("sender", "Choose a sender who has granted this account permission to send in their name."));
        }
        FieldRules.SingleLine(errors, "subject", "Subject", input.Subject, 1, AdLimits.SubjectMax);
        if (input.Format == AdFormat.MessageAd)
        {
            ValidateMessageAd(input, context, errors);
            FieldRules.Length(errors, "footer", "Custom footer", input.Footer, 0, AdLimits.MessageAdFooterMax);
            FieldRules.MultiLine(errors, "footer", "Custom footer", input.Footer);
        }
        else if (input.Format == AdFormat.ConversationAd)
        {
            var (graphErrors, graphWarnings) = ConversationGraphValidator.Validate(input.Conversation, context.IsUsableLeadForm, context.MaxConversationDepth);
            errors.AddRange(graphErrors);
            warnings.AddRange(graphWarnings);
            FieldRules.Length(errors, "footer", "Custom footer", input.Footer, 0, AdLimits.ConversationFooterMax);
            FieldRules.MultiLine(errors, "footer", "Custom footer", input.Footer);
        }
        return (errors.Count == 0 ? Result.Ok : Result.Fail(errors), warnings);
    }

    private static void ValidateMessageAd(AdInput input, AdContext context, List<FieldError> errors)
    {
        FieldRules.Length(errors, "body", "Message body", input.Body, 1, AdLimits.BodyMax);
        FieldRules.MultiLine(errors, "body", "Message body", input.Body);
        var links = MessageBody.Links(input.Body ?? "");
        if (links.Any(l => l.IsImage))
        {
            errors.Add(new FieldError("body", "Images cannot be placed in the body; use the banner instead."));
        }
        var inline = links.Where(l => !l.IsImage).ToList();
        if (inline.Count > AdLimits.InlineLinksMax)
        {
            errors.Add(new FieldError("body", $"The body can have at most {AdLimits.InlineLinksMax} links; it has {inline.Count}."));
        }
        foreach (var link in inline)
        {
            if (link.Text.Length is 0 or > AdLimits.LinkTextMax)
            {
                errors.Add(new FieldError("body", $"Link text must be 1–{AdLimits.LinkTextMax} characters; '{Short(link.Text)}' has {link.Text.Length}."));
            }
            if (link.Url.Length > AdLimits.UrlMax || !FieldRules.IsHttpUrl(link.Url))
            {
                errors.Add(new FieldError("body", $"The link '{Short(link.Text)}' must go to an absolute http:// or https:// address of at most {AdLimits.UrlMax:N0} characters."));
            }
        }
        FieldRules.SingleLine(errors, "ctaText", "Button text", input.CtaText, 1, AdLimits.CtaTextMax);
        switch (input.CtaTarget)
        {
            case CtaTarget.LandingUrl:
                FieldRules.HttpUrl(errors, "landingUrl", "Landing URL", input.LandingUrl, AdLimits.UrlMax, required: true);
                break;
            case CtaTarget.LeadForm when input.LeadFormId is not { } form || !context.IsUsableLeadForm(form):
                errors.Add(new FieldError("leadFormId", "Choose one of this account's lead gen forms."));
                break;
            case CtaTarget.LeadForm:
                break;
            default:
                errors.Add(new FieldError("ctaTarget", "Choose where the button leads: a landing URL or a lead gen form."));
                break;
        }
        if (input.BannerImageId is { } banner && !context.IsAccountBanner(banner))
        {
            errors.Add(new FieldError("banner", "The banner image is not one of this account's uploads."));
        }
    }

    private static string Short(string text) => text.Length <= 30 ? text : text[..30] + "…";
}

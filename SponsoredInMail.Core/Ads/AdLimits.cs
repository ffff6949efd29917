namespace SponsoredInMail.Core.Ads;

/// <summary>Every creative limit of SPEC §2 in one place; validators and editors read them from here.</summary>
public static class AdLimits
{
    public const int NameMax = 100;
    public const int SubjectMax = 60;
    public const int BodyMax = 1_500;
    public const int InlineLinksMax = 3;
    public const int LinkTextMax = 70;
    public const int CtaTextMax = 20;
    public const int UrlMax = 1_024;
    public const int MessageAdFooterMax = 10_000;
    public const int ConversationFooterMax = 20_000;
    public const int BannerWidth = 300;
    public const int BannerHeight = 250;
    public const long BannerBytesMax = 2L * 1024 * 1024;
    public const int ConversationMessageMax = 8_000;
    public const int ConversationMessageWarnAbove = 500;
    public const int ButtonsMax = 5;
    public const int ButtonTextMax = 25;
    public const string NotInterested = "Not interested";

    /// <summary>Default; configurable as Ads:MaxConversationDepth.</summary>
    public const int DefaultMaxConversationDepth = 10;

    public const int LeadFormHeadlineMax = 60;
    public const int LeadFormDetailsMax = 160;
    public const int LeadFormCustomQuestionsMax = 3;
    public const int LeadFormQuestionMax = 80;
    public const int LeadFormChoiceOptionsMax = 10;
    public const int LeadFormChoiceOptionMax = 50;
    public const int LeadFormConsentMax = 2_000;
    public const int LeadFormThankYouMax = 300;
}

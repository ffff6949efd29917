using System.Globalization;
using MudBlazor;
using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Web.Components.Pages.Campaigns;

/// <summary>How campaign values read on screen: state labels and colours, times (always UTC), ranges, percentages.</summary>
public static class CampaignDisplay
{
    public static string Label(CampaignStatus status) => status == CampaignStatus.InReview ? "In review" : status.ToString();

    public static Color ColorOf(CampaignStatus status) => status switch
    {
        CampaignStatus.InReview => Color.Info,
        CampaignStatus.Approved => Color.Primary,
        CampaignStatus.Active => Color.Success,
        CampaignStatus.Paused => Color.Warning,
        CampaignStatus.Completed => Color.Secondary,
        CampaignStatus.Rejected => Color.Error,
        CampaignStatus.Canceled => Color.Dark,
        _ => Color.Default,
    };

    public static string Objective(CampaignObjective objective) => objective switch
    {
        CampaignObjective.LeadGeneration => "Lead generation",
        _ => "Website visits",
    };

    public static string Format(SponsoredInMail.Core.Ads.AdFormat format) =>
        format == SponsoredInMail.Core.Ads.AdFormat.ConversationAd ? "Conversation Ad" : "Message Ad";

    /// <summary>A share or rate (0–1) as a percentage with one decimal: 0.4567 → "45.7%".</summary>
    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>
    /// A probability as a whole percent, never a certain-looking "0%" or "100%" ("&lt;1%", "97%", "&gt;99%"); the likelier
    /// side is rounded down, as the A/B verdict rounds its confidence, so "B beats A: 3%" sits beside "A wins with 97%".
    /// </summary>
    public static string Probability(double probability)
    {
        var percent = probability >= 0.5 ? (int)Math.Floor(probability * 100 + 1e-9) : 100 - (int)Math.Floor((1 - probability) * 100 + 1e-9);
        return percent switch
        {
            < 1 => "<1%",
            > 99 => ">99%",
            _ => percent.ToString(CultureInfo.InvariantCulture) + "%",
        };
    }

    /// <summary>"open rate" → "Open rate", for a label that starts a line.</summary>
    public static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    public static string Utc(DateTime at) => at.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>A start at or before the launch (or, before launch, already passed) means "as soon as launched".</summary>
    public static string Start(Campaign campaign, DateTime utcNow) => campaign.LaunchedAt is { } launched
        ? campaign.StartAt <= launched ? $"At launch ({Utc(launched)})" : Utc(campaign.StartAt)
        : campaign.StartAt <= utcNow ? "As soon as launched" : Utc(campaign.StartAt);

    public static string Utc(DateTime? at, string none) => at is { } value ? Utc(value) : none;

    public static string Range(ForecastRange range, Func<long, string> format) =>
        range.Low == range.High ? format(range.Low) : $"{format(range.Low)} – {format(range.High)}";

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Share of a whole in percent, 0–100, for progress bars; 0 when there is no whole.</summary>
    public static double Percent(long part, long whole) => whole <= 0 ? 0 : Math.Clamp(part * 100.0 / whole, 0, 100);
}

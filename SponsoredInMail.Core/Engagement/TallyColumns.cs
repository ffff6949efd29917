using SponsoredInMail.Core.Deliveries;

namespace SponsoredInMail.Core.Engagement;

/// <summary>
/// Where each <see cref="Tally"/> is kept: its column of <c>CampaignDailyStats</c>, named after the
/// <see cref="CampaignDailyStat"/> property EF maps it to. A fixed list, never user input, so the stores of every
/// provider may write it into their SQL text (each quoting it in its own dialect).
/// </summary>
public static class TallyColumns
{
    public static string Of(Tally tally) => tally switch
    {
        Tally.Opens => nameof(CampaignDailyStat.Opens),
        Tally.ButtonClicks => nameof(CampaignDailyStat.ButtonClicks),
        Tally.LinkClicks => nameof(CampaignDailyStat.LinkClicks),
        Tally.BannerClicks => nameof(CampaignDailyStat.BannerClicks),
        Tally.LeadFormOpens => nameof(CampaignDailyStat.LeadFormOpens),
        Tally.Leads => nameof(CampaignDailyStat.Leads),
        Tally.ConversationClicks => nameof(CampaignDailyStat.ConversationClicks),
        Tally.NotInterested => nameof(CampaignDailyStat.NotInterested),
        Tally.OptOuts => nameof(CampaignDailyStat.OptOuts),
        Tally.UniqueClickers => nameof(CampaignDailyStat.UniqueClickers),
        _ => throw new ArgumentOutOfRangeException(nameof(tally)),
    };

    /// <summary>The column an event of <paramref name="kind"/> counts in (<see cref="EngagementRules.TallyOf"/>).</summary>
    public static string Of(EventKind kind) => Of(EngagementRules.TallyOf(kind));
}

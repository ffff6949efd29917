namespace SponsoredInMail.Core.Variants;

/// <summary>An admin's decision on one ad of a campaign under review.</summary>
public enum AdReview
{
    /// <summary>Not reviewed yet (a draft, or a campaign in review).</summary>
    Pending = 1,

    /// <summary>Sends: the campaign rotates between its approved ads.</summary>
    Approved = 2,

    /// <summary>Never sent; the reason tells the marketer what to fix.</summary>
    Rejected = 3,
}

/// <summary>
/// One of a campaign's ads (its "variants"), in the order the marketer chose them. A campaign holds 1–10 ads of one
/// format; <see cref="Campaigns.Campaign.AdId"/> is always the first (position 0), so everything that needs "the
/// campaign's ad" (lock order, launch checks, sender) keeps working with one.
/// </summary>
public class CampaignAd
{
    public int CampaignId { get; set; }
    public int AdId { get; set; }
    public int Position { get; set; }
    public AdReview Review { get; set; } = AdReview.Pending;
    public string? RejectionReason { get; set; }
}

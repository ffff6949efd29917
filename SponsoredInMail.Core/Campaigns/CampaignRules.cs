namespace SponsoredInMail.Core.Campaigns;

public static class CampaignRules
{
    public const int NameMax = 100;
}

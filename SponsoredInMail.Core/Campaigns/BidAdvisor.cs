using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>Configuration section "Campaigns" (SPEC §2, *config* values).</summary>
public sealed class CampaignOptions
{
    public const string Section = "Campaigns";

    /// <summary>No bid below this many cents per send.</summary>
    public long BidFloorCents { get; set; } = 25;
}

/// <summary>A suggested cost-per-send range in cents, and why.</summary>
public sealed record BidSuggestion(long LowCents, long HighCents, double SeniorShare, string Reason);

/// <summary>
/// Suggests a bid from the audience's seniority mix (SPEC §2): $0.25–$0.75 for general audiences,
/// $0.75–$1.50 when most of the deliverable audience is senior (Director and above); never below the floor.
/// </summary>
public static class BidAdvisor
{
    public static readonly IReadOnlyList<string> SeniorLevels =
        Enum.GetValues<Seniority>().Where(s => s.IsSeniorDecisionMaker()).Select(s => s.ToString()).ToList();

    public static BidSuggestion Suggest(AudienceIndex index, Targeting targeting, int accountId, long floorCents)
    {
        var all = index.Count(targeting, accountId).Deliverable;
        var seniorTargeting = targeting.WithInclude(Facet.Seniority, SeniorLevels
            .Where(level => targeting.IncludedValues(Facet.Seniority).Count == 0 || targeting.IncludedValues(Facet.Seniority).Contains(level, StringComparer.OrdinalIgnoreCase))
            .ToList());
        var senior = seniorTargeting.IncludedValues(Facet.Seniority).Count == 0 ? 0 : index.Count(seniorTargeting, accountId).Deliverable;
        return Suggest(all == 0 ? 0 : (double)senior / all, floorCents);
    }

    public static BidSuggestion Suggest(double seniorShare, long floorCents)
    {
        var (low, high, reason) = seniorShare > 0.5
            ? (75L, 150L, $"{seniorShare:P0} of the deliverable audience is Director or above: senior audiences cost more to reach.")
            : (25L, 75L, $"{seniorShare:P0} of the deliverable audience is Director or above: a general audience.");
        return new BidSuggestion(Math.Max(low, floorCents), Math.Max(high, floorCents), seniorShare, reason);
    }
}

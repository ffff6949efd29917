using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Variants;

/// <summary>The rules of a campaign's ads: how many, no repeats, and what an A/B test needs.</summary>
public static class VariantRules
{
    /// <summary>The most ads one campaign can carry (LinkedIn recommends four or five).</summary>
    public const int MaxAds = 10;

    public static void Check(List<FieldError> errors, IReadOnlyList<int> ads, AdRotation rotation, AbTestMetric? abTest)
    {
        if (ads.Count > MaxAds)
        {
            errors.Add(new FieldError("ad", $"A campaign can carry at most {MaxAds} ads; {ads.Count} are chosen."));
        }
        if (ads.Distinct().Count() != ads.Count)
        {
            errors.Add(new FieldError("ad", "Each ad can be chosen once per campaign."));
        }
        if (!Enum.IsDefined(rotation))
        {
            errors.Add(new FieldError("rotation", "Choose how the ads rotate: evenly, or optimized for performance."));
        }
        if (abTest is { } metric)
        {
            if (!Enum.IsDefined(metric))
            {
                errors.Add(new FieldError("abTest", "Choose what the A/B test compares: open rate, click-to-open rate or lead rate."));
            }
            else if (ads.Count != 2)
            {
                errors.Add(new FieldError("abTest", $"An A/B test compares exactly two ads; {ads.Count} {(ads.Count == 1 ? "is" : "are")} chosen."));
            }
        }
    }

    /// <summary>Plain words for a metric, as the report and the wizard show it.</summary>
    public static string Describe(AbTestMetric metric) => metric switch
    {
        AbTestMetric.OpenRate => "open rate",
        AbTestMetric.ClickToOpenRate => "click-to-open rate",
        AbTestMetric.LeadRate => "lead rate",
        _ => metric.ToString(),
    };

    public static string Describe(AdRotation rotation) => rotation switch
    {
        AdRotation.Even => "Rotate evenly",
        AdRotation.Optimize => "Optimize for performance",
        _ => rotation.ToString(),
    };
}

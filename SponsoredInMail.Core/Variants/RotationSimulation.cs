using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Core.Variants;

/// <summary>
/// A campaign whose ads have known true rates, sent to simulated members in batches the way the delivery engine
/// sends: the shares of each batch come from <see cref="RotationRules.Shares"/> over what earlier batches did, each
/// member's ad from <see cref="RotationRules.Pick"/>, and the batch's opens and clicks are known before the next
/// batch is allocated. Shared by the acceptance test and the <c>rotation</c> benchmark so both measure the same thing.
/// </summary>
public static class RotationSimulation
{
    /// <summary>
    /// Sends to <paramref name="members"/> members (ids 1..members) in batches of <paramref name="batchSize"/> and
    /// returns the sends per ad. A member opens with probability <paramref name="openRate"/> and an opener clicks with
    /// the ad's <paramref name="trueClickToOpen"/> rate; those draws, and the campaign id the picks hash with, come from
    /// <paramref name="seed"/>. The objective is <see cref="CampaignObjective.WebsiteVisits"/> (clicks are successes).
    /// </summary>
    public static long[] Run(AdRotation rotation, double[] trueClickToOpen, double openRate, int members, int batchSize, int seed)
    {
        ArgumentNullException.ThrowIfNull(trueClickToOpen);
        ArgumentOutOfRangeException.ThrowIfNegative(members);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var adCount = trueClickToOpen.Length;
        var sends = new long[adCount];
        var opens = new long[adCount];
        var clicks = new long[adCount];
        var outcomes = new AdOutcomes[adCount];
        var engagement = new DeterministicRandom(seed);
        var campaignId = seed;
        long totalSends = 0;

        for (var first = 1; first <= members; first += batchSize)
        {
            for (var ad = 0; ad < adCount; ad++)
            {
                outcomes[ad] = new AdOutcomes(ad + 1, sends[ad], opens[ad], clicks[ad], 0);
            }
            // The seed the engine would pass: the campaign and how far it has got, so a batch is reproducible.
            var shares = RotationRules.Shares(rotation, outcomes, CampaignObjective.WebsiteVisits, campaignId ^ (int)totalSends);
            var last = Math.Min(members, first + batchSize - 1);
            for (var memberId = first; memberId <= last; memberId++)
            {
                var ad = RotationRules.Pick(campaignId, memberId, shares);
                sends[ad]++;
                if (engagement.NextDouble() < openRate)
                {
                    opens[ad]++;
                    if (engagement.NextDouble() < trueClickToOpen[ad])
                    {
                        clicks[ad]++;
                    }
                }
            }
            totalSends += last - first + 1;
        }
        return sends;
    }
}

using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Core.Variants;

/// <summary>
/// How a campaign's sends are shared between its ads (<see cref="Shares"/>) and which ad one member gets
/// (<see cref="Pick"/>). Pure functions of their inputs: the delivery engine recomputes the shares once per batch
/// from the ads' <see cref="AdOutcomes"/> so far, with a seed such as campaign id ^ total sends, and the same batch
/// always comes out the same.
/// </summary>
public static class RotationRules
{
    /// <summary>The most ads a campaign may rotate.</summary>
    public const int MaxAds = 10;

    /// <summary>The least share an ad keeps under <see cref="AdRotation.Optimize"/> (or 1/n when n ads cannot all have it).</summary>
    public const double MinimumShare = 0.10;

    /// <summary>Monte Carlo draws per share estimate: the probability of being best comes out within about ±0.008 (1 σ at 0.5).</summary>
    public const int ThompsonDraws = 4_000;

    /// <summary>
    /// The fraction of sends each ad should get, in the order given, summing to 1.
    /// <see cref="AdRotation.Even"/>: equal shares. <see cref="AdRotation.Optimize"/>: Thompson sampling — each ad's
    /// rate of success (clicks for <see cref="CampaignObjective.WebsiteVisits"/>, leads for
    /// <see cref="CampaignObjective.LeadGeneration"/>, out of sends) has the posterior Beta(1 + successes, 1 + failures),
    /// and an ad's share is the probability that it is the best, estimated from <see cref="ThompsonDraws"/> draws seeded
    /// by <paramref name="seed"/>; then every ad is raised to at least min(<see cref="MinimumShare"/>, 1/n) and the
    /// others scaled down to make room. Before any sends, Optimize is even too.
    /// </summary>
    /// <exception cref="ArgumentException">No ads, more than <see cref="MaxAds"/>, or negative counts.</exception>
    public static double[] Shares(AdRotation rotation, IReadOnlyList<AdOutcomes> ads, CampaignObjective objective, int seed)
    {
        ArgumentNullException.ThrowIfNull(ads);
        if (ads.Count == 0)
        {
            throw new ArgumentException("A rotation needs at least one ad.", nameof(ads));
        }
        if (ads.Count > MaxAds)
        {
            throw new ArgumentException($"A campaign rotates at most {MaxAds} ads; {ads.Count} were given.", nameof(ads));
        }
        foreach (var ad in ads)
        {
            if (ad.Sends < 0 || ad.Opens < 0 || ad.Clicks < 0 || ad.Leads < 0)
            {
                throw new ArgumentException($"Ad {ad.AdId} has a negative count.", nameof(ads));
            }
        }
        if (rotation == AdRotation.Even || ads.All(ad => ad.Sends == 0))
        {
            return Equal(ads.Count);
        }
        if (rotation != AdRotation.Optimize)
        {
            throw new ArgumentOutOfRangeException(nameof(rotation), rotation, "Unknown rotation.");
        }
        return WithFloor(ProbabilityBest(ads, objective, seed), Math.Min(MinimumShare, 1.0 / ads.Count));
    }

    /// <summary>
    /// The ad (index into <paramref name="shares"/>) that member <paramref name="memberId"/> gets in campaign
    /// <paramref name="campaignId"/>: a SplitMix64 hash of both ids, read as a point in [0, 1), falls into one ad's
    /// slice of the cumulative shares. No randomness: the same campaign, member and shares always give the same ad, so
    /// an Even rotation and an A/B split are reproducible (and a resent batch picks what it picked before).
    /// </summary>
    /// <exception cref="ArgumentException">No shares, a negative or non-finite share, or all zero.</exception>
    public static int Pick(int campaignId, int memberId, ReadOnlySpan<double> shares)
    {
        if (shares.IsEmpty)
        {
            throw new ArgumentException("Pick needs at least one share.", nameof(shares));
        }
        var total = 0.0;
        var lastPositive = -1;
        for (var i = 0; i < shares.Length; i++)
        {
            if (!double.IsFinite(shares[i]) || shares[i] < 0)
            {
                throw new ArgumentException($"Share {i} is {shares[i]}; shares must be finite and not negative.", nameof(shares));
            }
            total += shares[i];
            if (shares[i] > 0)
            {
                lastPositive = i;
            }
        }
        if (lastPositive < 0)
        {
            throw new ArgumentException("At least one share must be positive.", nameof(shares));
        }

        // Scaled by the total, so shares that sum to 1 only within rounding still cover the whole interval.
        var point = MemberPoint(campaignId, memberId) * total;
        var cumulative = 0.0;
        for (var i = 0; i < shares.Length; i++)
        {
            cumulative += shares[i];
            if (point < cumulative && shares[i] > 0)
            {
                return i;
            }
        }
        return lastPositive;
    }

    /// <summary>The arm (0 = A, 1 = B) of member <paramref name="memberId"/> in an A/B test of campaign <paramref name="campaignId"/>: 50/50 by <see cref="Pick"/>.</summary>
    public static int AbArm(int campaignId, int memberId) => Pick(campaignId, memberId, [0.5, 0.5]);

    /// <summary>A point in [0, 1) that depends only on the two ids, uniform over members.</summary>
    internal static double MemberPoint(int campaignId, int memberId)
    {
        var key = ((ulong)(uint)campaignId << 32) | (uint)memberId;
        var state = key;
        return SplitMix64.ToUnitInterval(SplitMix64.Next(ref state));
    }

    private static double[] Equal(int count)
    {
        var shares = new double[count];
        Array.Fill(shares, 1.0 / count);
        return shares;
    }

    /// <summary>How often each ad's Beta draw is the highest, out of <see cref="ThompsonDraws"/>.</summary>
    private static double[] ProbabilityBest(IReadOnlyList<AdOutcomes> ads, CampaignObjective objective, int seed)
    {
        var alpha = new double[ads.Count];
        var beta = new double[ads.Count];
        for (var i = 0; i < ads.Count; i++)
        {
            var successes = Math.Min(Successes(ads[i], objective), ads[i].Sends);
            alpha[i] = 1 + successes;
            beta[i] = 1 + ads[i].Sends - successes;
        }

        var random = new DeterministicRandom(seed);
        var wins = new int[ads.Count];
        for (var draw = 0; draw < ThompsonDraws; draw++)
        {
            var best = 0;
            var bestValue = double.NegativeInfinity;
            for (var i = 0; i < ads.Count; i++)
            {
                var value = BetaSampling.Beta(random, alpha[i], beta[i]);
                if (value > bestValue)
                {
                    best = i;
                    bestValue = value;
                }
            }
            wins[best]++;
        }
        return Array.ConvertAll(wins, w => (double)w / ThompsonDraws);
    }

    private static long Successes(AdOutcomes ad, CampaignObjective objective) => objective switch
    {
        CampaignObjective.WebsiteVisits => ad.Clicks,
        CampaignObjective.LeadGeneration => ad.Leads,
        _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "Unknown campaign objective."),
    };

    /// <summary>
    /// Raises every share under <paramref name="floor"/> to it and scales the rest down, proportionally, to fill what
    /// is left; repeated, since scaling down can push another share under the floor. Shares already at or above the
    /// floor keep their order. Exact: every share ≥ floor and the sum is 1 (to rounding).
    /// </summary>
    internal static double[] WithFloor(IReadOnlyList<double> shares, double floor)
    {
        var count = shares.Count;
        if (floor * count >= 1 - 1e-12)
        {
            return Equal(count);
        }
        var floored = new bool[count];
        var result = new double[count];
        while (true)
        {
            var floorMass = 0.0;
            var freeMass = 0.0;
            for (var i = 0; i < count; i++)
            {
                if (floored[i])
                {
                    floorMass += floor;
                }
                else
                {
                    freeMass += shares[i];
                }
            }
            if (freeMass <= 0)
            {
                // Unreachable for shares that sum to 1 (the floored ads then hold less than 1, so an unfloored
                // positive share remains); a guard for all-zero input.
                return Equal(count);
            }
            var scale = (1 - floorMass) / freeMass;
            var changed = false;
            for (var i = 0; i < count; i++)
            {
                if (!floored[i] && shares[i] * scale < floor)
                {
                    floored[i] = true;
                    changed = true;
                }
            }
            if (!changed)
            {
                for (var i = 0; i < count; i++)
                {
                    result[i] = floored[i] ? floor : shares[i] * scale;
                }
                return result;
            }
        }
    }
}

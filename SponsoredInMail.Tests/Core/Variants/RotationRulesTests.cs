using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Tests.Core.Variants;

/// <summary>How sends are shared between a campaign's ads, and which ad a member gets.</summary>
public class RotationRulesTests
{
    private const CampaignObjective Visits = CampaignObjective.WebsiteVisits;

    /// <summary><paramref name="count"/> ads with different, made-up histories (ad i has 1,000·(i+1) sends).</summary>
    private static AdOutcomes[] Ads(int count) =>
        Enumerable.Range(0, count).Select(i => new AdOutcomes(i + 1, 1_000 * (i + 1), 400 * (i + 1), 10 + 7 * i * i, i)).ToArray();

    [Theory]
    [InlineData(AdRotation.Even, 1)]
    [InlineData(AdRotation.Even, 7)]
    [InlineData(AdRotation.Optimize, 1)]
    [InlineData(AdRotation.Optimize, 2)]
    [InlineData(AdRotation.Optimize, 5)]
    [InlineData(AdRotation.Optimize, 10)]
    public void SharesSumToOneWithOnePerAd(AdRotation rotation, int count)
    {
        var shares = RotationRules.Shares(rotation, Ads(count), Visits, seed: 42);

        shares.Length.ShouldBe(count);
        shares.Sum().ShouldBe(1.0, 1e-9);
        shares.ShouldAllBe(s => s > 0);
    }

    [Fact]
    public void EvenGivesEveryAdTheSameShareWhateverItDid()
    {
        var shares = RotationRules.Shares(AdRotation.Even, Ads(4), Visits, seed: 1);

        shares.ShouldAllBe(s => s == 0.25);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    public void OptimizeStartsEvenBeforeAnySends(int count)
    {
        var ads = Enumerable.Range(1, count).Select(id => new AdOutcomes(id, 0, 0, 0, 0)).ToArray();

        var shares = RotationRules.Shares(AdRotation.Optimize, ads, Visits, seed: 7);

        shares.ShouldAllBe(s => Math.Abs(s - 1.0 / count) < 1e-15);
    }

    [Theory]
    [InlineData(2, 0.10)]
    [InlineData(3, 0.10)]
    [InlineData(10, 0.10)]
    [InlineData(4, 0.10)]
    public void OptimizeKeepsEveryAdAtTheFloorEvenWhenOneIsHugelyBetter(int count, double floor)
    {
        // Ad 1 clicks at 20%, the others at 0.1%, over 100,000 sends each: ad 1 wins (almost) every draw.
        var ads = Enumerable.Range(0, count)
            .Select(i => new AdOutcomes(i + 1, 100_000, 40_000, i == 0 ? 20_000 : 100, 0)).ToArray();

        var shares = RotationRules.Shares(AdRotation.Optimize, ads, Visits, seed: 3);

        shares.ShouldAllBe(s => s >= floor);
        shares.Sum().ShouldBe(1.0, 1e-9);
        shares[0].ShouldBe(1 - (count - 1) * floor, 1e-9);
    }

    [Fact]
    public void WithTenAdsTheFloorIsAllThereIsSoOptimizeIsEven()
    {
        var ads = Enumerable.Range(0, 10).Select(i => new AdOutcomes(i + 1, 10_000, 4_000, i == 0 ? 2_000 : 10, 0)).ToArray();

        RotationRules.Shares(AdRotation.Optimize, ads, Visits, seed: 3).ShouldAllBe(s => Math.Abs(s - 0.1) < 1e-15);
    }

    [Fact]
    public void TheFloorRaisesLowSharesAndScalesTheOthersKeepingTheirProportion()
    {
        // 0.02 and 0.08 go up to 0.10; 0.6 and 0.3 share the remaining 0.8 as 2:1.
        var shares = RotationRules.WithFloor([0.6, 0.02, 0.3, 0.08], 0.10);

        shares.ShouldBe([0.8 * 2 / 3, 0.10, 0.8 / 3, 0.10], tolerance: 1e-12);
    }

    [Fact]
    public void TheFloorIsReappliedWhenScalingDownPushesAnotherShareUnderIt()
    {
        // First pass: 0 → 0.10, 0.105 scaled by 0.9 to 0.0945 is now under the floor too; it is floored in turn.
        var shares = RotationRules.WithFloor([0.895, 0.0, 0.105], 0.10);

        shares.ShouldBe([0.8, 0.10, 0.10], tolerance: 1e-12);
        shares.ShouldAllBe(s => s >= 0.10);
    }

    [Fact]
    public void OptimizeSendsMostToTheAdThatClicksMore()
    {
        AdOutcomes[] ads = [new(1, 5_000, 2_000, 60, 0), new(2, 5_000, 2_000, 120, 0)];

        var shares = RotationRules.Shares(AdRotation.Optimize, ads, Visits, seed: 11);

        shares[1].ShouldBeGreaterThan(0.85);
    }

    [Fact]
    public void ForLeadGenerationOptimizeCountsLeadsNotClicks()
    {
        // Ad 1 gets the clicks, ad 2 the leads.
        AdOutcomes[] ads = [new(1, 5_000, 2_000, 300, 5), new(2, 5_000, 2_000, 100, 60)];

        var leadShares = RotationRules.Shares(AdRotation.Optimize, ads, CampaignObjective.LeadGeneration, seed: 5);
        var clickShares = RotationRules.Shares(AdRotation.Optimize, ads, Visits, seed: 5);

        leadShares[1].ShouldBe(0.9, 1e-9);
        clickShares[0].ShouldBe(0.9, 1e-9);
    }

    [Fact]
    public void OptimizeSharesAreTheProbabilityOfBeingBest()
    {
        // Ad 1 has no sends: Beta(1, 1), uniform. Ad 2 has one send and one click: Beta(2, 1), density 2x.
        // P(ad 2 is best) = ∫ 2x · x dx over [0, 1] = 2/3; 4,000 draws estimate it to ±0.0075 (1 σ). Both are above the floor.
        AdOutcomes[] ads = [new(1, 0, 0, 0, 0), new(2, 1, 1, 1, 0)];

        var shares = RotationRules.Shares(AdRotation.Optimize, ads, Visits, seed: 2024);

        shares[1].ShouldBe(2.0 / 3, 0.025);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(50.0)]
    [InlineData(5_000.0)]
    public void GammaDrawsHaveTheMeanAndVarianceOfTheirShape(double shape)
    {
        // Gamma(k, 1) has mean k and variance k; over 40,000 draws the sample mean is within 4 σ = 4√(k/40,000).
        var random = new DeterministicRandom((long)(shape * 1_000));
        var draws = Enumerable.Range(0, 40_000).Select(_ => BetaSampling.Gamma(random, shape)).ToArray();

        var mean = draws.Average();
        var variance = draws.Sum(d => (d - mean) * (d - mean)) / (draws.Length - 1);
        mean.ShouldBe(shape, 4 * Math.Sqrt(shape / draws.Length));
        (variance / shape).ShouldBe(1, 0.05);
    }

    [Fact]
    public void TheSameSeedGivesTheSameShares()
    {
        AdOutcomes[] ads = [new(1, 1_000, 400, 12, 0), new(2, 1_000, 400, 15, 0), new(3, 1_000, 400, 13, 0)];

        var first = RotationRules.Shares(AdRotation.Optimize, ads, Visits, seed: 99);
        var again = RotationRules.Shares(AdRotation.Optimize, ads, Visits, seed: 99);

        again.ShouldBe(first);
        first.Distinct().Count().ShouldBeGreaterThan(1);
    }

    [Fact]
    public void NoAdsOrMoreThanTenAreRefused()
    {
        Should.Throw<ArgumentException>(() => RotationRules.Shares(AdRotation.Even, [], Visits, 1));
        Should.Throw<ArgumentException>(() => RotationRules.Shares(AdRotation.Optimize, Ads(11), Visits, 1))
            .Message.ShouldContain("at most 10");
    }

    [Fact]
    public void NegativeCountsAreRefused() =>
        Should.Throw<ArgumentException>(() => RotationRules.Shares(AdRotation.Optimize, [new(1, -1, 0, 0, 0)], Visits, 1));

    [Fact]
    public void PickGivesTheSameAdForTheSameCampaignAndMember()
    {
        double[] shares = [0.2, 0.3, 0.5];

        for (var memberId = 1; memberId <= 1_000; memberId++)
        {
            RotationRules.Pick(17, memberId, shares).ShouldBe(RotationRules.Pick(17, memberId, shares));
        }
    }

    [Fact]
    public void PickReachesEveryAdInProportionToItsShare()
    {
        double[] shares = [0.1, 0.2, 0.3, 0.4];
        var counts = new int[shares.Length];

        for (var memberId = 1; memberId <= 50_000; memberId++)
        {
            counts[RotationRules.Pick(5, memberId, shares)]++;
        }

        for (var i = 0; i < shares.Length; i++)
        {
            ((double)counts[i] / 50_000).ShouldBe(shares[i], 0.01);
        }
    }

    [Fact]
    public void PickNeverChoosesAnAdWithNoShare()
    {
        double[] shares = [0.5, 0, 0.5, 0];

        Enumerable.Range(1, 10_000).Select(m => RotationRules.Pick(8, m, shares)).Distinct().Order().ShouldBe([0, 2]);
    }

    [Fact]
    public void DifferentCampaignsSplitTheSameMembersDifferently()
    {
        double[] shares = [0.5, 0.5];

        var agree = Enumerable.Range(1, 10_000).Count(m => RotationRules.Pick(1, m, shares) == RotationRules.Pick(2, m, shares));

        ((double)agree / 10_000).ShouldBe(0.5, 0.03);
    }

    [Fact]
    public void PickRefusesSharesItCannotUse()
    {
        Should.Throw<ArgumentException>(() => RotationRules.Pick(1, 1, []));
        Should.Throw<ArgumentException>(() => RotationRules.Pick(1, 1, [0, 0]));
        Should.Throw<ArgumentException>(() => RotationRules.Pick(1, 1, [0.5, -0.1]));
        Should.Throw<ArgumentException>(() => RotationRules.Pick(1, 1, [0.5, double.NaN]));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    public void EvenSplitsFiftyThousandMembersWithinOnePercentOfEqual(int count)
    {
        var shares = RotationRules.Shares(AdRotation.Even, Ads(count), Visits, seed: 1);
        var counts = new int[count];

        for (var memberId = 1; memberId <= 50_000; memberId++)
        {
            counts[RotationRules.Pick(123, memberId, shares)]++;
        }

        // The brief allows ±2%; a sound hash does far better (one standard deviation is about 0.2% for two ads).
        counts.ShouldAllBe(c => Math.Abs((double)c / 50_000 - 1.0 / count) < 0.01);
    }

    [Fact]
    public void AbArmSplitsMembersFiftyFiftyAndReproducibly()
    {
        var arms = Enumerable.Range(1, 50_000).Select(m => RotationRules.AbArm(31, m)).ToArray();

        arms.ShouldAllBe(a => a == 0 || a == 1);
        (arms.Count(a => a == 1) / 50_000.0).ShouldBe(0.5, 0.01);
        Enumerable.Range(1, 50_000).Select(m => RotationRules.AbArm(31, m)).ShouldBe(arms);
    }
}

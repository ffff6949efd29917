using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Tests.Core.Conversions;

/// <summary>Who is held out: the share asked for, always the same members, and independent of the A/B split.</summary>
public class HoldoutRulesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(20)]
    public void HoldsOutTheShareAskedForWithinHalfAPoint(int percent)
    {
        const int members = 100_000;

        var held = Enumerable.Range(1, members).Count(m => HoldoutRules.IsHeldOut(7, m, percent));

        ((double)held / members).ShouldBe(percent / 100.0, 0.005);
    }

    [Fact]
    public void NoHoldoutHoldsOutNobody() =>
        Enumerable.Range(1, 10_000).ShouldAllBe(m => !HoldoutRules.IsHeldOut(7, m, 0));

    [Fact]
    public void TheSameCampaignAndMemberAreAlwaysHeldOutAlikeAndAnotherCampaignHoldsOutOthers()
    {
        var first = Enumerable.Range(1, 5_000).Where(m => HoldoutRules.IsHeldOut(11, m, 20)).ToList();
        var again = Enumerable.Range(1, 5_000).Where(m => HoldoutRules.IsHeldOut(11, m, 20)).ToList();
        var other = Enumerable.Range(1, 5_000).Where(m => HoldoutRules.IsHeldOut(12, m, 20)).ToList();

        again.ShouldBe(first);
        // Independent campaigns share about 20% of each other's held-out members, not all of them.
        ((double)first.Intersect(other).Count() / first.Count).ShouldBe(0.20, 0.04);
    }

    [Fact]
    public void ALargerHoldoutKeepsEveryoneASmallerOneHeldOut()
    {
        var at10 = Enumerable.Range(1, 20_000).Where(m => HoldoutRules.IsHeldOut(3, m, 10));

        at10.ShouldAllBe(m => HoldoutRules.IsHeldOut(3, m, 20));
    }

    [Fact]
    public void SplitKeepsMemberOrderAndPartitionsTheCandidates()
    {
        int[] candidates = [.. Enumerable.Range(100, 2_000)];

        var (send, held) = HoldoutRules.Split(5, candidates, 15);

        send.Concat(held).Order().ShouldBe(candidates);
        send.ShouldBe(send.Order());
        held.ShouldBe(held.Order());
        held.ShouldAllBe(m => HoldoutRules.IsHeldOut(5, m, 15));
        send.ShouldAllBe(m => !HoldoutRules.IsHeldOut(5, m, 15));
    }

    [Fact]
    public void SplitWithoutHoldoutReturnsTheCandidatesThemselves()
    {
        int[] candidates = [1, 2, 3];

        var (send, held) = HoldoutRules.Split(5, candidates, 0);

        send.ShouldBeSameAs(candidates);
        held.ShouldBeEmpty();
    }

    /// <summary>
    /// An A/B test and a holdout on one campaign: B's share is the same among held-out and sent members (a 2×2 χ² test
    /// of independence stays under 10.83, p = 0.001), on several campaigns. Deterministic: the hashes have no randomness.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(1_000_003)]
    public void TheHoldoutIsIndependentOfTheAbSplit(int campaignId)
    {
        const int members = 200_000;
        var table = new long[2, 2];
        for (var m = 1; m <= members; m++)
        {
            table[HoldoutRules.IsHeldOut(campaignId, m, 20) ? 1 : 0, RotationRules.AbArm(campaignId, m)]++;
        }

        var heldB = (double)table[1, 1] / (table[1, 0] + table[1, 1]);
        var sentB = (double)table[0, 1] / (table[0, 0] + table[0, 1]);
        heldB.ShouldBe(0.5, 0.01);
        sentB.ShouldBe(0.5, 0.01);
        ChiSquare(table).ShouldBeLessThan(10.83);
    }

    private static double ChiSquare(long[,] table)
    {
        double total = table[0, 0] + table[0, 1] + table[1, 0] + table[1, 1];
        var chi = 0.0;
        for (var r = 0; r < 2; r++)
        {
            for (var c = 0; c < 2; c++)
            {
                var expected = (table[r, 0] + table[r, 1]) * (double)(table[0, c] + table[1, c]) / total;
                chi += Math.Pow(table[r, c] - expected, 2) / expected;
            }
        }
        return chi;
    }
}

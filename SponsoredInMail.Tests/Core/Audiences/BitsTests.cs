using SponsoredInMail.Core.Audiences;

namespace SponsoredInMail.Tests.Core.Audiences;

/// <summary>The bitset primitives the audience index, the delivery engine and the reports share, checked against sets of ids.</summary>
public class BitsTests
{
    // Lengths that cover the vectorised part and the word-by-word tail, equal and unequal.
    [Theory]
    [InlineData(37, 37)]
    [InlineData(37, 20)]
    [InlineData(20, 37)]
    [InlineData(3, 1)]
    public void OrAndAndNotCombineTheWordsBothSetsHave(int targetWords, int sourceWords)
    {
        var random = new Random(targetWords * 100 + sourceWords);
        var (target, targetIds) = RandomSet(random, targetWords);
        var (source, sourceIds) = RandomSet(random, sourceWords);
        var inTarget = targetWords * 64;

        var or = (ulong[])target.Clone();
        Bits.Or(or, source);
        var andNot = (ulong[])target.Clone();
        Bits.AndNot(andNot, source);

        Ids(or).ShouldBe(targetIds.Union(sourceIds.Where(i => i < inTarget)).Order());
        Ids(andNot).ShouldBe(targetIds.Except(sourceIds).Order());
    }

    [Fact]
    public void IsEmptyIsTrueOnlyWithNoBitSet()
    {
        Bits.IsEmpty(new ulong[40]).ShouldBeTrue();
        Bits.IsEmpty([]).ShouldBeTrue();
        var one = new ulong[40];
        Bits.Set(one, 40 * 64 - 1);
        Bits.IsEmpty(one).ShouldBeFalse();
    }

    [Fact]
    public void FirstSetTakesTheLowestIdsNotExceptedUpToTheMaximum()
    {
        var random = new Random(7);
        var (bits, ids) = RandomSet(random, 30);
        var (except, exceptIds) = RandomSet(random, 12);
        var expected = ids.Except(exceptIds).Order().ToList();

        Bits.FirstSet(bits, except, int.MaxValue).ShouldBe(expected);
        Bits.FirstSet(bits, except, 5).ShouldBe(expected.Take(5));
        Bits.FirstSet(bits, [], 3).ShouldBe(ids.Order().Take(3));
        Bits.FirstSet(bits, bits, 10).ShouldBeEmpty();
    }

    [Fact]
    public void SetGrowingGrowsTheSetAndKeepsWhatWasSet()
    {
        var bits = new ulong[2];
        Bits.Set(bits, 3);

        Bits.SetGrowing(ref bits, 127);
        Bits.SetGrowing(ref bits, 128);
        Bits.SetGrowing(ref bits, 10_000);

        Ids(bits).ShouldBe([3, 127, 128, 10_000]);
        bits.Length.ShouldBeGreaterThanOrEqualTo(Bits.WordsFor(10_001));
    }

    private static (ulong[] Bits, List<int> Ids) RandomSet(Random random, int words)
    {
        var bits = new ulong[words];
        var ids = Enumerable.Range(0, words * 64).Where(_ => random.Next(3) == 0).ToList();
        Bits.SetAll(bits, ids);
        return (bits, ids);
    }

    private static List<int> Ids(ulong[] bits) => Enumerable.Range(0, bits.Length * 64).Where(i => Bits.Get(bits, i)).ToList();
}

using System.Numerics;
using System.Runtime.InteropServices;

namespace SponsoredInMail.Core.Audiences;

/// <summary>Bitset primitives over ulong words, vectorised where the hardware allows. Bit i is member id i.</summary>
internal static class Bits
{
    public static int WordsFor(int capacity) => (capacity + 63) >> 6;

    public static void Set(ulong[] bits, int i) => bits[i >> 6] |= 1UL << (i & 63);

    public static void Clear(ulong[] bits, int i) => bits[i >> 6] &= ~(1UL << (i & 63));

    public static bool Get(ulong[] bits, int i) => (uint)(i >> 6) < (uint)bits.Length && (bits[i >> 6] & (1UL << (i & 63))) != 0;

    public static void Assign(ulong[] bits, int i, bool value)
    {
        if (value)
        {
            Set(bits, i);
        }
        else
        {
            Clear(bits, i);
        }
    }

    /// <summary>target |= source over the words both have (a missing word is empty).</summary>
    public static void Or(Span<ulong> target, ReadOnlySpan<ulong> source)
    {
        if (source.Length < target.Length)
        {
            target = target[..source.Length];
        }
        source = source[..target.Length];
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var t = MemoryMarshal.Cast<ulong, Vector<ulong>>(target);
            var s = MemoryMarshal.Cast<ulong, Vector<ulong>>(source);
            for (var v = 0; v < t.Length; v++)
            {
                t[v] |= s[v];
            }
            i = t.Length * Vector<ulong>.Count;
        }
        for (; i < target.Length; i++)
        {
            target[i] |= source[i];
        }
    }

    /// <summary>target &amp;= source; both the same length.</summary>
    public static void And(Span<ulong> target, ReadOnlySpan<ulong> source)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var t = MemoryMarshal.Cast<ulong, Vector<ulong>>(target);
            var s = MemoryMarshal.Cast<ulong, Vector<ulong>>(source);
            for (var v = 0; v < t.Length; v++)
            {
                t[v] &= s[v];
            }
            i = t.Length * Vector<ulong>.Count;
        }
        for (; i < target.Length; i++)
        {
            target[i] &= source[i];
        }
    }

    /// <summary>target &amp;= ~source over the words both have (a missing word is empty).</summary>
    public static void AndNot(Span<ulong> target, ReadOnlySpan<ulong> source)
    {
        if (source.Length < target.Length)
        {
            target = target[..source.Length];
        }
        source = source[..target.Length];
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var t = MemoryMarshal.Cast<ulong, Vector<ulong>>(target);
            var s = MemoryMarshal.Cast<ulong, Vector<ulong>>(source);
            for (var v = 0; v < t.Length; v++)
            {
                t[v] = Vector.AndNot(t[v], s[v]);
            }
            i = t.Length * Vector<ulong>.Count;
        }
        for (; i < target.Length; i++)
        {
            target[i] &= ~source[i];
        }
    }

    public static bool IsEmpty(ReadOnlySpan<ulong> bits) => bits.IndexOfAnyExcept(0UL) < 0;

    /// <summary>The first (lowest) <paramref name="max"/> ids set in <paramref name="bits"/> and not in <paramref name="except"/>.</summary>
    public static List<int> FirstSet(ReadOnlySpan<ulong> bits, ReadOnlySpan<ulong> except, int max)
    {
        var ids = new List<int>(Math.Min(max, 4_096));
        for (var w = 0; w < bits.Length && ids.Count < max; w++)
        {
            var word = bits[w] & ~(w < except.Length ? except[w] : 0);
            while (word != 0 && ids.Count < max)
            {
                ids.Add((w << 6) + BitOperations.TrailingZeroCount(word));
                word &= word - 1;
            }
        }
        return ids;
    }

    public static int PopCount(ReadOnlySpan<ulong> bits)
    {
        var count = 0;
        foreach (var word in bits)
        {
            count += BitOperations.PopCount(word);
        }
        return count;
    }

    public static void SetAll(ulong[] bits, IReadOnlyList<int> ids)
    {
        for (var k = 0; k < ids.Count; k++)
        {
            var i = ids[k];
            if ((uint)(i >> 6) < (uint)bits.Length)
            {
                bits[i >> 6] |= 1UL << (i & 63);
            }
        }
    }

    /// <summary>The id of the n-th set bit (0-based), or -1.</summary>
    public static int NthSetBit(ReadOnlySpan<ulong> bits, int n)
    {
        for (var w = 0; w < bits.Length; w++)
        {
            var count = BitOperations.PopCount(bits[w]);
            if (n < count)
            {
                var word = bits[w];
                for (var k = 0; k < n; k++)
                {
                    word &= word - 1;
                }
                return (w << 6) + BitOperations.TrailingZeroCount(word);
            }
            n -= count;
        }
        return -1;
    }

    public static ulong[] Grow(ulong[] bits, int words) => bits.Length >= words ? bits : ResizeCopy(bits, words);

    /// <summary>Sets bit i, first growing the set (at least doubling it) when i lies beyond it.</summary>
    public static void SetGrowing(ref ulong[] bits, int i)
    {
        if ((i >> 6) >= bits.Length)
        {
            bits = ResizeCopy(bits, Math.Max((i >> 6) + 1, bits.Length * 2));
        }
        Set(bits, i);
    }

    private static ulong[] ResizeCopy(ulong[] bits, int words)
    {
        var grown = new ulong[words];
        bits.CopyTo(grown, 0);
        return grown;
    }
}

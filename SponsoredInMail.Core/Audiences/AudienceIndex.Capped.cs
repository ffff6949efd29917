using System.Buffers;

namespace SponsoredInMail.Core.Audiences;

/// <summary>Members of an audience held back only by a frequency cap now, and when the last of them comes free.</summary>
public readonly record struct CappedMembers(int Count, DateTime? FreeBy);

public sealed partial class AudienceIndex
{
    /// <summary>
    /// The members of the targeting who are active and not opted out (of all, this account, this sender) but under
    /// either frequency cap now, leaving out <paramref name="alreadySent"/> (they never get the campaign again), and
    /// the moment the last of them is under neither cap any more.
    /// </summary>
    public CappedMembers Capped(Targeting targeting, int accountId, int? senderMemberId, IReadOnlyCollection<int> alreadySent)
    {
        RefreshTimeDerivedSets();
        _lock.EnterReadLock();
        var state = _state;
        var set = ArrayPool<ulong>.Shared.Rent(state.Words);
        var work = ArrayPool<ulong>.Shared.Rent(state.Words);
        try
        {
            var members = set.AsSpan(0, state.Words);
            Match(state, targeting, accountId, members, work.AsSpan(0, state.Words));
            Bits.AndNot(members, state.OptedOutAll);
            ClearMembers(members, state.OptedOutOfAdvertiser.GetValueOrDefault(accountId));
            if (senderMemberId is { } sender)
            {
                ClearMembers(members, state.OptedOutOfSender.GetValueOrDefault(sender));
            }
            Bits.And(members, state.Active);
            foreach (var id in alreadySent)
            {
                if ((uint)(id >> 6) < (uint)members.Length)
                {
                    members[id >> 6] &= ~(1UL << (id & 63));
                }
            }
            var nowMinute = ToMinute(Now());
            var anyCap = audienceOptions.Value.AnyAdvertiserCapDays * 1440;
            var sameCap = audienceOptions.Value.SameAdvertiserCapDays * 1440;
            var receipts = state.AccountReceipts.GetValueOrDefault(accountId);
            var count = 0;
            var freeBy = int.MinValue;
            for (var w = 0; w < members.Length; w++)
            {
                var word = members[w];
                while (word != 0)
                {
                    var id = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
                    word &= word - 1;
                    // Capped until the minute after the cap's window: the cutoff is inclusive (TimeRules.CappedSince).
                    var free = int.MinValue;
                    if (state.LastSponsored[id] != Never && state.LastSponsored[id] + anyCap >= nowMinute)
                    {
                        free = state.LastSponsored[id] + anyCap + 1;
                    }
                    if (receipts is not null && receipts.TryGetValue(id, out var received) && received + sameCap >= nowMinute)
                    {
                        free = Math.Max(free, received + sameCap + 1);
                    }
                    if (free != int.MinValue)
                    {
                        count++;
                        freeBy = Math.Max(freeBy, free);
                    }
                }
            }
            return new CappedMembers(count, count == 0 ? null : Epoch.AddMinutes(freeBy));
        }
        finally
        {
            _lock.ExitReadLock();
            ArrayPool<ulong>.Shared.Return(set);
            ArrayPool<ulong>.Shared.Return(work);
        }
    }
}

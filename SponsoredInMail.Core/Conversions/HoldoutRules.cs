using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Core.Conversions;

/// <summary>
/// Which members of a campaign's eligible audience are held out (the control group of its incremental lift): a pure
/// function of campaign, member and the campaign's holdout share, so every engine, after any restart and on any
/// instance, holds out exactly the same members and never sends to them.
/// </summary>
public static class HoldoutRules
{
    /// <summary>
    /// Mixed into the key before hashing, so the holdout point of a member is unrelated to its rotation point
    /// (<see cref="RotationRules.Pick"/> hashes the same two ids without it): an A/B split and a holdout on one campaign
    /// are independent.
    /// </summary>
    private const ulong Salt = 0x5F3C_9A7E_D21B_4C68;

    /// <summary>
    /// Whether member <paramref name="memberId"/> is held out of campaign <paramref name="campaignId"/> at a holdout of
    /// <paramref name="percent"/>% (0 holds out nobody): a SplitMix64 hash of both ids and <see cref="Salt"/>, read as
    /// a point in [0, 1), below percent / 100.
    /// </summary>
    public static bool IsHeldOut(int campaignId, int memberId, int percent) =>
        percent > 0 && Point(campaignId, memberId) * 100.0 < percent;

    /// <summary>
    /// How many of <paramref name="deliverable"/> members a campaign can expect to send to with a holdout of
    /// <paramref name="percent"/>%: the rest are held out (the forecast's sends shrink by the holdout share).
    /// </summary>
    public static int Sendable(int deliverable, int percent) =>
        percent <= 0 ? deliverable : (int)Math.Round(deliverable * (100 - percent) / 100.0, MidpointRounding.AwayFromZero);

    /// <summary>A point in [0, 1) that depends only on the two ids, uniform over members, independent of the rotation's.</summary>
    internal static double Point(int campaignId, int memberId)
    {
        var key = ((ulong)(uint)campaignId << 32) | (uint)memberId;
        // Two rounds of the finalizer over the salted key: not the rotation's single step from key + golden gamma.
        return SplitMix64.ToUnitInterval(SplitMix64.Mix(SplitMix64.Mix(key ^ Salt)));
    }

    /// <summary>
    /// Splits ascending candidates into those to send and those held out (both stay ascending). With no holdout the
    /// candidates themselves come back as the ones to send, with no copy.
    /// </summary>
    public static (IReadOnlyList<int> Send, IReadOnlyList<int> HeldOut) Split(int campaignId, IReadOnlyList<int> candidates, int percent)
    {
        if (percent <= 0)
        {
            return (candidates, []);
        }
        var send = new List<int>(candidates.Count);
        var held = new List<int>(candidates.Count * percent / 100 + 16);
        foreach (var member in candidates)
        {
            (IsHeldOut(campaignId, member, percent) ? held : send).Add(member);
        }
        return (send, held);
    }
}

using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Audiences;

/// <summary>
/// The hooks that keep the index in step with the database. Only <see cref="AudienceIndexFollower"/> calls them, as
/// it reads committed changes from the change feed; each sets state (never adds to it), so a change applied twice
/// is harmless. A stale index only makes a count stale, never a send wrong: sends re-check in the database.
/// </summary>
public sealed partial class AudienceIndex
{
    /// <summary>A member was added, or their profile changed.</summary>
    internal void OnMemberUpserted(MemberFacts member) => Write(state =>
    {
        state.EnsureCapacity(member.Id);
        if (Bits.Get(state.Exists, member.Id))
        {
            RemoveMember(state, member.Id);
        }
        else
        {
            state.MemberCount++;
        }
        Bits.Set(state.Exists, member.Id);
        foreach (var (facet, value) in BitsetValues(member, state.Companies))
        {
            Bits.Set(state.BitsetFor(facet, value), member.Id);
        }
        InsertSorted(state.PostingsFor(state.Regions, RegionKey(member.CountryCode, member.Region)), member.Id);
        InsertSorted(state.PostingsFor(state.PostingFacets[Facet.JobTitle], member.JobTitle), member.Id);
        InsertSorted(state.PostingsFor(state.PostingFacets[Facet.Company], CompanyKey(member.CompanyId)), member.Id);
        foreach (var skill in member.SkillIds)
        {
            InsertSorted(state.PostingsFor(state.PostingFacets[Facet.Skill], Taxonomy.SkillName(skill)), member.Id);
        }
        state.LastActive[member.Id] = ToMinute(member.LastActiveAt);
        Bits.Assign(state.Active, member.Id, IsActive(state.LastActive[member.Id]));
    });

    /// <summary>A company was added or changed size.</summary>
    internal void OnCompanyUpserted(Company company) => Write(state => state.Companies[company.Id] = (company.Name, company.Size));

    /// <summary>The member was seen on the network (activity keeps them deliverable).</summary>
    internal void OnMemberActive(int memberId, DateTime at) => Write(state =>
    {
        if ((uint)memberId >= (uint)state.Capacity)
        {
            return;
        }
        var minute = ToMinute(at);
        if (minute > state.LastActive[memberId])
        {
            state.LastActive[memberId] = minute;
            Bits.Assign(state.Active, memberId, IsActive(minute));
        }
    });

    /// <summary>An opt-out was recorded (<paramref name="added"/>) or undone.</summary>
    internal void OnOptOutChanged(int memberId, OptOutScope scope, int? advertiserAccountId, int? senderMemberId, bool added) =>
        Write(state => ApplyOptOut(state, memberId, scope, advertiserAccountId, senderMemberId, added));

    /// <summary>The delivery engine sent a sponsored message: both frequency caps start for this member.</summary>
    internal void OnSponsoredDelivery(DeliveryFact delivery) => Write(state => ApplyDelivery(state, delivery));

    /// <summary>A batch of sends of one account at one moment (one lock for the whole batch).</summary>
    internal void OnSponsoredDeliveries(int advertiserAccountId, DateTime deliveredAt, IReadOnlyList<int> memberIds) => Write(state =>
    {
        foreach (var memberId in memberIds)
        {
            ApplyDelivery(state, new DeliveryFact(memberId, advertiserAccountId, deliveredAt));
        }
    });

    /// <summary>An uploaded list was matched and saved.</summary>
    internal void OnMatchedAudienceSaved(int matchedAudienceId, int accountId, IReadOnlyCollection<int> memberIds) =>
        Write(state => state.Matched[matchedAudienceId] = new MatchedList(accountId, memberIds.Distinct().Order().ToArray()));

    internal void OnMatchedAudienceDeleted(int matchedAudienceId) => Write(state => state.Matched.Remove(matchedAudienceId));

    /// <summary>A campaign was launched: its engaged audiences can be targeted from now on.</summary>
    internal void OnCampaignLaunched(int campaignId, int accountId, string name) => Write(state =>
    {
        if (state.Engaged.TryGetValue(campaignId, out var known))
        {
            known.Name = name;
        }
        else
        {
            state.Engaged[campaignId] = new EngagedCampaign(accountId, name);
        }
    });

    /// <summary>A counted open, click or lead was committed: the member joins that engaged audience.</summary>
    internal void OnEngaged(int campaignId, int accountId, int memberId, Engagement.EventKind kind) => Write(state =>
    {
        if (!state.Engaged.ContainsKey(campaignId))
        {
            state.Engaged[campaignId] = new EngagedCampaign(accountId, $"Campaign #{campaignId}");
        }
        ApplyEngagement(state, campaignId, memberId, kind);
    });

    private static void ApplyEngagement(IndexState state, int campaignId, int memberId, Engagement.EventKind kind)
    {
        if (!state.Engaged.TryGetValue(campaignId, out var engaged))
        {
            return;
        }
        var set = EngagedAction.Of(kind) switch
        {
            EngagedAction.Opened => engaged.Opened,
            EngagedAction.Clicked => engaged.Clicked,
            EngagedAction.Lead => engaged.Leads,
            _ => null,
        };
        set?.Add(memberId);
    }

    private bool IsActive(int lastActiveMinute) =>
        lastActiveMinute >= ToMinute(Now()) - activityOptions.Value.ActiveWithinDays * 1440;

    private void ApplyDelivery(IndexState state, DeliveryFact delivery)
    {
        if ((uint)delivery.MemberId >= (uint)state.Capacity)
        {
            return;
        }
        var minute = ToMinute(delivery.DeliveredAt);
        if (minute > state.LastSponsored[delivery.MemberId])
        {
            state.LastSponsored[delivery.MemberId] = minute;
        }
        if (state.LastSponsored[delivery.MemberId] >= ToMinute(Now()) - audienceOptions.Value.AnyAdvertiserCapDays * 1440)
        {
            Bits.Set(state.CappedAny, delivery.MemberId);
        }
        if (!state.AccountReceipts.TryGetValue(delivery.AdvertiserAccountId, out var receipts))
        {
            receipts = [];
            state.AccountReceipts[delivery.AdvertiserAccountId] = receipts;
        }
        receipts[delivery.MemberId] = Math.Max(minute, receipts.GetValueOrDefault(delivery.MemberId, Never));
    }

    private static void ApplyOptOut(IndexState state, int memberId, OptOutScope scope, int? advertiserAccountId, int? senderMemberId, bool added)
    {
        if ((uint)memberId >= (uint)state.Capacity)
        {
            return;
        }
        switch (scope)
        {
            case OptOutScope.All:
                Bits.Assign(state.OptedOutAll, memberId, added);
                break;
            case OptOutScope.Advertiser when advertiserAccountId is { } account:
                Toggle(state.OptedOutOfAdvertiser, account, memberId, added);
                break;
            case OptOutScope.Sender when senderMemberId is { } sender:
                Toggle(state.OptedOutOfSender, sender, memberId, added);
                break;
        }
    }

    private static void Toggle(Dictionary<int, HashSet<int>> sets, int key, int memberId, bool added)
    {
        if (!sets.TryGetValue(key, out var set))
        {
            set = [];
            sets[key] = set;
        }
        if (added)
        {
            set.Add(memberId);
        }
        else
        {
            set.Remove(memberId);
        }
    }

    /// <summary>Takes a member out of every facet (before re-adding them with new values).</summary>
    private static void RemoveMember(IndexState state, int id)
    {
        foreach (var sets in state.BitsetFacets.Values)
        {
            foreach (var bits in sets.Values)
            {
                Bits.Clear(bits, id);
            }
        }
        foreach (var postings in state.PostingFacets.Values.Append(state.Regions))
        {
            foreach (var list in postings.Values)
            {
                var at = list.BinarySearch(id);
                if (at >= 0)
                {
                    list.RemoveAt(at);
                }
            }
        }
    }

    private static void InsertSorted(List<int> list, int id)
    {
        var at = list.BinarySearch(id);
        if (at < 0)
        {
            list.Insert(~at, id);
        }
    }
}

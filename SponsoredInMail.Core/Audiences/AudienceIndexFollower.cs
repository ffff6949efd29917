using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Audiences;

/// <summary>
/// Keeps the <see cref="AudienceIndex"/> in step with the database by following the change feed — the only code that
/// calls the index's On… hooks. It starts at the position the index was built at; every hook sets state rather than
/// adding to it, so a change seen twice (one the build already read) leaves the index as it should be. Values the
/// hooks need (a member's profile, a list's members, whether an opt-out is still covered) are read from the
/// database when the batch is handled, so they are never older than the change.
/// </summary>
public sealed class AudienceIndexFollower(AudienceIndex index, IDbContextFactory<AppDbContext> factory) : IChangeSubscriber
{
    public const string SubscriberName = "audience-index";

    public string Name => SubscriberName;

    public async ValueTask<long> StartPositionAsync(ChangeFeed feed, CancellationToken ct)
    {
        await index.WhenReady.WaitAsync(ct);
        return index.BuiltAtPosition;
    }

    public async Task HandleAsync(IReadOnlyList<ChangeEnvelope> changes, CancellationToken ct)
    {
        var loaded = await LoadAsync(changes, ct);
        foreach (var envelope in changes)
        {
            switch (envelope.Change)
            {
                case MemberChanged m when loaded.Members.TryGetValue(m.MemberId, out var facts):
                    index.OnMemberUpserted(facts);
                    break;
                case MemberSeen seen:
                    index.OnMemberActive(seen.MemberId, seen.At);
                    break;
                case CompanyChanged c when loaded.Companies.TryGetValue(c.CompanyId, out var company):
                    index.OnCompanyUpserted(company);
                    break;
                case OptOutChanged o:
                    index.OnOptOutChanged(o.MemberId, o.Scope, o.AdvertiserAccountId, o.SenderMemberId,
                        added: o.Added || loaded.StillOptedOut.Contains(o));
                    break;
                case DeliveriesSent sent:
                    index.OnSponsoredDeliveries(sent.AdvertiserAccountId, sent.At, sent.MemberIds);
                    break;
                case EngagementRecorded engaged:
                    foreach (var e in engaged.Events)
                    {
                        index.OnEngaged(e.CampaignId, e.AdvertiserAccountId, e.MemberId, e.Kind);
                    }
                    break;
                case MatchedAudienceSaved saved when loaded.Lists.TryGetValue(saved.MatchedAudienceId, out var members):
                    index.OnMatchedAudienceSaved(saved.MatchedAudienceId, saved.AdvertiserAccountId, members);
                    break;
                case MatchedAudienceDeleted deleted:
                    index.OnMatchedAudienceDeleted(deleted.MatchedAudienceId);
                    break;
                case CampaignChanged { Launched: true } campaign:
                    index.OnCampaignLaunched(campaign.CampaignId, campaign.AdvertiserAccountId, campaign.Name);
                    break;
            }
        }
    }

    private sealed record Loaded(
        Dictionary<int, MemberFacts> Members, Dictionary<int, Company> Companies, Dictionary<int, int[]> Lists, HashSet<OptOutChanged> StillOptedOut);

    private async Task<Loaded> LoadAsync(IReadOnlyList<ChangeEnvelope> changes, CancellationToken ct)
    {
        var memberIds = changes.Select(c => c.Change).OfType<MemberChanged>().Select(m => m.MemberId).Distinct().ToList();
        var companyIds = changes.Select(c => c.Change).OfType<CompanyChanged>().Select(c => c.CompanyId).Distinct().ToList();
        var listIds = changes.Select(c => c.Change).OfType<MatchedAudienceSaved>().Select(l => l.MatchedAudienceId).Distinct().ToList();
        var removals = changes.Select(c => c.Change).OfType<OptOutChanged>().Where(o => !o.Added).Distinct().ToList();
        var loaded = new Loaded([], [], [], []);
        if (memberIds.Count + companyIds.Count + listIds.Count + removals.Count == 0)
        {
            return loaded;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        foreach (var member in await db.Members.AsNoTracking().Where(m => memberIds.Contains(m.Id)).ToListAsync(ct))
        {
            loaded.Members[member.Id] = MemberFacts.From(member);
        }
        foreach (var company in await db.Companies.AsNoTracking().Where(c => companyIds.Contains(c.Id)).ToListAsync(ct))
        {
            loaded.Companies[company.Id] = company;
        }
        foreach (var listId in listIds)
        {
            if (await db.MatchedAudiences.AnyAsync(l => l.Id == listId, ct))
            {
                loaded.Lists[listId] = await db.MatchedAudienceMembers.Where(m => m.MatchedAudienceId == listId).Select(m => m.MemberId).ToArrayAsync(ct);
            }
        }
        foreach (var o in removals)
        {
            // Another row may still opt the member out of the same thing.
            if (await db.MemberOptOuts.AnyAsync(r => r.MemberId == o.MemberId && r.Scope == o.Scope
                    && r.AdvertiserAccountId == o.AdvertiserAccountId && r.SenderMemberId == o.SenderMemberId, ct))
            {
                loaded.StillOptedOut.Add(o);
            }
        }
        return loaded;
    }
}

public static class AudienceIndexFreshness
{
    /// <summary>
    /// Waits for the index's first build, then hands it every change committed so far: a reader that calls this sees
    /// its own writes (and everyone's before them) in the counts.
    /// </summary>
    public static async Task CatchUpAudienceIndexAsync(this ChangeFeed feed, AudienceIndex index, CancellationToken ct = default)
    {
        await index.WhenReady.WaitAsync(ct);
        await feed.CatchUpAsync(AudienceIndexFollower.SubscriberName, ct);
    }
}

using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Engagement;

/// <summary>
/// Records a batch of events through a provider's session, applying <see cref="EngagementRules"/>: resolves each
/// event's delivery (and link), decides whether it counts, stores it with its tallies, and appends the batch's
/// changes to the feed — all in the session's one transaction.
/// </summary>
public static class EngagementRecorder
{
    public static async Task<IReadOnlyList<EventOutcome>> RecordAsync(
        IEngagementSession session, IReadOnlyList<EventRequest> batch, DateTime now, CancellationToken ct)
    {
        var outcomes = new List<EventOutcome>(batch.Count);
        foreach (var request in batch)
        {
            outcomes.Add(await RecordOneAsync(session, request, ct));
        }
        foreach (var change in EngagementChanges.From(batch, outcomes))
        {
            await session.AppendChangeAsync(change, now, ct);
        }
        return outcomes;
    }

    private static async Task<EventOutcome> RecordOneAsync(IEngagementSession s, EventRequest r, CancellationToken ct)
    {
        if (await s.FindDeliveryAsync(r.DeliveryId, ct) is not { } delivery || (r.MemberId is { } member && member != delivery.MemberId))
        {
            return EventOutcome.NotFound;
        }

        var kind = r.Kind;
        string? redirect = null;
        int? optOutAccount = null, optOutSender = null;
        bool counted;
        switch (r.Kind)
        {
            case EventKind.ButtonClick or EventKind.LinkClick or EventKind.BannerClick or EventKind.ConversationButton when r.AdLinkId is { } linkId:
                if (await s.FindLinkAsync(linkId, delivery.AdId, ct) is not { } link || !EngagementRules.MayRedirectTo(link.Url))
                {
                    return EventOutcome.NotFound;
                }
                (redirect, kind) = (link.Url, EngagementRules.ClickKindOf(link.Kind));
                counted = true;
                break;
            case EventKind.Open:
                counted = await s.MarkFirstOpenAsync(r.DeliveryId, r.At, ct);
                break;
            case EventKind.LeadSubmitted when r.Lead is { } lead:
                counted = await s.SaveLeadAsync(r.DeliveryId, delivery, lead, r.At, ct);
                break;
            case EventKind.NotInterested:
                counted = !await s.HasCountedAsync(r.DeliveryId, EventKind.NotInterested, ct);
                break;
            case EventKind.OptOut when r.OptOutScope is { } scope:
                if (EngagementRules.OptOutTarget(scope, delivery.AccountId, delivery.SenderMemberId) is not { } target)
                {
                    return EventOutcome.NotFound;
                }
                (optOutAccount, optOutSender) = target;
                counted = await s.AddOptOutAsync(delivery.MemberId, scope, optOutAccount, optOutSender, r.At, ct);
                break;
            case EventKind.LeadFormOpen or EventKind.ConversationButton:
                counted = EngagementRules.CountingOf(r.Kind) == EngagementRules.Counting.Every;
                break;
            default:
                return EventOutcome.NotFound;
        }

        await s.InsertEventAsync(r.DeliveryId, delivery, kind, r.At, counted, r.AdLinkId, r.Detail ?? r.OptOutScope?.ToString(), ct);
        if (counted)
        {
            var day = DateOnly.FromDateTime(r.At);
            await s.BumpAsync(delivery.CampaignId, day, EngagementRules.TallyOf(kind), ct);
            // A member counts once as a clicker, on the day of the delivery's first click (as opens count on the first open).
            if (kind.IsClick() && await s.MarkFirstClickAsync(r.DeliveryId, r.At, ct))
            {
                await s.BumpAsync(delivery.CampaignId, day, Tally.UniqueClickers, ct);
            }
        }
        return new EventOutcome(true, counted, redirect, delivery.CampaignId, delivery.MemberId, optOutAccount, optOutSender, delivery.AccountId, kind);
    }
}

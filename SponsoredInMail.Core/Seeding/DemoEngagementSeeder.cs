using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Seeding;

/// <summary>
/// What members did with the demo deliveries, at the SPEC benchmark rates: about 47% open (40–55%), about 5% of
/// openers click (3–7%), lead forms and conversation choices in proportion. The events go through the same store
/// as live ones, so tallies, leads and first opens are exactly what the raw events say.
/// </summary>
public sealed class DemoEngagementSeeder(IDbContextFactory<AppDbContext> factory, IEngagementStore store, AdLinkRegistry links)
{
    public const double OpenRate = 0.47, ClickRate = 0.05, LeadFormOpenRate = 0.12, LeadSubmitRate = 0.5;

    public async Task SeedAsync(DateTime now, CancellationToken ct = default)
    {
        var random = new Random(20_161_001);
        List<(Delivery Delivery, Ad Ad)> sent;
        Dictionary<int, Member> members;
        Dictionary<int, LeadGenForm> forms;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            sent = (await (from d in db.Deliveries.AsNoTracking()
                           join a in db.Ads on d.AdId equals a.Id
                           orderby d.Id
                           select new { d.Id, d.MemberId, d.DeliveredAt, Ad = a }).ToListAsync(ct))
                .Select(r => (new Delivery(r.Id, r.MemberId, r.DeliveredAt), r.Ad)).ToList();
            var memberIds = sent.Select(s => s.Delivery.MemberId).Distinct().ToList();
            members = await db.Members.AsNoTracking().Include(m => m.Company).Where(m => memberIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
            forms = await db.LeadGenForms.AsNoTracking().ToDictionaryAsync(f => f.Id, ct);
        }
        var linkIds = new Dictionary<int, IReadOnlyDictionary<(LinkKind, string), int>>();
        foreach (var ad in sent.Select(s => s.Ad).DistinctBy(a => a.Id))
        {
            linkIds[ad.Id] = await links.EnsureAsync(ad.Id, AdLinkRegistry.LinksOf(ad), ct);
        }

        var events = new List<EventRequest>();
        foreach (var (delivery, ad) in sent)
        {
            if (random.NextDouble() >= OpenRate)
            {
                continue;
            }
            var at = delivery.At.AddMinutes(5 + random.Next(0, 48 * 60));
            DateTime Later(int maxMinutes) => at = at.AddMinutes(1 + random.Next(0, maxMinutes));
            events.Add(new EventRequest(delivery.Id, EventKind.Open, at));
            if (random.NextDouble() < 0.1)
            {
                events.Add(new EventRequest(delivery.Id, EventKind.Open, Later(3 * 24 * 60)));
            }
            var adLinks = linkIds[ad.Id];
            if (ad.Format == AdFormat.ConversationAd && ad.Conversation is { } script)
            {
                var choice = random.NextDouble();
                if (choice < 0.15)
                {
                    events.Add(new EventRequest(delivery.Id, EventKind.NotInterested, Later(10), Detail: "m1/no"));
                }
                else if (choice < 0.50)
                {
                    events.Add(new EventRequest(delivery.Id, EventKind.ConversationButton, Later(10), Detail: "m1/yes"));
                    var next = random.NextDouble();
                    var buttons = script.Find("m2")!.Buttons;
                    if (next < 0.35 && buttons.First(b => b.Id == "demo").LeadFormId is { } formId)
                    {
                        events.Add(new EventRequest(delivery.Id, EventKind.ConversationButton, Later(5), Detail: "m2/demo"));
                        events.Add(new EventRequest(delivery.Id, EventKind.LeadFormOpen, Later(2), Detail: formId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                        if (random.NextDouble() < LeadSubmitRate)
                        {
                            events.Add(Lead(delivery, forms[formId], members[delivery.MemberId], Later(5), random));
                        }
                    }
                    else if (next < 0.6)
                    {
                        var url = buttons.First(b => b.Id == "how").Url!;
                        events.Add(new EventRequest(delivery.Id, EventKind.ConversationButton, Later(5), AdLinkId: adLinks[(LinkKind.ConversationButton, url)]));
                    }
                    else if (next < 0.8)
                    {
                        events.Add(new EventRequest(delivery.Id, EventKind.ConversationButton, Later(5), Detail: "m2/later"));
                    }
                }
            }
            else if (ad.CtaTarget == CtaTarget.LeadForm && ad.LeadFormId is { } formId)
            {
                if (random.NextDouble() < LeadFormOpenRate)
                {
                    events.Add(new EventRequest(delivery.Id, EventKind.LeadFormOpen, Later(10), Detail: formId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    if (random.NextDouble() < LeadSubmitRate)
                    {
                        events.Add(Lead(delivery, forms[formId], members[delivery.MemberId], Later(5), random));
                    }
                }
            }
            else if (random.NextDouble() < ClickRate)
            {
                var link = adLinks.Keys.Where(k => k.Item1 is LinkKind.Cta or LinkKind.Inline).OrderBy(k => k.Item1).ToList();
                if (link.Count > 0)
                {
                    var pick = random.NextDouble() < 0.8 ? link[0] : link[random.Next(link.Count)];
                    events.Add(new EventRequest(delivery.Id, EventKind.ButtonClick, Later(5), AdLinkId: adLinks[pick]));
                }
            }
        }

        // Nothing in the future: an event later than now did not happen yet.
        var past = events.Where(e => e.At < now).OrderBy(e => e.At).ToList();
        foreach (var chunk in past.Chunk(500))
        {
            await store.WriteAsync(chunk, ct);
        }
    }

    private static EventRequest Lead(Delivery delivery, LeadGenForm form, Member member, DateTime at, Random random)
    {
        var answers = form.ProfileFields.ToDictionary(ProfileFieldNames.Of, f => f switch
        {
            ProfileField.FirstName => member.FirstName,
            ProfileField.LastName => member.LastName,
            ProfileField.Email => member.Email,
            ProfileField.Company => member.Company?.Name ?? "",
            ProfileField.JobTitle => member.JobTitle,
            ProfileField.Seniority => member.Seniority.ToString(),
            _ => Taxonomy.CountryName(member.CountryCode),
        });
        foreach (var question in form.Questions)
        {
            answers[question.Text] = question.Options.Count > 0 ? question.Options[random.Next(question.Options.Count)] : "Looking forward to it.";
        }
        return new EventRequest(delivery.Id, EventKind.LeadSubmitted, at, Lead: new LeadPayload(form.Id, JsonSerializer.Serialize(answers)));
    }

    private sealed record Delivery(long Id, int MemberId, DateTime At);
}

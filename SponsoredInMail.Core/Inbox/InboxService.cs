using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Inbox;

public enum InboxItemKind
{
    Sponsored = 1,
    Test = 2,
    Organic = 3,
    InMail = 4,
}

/// <summary>One line of the inbox list.</summary>
public sealed record InboxItem(InboxItemKind Kind, long Id, string From, string Subject, DateTime At, bool Unread, string? AccountName);

/// <summary>A lead form as the member fills it: fields prefilled from their profile (or their earlier answers).</summary>
public sealed record LeadFormView(
    int Id, string Headline, string Details, IReadOnlyList<LeadFieldView> Fields, string PrivacyPolicyUrl, string? ConsentText,
    string ThankYouMessage, string? ThankYouUrl);

public sealed record LeadFieldView(string Label, string Value, bool IsEmail, IReadOnlyList<string>? Options);

/// <summary>A sponsored (or test) message opened: rendered by the one renderer, with what the member did before.</summary>
public sealed record SponsoredInboxMessage(
    long Id, bool IsTest, int AdvertiserAccountId, string AccountName, int? SenderMemberId, DateTime At,
    RenderedMessageAd? MessageAd, RenderedConversation? Conversation, IReadOnlyDictionary<int, LeadFormView> LeadForms,
    bool LeadSubmitted, bool NotInterested, IReadOnlyList<OptOutScope> OptedOut);

public sealed record OrganicInboxMessage(long Id, string From, string FromHeadline, string Subject, string Body, DateTime At);

/// <summary>
/// The member inbox: sponsored (and test) messages pinned on top, then organic messages, newest first. Opening a
/// sponsored message renders it with tracked links and records the open; an admin's read-only view records nothing
/// and rewrites nothing.
/// </summary>
public sealed class InboxService(
    IDbContextFactory<AppDbContext> factory, AdLinkRegistry links, TrackingTokens tokens, EngagementWriter writer,
    MemberActivity activity, TimeProvider clock)
{
    public const string TrackingPath = "/t/";

    public async Task<IReadOnlyList<InboxItem>> ListAsync(int memberId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var sponsored = await (from d in db.Deliveries.AsNoTracking()
                               where d.MemberId == memberId
                               join c in db.Campaigns on d.CampaignId equals c.Id
                               join a in db.Ads on d.AdId equals a.Id
                               join acc in db.AdvertiserAccounts on c.AdvertiserAccountId equals acc.Id
                               join s in db.Members on a.SenderMemberId equals s.Id
                               select new InboxItem(InboxItemKind.Sponsored, d.Id, s.FirstName + " " + s.LastName, a.Subject, d.DeliveredAt, d.FirstOpenedAt == null, acc.Name))
            .ToListAsync(ct);
        var tests = await (from t in db.TestMessages.AsNoTracking()
                           where t.ToMemberId == memberId
                           join a in db.Ads on t.AdId equals a.Id
                           join acc in db.AdvertiserAccounts on a.AdvertiserAccountId equals acc.Id
                           join s in db.Members on a.SenderMemberId equals s.Id
                           select new InboxItem(InboxItemKind.Test, t.Id, s.FirstName + " " + s.LastName, a.Subject, t.SentAt, t.ReadAt == null, acc.Name))
            .ToListAsync(ct);
        var organic = await (from o in db.OrganicMessages.AsNoTracking()
                             where o.ToMemberId == memberId
                             join s in db.Members on o.FromMemberId equals s.Id
                             select new InboxItem(InboxItemKind.Organic, o.Id, s.FirstName + " " + s.LastName, o.Subject, o.SentAt, o.ReadAt == null, null))
            .ToListAsync(ct);
        var inMails = await (from m in db.InMails.AsNoTracking()
                             where m.ToMemberId == memberId
                             join s in db.Members on m.SenderMemberId equals s.Id
                             select new InboxItem(InboxItemKind.InMail, m.Id, s.FirstName + " " + s.LastName, m.Subject, m.SentAt, m.ReadAt == null, null))
            .ToListAsync(ct);
        var profile = await ProfileAsync(db, memberId, ct);
        // Subjects go through the same personalization as the message itself.
        var pinned = sponsored.Concat(tests).Select(i => i with { Subject = Personalization.ApplyToText(i.Subject, profile) }).OrderByDescending(i => i.At);
        return pinned.Concat(organic.Concat(inMails).OrderByDescending(i => i.At)).ToList();
    }

    /// <summary>
    /// Opens a sponsored message of this member. <paramref name="asMember"/> false is the admin's read-only view:
    /// no open is recorded, links stay as the marketer wrote them.
    /// </summary>
    public async Task<SponsoredInboxMessage?> OpenSponsoredAsync(int memberId, long deliveryId, bool asMember = true, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await (from d in db.Deliveries.AsNoTracking()
                         where d.Id == deliveryId && d.MemberId == memberId
                         join c in db.Campaigns on d.CampaignId equals c.Id
                         join a in db.Ads on d.AdId equals a.Id
                         join acc in db.AdvertiserAccounts on c.AdvertiserAccountId equals acc.Id
                         select new { Delivery = d, Ad = a, Account = acc.Name }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }
        var lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.DeliveryId == deliveryId, ct);
        var notInterested = await db.EngagementEvents.AnyAsync(e => e.DeliveryId == deliveryId && e.Kind == EventKind.NotInterested, ct);
        Func<string, LinkKind, string>? rewrite = asMember ? await TrackedUrlsAsync(db, row.Ad, deliveryId, memberId, ct) : null;
        var message = await RenderAsync(db, row.Ad, memberId, rewrite, lead, row.Delivery.Id, false, row.Account, row.Delivery.DeliveredAt, ct);
        if (asMember)
        {
            await writer.WriteAsync(new EventRequest(deliveryId, EventKind.Open, Now(), memberId));
            await activity.RecordAsync(memberId, ct);
        }
        return message with { LeadSubmitted = lead is not null, NotInterested = notInterested };
    }

    /// <summary>Opens a test send: rendered like the real thing, links untracked, nothing counted.</summary>
    public async Task<SponsoredInboxMessage?> OpenTestAsync(int memberId, long testId, bool asMember = true, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await (from t in db.TestMessages where t.Id == testId && t.ToMemberId == memberId
                         join a in db.Ads on t.AdId equals a.Id
                         join acc in db.AdvertiserAccounts on a.AdvertiserAccountId equals acc.Id
                         select new { Test = t, Ad = a, Account = acc.Name }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }
        if (asMember && row.Test.ReadAt is null)
        {
            await db.TestMessages.Where(t => t.Id == testId).ExecuteUpdateAsync(u => u.SetProperty(t => t.ReadAt, Now()), ct);
        }
        return await RenderAsync(db, row.Ad, memberId, null, null, testId, true, row.Account, row.Test.SentAt, ct);
    }

    public async Task<OrganicInboxMessage?> OpenOrganicAsync(int memberId, long messageId, bool asMember = true, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await (from o in db.OrganicMessages where o.Id == messageId && o.ToMemberId == memberId
                         join s in db.Members on o.FromMemberId equals s.Id
                         select new OrganicInboxMessage(o.Id, s.FirstName + " " + s.LastName, s.Headline, o.Subject, o.Body, o.SentAt)).FirstOrDefaultAsync(ct);
        if (row is not null && asMember)
        {
            await db.OrganicMessages.Where(o => o.Id == messageId && o.ReadAt == null).ExecuteUpdateAsync(u => u.SetProperty(o => o.ReadAt, Now()), ct);
        }
        return row;
    }

    /// <summary>The banner of a sponsored or test message in this member's inbox; null for anyone else's.</summary>
    public async Task<BannerImage?> BannerAsync(int memberId, InboxItemKind kind, long id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var bannerId = kind == InboxItemKind.Test
            ? await (from t in db.TestMessages where t.Id == id && t.ToMemberId == memberId join a in db.Ads on t.AdId equals a.Id select a.BannerImageId).FirstOrDefaultAsync(ct)
            : await (from d in db.Deliveries where d.Id == id && d.MemberId == memberId
                     join a in db.Ads on d.AdId equals a.Id select a.BannerImageId).FirstOrDefaultAsync(ct);
        return bannerId is null ? null : await db.BannerImages.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bannerId, ct);
    }

    private async Task<SponsoredInboxMessage> RenderAsync(
        AppDbContext db, Ad ad, int memberId, Func<string, LinkKind, string>? rewrite, Lead? lead, long id, bool isTest, string account, DateTime at, CancellationToken ct)
    {
        var sender = await db.Members.AsNoTracking().Where(m => m.Id == ad.SenderMemberId)
            .Select(m => new SenderCard(m.FirstName + " " + m.LastName, m.Headline)).FirstOrDefaultAsync(ct) ?? new SenderCard("LinkedIn Member", "");
        var profile = await ProfileAsync(db, memberId, ct);
        var formIds = FormIds(ad);
        var forms = await db.LeadGenForms.AsNoTracking().Where(f => formIds.Contains(f.Id)).ToListAsync(ct);
        var member = await db.Members.AsNoTracking().Include(m => m.Company).FirstAsync(m => m.Id == memberId, ct);
        var answers = lead is null ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(lead.AnswersJson);
        var optOuts = await db.MemberOptOuts.AsNoTracking().Where(o => o.MemberId == memberId
                && (o.Scope == OptOutScope.All || (o.Scope == OptOutScope.Advertiser && o.AdvertiserAccountId == ad.AdvertiserAccountId)
                    || (o.Scope == OptOutScope.Sender && o.SenderMemberId == ad.SenderMemberId)))
            .Select(o => o.Scope).ToListAsync(ct);
        return new SponsoredInboxMessage(
            id, isTest, ad.AdvertiserAccountId, account, ad.SenderMemberId, at,
            ad.Format == AdFormat.MessageAd ? MessageRenderer.RenderMessageAd(ad, sender, profile, rewrite) : null,
            ad.Format == AdFormat.ConversationAd ? MessageRenderer.RenderConversation(ad, sender, profile, rewrite) : null,
            forms.ToDictionary(f => f.Id, f => View(f, member, answers)), false, false, optOuts.Distinct().ToList());
    }

    /// <summary>Stores the ad's links once, then maps each to its signed redirect for this delivery.</summary>
    private async Task<Func<string, LinkKind, string>> TrackedUrlsAsync(AppDbContext db, Ad ad, long deliveryId, int memberId, CancellationToken ct)
    {
        var found = AdLinkRegistry.LinksOf(ad);
        var ids = await links.EnsureAsync(ad.Id, found, ct);
        var tracked = new Dictionary<(LinkKind, string), string>();
        foreach (var link in found.Distinct())
        {
            tracked[link] = TrackingPath + await tokens.IssueAsync(deliveryId, ids[link], ct);
        }
        return (url, kind) => tracked.TryGetValue((kind, url), out var redirect) ? redirect : url;
    }

    internal static List<int> FormIds(Ad ad)
    {
        var ids = new List<int>();
        if (ad.CtaTarget == CtaTarget.LeadForm && ad.LeadFormId is { } cta)
        {
            ids.Add(cta);
        }
        if (ad.Conversation is { } script)
        {
            ids.AddRange(script.Messages.SelectMany(m => m.Buttons).Where(b => b.Action == ButtonAction.LeadForm && b.LeadFormId is not null).Select(b => b.LeadFormId!.Value));
        }
        return ids.Distinct().ToList();
    }

    private static LeadFormView View(LeadGenForm form, Member member, Dictionary<string, string>? answers)
    {
        string Value(string label, string profileValue) => answers?.GetValueOrDefault(label) ?? profileValue;
        var fields = form.ProfileFields.Select(f => new LeadFieldView(ProfileFieldNames.Of(f), Value(ProfileFieldNames.Of(f), f switch
        {
            ProfileField.FirstName => member.FirstName,
            ProfileField.LastName => member.LastName,
            ProfileField.Email => member.Email,
            ProfileField.Company => member.Company?.Name ?? "",
            ProfileField.JobTitle => member.JobTitle,
            ProfileField.Seniority => member.Seniority.ToString(),
            ProfileField.Country => Taxonomy.CountryName(member.CountryCode),
            _ => "",
        }), f == ProfileField.Email, null))
            .Concat(form.Questions.Select(q => new LeadFieldView(q.Text, Value(q.Text, ""), false, q.Kind == QuestionKind.Choice ? q.Options : null)))
            .ToList();
        return new LeadFormView(form.Id, form.Headline, form.Details, fields, form.PrivacyPolicyUrl, form.ConsentText, form.ThankYouMessage, form.ThankYouUrl);
    }

    private static Task<PersonalizationProfile?> ProfileAsync(AppDbContext db, int memberId, CancellationToken ct) =>
        db.Members.AsNoTracking().Where(m => m.Id == memberId)
            .Select(m => new PersonalizationProfile(m.FirstName, m.LastName, m.Company!.Name, m.JobTitle, m.Industry, m.PersonalizationOff))
            .FirstOrDefaultAsync(ct)!;

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}

using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Web.Components.Inbox;

/// <summary>
/// Puts messages straight into one member's inbox: a delivered Message Ad or Conversation Ad of an Active campaign
/// (as the delivery engine would have sent it, campaign since completed), a test send, or an organic message. Each test uses its own member.
/// </summary>
public sealed class InboxTestData(Microsoft.EntityFrameworkCore.IDbContextFactory<SponsoredInMail.Core.Data.AppDbContext> factory, Func<DateTime> now)
{
    private static int _nextMember = 200;

    public InboxTestData(TestDatabase database) : this(database.Factory, () => database.Clock.GetUtcNow().UtcDateTime)
    {
    }

    public static int NewMember() => Interlocked.Increment(ref _nextMember);

    public DateTime Now => now();

    private InboxDatabase database => new(factory);

    public async Task<int> LeadFormAsync(int accountId, string? consent = "I agree to be contacted.")
    {
        await using var db = database.CreateContext();
        var form = new LeadGenForm
        {
            AdvertiserAccountId = accountId, Name = $"Form {Guid.NewGuid():N}"[..12], Headline = "Get the report", Details = "We'll e-mail it to you.",
            PrivacyPolicyUrl = "https://contoso.example/privacy", ConsentText = consent, ThankYouMessage = "Thanks! The report is on its way.",
            ThankYouUrl = "https://contoso.example/thanks", CreatedByUserId = "test", UpdatedByUserId = "test", CreatedAt = Now, UpdatedAt = Now,
        };
        form.ProfileFields = [ProfileField.FirstName, ProfileField.Email, ProfileField.JobTitle];
        form.Questions = [new CustomQuestion("Team size", QuestionKind.Choice, ["1-10", "11-50", "51+"])];
        db.LeadGenForms.Add(form);
        await db.SaveChangesAsync();
        return form.Id;
    }

    /// <summary>A delivered Message Ad; its CTA opens <paramref name="leadFormId"/> when given, else the landing page.</summary>
    public Task<long> MessageAdAsync(int memberId, string account, string subject, DateTime deliveredAt, int? leadFormId = null) =>
        DeliverAsync(memberId, account, deliveredAt, (ad, _) =>
        {
            ad.Format = AdFormat.MessageAd;
            ad.Subject = subject;
            ad.Body = "Hello %FIRSTNAME%, see [our guide](https://contoso.example/guide).";
            ad.CtaText = leadFormId is null ? "Read more" : "Get the report";
            ad.CtaTarget = leadFormId is null ? CtaTarget.LandingUrl : CtaTarget.LeadForm;
            ad.LandingUrl = leadFormId is null ? "https://contoso.example/landing" : null;
            ad.LeadFormId = leadFormId;
        });

    /// <summary>A delivered Conversation Ad: m1 "Want the guide?" → Yes (m2) / Not interested; m2 → Download (URL) / Get a call (form) / Done (end).</summary>
    public Task<long> ConversationAsync(int memberId, string account, DateTime deliveredAt, int leadFormId) =>
        DeliverAsync(memberId, account, deliveredAt, (ad, _) =>
        {
            ad.Format = AdFormat.ConversationAd;
            ad.Subject = "Quick question";
            ad.Conversation = new ConversationScript("m1",
            [
                new ConversationMessage("m1", "Hi %FIRSTNAME%, want our guide?",
                [
                    new ConversationButton("b1", "Yes please", ButtonAction.NextMessage, TargetMessageId: "m2"),
                    new ConversationButton("b2", AdLimits.NotInterested, ButtonAction.End),
                ]),
                new ConversationMessage("m2", "Great. How would you like it?",
                [
                    new ConversationButton("b3", "Download", ButtonAction.Url, Url: "https://contoso.example/guide"),
                    new ConversationButton("b4", "Get a call", ButtonAction.LeadForm, LeadFormId: leadFormId),
                    new ConversationButton("b5", "Done", ButtonAction.End),
                ]),
            ]);
        });

    public async Task<long> TestSendAsync(int memberId, string account, string subject, DateTime sentAt)
    {
        var adId = await AdAsync(account, ad =>
        {
            ad.Subject = subject;
            ad.CtaTarget = CtaTarget.LandingUrl;
            ad.LandingUrl = "https://contoso.example/landing";
        });
        await using var db = database.CreateContext();
        var test = new TestMessage { AdId = adId, ToMemberId = memberId, SentByUserId = "test", SentAt = sentAt };
        db.TestMessages.Add(test);
        await db.SaveChangesAsync();
        return test.Id;
    }

    public async Task<long> OrganicAsync(int memberId, string subject, string body, DateTime sentAt)
    {
        await using var db = database.CreateContext();
        var message = new OrganicMessage { FromMemberId = 5, ToMemberId = memberId, Subject = subject, Body = body, SentAt = sentAt };
        db.OrganicMessages.Add(message);
        await db.SaveChangesAsync();
        return message.Id;
    }

    public async Task<int> AdAsync(string account, Action<Ad> shape)
    {
        var accountId = await database.AccountIdAsync(account);
        await using var db = database.CreateContext();
        var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == accountId && p.Status == SenderPermissionStatus.Granted)
            .OrderBy(p => p.MemberId).Select(p => p.MemberId).FirstAsync();
        var ad = new Ad
        {
            AdvertiserAccountId = accountId, Name = $"Ad {Guid.NewGuid():N}"[..12], Format = AdFormat.MessageAd, SenderMemberId = sender, Subject = "Hello",
            Body = "Hello %FIRSTNAME%", CtaText = "Go", CtaTarget = CtaTarget.LandingUrl, LandingUrl = "https://contoso.example",
            CreatedByUserId = "test", CreatedAt = Now, UpdatedByUserId = "test", UpdatedAt = Now,
        };
        shape(ad);
        db.Ads.Add(ad);
        await db.SaveChangesAsync();
        return ad.Id;
    }

    private async Task<long> DeliverAsync(int memberId, string account, DateTime deliveredAt, Action<Ad, int> shape)
    {
        var accountId = await database.AccountIdAsync(account);
        var adId = await AdAsync(account, ad => shape(ad, accountId));
        await using var db = database.CreateContext();
        var campaign = new Campaign
        {
            AdvertiserAccountId = accountId, Name = $"Campaign {Guid.NewGuid():N}"[..20], Objective = CampaignObjective.LeadGeneration, AdId = adId,
            TargetingJson = new Targeting([new(Facet.Location, ["US"])], []).ToJson(), AudienceName = "Test audience", BidCents = 50, LifetimeBudgetCents = 10_000,
            // Completed: a running app's delivery engine must not pick these up and send to others.
            StartAt = Now.AddDays(-1), Status = CampaignStatus.Completed, LaunchedAt = Now.AddDays(-1), SpentCents = 50,
            CreatedByUserId = "test", CreatedAt = Now, UpdatedByUserId = "test", UpdatedAt = Now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();
        var delivery = new Delivery { CampaignId = campaign.Id, MemberId = memberId, AdvertiserAccountId = accountId, AdId = adId, PriceCents = 50, DeliveredAt = deliveredAt };
        db.Deliveries.Add(delivery);
        // The send's tally, as the engine writes it with the delivery.
        db.CampaignDailyStats.Add(new CampaignDailyStat { CampaignId = campaign.Id, Day = DateOnly.FromDateTime(deliveredAt), Sends = 1, SpendCents = 50 });
        await db.SaveChangesAsync();
        return delivery.Id;
    }
}

/// <summary>The few database calls the inbox test data needs, over any context factory (test database or running app).</summary>
internal sealed class InboxDatabase(Microsoft.EntityFrameworkCore.IDbContextFactory<SponsoredInMail.Core.Data.AppDbContext> factory)
{
    public SponsoredInMail.Core.Data.AppDbContext CreateContext() => factory.CreateDbContext();

    public async Task<int> AccountIdAsync(string name)
    {
        await using var db = CreateContext();
        return await db.AdvertiserAccounts.Where(a => a.Name == name).Select(a => a.Id).SingleAsync();
    }
}

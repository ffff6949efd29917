using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Variants;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Web.Components.Campaigns;

/// <summary>Builds campaigns in a given state through the real Core services (and the admin's review).</summary>
public sealed class CampaignTestData(TestDatabase database)
{
    public const string Maria = "maria@contoso.example";
    public const string Ben = "ben@northwind.example";
    public const string Admin = "admin@sponsoredinmail.example";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public CampaignService Campaigns => database.Get<CampaignService>();

    /// <summary>An audience of every country in the network: large enough to launch.</summary>
    public async Task<int> AudienceAsync(string email, int account, string? name = null)
    {
        await using var db = database.CreateContext();
        var countries = await db.Members.Select(m => m.CountryCode).Distinct().ToListAsync(Ct);
        var created = await database.Get<AudienceService>().CreateAsync(await database.UserIdAsync(email), account, name ?? $"Everyone {Guid.NewGuid():N}",
            new Targeting([new(Facet.Location, countries)], []), Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return created.Value;
    }

    public async Task<int> AdAsync(string email, int account, string? name = null)
    {
        await using var db = database.CreateContext();
        var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == account && p.Status == SenderPermissionStatus.Granted)
            .Select(p => p.MemberId).FirstAsync(Ct);
        var created = await database.Get<AdService>().CreateAsync(await database.UserIdAsync(email), account,
            new AdInput(name ?? $"Ad {Guid.NewGuid():N}", AdFormat.MessageAd, sender, "Hello %FIRSTNAME%", "Hi %FIRSTNAME%, see [the guide](https://contoso.example/guide).",
                "Go", CtaTarget.LandingUrl, "https://contoso.example/go"), Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return created.Value;
    }

    /// <summary>An active Conversation Ad: "Want the guide?" → Read it (URL) / Not interested.</summary>
    public async Task<int> ConversationAdAsync(string email, int account, string? name = null)
    {
        await using var db = database.CreateContext();
        var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == account && p.Status == SenderPermissionStatus.Granted)
            .Select(p => p.MemberId).FirstAsync(Ct);
        var script = new ConversationScript("m1",
        [
            new ConversationMessage("m1", "Hi %FIRSTNAME%, want our guide?",
            [
                new ConversationButton("b1", "Read it", ButtonAction.Url, Url: "https://contoso.example/guide"),
                new ConversationButton("b2", AdLimits.NotInterested, ButtonAction.End),
            ]),
        ]);
        var created = await database.Get<AdService>().CreateAsync(await database.UserIdAsync(email), account,
            new AdInput(name ?? $"Chat {Guid.NewGuid():N}", AdFormat.ConversationAd, sender, "Quick question", Conversation: script), Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return created.Value;
    }

    public static CampaignInput Input(string name, int? audience, int? ad) =>
        new(name, CampaignObjective.LeadGeneration, audience, ad, 60, 50_000, 5_000, TestDatabase.Now.UtcDateTime.AddDays(1), TestDatabase.Now.UtcDateTime.AddDays(15));

    /// <summary>A complete campaign moved to <paramref name="status"/> the way users would get it there.</summary>
    public async Task<int> CampaignAsync(int account, CampaignStatus status, string? name = null, string email = Maria) =>
        (await CampaignWithAdsAsync(account, status, 1, name: name, email: email)).Id;

    /// <summary>
    /// A complete campaign of <paramref name="adCount"/> new Message Ads (A, B, …) moved to <paramref name="status"/> the way
    /// users would get it there (approved with every ad), with its ads in order.
    /// </summary>
    public async Task<(int Id, IReadOnlyList<int> Ads)> CampaignWithAdsAsync(
        int account, CampaignStatus status, int adCount, AbTestMetric? abTest = null, AdRotation rotation = AdRotation.Even, string? name = null, string email = Maria)
    {
        var user = await database.UserIdAsync(email);
        var admin = await database.UserIdAsync(Admin);
        var audience = await AudienceAsync(email, account);
        var ads = new List<int>();
        for (var i = 0; i < adCount; i++)
        {
            ads.Add(await AdAsync(email, account, adCount == 1 ? null : $"Ad {CampaignAdView.LetterOf(i)} {Guid.NewGuid():N}"));
        }
        var input = Input(name ?? $"Campaign {Guid.NewGuid():N}", audience, ads[0]) with { AdIds = ads, Rotation = rotation, AbTest = abTest };
        var created = await Campaigns.CreateDraftAsync(user, account, input, Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        var id = created.Value;
        return (await MoveAsync(id, account, status, user, admin), ads);
    }

    private async Task<int> MoveAsync(int id, int account, CampaignStatus status, string user, string admin)
    {
        var reviews = database.Get<ReviewService>();
        async Task Step(Task<SponsoredInMail.Core.Common.Result> move) => (await move).Succeeded.ShouldBeTrue();
        if (status == CampaignStatus.Draft)
        {
            return id;
        }
        if (status == CampaignStatus.Archived)
        {
            await Step(Campaigns.ArchiveAsync(user, account, id, Ct));
            return id;
        }
        await Step(Campaigns.SubmitAsync(user, account, id, Ct));
        switch (status)
        {
            case CampaignStatus.InReview:
                return id;
            case CampaignStatus.Rejected:
                await Step(reviews.RejectAsync(admin, id, RejectionCode.ExcessiveCapitals, "The subject shouts.", Ct));
                return id;
            case CampaignStatus.Canceled:
                await Step(Campaigns.CancelAsync(user, account, id, Ct));
                return id;
        }
        await Step(reviews.ApproveAsync(admin, id, Ct));
        if (status == CampaignStatus.Approved)
        {
            return id;
        }
        await Step(Campaigns.LaunchAsync(user, account, id, Ct));
        if (status == CampaignStatus.Paused)
        {
            await Step(Campaigns.PauseAsync(user, account, id, Ct));
        }
        return id;
    }

    /// <summary>
    /// Deliveries of one ad to members this campaign has not reached yet: the first <paramref name="opens"/> opened, the
    /// first <paramref name="clicks"/> of those clicked (what the per-ad outcomes count).
    /// </summary>
    public async Task DeliverAsync(int campaignId, int adId, int sends, int opens = 0, int clicks = 0)
    {
        await using var db = database.CreateContext();
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == campaignId, Ct);
        var taken = db.Deliveries.Where(d => d.CampaignId == campaignId).Select(d => d.MemberId);
        var members = await db.Members.Where(m => !taken.Contains(m.Id)).OrderBy(m => m.Id).Select(m => m.Id).Take(sends).ToListAsync(Ct);
        var now = database.Clock.GetUtcNow().UtcDateTime;
        db.Deliveries.AddRange(members.Select((member, i) => new Delivery
        {
            CampaignId = campaignId, MemberId = member, AdvertiserAccountId = campaign.AdvertiserAccountId, AdId = adId, PriceCents = campaign.BidCents,
            DeliveredAt = now, FirstOpenedAt = i < opens ? now : null, FirstClickedAt = i < clicks ? now : null,
        }));
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>Records sends as the delivery engine would tally them: today's stats and the campaign's spend.</summary>
    public async Task RecordSendsAsync(int campaignId, int sends, long spendCents)
    {
        await using var db = database.CreateContext();
        var today = DateOnly.FromDateTime(database.Clock.GetUtcNow().UtcDateTime);
        var stat = await db.CampaignDailyStats.FirstOrDefaultAsync(s => s.CampaignId == campaignId && s.Day == today, Ct);
        if (stat is null)
        {
            db.CampaignDailyStats.Add(new CampaignDailyStat { CampaignId = campaignId, Day = today, Sends = sends, SpendCents = spendCents });
        }
        else
        {
            stat.Sends += sends;
            stat.SpendCents += spendCents;
        }
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == campaignId, Ct);
        campaign.SpentCents += spendCents;
        await db.SaveChangesAsync(Ct);
    }
}

using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Deliveries;
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

    public static CampaignInput Input(string name, int? audience, int? ad) =>
        new(name, CampaignObjective.LeadGeneration, audience, ad, 60, 50_000, 5_000, TestDatabase.Now.UtcDateTime.AddDays(1), TestDatabase.Now.UtcDateTime.AddDays(15));

    /// <summary>A complete campaign moved to <paramref name="status"/> the way users would get it there.</summary>
    public async Task<int> CampaignAsync(int account, CampaignStatus status, string? name = null, string email = Maria)
    {
        var user = await database.UserIdAsync(email);
        var admin = await database.UserIdAsync(Admin);
        var audience = await AudienceAsync(email, account);
        var ad = await AdAsync(email, account);
        var created = await Campaigns.CreateDraftAsync(user, account, Input(name ?? $"Campaign {Guid.NewGuid():N}", audience, ad), Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        var id = created.Value;
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

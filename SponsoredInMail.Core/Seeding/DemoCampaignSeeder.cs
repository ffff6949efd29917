using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Seeding;

/// <summary>
/// Demo campaigns in every state, with weeks of delivery history. The history is not invented row by row: the
/// real delivery engine replays the past days on a simulated clock, so caps, opt-outs, budgets and bid priority
/// hold in it exactly as they will from now on.
/// </summary>
public sealed class DemoCampaignSeeder(
    IDbContextFactory<AppDbContext> factory, IDeliveryStore store, IAudienceSource source,
    IOptions<AudienceOptions> audienceOptions, IOptions<ActivityOptions> activityOptions, IOptions<DeliveryOptions> deliveryOptions,
    DemoEngagementSeeder engagement, DemoConversionSeeder conversions)
{
    private const string SeedActor = "system:seed";

    /// <summary>What happens to a demo campaign, in days relative to now (negative = past).</summary>
    private sealed record Script(
        string Account, string Name, CampaignObjective Objective, long BidCents, long LifetimeCents, long? DailyCents,
        CampaignStatus Final, int? LaunchDay = null, int? StopDay = null, string? Rejection = null);

    private sealed record AccountKit(string AudienceName, Targeting Targeting, string AdName, string Subject, string Body, string Cta, string Url);

    private static readonly Dictionary<string, AccountKit> Kits = new()
    {
        ["Contoso Cloud"] = new("US & UK IT decision makers",
            new([new(Facet.Location, ["US", "GB"]), new(Facet.Seniority, ["Manager", "Director", "VP", "CXO", "Owner"])], []),
            "Cloud migration guide", "%FIRSTNAME%, your cloud migration playbook",
            "Hi %FIRSTNAME%,\n\nTeams like yours at %COMPANYNAME% are moving workloads to the cloud faster than ever. Our free guide shows how to plan the first 90 days.",
            "Get the guide", "https://contoso.example/guide"),
        ["Northwind Analytics"] = new("Data leaders in Europe",
            new([new(Facet.Location, ["DE", "FR", "NL", "ES", "SE", "GB"]), new(Facet.Seniority, ["Manager", "Director", "VP", "CXO", "Owner", "Partner"])], []),
            "Analytics benchmark report", "The 2026 analytics benchmark, %FIRSTNAME%",
            "Hello %FIRSTNAME%,\n\nHow does %COMPANYNAME% compare? 1,200 data leaders shared their numbers for this year's benchmark.",
            "Read the report", "https://northwind.example/benchmark"),
        ["Fabrikam Health"] = new("North American practice managers",
            new([new(Facet.Location, ["US", "CA"]), new(Facet.Seniority, ["Senior", "Manager", "Director", "Owner"])], []),
            "Clinic scheduling demo", "Fewer no-shows at your clinic",
            "Hi %FIRSTNAME%,\n\nFabrikam's scheduling assistant cut no-shows by a third for clinics like yours. See it in a 15-minute demo.",
            "Book a demo", "https://fabrikam.example/demo"),
    };

    private static readonly Script[] Scripts =
    [
        new("Contoso Cloud", "Autumn cloud migration guide", CampaignObjective.WebsiteVisits, 60, 60_000, 3_000, CampaignStatus.Completed, LaunchDay: -42),
        new("Contoso Cloud", "Winter launch webinar", CampaignObjective.WebsiteVisits, 75, 200_000, 4_500, CampaignStatus.Active, LaunchDay: -12),
        new("Contoso Cloud", "Partner summit invitation", CampaignObjective.WebsiteVisits, 80, 100_000, 5_000, CampaignStatus.InReview),
        new("Contoso Cloud", "Spring roadshow", CampaignObjective.WebsiteVisits, 60, 80_000, null, CampaignStatus.Draft),
        new("Northwind Analytics", "Data maturity survey", CampaignObjective.LeadGeneration, 80, 40_000, 4_000, CampaignStatus.Completed, LaunchDay: -88),
        new("Northwind Analytics", "Benchmark report 2026", CampaignObjective.LeadGeneration, 90, 300_000, 4_500, CampaignStatus.Paused, LaunchDay: -25, StopDay: -5),
        new("Northwind Analytics", "Dashboard free trial", CampaignObjective.WebsiteVisits, 70, 50_000, 2_500, CampaignStatus.Rejected,
            Rejection: "Excessive capitals: the subject line is written in capitals throughout; use sentence case."),
        new("Northwind Analytics", "Year-end data webinar", CampaignObjective.WebsiteVisits, 85, 120_000, 6_000, CampaignStatus.Approved),
        new("Fabrikam Health", "Clinic scheduling demo", CampaignObjective.LeadGeneration, 50, 250_000, 2_500, CampaignStatus.Active, LaunchDay: -30),
        new("Fabrikam Health", "Summer promotion", CampaignObjective.WebsiteVisits, 55, 40_000, 3_000, CampaignStatus.Canceled, LaunchDay: -50, StopDay: -47),
    ];

    /// <summary>How many days of history the replay makes.</summary>
    public const int HistoryDays = 90;

    public async Task SeedAsync(DateTime now, CancellationToken ct = default)
    {
        var clock = new SimulatedClock(now.Date.AddDays(-HistoryDays).AddHours(9));
        var ids = await CreateAsync(now, clock.Now, ct);
        await SetReachableLastActiveAsync(AwayFrom(now), ct);

        // Replay the past on the real engine, one morning at a time.
        var index = new AudienceIndex(audienceOptions, activityOptions, clock);
        await index.RebuildAsync(source, ct);
        // The replay's own index follows the feed on the simulated clock, as the app's does on the real one.
        var feed = new Changes.ChangeFeed(factory, [new AudienceIndexFollower(index, factory)], new Changes.ChangeSignal(),
            Options.Create(new Changes.ChangeFeedOptions()), clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<Changes.ChangeFeed>.Instance);
        var engine = new DeliveryEngine(factory, store, index, feed, audienceOptions, deliveryOptions,
            new ActivityPolicy(activityOptions), clock);
        var admin = await AdminIdAsync(ct);
        for (var day = -HistoryDays; day < 0; day++)
        {
            clock.Now = now.Date.AddDays(day).AddHours(9);
            foreach (var (script, id) in Scripts.Zip(ids))
            {
                if (script.LaunchDay == day)
                {
                    await MoveAsync(id, CampaignStatus.Active, ManagerOf(script), clock.Now, null, ct);
                }
                if (script.StopDay == day && await StatusAsync(id, ct) == CampaignStatus.Active)
                {
                    await MoveAsync(id, script.Final, ManagerOf(script), clock.Now,
                        script.Final == CampaignStatus.Canceled ? "Replaced by a new offer." : null, ct);
                }
            }
            await engine.RunUntilIdleAsync(ct);
        }
        await SetReachableLastActiveAsync(now, ct);

        // Campaigns that never launched reach their state now, with the steps a marketer and an admin would take.
        foreach (var (script, id) in Scripts.Zip(ids).Where(p => p.First.LaunchDay is null && p.First.Final != CampaignStatus.Draft))
        {
            var at = now.AddDays(-1);
            await MoveAsync(id, CampaignStatus.InReview, ManagerOf(script), at, null, ct);
            if (script.Final is CampaignStatus.Approved or CampaignStatus.Rejected)
            {
                await MoveAsync(id, script.Final, admin, at.AddHours(3), script.Rejection, ct);
            }
        }
        _managers.Clear();
        await engagement.SeedAsync(now, ct);
        await conversions.SeedAsync(now, ct);
    }

    private readonly Dictionary<string, string> _managers = [];

    /// <summary>
    /// The demo members who read an inbox (<see cref="DemoData.ReachableMembers"/>) take part in the replay only while
    /// its mornings are older than both frequency caps: for the replay they were last seen so long ago that the
    /// engine's own activity rule leaves them out from then on. Afterwards they are active now and capped by nothing.
    /// </summary>
    private DateTime AwayFrom(DateTime now)
    {
        var longestCap = Math.Max(audienceOptions.Value.AnyAdvertiserCapDays, audienceOptions.Value.SameAdvertiserCapDays);
        var lastMorning = now.Date.AddDays(-(longestCap + 1)).AddHours(9);
        return lastMorning.AddDays(-activityOptions.Value.ActiveWithinDays);
    }

    private async Task SetReachableLastActiveAsync(DateTime at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var reachable = DemoData.ReachableMembers.ToList();
        await db.Members.Where(m => reachable.Contains(m.Id)).ExecuteUpdateAsync(u => u.SetProperty(m => m.LastActiveAt, at), ct);
    }

    private string ManagerOf(Script script) => _managers.GetValueOrDefault(script.Account, SeedActor);

    /// <summary>Audiences, ads and the campaigns as drafts (launched ones already through review), in script order.</summary>
    private async Task<List<int>> CreateAsync(DateTime now, DateTime historyStart, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var admin = await AdminIdAsync(ct);
        var ids = new List<int>();
        var kits = new Dictionary<string, (int Account, SavedAudience Audience, Ad Ad)>();
        foreach (var (accountName, kit) in Kits)
        {
            var account = await db.AdvertiserAccounts.SingleAsync(a => a.Name == accountName, ct);
            var manager = await db.AccountMemberships.Where(m => m.AdvertiserAccountId == account.Id && m.Role == AccountRole.Manager)
                .Select(m => m.UserId).FirstOrDefaultAsync(ct) ?? SeedActor;
            _managers[accountName] = manager;
            var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == account.Id && p.Status == SenderPermissionStatus.Granted)
                .OrderBy(p => p.MemberId).Select(p => p.MemberId).FirstAsync(ct);
            var audience = new SavedAudience
            {
                AdvertiserAccountId = account.Id, Name = kit.AudienceName, TargetingJson = kit.Targeting.ToJson(),
                CreatedByUserId = manager, CreatedAt = historyStart, UpdatedByUserId = manager, UpdatedAt = historyStart,
            };
            var ad = new Ad
            {
                AdvertiserAccountId = account.Id, Name = kit.AdName, Format = AdFormat.MessageAd, SenderMemberId = sender,
                Subject = kit.Subject, Body = kit.Body, CtaText = kit.Cta, CtaTarget = CtaTarget.LandingUrl, LandingUrl = kit.Url,
                Footer = $"You are receiving this message from {accountName}.",
                CreatedByUserId = manager, CreatedAt = historyStart, UpdatedByUserId = manager, UpdatedAt = historyStart,
            };
            await DressAsync(db, accountName, account.Id, manager, historyStart, ad, ct);
            db.SavedAudiences.Add(audience);
            db.Ads.Add(ad);
            kits[accountName] = (account.Id, audience, ad);
        }
        await db.SaveChangesAsync(ct);

        foreach (var script in Scripts)
        {
            var (accountId, audience, ad) = kits[script.Account];
            var manager = _managers[script.Account];
            var created = script.LaunchDay is { } launch ? now.Date.AddDays(launch - 3).AddHours(15) : now.AddDays(-2);
            var campaign = new Campaign
            {
                AdvertiserAccountId = accountId, Name = script.Name, Objective = script.Objective, SavedAudienceId = audience.Id, AdId = ad.Id,
                BidCents = script.BidCents, LifetimeBudgetCents = script.LifetimeCents, DailyBudgetCents = script.DailyCents,
                StartAt = script.LaunchDay is { } day ? now.Date.AddDays(day) : now.Date.AddDays(3),
                CreatedByUserId = manager, CreatedAt = created, UpdatedByUserId = manager, UpdatedAt = created,
            };
            db.Campaigns.Add(campaign);
            await db.SaveChangesAsync(ct);
            db.CampaignAds.Add(new Variants.CampaignAd
            {
                CampaignId = campaign.Id, AdId = ad.Id, Position = 0,
                Review = script.LaunchDay is null ? Variants.AdReview.Pending : Variants.AdReview.Approved,
            });
            db.AuditLog.Add(CampaignAudit.Entry(campaign, manager, created, "created"));
            if (script.LaunchDay is not null)
            {
                // Submitted the next morning, approved that afternoon; launched on its launch day.
                campaign.TargetingJson = audience.TargetingJson;
                campaign.AudienceName = audience.Name;
                Record(db, campaign, CampaignStatus.InReview, manager, created.AddHours(18), null);
                Record(db, campaign, CampaignStatus.Approved, admin, created.AddHours(23), null);
            }
            await db.SaveChangesAsync(ct);
            ids.Add(campaign.Id);
        }
        return ids;
    }

    /// <summary>Northwind's ad leads to a lead gen form; Fabrikam's is a Conversation Ad ending in one.</summary>
    private static async Task DressAsync(AppDbContext db, string accountName, int accountId, string manager, DateTime at, Ad ad, CancellationToken ct)
    {
        if (accountName is not ("Northwind Analytics" or "Fabrikam Health"))
        {
            return;
        }
        var form = new LeadGenForm
        {
            AdvertiserAccountId = accountId, Name = accountName == "Fabrikam Health" ? "Demo booking" : "Benchmark report download",
            Headline = accountName == "Fabrikam Health" ? "Book your 15-minute demo" : "Get the 2026 analytics benchmark",
            Details = "We'll send it to the address below.", PrivacyPolicyUrl = $"https://{accountName.Split(' ')[0].ToLowerInvariant()}.example/privacy",
            ConsentText = $"{accountName} may contact me about this request.", ThankYouMessage = "Thank you! Check your inbox shortly.",
            ProfileFields = [ProfileField.FirstName, ProfileField.LastName, ProfileField.Email, ProfileField.Company, ProfileField.JobTitle],
            Questions = [new CustomQuestion("Team size", QuestionKind.Choice, ["1–10", "11–50", "51–200", "200+"])],
            CreatedByUserId = manager, CreatedAt = at, UpdatedByUserId = manager, UpdatedAt = at,
        };
        db.LeadGenForms.Add(form);
        await db.SaveChangesAsync(ct);
        if (accountName == "Northwind Analytics")
        {
            ad.CtaTarget = CtaTarget.LeadForm;
            ad.LeadFormId = form.Id;
            ad.LandingUrl = null;
            ad.CtaText = "Get the report";
            return;
        }
        ad.Format = AdFormat.ConversationAd;
        ad.CtaTarget = null;
        ad.LandingUrl = null;
        ad.CtaText = "";
        ad.Body = "";
        ad.Conversation = new ConversationScript("m1",
        [
            new("m1", "Hi %FIRSTNAME%, are missed appointments costing your clinic?",
                [new("yes", "Yes, tell me more", ButtonAction.NextMessage, "m2"), new("no", AdLimits.NotInterested, ButtonAction.End)]),
            new("m2", "Fabrikam's scheduling assistant cut no-shows by a third for clinics like yours. What would help most?",
                [new("demo", "Book a demo", ButtonAction.LeadForm, LeadFormId: form.Id),
                 new("how", "See how it works", ButtonAction.Url, Url: "https://fabrikam.example/how-it-works"),
                 new("later", "Maybe later", ButtonAction.End)]),
        ]);
    }

    private async Task MoveAsync(int campaignId, CampaignStatus to, string actor, DateTime at, string? reason, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == campaignId, ct);
        if (to == CampaignStatus.InReview)
        {
            var audience = await db.SavedAudiences.SingleAsync(a => a.Id == campaign.SavedAudienceId, ct);
            campaign.TargetingJson = audience.TargetingJson;
            campaign.AudienceName = audience.Name;
        }
        if (to == CampaignStatus.Active && campaign.LaunchedAt is null)
        {
            campaign.LaunchedAt = at;
        }
        campaign.RejectionReason = to == CampaignStatus.Rejected ? reason : campaign.RejectionReason;
        Record(db, campaign, to, actor, at, reason);
        await db.SaveChangesAsync(ct);
    }

    private static void Record(AppDbContext db, Campaign campaign, CampaignStatus to, string actor, DateTime at, string? reason)
    {
        var from = campaign.Status;
        var moved = CampaignStateMachine.Move(campaign, to, actor, at, reason);
        if (!moved.Succeeded)
        {
            throw new InvalidOperationException($"Demo script error: {moved.Outcome}");
        }
        db.CampaignStatusChanges.Add(moved.Value!);
        db.AuditLog.Add(CampaignAudit.Entry(campaign, actor, at,
            to switch { CampaignStatus.Approved => "approved", CampaignStatus.Rejected => "rejected", _ => $"status {from} → {to}" },
            from.ToString(), reason ?? to.ToString()));
    }

    private async Task<CampaignStatus> StatusAsync(int campaignId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.Status).SingleAsync(ct);
    }

    private async Task<string> AdminIdAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where r.Name == AppRoles.Admin select ur.UserId)
            .FirstOrDefaultAsync(ct) ?? SeedActor;
    }

    /// <summary>A clock the replay moves by hand.</summary>
    private sealed class SimulatedClock(DateTime start) : TimeProvider
    {
        public DateTime Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => new(DateTime.SpecifyKind(Now, DateTimeKind.Utc));
    }
}

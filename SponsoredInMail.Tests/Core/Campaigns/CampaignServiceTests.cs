using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Campaigns;

/// <summary>Campaign drafts: rules, roles, tenant isolation, submission, and the history and audit they leave.</summary>
public class CampaignServiceTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private CampaignService _campaigns = default!;
    private string _maria = "";
    private string _ben = "";
    private int _contoso;
    private int _northwind;
    private int _audience;
    private int _ad;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CampaignInput Draft(int? audience = null, int? ad = null) =>
        new("Spring launch", CampaignObjective.LeadGeneration, audience, ad, 60, 50_000, 5_000, TestDatabase.Now.UtcDateTime.AddDays(1), TestDatabase.Now.UtcDateTime.AddDays(15));

    public async ValueTask InitializeAsync()
    {
        // A small network: the launch minimum is lowered to fit it.
        _db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?> { ["Audiences:MinimumAudienceSize"] = "20" });
        await _db.SeedAsync(600);
        await _db.Get<AudienceIndex>().RebuildAsync(_db.Get<IAudienceSource>());
        _campaigns = _db.Get<CampaignService>();
        (_maria, _ben, _contoso, _northwind) = await _db.DemoCastAsync();
        _audience = (await _db.Get<AudienceService>().CreateAsync(_maria, _contoso, "US", new Targeting([new(Facet.Location, ["US"])], []), Ct)).Value;
        await using var db = _db.CreateContext();
        var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == _contoso && p.Status == SenderPermissionStatus.Granted).Select(p => p.MemberId).FirstAsync(Ct);
        _ad = (await _db.Get<AdService>().CreateAsync(_maria, _contoso, new AdInput("Ad", AdFormat.MessageAd, sender, "Hi", "Hello", "Go", CtaTarget.LandingUrl, "https://contoso.example"), Ct)).Value;
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task AManagerSavesADraftAndTheAuditLogSaysSo()
    {
        var id = await CreateAsync();

        var campaign = await _campaigns.GetAsync(_maria, _contoso, id, Ct);
        campaign!.Status.ShouldBe(CampaignStatus.Draft);
        campaign.BidCents.ShouldBe(60);
        await using var db = _db.CreateContext();
        (await db.AuditLog.SingleAsync(e => e.EntityId == id.ToString(), Ct)).Action.ShouldBe("created");
    }

    [Theory]
    [InlineData(24, 50_000, null, "bid", "The bid must be at least $0.25 per send; it is $0.24.")]
    [InlineData(60, 59, null, "lifetimeBudget", "The lifetime budget must cover at least one send ($0.60).")]
    [InlineData(60, 50_000, 59L, "dailyBudget", "The daily budget must cover at least one send and not exceed the lifetime budget.")]
    [InlineData(60, 50_000, 60_000L, "dailyBudget", "The daily budget must cover at least one send and not exceed the lifetime budget.")]
    public async Task BadMoneyIsRefusedWithTheFieldAndNothingIsSaved(long bid, long lifetime, long? daily, string field, string message)
    {
        var result = await _campaigns.CreateDraftAsync(_maria, _contoso, Draft() with { BidCents = bid, LifetimeBudgetCents = lifetime, DailyBudgetCents = daily }, Ct);

        result.Outcome.ErrorFor(field).ShouldBe(message);
        await using var db = _db.CreateContext();
        (await db.Campaigns.CountAsync(Ct)).ShouldBe(0);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(-1)]
    [InlineData(0)]
    public async Task AnObjectiveOutsideTheListIsRefused(int objective)
    {
        var result = await _campaigns.CreateDraftAsync(_maria, _contoso, Draft() with { Objective = (CampaignObjective)objective }, Ct);

        result.Outcome.ErrorFor("objective").ShouldBe("Choose an objective: WebsiteVisits or LeadGeneration.");
        await using var db = _db.CreateContext();
        (await db.Campaigns.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task MoneyAboveTenMillionDollarsIsRefusedAndTenMillionIsFine()
    {
        var huge = await _campaigns.CreateDraftAsync(_maria, _contoso, Draft() with { LifetimeBudgetCents = long.MaxValue }, Ct);
        var hugeBid = await _campaigns.CreateDraftAsync(_maria, _contoso,
            Draft() with { BidCents = 1_000_000_001, LifetimeBudgetCents = 1_000_000_001, DailyBudgetCents = 1_000_000_001 }, Ct);
        var atTheCap = await _campaigns.CreateDraftAsync(_maria, _contoso, Draft() with { LifetimeBudgetCents = 1_000_000_000 }, Ct);

        huge.Outcome.ErrorFor("lifetimeBudget").ShouldBe("The lifetime budget can be at most $10,000,000.00; it is $92,233,720,368,547,758.07.");
        hugeBid.Outcome.Errors.Select(e => e.Field).ShouldBe(["bid", "lifetimeBudget", "dailyBudget"], ignoreOrder: true);
        atTheCap.Succeeded.ShouldBeTrue(atTheCap.Outcome.ToString());
    }

    [Fact]
    public async Task TheSmallestLongAsABidIsRefusedWithAMessage() =>
        (await _campaigns.CreateDraftAsync(_maria, _contoso, Draft() with { BidCents = long.MinValue }, Ct)).Outcome.ErrorFor("bid")
            .ShouldBe("The bid must be at least $0.25 per send; it is -$92,233,720,368,547,758.08.");

    [Theory]
    [InlineData("Spring\nlaunch")]
    [InlineData("Spring\rlaunch")]
    [InlineData("Spring\0launch")]
    [InlineData("Spring\tlaunch")]
    [InlineData("Spring\u001blaunch")]
    public async Task ANameWithControlCharactersIsRefused(string name) =>
        (await _campaigns.CreateDraftAsync(_maria, _contoso, Draft() with { Name = name }, Ct)).Outcome.ErrorFor("name")
            .ShouldBe("Campaign name must be a single line without control characters (no line breaks, tabs or NUL).");

    [Fact]
    public async Task AnEditWithANulInTheNameIsRefusedAndTheDraftKeepsItsName()
    {
        var id = await CreateAsync();

        (await _campaigns.UpdateDraftAsync(_maria, _contoso, id, Draft() with { Name = "Spring\0launch" }, Ct)).ErrorFor("name")
            .ShouldBe("Campaign name must be a single line without control characters (no line breaks, tabs or NUL).");
        (await _campaigns.GetAsync(_maria, _contoso, id, Ct))!.Name.ShouldBe("Spring launch");
    }

    public static TheoryData<string, string> SchedulesOutOfRange() => new()
    {
        { "0001-01-01T00:00:00", "startAt" },
        { "9999-12-31T00:00:00", "startAt" },
        { "yesterday", "startAt" },
        { "in three years", "startAt" },
        { "end in three years", "endAt" },
        { "end 9999", "endAt" },
    };

    [Theory]
    [MemberData(nameof(SchedulesOutOfRange))]
    public async Task AScheduleOutsideTheWindowIsRefused(string schedule, string field)
    {
        var now = TestDatabase.Now.UtcDateTime;
        var input = schedule switch
        {
            "yesterday" => Draft() with { StartAt = now.AddDays(-1), EndAt = null },
            "in three years" => Draft() with { StartAt = now.AddYears(3), EndAt = null },
            "end in three years" => Draft() with { EndAt = now.AddYears(3) },
            "end 9999" => Draft() with { EndAt = DateTime.MaxValue },
            _ => Draft() with { StartAt = DateTime.Parse(schedule, System.Globalization.CultureInfo.InvariantCulture), EndAt = null },
        };

        var result = await _campaigns.CreateDraftAsync(_maria, _contoso, input, Ct);

        result.Outcome.ErrorFor(field).ShouldNotBeNull(result.Outcome.ToString());
    }

    [Fact]
    public async Task AStartWithinTheGraceOrTwoYearsAheadIsFine()
    {
        var now = TestDatabase.Now.UtcDateTime;

        var justPast = await _campaigns.CreateDraftAsync(_maria, _contoso, Draft() with { StartAt = now.AddMinutes(-30) }, Ct);
        var farAhead = await _campaigns.CreateDraftAsync(_maria, _contoso, Draft() with { StartAt = now.AddYears(2).AddDays(-1), EndAt = now.AddYears(2) }, Ct);

        justPast.Succeeded.ShouldBeTrue(justPast.Outcome.ToString());
        farAhead.Succeeded.ShouldBeTrue(farAhead.Outcome.ToString());
    }

    [Fact]
    public async Task TheEndMustComeAfterTheStart() =>
        (await _campaigns.CreateDraftAsync(_maria, _contoso, Draft() with { EndAt = Draft().StartAt }, Ct)).Outcome.ErrorFor("endAt").ShouldNotBeNull();

    [Fact]
    public async Task AnotherAccountsAudienceOrAdCannotBeUsed()
    {
        var result = await _campaigns.CreateDraftAsync(_ben, _northwind, Draft(_audience, _ad), Ct);

        result.Outcome.Errors.Select(e => e.Field).ShouldBe(["audience", "ad"], ignoreOrder: true);
    }

    [Fact]
    public async Task AViewerCannotChangeAndAnotherAccountSeesNothing()
    {
        var id = await CreateAsync();

        (await _campaigns.CreateDraftAsync(_maria, _northwind, Draft(), Ct)).Outcome.ErrorFor("account").ShouldBe("Only a Manager of this account can change campaigns.");
        (await _campaigns.GetAsync(_ben, _northwind, id, Ct)).ShouldBeNull();
        (await _campaigns.GetAsync(_ben, _contoso, id, Ct)).ShouldBeNull();
        (await _campaigns.SubmitAsync(_ben, _northwind, id, Ct)).ErrorFor("campaign").ShouldBe("Campaign not found.");
    }

    [Fact]
    public async Task SubmittingNeedsAnAudienceAndAnAd()
    {
        var id = await CreateAsync(withAudienceAndAd: false);

        var result = await _campaigns.SubmitAsync(_maria, _contoso, id, Ct);

        result.Errors.Select(e => e.Field).ShouldBe(["audience", "ad"], ignoreOrder: true);
        (await _campaigns.GetAsync(_maria, _contoso, id, Ct))!.Status.ShouldBe(CampaignStatus.Draft);
    }

    [Fact]
    public async Task SubmitWithdrawAndTheHistoryOfMoves()
    {
        var id = await CreateAsync();

        (await _campaigns.SubmitAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();
        (await _campaigns.UpdateDraftAsync(_maria, _contoso, id, Draft(_audience, _ad) with { Name = "Changed" }, Ct)).ErrorFor("status")
            .ShouldBe("A campaign that is in review cannot be edited; only drafts and rejected campaigns can.");
        (await _campaigns.PauseAsync(_maria, _contoso, id, Ct)).ErrorFor("status").ShouldBe("A campaign that is in review cannot become paused.");
        (await _campaigns.WithdrawAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();

        var history = await _campaigns.HistoryAsync(_maria, _contoso, id, Ct);
        history.Select(h => (h.From, h.To)).ShouldBe([(CampaignStatus.Draft, CampaignStatus.InReview), (CampaignStatus.InReview, CampaignStatus.Draft)]);
        await using var db = _db.CreateContext();
        (await db.AuditLog.CountAsync(e => e.EntityId == id.ToString(), Ct)).ShouldBe(3);
    }

    [Fact]
    public async Task AWizardStepThatChangesNothingLeavesNoAuditLine()
    {
        var id = await CreateAsync();

        // Next on each step saves the whole draft again, unchanged.
        (await _campaigns.UpdateDraftAsync(_maria, _contoso, id, Draft(_audience, _ad), Ct)).Succeeded.ShouldBeTrue();
        (await _campaigns.UpdateDraftAsync(_maria, _contoso, id, Draft(_audience, _ad) with { Name = "  Spring launch " }, Ct)).Succeeded.ShouldBeTrue();

        await using var db = _db.CreateContext();
        (await db.AuditLog.Where(e => e.EntityId == id.ToString()).Select(e => e.Action).ToListAsync(Ct)).ShouldBe(["created"]);
    }

    [Fact]
    public async Task ASettingsChangeLogsOnlyTheFieldsThatChanged()
    {
        var id = await CreateAsync();

        (await _campaigns.UpdateDraftAsync(_maria, _contoso, id, Draft(_audience, _ad) with { BidCents = 75, DailyBudgetCents = null }, Ct)).Succeeded.ShouldBeTrue();

        await using var db = _db.CreateContext();
        var entry = await db.AuditLog.SingleAsync(e => e.EntityId == id.ToString() && e.Action == "settings changed", Ct);
        entry.Before.ShouldBe("""{"bidCents":60,"dailyBudgetCents":5000}""");
        entry.After.ShouldBe("""{"bidCents":75,"dailyBudgetCents":null}""");
        SponsoredInMail.Core.Audit.AuditDiff.Between(entry.Before, entry.After).Select(c => $"{c.Field}: {c.Before} → {c.After}")
            .ShouldBe(["Bid: $0.60 → $0.75", "Daily budget: $50.00 → none"]);
    }

    [Fact]
    public async Task EditingARejectedCampaignReturnsItToDraft()
    {
        var id = await CreateAsync();
        await _campaigns.SubmitAsync(_maria, _contoso, id, Ct);
        await using (var db = _db.CreateContext())
        {
            var campaign = await db.Campaigns.SingleAsync(c => c.Id == id, Ct);
            campaign.Status = CampaignStatus.Rejected;
            campaign.RejectionReason = "Misleading claim in the subject.";
            await db.SaveChangesAsync(Ct);
        }

        var result = await _campaigns.UpdateDraftAsync(_maria, _contoso, id, Draft(_audience, _ad) with { Name = "Fixed" }, Ct);

        result.Succeeded.ShouldBeTrue(result.ToString());
        var fixedCampaign = await _campaigns.GetAsync(_maria, _contoso, id, Ct);
        fixedCampaign!.Status.ShouldBe(CampaignStatus.Draft);
        fixedCampaign.Name.ShouldBe("Fixed");
    }

    [Fact]
    public async Task AnAdminApprovesOrRejectsWithAReasonTheMarketerSees()
    {
        var approved = await CreateAsync();
        var rejected = await CreateAsync();
        await _campaigns.SubmitAsync(_maria, _contoso, approved, Ct);
        await _campaigns.SubmitAsync(_maria, _contoso, rejected, Ct);
        var review = _db.Get<ReviewService>();
        var admin = await _db.UserIdAsync("admin@sponsoredinmail.example");

        (await review.QueueAsync(admin, Ct)).Select(r => r.CampaignId).ShouldBe([approved, rejected], ignoreOrder: true);
        (await review.QueueAsync(_maria, Ct)).ShouldBeEmpty();
        (await review.ApproveAsync(_maria, approved, Ct)).ErrorFor("account").ShouldBe("Only an admin can review campaigns.");
        (await review.RejectAsync(admin, rejected, RejectionCode.Other, " ", Ct)).ErrorFor("details").ShouldNotBeNull();
        (await review.ApproveAsync(admin, approved, Ct)).Succeeded.ShouldBeTrue();
        (await review.RejectAsync(admin, rejected, RejectionCode.MisleadingClaim, "\"Guaranteed 300% ROI\" cannot be substantiated.", Ct)).Succeeded.ShouldBeTrue();
        (await review.ApproveAsync(admin, approved, Ct)).ErrorFor("status").ShouldBe("A campaign that is approved cannot become approved.");

        (await _campaigns.GetAsync(_maria, _contoso, approved, Ct))!.Status.ShouldBe(CampaignStatus.Approved);
        var seen = await _campaigns.GetAsync(_maria, _contoso, rejected, Ct);
        seen!.Status.ShouldBe(CampaignStatus.Rejected);
        seen.RejectionReason.ShouldBe("Misleading claim: \"Guaranteed 300% ROI\" cannot be substantiated.");
        (await review.QueueAsync(admin, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task RevokingTheSenderCancelsTheLiveCampaignsRunningTheirAds()
    {
        var live = await CreateAsync();
        var draft = await CreateAsync();
        await _campaigns.SubmitAsync(_maria, _contoso, live, Ct);
        await using var db = _db.CreateContext();
        var ad = await db.Ads.SingleAsync(a => a.Id == _ad, Ct);
        var permission = await db.SenderPermissions.SingleAsync(p => p.AdvertiserAccountId == _contoso && p.MemberId == ad.SenderMemberId, Ct);

        var revoked = await _db.Get<SenderService>().RevokeAsync(ad.SenderMemberId, permission.Id, Ct);

        revoked.Succeeded.ShouldBeTrue(revoked.Outcome.ToString());
        (await _campaigns.GetAsync(_maria, _contoso, live, Ct))!.Status.ShouldBe(CampaignStatus.Canceled);
        (await _campaigns.HistoryAsync(_maria, _contoso, live, Ct)).Last().Reason.ShouldNotBeNull().ShouldContain("revoked permission");
        // A draft cannot be canceled; it keeps its now-canceled ad and will be refused at submit.
        (await _campaigns.GetAsync(_maria, _contoso, draft, Ct))!.Status.ShouldBe(CampaignStatus.Draft);
        (await _campaigns.SubmitAsync(_maria, _contoso, draft, Ct)).ErrorFor("ad").ShouldBe("Choose one of this account's active ads.");
    }

    [Fact]
    public async Task AnApprovedCampaignLaunchesOnlyForItsOwnManagers()
    {
        var id = await ApprovedAsync();
        var ben = _ben;
        var viewerAtNorthwind = _maria;
        await using (var db = _db.CreateContext())
        {
            // Ben gets a Viewer seat at Contoso for this test.
            db.AccountMemberships.Add(new AccountMembership { AdvertiserAccountId = _contoso, UserId = ben, Role = AccountRole.Viewer });
            await db.SaveChangesAsync(Ct);
        }

        (await _campaigns.LaunchAsync(ben, _contoso, id, Ct)).Succeeded.ShouldBeFalse();
        (await _campaigns.LaunchAsync(viewerAtNorthwind, _northwind, id, Ct)).Succeeded.ShouldBeFalse();
        (await _campaigns.GetAsync(_maria, _contoso, id, Ct))!.Status.ShouldBe(CampaignStatus.Approved);

        (await _campaigns.LaunchAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();
        var campaign = await _campaigns.GetAsync(_maria, _contoso, id, Ct);
        campaign!.Status.ShouldBe(CampaignStatus.Active);
        campaign.LaunchedAt.ShouldBe(TestDatabase.Now.UtcDateTime);
    }

    [Fact]
    public async Task LaunchIsRefusedBelowTheMinimumDeliverableAudience()
    {
        await using (var db = _db.CreateContext())
        {
            // Most of the audience opts out of everything; the index hears of it as the inbox would tell it.
            var index = _db.Get<AudienceIndex>();
            var optOuts = await db.Members.Where(m => m.CountryCode == "US").OrderBy(m => m.Id).Select(m => m.Id).ToListAsync(Ct);
            foreach (var member in optOuts)
            {
                index.OnOptOutChanged(member, SponsoredInMail.Core.Members.OptOutScope.All, null, null, added: true);
            }
        }
        var id = await ApprovedAsync();

        var result = await _campaigns.LaunchAsync(_maria, _contoso, id, Ct);

        result.ErrorFor("audience").ShouldBe("Only 0 members can receive this campaign now; at least 20 are needed to launch.");
    }

    [Fact]
    public async Task SubmittingFreezesTheAudienceTheAdminApproves()
    {
        var id = await CreateAsync();
        (await _campaigns.SubmitAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();
        await _db.Get<AudienceService>().UpdateAsync(_maria, _contoso, _audience, "US", new Targeting([new(Facet.Location, ["GB"])], []), Ct);

        var campaign = await _campaigns.GetAsync(_maria, _contoso, id, Ct);

        Targeting.FromJson(campaign!.TargetingJson!).IncludedValues(Facet.Location).ShouldBe(["US"]);
        campaign.AudienceName.ShouldBe("US");
    }

    [Fact]
    public async Task DuplicatingMakesADraftCopyWithTheSameSettings()
    {
        var id = await ApprovedAsync();

        var copy = await _campaigns.DuplicateAsync(_maria, _contoso, id, Ct);

        var campaign = await _campaigns.GetAsync(_maria, _contoso, copy.Value, Ct);
        campaign!.Status.ShouldBe(CampaignStatus.Draft);
        campaign.Name.ShouldBe("Copy of Spring launch");
        campaign.SavedAudienceId.ShouldBe(_audience);
        campaign.BidCents.ShouldBe(60);
        (await _campaigns.DuplicateAsync(_ben, _northwind, id, Ct)).Succeeded.ShouldBeFalse();
    }

    private async Task<int> ApprovedAsync()
    {
        var id = await CreateAsync();
        (await _campaigns.SubmitAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();
        var admin = await _db.UserIdAsync("admin@sponsoredinmail.example");
        (await _db.Get<ReviewService>().ApproveAsync(admin, id, Ct)).Succeeded.ShouldBeTrue();
        return id;
    }

    private async Task<int> CreateAsync(bool withAudienceAndAd = true)
    {
        var created = await _campaigns.CreateDraftAsync(_maria, _contoso, withAudienceAndAd ? Draft(_audience, _ad) : Draft(), Ct);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return created.Value;
    }
}

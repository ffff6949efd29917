using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.InMail;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Core.Ads;
using SponsoredInMail.Tests.Core.Changes;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Concurrency;

/// <summary>
/// The read-check-write rules of an account's audiences, campaigns, lead forms and seats, and the change feed's order,
/// under real concurrency on whichever provider the suite runs (see <see cref="RaceTests"/>). Where two Managers act,
/// they are different people, so that it is the rule's own lock that is tested and not the seat lock each change takes.
/// </summary>
public class AccountDataRaceTests
{
    private const int Rounds = 4;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Targeting Us = new([new(Facet.Location, ["US"])], []);

    /// <summary>A seeded network with Maria and Ben both Managers of Contoso, an audience and an active ad there.</summary>
    private sealed record Scene(DeliveryScenario S, string Maria, string Ben, int Contoso, int Audience, int Ad, AdInput AdInput) : IAsyncDisposable
    {
        public TestDatabase Db => S.Database;

        public ValueTask DisposeAsync() => S.DisposeAsync();

        public CampaignInput Draft(int? audience, int? ad, string name = "Spring launch") =>
            new(name, CampaignObjective.WebsiteVisits, audience, ad, 60, 50_000, 5_000, TestDatabase.Now.UtcDateTime.AddDays(1), TestDatabase.Now.UtcDateTime.AddDays(15));
    }

    private static async Task<Scene> SceneAsync()
    {
        var s = await DeliveryScenario.CreateAsync(members: 300);
        var (maria, ben, contoso, _) = await s.Database.DemoCastAsync();
        (await s.Database.Get<AccountService>().AddTeamMemberAsync(maria, contoso, "ben@northwind.example", AccountRole.Manager, Ct)).Succeeded.ShouldBeTrue();
        var audience = (await s.Database.Get<AudienceService>().CreateAsync(maria, contoso, "US", Us, Ct)).Value;
        int sender;
        await using (var db = s.Database.CreateContext())
        {
            sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == contoso && p.Status == SenderPermissionStatus.Granted)
                .OrderBy(p => p.MemberId).Select(p => p.MemberId).FirstAsync(Ct);
        }
        var input = new AdInput("Ad", AdFormat.MessageAd, sender, "Hi", "Hello", "Go", CtaTarget.LandingUrl, "https://contoso.example");
        var ad = (await s.Database.Get<AdService>().CreateAsync(maria, contoso, input, Ct)).Value;
        return new Scene(s, maria, ben, contoso, audience, ad, input);
    }

    private static string Describe(IEnumerable<Result> results) => string.Join(" | ", results.Select(r => r.Succeeded ? "ok" : r.ToString()));

    [Fact]
    public async Task ConcurrentSavesOfOneAudienceNameLeaveOneAudienceWithIt()
    {
        await using var scene = await SceneAsync();
        var audiences = scene.Db.Get<AudienceService>();
        var (maria, ben, contoso) = (scene.Maria, scene.Ben, scene.Contoso);
        for (var round = 0; round < Rounds; round++)
        {
            var renamed = (await audiences.CreateAsync(maria, contoso, $"Other {round}", Us, Ct)).Value;
            var edited = (await audiences.CreateAsync(maria, contoso, $"Another {round}", Us, Ct)).Value;
            // One name in five spellings (the rule ignores case; the unique index does not).
            var results = await RaceTests.RaceAsync(
                async () => (await audiences.CreateAsync(maria, contoso, $"Race {round}", Us, Ct)).Outcome,
                async () => (await audiences.CreateAsync(ben, contoso, $"RACE {round}", Us, Ct)).Outcome,
                async () => (await audiences.CreateAsync(maria, contoso, $"race {round}", Us, Ct)).Outcome,
                () => audiences.RenameAsync(ben, contoso, renamed, $"rAce {round}", Ct),
                () => audiences.UpdateAsync(maria, contoso, edited, $"RaCe {round}", Us, Ct));

            results.Count(r => r.Succeeded).ShouldBe(1, $"round {round}: {Describe(results)}");
            results.Where(r => !r.Succeeded).ShouldAllBe(r => r.ErrorFor("name")!.StartsWith("This account already has an audience named"));
            await using var check = scene.Db.CreateContext();
            var names = await check.SavedAudiences.Where(a => a.AdvertiserAccountId == contoso).Select(a => a.Name).ToListAsync(Ct);
            names.Count(n => string.Equals(n, $"Race {round}", StringComparison.OrdinalIgnoreCase)).ShouldBe(1, $"round {round}: {string.Join(", ", names)}");
        }
    }

    [Fact]
    public async Task ADuplicateRacingTheArchiveOfItsAdIsSavedWithTheAdOrWithoutIt()
    {
        await using var scene = await SceneAsync();
        var campaigns = scene.Db.Get<CampaignService>();
        var ads = scene.Db.Get<AdService>();
        var original = (await campaigns.CreateDraftAsync(scene.Maria, scene.Contoso, scene.Draft(scene.Audience, scene.Ad), Ct)).Value;
        for (var round = 0; round < Rounds * 2; round++)
        {
            var results = await RaceTests.RaceAsync(
                async () => (await campaigns.DuplicateAsync(scene.Maria, scene.Contoso, original, Ct)).Outcome,
                async () => (await campaigns.DuplicateAsync(scene.Maria, scene.Contoso, original, Ct)).Outcome,
                async () => (await campaigns.DuplicateAsync(scene.Maria, scene.Contoso, original, Ct)).Outcome,
                () => ads.ArchiveAsync(scene.Ben, scene.Contoso, scene.Ad, Ct));

            // A copy is never refused for the ad the original had: it keeps it while usable, else leaves it out.
            results.ShouldAllBe(r => r.Succeeded, $"round {round}: {Describe(results)}");
            (await ads.UnarchiveAsync(scene.Maria, scene.Contoso, scene.Ad, Ct)).Succeeded.ShouldBeTrue();
        }
    }

    [Fact]
    public async Task ADraftRacingTheDeletionOfItsAudienceIsSavedOrRefusedNeverHalfDone()
    {
        await using var scene = await SceneAsync();
        var campaigns = scene.Db.Get<CampaignService>();
        var audiences = scene.Db.Get<AudienceService>();
        for (var round = 0; round < Rounds; round++)
        {
            var audience = (await audiences.CreateAsync(scene.Maria, scene.Contoso, $"Doomed {round}", Us, Ct)).Value;
            var results = await RaceTests.RaceAsync(
                async () => (await campaigns.CreateDraftAsync(scene.Maria, scene.Contoso, scene.Draft(audience, scene.Ad, $"A {round}"), Ct)).Outcome,
                async () => (await campaigns.CreateDraftAsync(scene.Maria, scene.Contoso, scene.Draft(audience, null, $"B {round}"), Ct)).Outcome,
                async () => (await campaigns.CreateDraftAsync(scene.Maria, scene.Contoso, scene.Draft(audience, scene.Ad, $"C {round}"), Ct)).Outcome,
                () => audiences.DeleteAsync(scene.Ben, scene.Contoso, audience, Ct));

            results.Take(3).Where(r => !r.Succeeded).ShouldAllBe(r => r.ErrorFor("audience") == "Choose one of this account's saved audiences.", $"round {round}: {Describe(results)}");
            (results[3].Succeeded || results[3].ErrorFor("audience")!.StartsWith("A campaign has just chosen")).ShouldBeTrue($"round {round}: {Describe(results)}");
        }
    }

    [Fact]
    public async Task ASubmissionRacingTheDeletionOfItsAudienceNeverLeavesACampaignInReviewWithoutIt()
    {
        await using var scene = await SceneAsync();
        var campaigns = scene.Db.Get<CampaignService>();
        var audiences = scene.Db.Get<AudienceService>();
        for (var round = 0; round < Rounds * 2; round++)
        {
            var audience = (await audiences.CreateAsync(scene.Maria, scene.Contoso, $"Doomed {round}", Us, Ct)).Value;
            var draft = (await campaigns.CreateDraftAsync(scene.Maria, scene.Contoso, scene.Draft(audience, scene.Ad, $"Submitted {round}"), Ct)).Value;
            var results = await RaceTests.RaceAsync(
                () => campaigns.SubmitAsync(scene.Maria, scene.Contoso, draft, Ct),
                () => audiences.DeleteAsync(scene.Ben, scene.Contoso, audience, Ct));

            var (submitted, deleted) = (results[0], results[1]);
            (submitted.Succeeded && deleted.Succeeded).ShouldBeFalse($"round {round}: both went through: {Describe(results)}");
            await using var check = scene.Db.CreateContext();
            var campaign = await check.Campaigns.AsNoTracking().SingleAsync(c => c.Id == draft, Ct);
            if (submitted.Succeeded)
            {
                campaign.Status.ShouldBe(CampaignStatus.InReview);
                campaign.SavedAudienceId.ShouldBe(audience, $"round {round}: a campaign in review lost its audience");
                deleted.ErrorFor("audience")!.ShouldContain("is used by a live campaign");
            }
            else
            {
                // Deleted first: the draft lost its audience (or the check found it gone).
                submitted.ErrorFor("audience").ShouldBeOneOf(["Choose an audience before submitting.", "Choose one of this account's saved audiences."], $"round {round}: {Describe(results)}");
                campaign.Status.ShouldBe(CampaignStatus.Draft);
            }
        }
    }

    /// <remarks>
    /// An ad may be archived while a campaign in review uses it, so the end state alone cannot tell a submission that
    /// checked an ad archived under it from one archived after it: the clock does. Each reading is later than the one
    /// before; the archive reads it holding the ad's lock, the submission after its check.
    /// </remarks>
    [Fact]
    public async Task ASubmissionRacingTheArchiveOfOneOfItsAdsGoesIntoReviewBeforeTheArchiveOrIsRefused()
    {
        await using var scene = await SceneAsync();
        var campaigns = scene.Db.Get<CampaignService>();
        var ads = scene.Db.Get<AdService>();
        scene.Db.Clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        for (var round = 0; round < Rounds * 4; round++)
        {
            // Two ads; the one archived is the second, which the campaign's own AdId does not name.
            var second = (await ads.CreateAsync(scene.Maria, scene.Contoso, scene.AdInput with { Name = $"Second {round}" }, Ct)).Value;
            var draft = (await campaigns.CreateDraftAsync(scene.Maria, scene.Contoso,
                scene.Draft(scene.Audience, null, $"Submitted {round}") with { AdIds = [scene.Ad, second] }, Ct)).Value;
            var results = await RaceTests.RaceAsync(
                () => campaigns.SubmitAsync(scene.Maria, scene.Contoso, draft, Ct),
                () => ads.ArchiveAsync(scene.Ben, scene.Contoso, second, Ct));

            var (submitted, archived) = (results[0], results[1]);
            archived.Succeeded.ShouldBeTrue($"round {round}: {Describe(results)}");
            await using var check = scene.Db.CreateContext();
            var archivedAt = await check.Ads.Where(a => a.Id == second).Select(a => a.UpdatedAt).SingleAsync(Ct);
            var status = await check.Campaigns.Where(c => c.Id == draft).Select(c => c.Status).SingleAsync(Ct);
            if (submitted.Succeeded)
            {
                status.ShouldBe(CampaignStatus.InReview);
                var inReviewAt = await check.CampaignStatusChanges.Where(h => h.CampaignId == draft && h.To == CampaignStatus.InReview).Select(h => h.At).SingleAsync(Ct);
                inReviewAt.ShouldBeLessThan(archivedAt,
                    $"round {round}: the campaign went into review (at {inReviewAt:HH:mm:ss.fff}) with an ad archived before (at {archivedAt:HH:mm:ss.fff})");
            }
            else
            {
                submitted.ErrorFor("ad").ShouldBe("Every ad must be one of this account's active ads.", $"round {round}: {Describe(results)}");
                status.ShouldBe(CampaignStatus.Draft);
            }
        }
    }

    /// <remarks>
    /// A submission reads its ads before it locks the campaign (they are locked first); an edit that changes them in
    /// between makes it refuse rather than check ads it has not locked. On SQLite the edit always comes wholly before
    /// or after.
    /// </remarks>
    [Fact]
    public async Task ASubmissionRacingAnEditOfItsAdsSubmitsTheAdsItCheckedOrIsRefused()
    {
        await using var scene = await SceneAsync();
        var campaigns = scene.Db.Get<CampaignService>();
        var ads = scene.Db.Get<AdService>();
        for (var round = 0; round < Rounds * 2; round++)
        {
            var second = (await ads.CreateAsync(scene.Maria, scene.Contoso, scene.AdInput with { Name = $"Second {round}" }, Ct)).Value;
            var draft = (await campaigns.CreateDraftAsync(scene.Maria, scene.Contoso, scene.Draft(scene.Audience, scene.Ad, $"Edited {round}"), Ct)).Value;
            var results = await RaceTests.RaceAsync(
                () => campaigns.SubmitAsync(scene.Maria, scene.Contoso, draft, Ct),
                () => campaigns.UpdateDraftAsync(scene.Ben, scene.Contoso, draft, scene.Draft(scene.Audience, null, $"Edited {round}") with { AdIds = [scene.Ad, second] }, Ct));

            var (submitted, edited) = (results[0], results[1]);
            var outcome = $"round {round}: {Describe(results)}";
            await using var check = scene.Db.CreateContext();
            var status = await check.Campaigns.Where(c => c.Id == draft).Select(c => c.Status).SingleAsync(Ct);
            var adIds = await check.CampaignAds.Where(a => a.CampaignId == draft).OrderBy(a => a.Position).Select(a => a.AdId).ToListAsync(Ct);
            if (!edited.Succeeded)
            {
                // Submitted first: the campaign in review is not a draft to edit.
                edited.ErrorFor("status")!.ShouldContain("cannot be edited", customMessage: outcome);
                submitted.Succeeded.ShouldBeTrue(outcome);
                status.ShouldBe(CampaignStatus.InReview, outcome);
                adIds.ShouldBe([scene.Ad], outcome);
            }
            else if (submitted.Succeeded)
            {
                // Edited first: the submission checked and submitted the edited ads.
                status.ShouldBe(CampaignStatus.InReview, outcome);
                adIds.ShouldBe([scene.Ad, second], outcome);
            }
            else
            {
                // Edited while the submission had read its ads but not yet locked the campaign.
                submitted.ErrorFor("ad").ShouldBe("The campaign's ads changed while it was being submitted; check them and submit again.", outcome);
                status.ShouldBe(CampaignStatus.Draft, outcome);
                adIds.ShouldBe([scene.Ad, second], outcome);
            }
        }
    }

    [Fact]
    public async Task AMatchedListDeletionRacingAnAudienceSaveNeverLeavesTheAudienceOnAMissingList()
    {
        await using var scene = await SceneAsync();
        var audiences = scene.Db.Get<AudienceService>();
        var importer = ActivatorUtilities.CreateInstance<MatchedAudienceImporter>(scene.Db.Services);
        string company;
        await using (var db = scene.Db.CreateContext())
        {
            company = await db.Members.GroupBy(m => m.Company!.Name).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync(Ct);
        }
        for (var round = 0; round < Rounds * 2; round++)
        {
            using var csv = new MemoryStream(Encoding.UTF8.GetBytes($"company,website\n\"{company}\",\n"));
            var imported = await importer.ImportAsync(scene.Maria, scene.Contoso, $"List {round}", MatchedListKind.Companies, "list.csv", csv, null, Ct);
            imported.Succeeded.ShouldBeTrue(imported.Outcome.ToString());
            var list = imported.Value!.Id;
            var onList = new Targeting([new(Facet.Location, ["US"]), new(Facet.MatchedAudience, [list.ToString(System.Globalization.CultureInfo.InvariantCulture)])], []);
            (await audiences.CountAsync(scene.Maria, scene.Contoso, onList, Ct)).Succeeded.ShouldBeTrue("the index knows the list");

            var results = await RaceTests.RaceAsync(
                async () => (await audiences.CreateAsync(scene.Maria, scene.Contoso, $"On list {round}", onList, Ct)).Outcome,
                () => importer.DeleteAsync(scene.Ben, scene.Contoso, list, Ct),
                async () => (await audiences.CreateAsync(scene.Maria, scene.Contoso, $"Also on list {round}", onList, Ct)).Outcome);

            await using var check = scene.Db.CreateContext();
            var listThere = await check.MatchedAudiences.AnyAsync(m => m.Id == list, Ct);
            var users = (await check.SavedAudiences.AsNoTracking().Where(a => a.AdvertiserAccountId == scene.Contoso).ToListAsync(Ct))
                .Where(a => Targeting.FromJson(a.TargetingJson).IncludedValues(Facet.MatchedAudience).Contains(list.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Select(a => a.Name).ToList();
            (listThere || users.Count == 0).ShouldBeTrue($"round {round}: the list is deleted but {string.Join(", ", users)} target it ({Describe(results)})");
            listThere.ShouldBe(!results[1].Succeeded, $"round {round}: {Describe(results)}");
            // Clean up for the next round's deletion to have only its own audiences to see.
            foreach (var audience in await check.SavedAudiences.Where(a => users.Contains(a.Name)).Select(a => a.Id).ToListAsync(Ct))
            {
                (await audiences.DeleteAsync(scene.Maria, scene.Contoso, audience, Ct)).Succeeded.ShouldBeTrue();
            }
        }
    }

    [Fact]
    public async Task ConcurrentSeatAssignmentsLeaveOneSeatAndAnAuditTrailThatFollowsIt()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.SeedAsync(300);
        var inMail = db.Get<InMailService>();
        var admin = await db.UserIdAsync("admin@sponsoredinmail.example");
        string[] reps = ["rep@sponsoredinmail.example", "maria@contoso.example", "ben@northwind.example"];
        foreach (var email in reps)
        {
            var rep = await db.UserIdAsync(email);
            await using (var before = db.CreateContext())
            {
                (await before.SalesSeats.AnyAsync(s => s.UserId == rep, Ct)).ShouldBeFalse($"{email} starts without a seat");
            }
            var results = await RaceTests.RaceAsync(
                () => inMail.AssignSeatAsync(admin, rep, SeatTier.Basic, Ct),
                () => inMail.AssignSeatAsync(admin, rep, SeatTier.Professional, Ct),
                () => inMail.AssignSeatAsync(admin, rep, SeatTier.Team, Ct),
                () => inMail.AssignSeatAsync(admin, rep, SeatTier.Professional, Ct));

            results.ShouldAllBe(r => r.Succeeded, $"{email}: {Describe(results)}");
            await using var check = db.CreateContext();
            var seat = await check.SalesSeats.AsNoTracking().SingleAsync(s => s.UserId == rep, Ct);
            var trail = await check.AuditLog.AsNoTracking().Where(e => e.EntityType == "SalesSeat" && e.EntityId == (rep.Length > 40 ? rep.Substring(0, 40) : rep))
                .OrderBy(e => e.Id).Select(e => new { e.Before, e.After }).ToListAsync(Ct);
            var described = string.Join(", ", trail.Select(t => $"{t.Before ?? "none"}→{t.After}"));
            trail.Count.ShouldBe(4, described);
            string? at = null;
            foreach (var step in trail)
            {
                step.Before.ShouldBe(at, $"{email}: each assignment replaces the tier the one before set: {described}");
                at = step.After;
            }
            at.ShouldBe(seat.Tier.ToString());
        }
    }

    [Fact]
    public async Task AnAdSavedOnACheckOfAFormCommitsBeforeTheFormIsArchived()
    {
        await using var scene = await SceneAsync();
        var forms = scene.Db.Get<LeadFormService>();
        var ads = scene.Db.Get<AdService>();
        var form = (await forms.CreateAsync(scene.Maria, scene.Contoso, LeadFormValidatorTests.Valid(), Ct)).Value;
        var withForm = scene.AdInput with { Name = "Lead ad", CtaTarget = CtaTarget.LeadForm, LandingUrl = null, LeadFormId = form };
        var existing = scene.Ad;
        Func<AdService, Task<Result>>[] saves =
        [
            async a => (await a.CreateAsync(scene.Maria, scene.Contoso, withForm, Ct)).Outcome,
            a => a.UpdateAsync(scene.Maria, scene.Contoso, existing, withForm with { Name = "Edited" }, Ct),
        ];
        foreach (var save in saves)
        {
            // Maria's save stops after its checks, before it writes (its clock is read then); Ben archives the form.
            var gate = new GateClock(scene.Db.Clock);
            var pausedAds = ActivatorUtilities.CreateInstance<AdService>(scene.Db.Services, (TimeProvider)gate);
            var saving = Task.Run(() => save(pausedAds), Ct);
            await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            var archiving = Task.Run(() => forms.ArchiveAsync(scene.Ben, scene.Contoso, form, Ct), Ct);
            var archivedMeanwhile = await Task.WhenAny(archiving, Task.Delay(TimeSpan.FromSeconds(2), Ct)) == archiving;
            gate.Open();
            var saved = await saving;
            (await archiving).Succeeded.ShouldBeTrue();

            (saved.Succeeded && archivedMeanwhile).ShouldBeFalse(
                "the form was archived while the ad save that had checked it was still open, and the save then committed the ad pointing at it");
            (await forms.UnarchiveAsync(scene.Maria, scene.Contoso, form, Ct)).Succeeded.ShouldBeTrue();
        }
    }

    [Fact]
    public async Task ADuplicateRacingCreatesOfItsCopysNameLeavesEachFormNameOnce()
    {
        await using var scene = await SceneAsync();
        var forms = scene.Db.Get<LeadFormService>();
        for (var round = 0; round < Rounds * 3; round++)
        {
            var name = $"Guide {round}";
            var original = (await forms.CreateAsync(scene.Maria, scene.Contoso, LeadFormValidatorTests.Valid() with { Name = name }, Ct)).Value;
            // The copy's first choice of name, in two other spellings (the rule ignores case).
            var results = await RaceTests.RaceAsync(
                async () => (await forms.DuplicateAsync(scene.Maria, scene.Contoso, original, Ct)).Outcome,
                async () => (await forms.CreateAsync(scene.Ben, scene.Contoso, LeadFormValidatorTests.Valid() with { Name = $"COPY OF {name}" }, Ct)).Outcome,
                async () => (await forms.CreateAsync(scene.Ben, scene.Contoso, LeadFormValidatorTests.Valid() with { Name = $"copy of {name}" }, Ct)).Outcome);

            results[0].Succeeded.ShouldBeTrue($"round {round}: a copy always finds a free name: {Describe(results)}");
            results.Skip(1).Where(r => !r.Succeeded).ShouldAllBe(r => r.ErrorFor("name")!.StartsWith("This account already has a lead gen form named"), $"round {round}: {Describe(results)}");
            await using var check = scene.Db.CreateContext();
            var names = await check.LeadGenForms.Where(f => f.AdvertiserAccountId == scene.Contoso).Select(f => f.Name).ToListAsync(Ct);
            names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => string.Join(" = ", g))
                .ShouldBeEmpty($"round {round}: two forms share a name ({Describe(results)})");
        }
    }

    [Fact]
    public async Task AFollowerNeverSkipsAPositionWhileWritersCommitAtOnce()
    {
        await using var db = await TestDatabase.CreateAsync();
        var probe = new RecordingFollower("probe");
        // A follower in another process: it knows only what it reads from the table.
        var feed = new ChangeFeed(db.Factory, [probe], new ChangeSignal(), Options.Create(new ChangeFeedOptions { BatchSize = 50 }), db.Clock, NullLogger<ChangeFeed>.Instance);
        const int writers = 4, appends = 40;
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < appends; i++)
            {
                await using var write = db.CreateContext();
                await using var transaction = await write.Database.BeginTransactionAsync(Ct);
                // As the raw stores do: the append last, then the commit (here after a moment's work, so that commits
                // of positions drawn close together come in either order when nothing orders them).
                await ChangeLog.AppendAsync(write.Database.GetDbConnection(), transaction.GetDbTransaction(), new MemberChanged(w * 1000 + i), db.Clock.GetUtcNow().UtcDateTime, Ct);
                await Task.Delay(random.Next(0, 4), Ct);
                await transaction.CommitAsync(Ct);
            }
        }, Ct)).ToArray();
        var all = Task.WhenAll(writing);
        while (!all.IsCompleted)
        {
            await feed.CatchUpAsync("probe", Ct);
        }
        await all;
        await feed.CatchUpAsync("probe", Ct);

        await using var check = db.CreateContext();
        var positions = await check.Changes.OrderBy(c => c.Position).Select(c => c.Position).ToListAsync(Ct);
        var received = probe.Received.Select(r => r.Position).ToList();
        var skipped = positions.Except(received).ToList();
        skipped.ShouldBeEmpty($"the follower passed {skipped.Count} position(s) that committed after a later one: {string.Join(", ", skipped.Take(10))}");
        received.ShouldBe(positions);
    }

    /// <summary>A clock whose first reading stops the caller until <see cref="Open"/>: a service paused between its checks and its write.</summary>
    private sealed class GateClock(TimeProvider inner) : TimeProvider
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Open() => _open.TrySetResult();

        public override DateTimeOffset GetUtcNow()
        {
            _reached.TrySetResult();
            _open.Task.Wait(TimeSpan.FromSeconds(30));
            return inner.GetUtcNow();
        }
    }
}

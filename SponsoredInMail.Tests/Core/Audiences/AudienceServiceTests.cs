using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Audiences;

/// <summary>Saved audiences: who may do what, names, validation, and that refusals change nothing.</summary>
public class AudienceServiceTests : IAsyncLifetime
{
    private static readonly Targeting UsDirectors = new([new(Facet.Location, ["US"]), new(Facet.Seniority, ["Director"])], []);

    private TestDatabase _db = default!;
    private AudienceService _audiences = default!;
    private string _maria = "";
    private string _ben = "";
    private int _contoso;
    private int _northwind;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.SeedAsync(1_500);
        await _db.Get<AudienceIndex>().RebuildAsync(_db.Get<IAudienceSource>());
        _audiences = _db.Get<AudienceService>();
        (_maria, _ben, _contoso, _northwind) = await _db.DemoCastAsync();
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task AManagerSavesAnAudienceWithWhoAndWhen()
    {
        var created = await _audiences.CreateAsync(_maria, _contoso, "  US directors ", UsDirectors, Ct);

        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        var saved = (await _audiences.ListAsync(_maria, _contoso, Ct)).Single();
        saved.Name.ShouldBe("US directors");
        saved.Targeting.ToJson().ShouldBe(UsDirectors.ToJson());
        saved.CreatedBy.ShouldBe("Maria Garcia");
        saved.CreatedAt.ShouldBe(TestDatabase.Now.UtcDateTime);
    }

    [Theory]
    [InlineData("US\ndirectors")]
    [InlineData("US\0directors")]
    [InlineData("US\tdirectors")]
    public async Task ANameWithControlCharactersIsRefusedAndNothingSaved(string name)
    {
        var created = await _audiences.CreateAsync(_maria, _contoso, name, UsDirectors, Ct);

        created.Outcome.ErrorFor("name").ShouldBe("The name must be a single line without control characters (no line breaks, tabs or NUL).");
        (await CountRowsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task ARenameOrEditWithANulInTheNameIsRefusedAndNothingChanges()
    {
        const string Message = "The name must be a single line without control characters (no line breaks, tabs or NUL).";
        var id = (await _audiences.CreateAsync(_maria, _contoso, "US directors", UsDirectors, Ct)).Value;

        (await _audiences.RenameAsync(_maria, _contoso, id, "US\0directors", Ct)).ErrorFor("name").ShouldBe(Message);
        (await _audiences.UpdateAsync(_maria, _contoso, id, "\0", UsDirectors, Ct)).ErrorFor("name").ShouldBe(Message);

        (await _audiences.GetAsync(_maria, _contoso, id, Ct))!.Name.ShouldBe("US directors");
    }

    [Fact]
    public async Task AViewerCanCountButNotSave()
    {
        var count = await _audiences.CountAsync(_maria, _northwind, UsDirectors, Ct);
        var save = await _audiences.CreateAsync(_maria, _northwind, "Not allowed", UsDirectors, Ct);

        count.Succeeded.ShouldBeTrue();
        count.Value!.Matching.ShouldBeGreaterThan(0);
        save.Outcome.ErrorFor("account").ShouldBe("Only a Manager of this account can change audiences.");
        (await CountRowsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task AnotherAccountsAudienceIsInvisibleAndUntouchable()
    {
        var id = (await _audiences.CreateAsync(_maria, _contoso, "Contoso only", UsDirectors, Ct)).Value;

        (await _audiences.ListAsync(_ben, _contoso, Ct)).ShouldBeEmpty();
        (await _audiences.GetAsync(_ben, _northwind, id, Ct)).ShouldBeNull();
        (await _audiences.RenameAsync(_ben, _northwind, id, "Stolen", Ct)).Succeeded.ShouldBeFalse();
        (await _audiences.DeleteAsync(_ben, _northwind, id, Ct)).Succeeded.ShouldBeFalse();
        (await _audiences.DuplicateAsync(_ben, _northwind, id, Ct)).Succeeded.ShouldBeFalse();
        (await _audiences.CountAsync(_ben, _contoso, UsDirectors, Ct)).Succeeded.ShouldBeFalse();
        (await _audiences.GetAsync(_maria, _contoso, id, Ct))!.Name.ShouldBe("Contoso only");
    }

    [Fact]
    public async Task AnInvalidTargetingIsNotSavedAndEveryProblemIsNamed()
    {
        var bad = new Targeting([new(Facet.Seniority, ["Emperor"])], []);

        var result = await _audiences.CreateAsync(_maria, _contoso, "", bad, Ct);

        result.Outcome.Errors.Select(e => e.Field).ShouldBe(["name", "Location", "Seniority"], ignoreOrder: true);
        (await CountRowsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task NamesAreUniquePerAccountIgnoringCase()
    {
        await _audiences.CreateAsync(_maria, _contoso, "Directors", UsDirectors, Ct);

        var clash = await _audiences.CreateAsync(_maria, _contoso, "DIRECTORS", UsDirectors, Ct);
        var otherAccount = await _audiences.CreateAsync(_ben, _northwind, "Directors", UsDirectors, Ct);

        clash.Outcome.ErrorFor("name").ShouldBe("This account already has an audience named 'DIRECTORS'.");
        otherAccount.Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task NamesLongerThanOneHundredCharactersAreRefused()
    {
        var result = await _audiences.CreateAsync(_maria, _contoso, new string('a', 101), UsDirectors, Ct);

        result.Outcome.ErrorFor("name").ShouldBe("The name can be at most 100 characters; it has 101.");
    }

    [Fact]
    public async Task RenameDuplicateAndDelete()
    {
        var id = (await _audiences.CreateAsync(_maria, _contoso, "Original", UsDirectors, Ct)).Value;

        (await _audiences.RenameAsync(_maria, _contoso, id, "Renamed", Ct)).Succeeded.ShouldBeTrue();
        var copy = await _audiences.DuplicateAsync(_maria, _contoso, id, Ct);
        var secondCopy = await _audiences.DuplicateAsync(_maria, _contoso, id, Ct);
        (await _audiences.DeleteAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();

        (await _audiences.ListAsync(_maria, _contoso, Ct)).Select(a => a.Name).ShouldBe(["Copy 2 of Renamed", "Copy of Renamed"]);
        copy.Succeeded.ShouldBeTrue();
        secondCopy.Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task AnAudienceALiveCampaignUsesCannotBeDeleted()
    {
        var id = (await _audiences.CreateAsync(_maria, _contoso, "In use", UsDirectors, Ct)).Value;
        var guarded = new AudienceService(_db.Get<IDbContextFactory<AppDbContext>>(), _db.Get<AccountScope>(), _db.Get<AudienceIndex>(),
            _db.Get<SponsoredInMail.Core.Changes.ChangeFeed>(), new AlwaysInUse(), _db.Get<IOptions<AudienceOptions>>(), _db.Clock);

        var result = await guarded.DeleteAsync(_maria, _contoso, id, Ct);

        result.ErrorFor("audience").ShouldBe("'In use' is used by a live campaign; pause or end the campaign before deleting it.");
        (await CountRowsAsync()).ShouldBe(1);
    }

    [Theory]
    [InlineData(SponsoredInMail.Core.Campaigns.CampaignStatus.Active, false)]
    [InlineData(SponsoredInMail.Core.Campaigns.CampaignStatus.InReview, false)]
    [InlineData(SponsoredInMail.Core.Campaigns.CampaignStatus.Completed, true)]
    [InlineData(SponsoredInMail.Core.Campaigns.CampaignStatus.Draft, true)]
    public async Task OnlyCampaignsThatAreLiveKeepAnAudienceFromBeingDeleted(SponsoredInMail.Core.Campaigns.CampaignStatus status, bool deletable)
    {
        var id = (await _audiences.CreateAsync(_maria, _contoso, "Used", UsDirectors, Ct)).Value;
        await using (var db = _db.CreateContext())
        {
            db.Campaigns.Add(new SponsoredInMail.Core.Campaigns.Campaign
            {
                Name = "Spring", AdvertiserAccountId = _contoso, SavedAudienceId = id, Status = status, BidCents = 50, LifetimeBudgetCents = 10_000,
                CreatedByUserId = _maria, UpdatedByUserId = _maria,
            });
            await db.SaveChangesAsync(Ct);
        }

        var result = await _audiences.DeleteAsync(_maria, _contoso, id, Ct);

        result.Succeeded.ShouldBe(deletable);
        (await CountRowsAsync()).ShouldBe(deletable ? 0 : 1);
    }

    [Fact]
    public async Task TheCountMatchesTheDatabaseForASimpleTargeting()
    {
        var breakdown = (await _audiences.CountAsync(_maria, _contoso, UsDirectors, Ct)).Value!;

        await using var db = _db.CreateContext();
        var matching = await db.Members.CountAsync(m => m.CountryCode == "US" && m.Seniority == SponsoredInMail.Core.Members.Seniority.Director, Ct);
        breakdown.Matching.ShouldBe(matching);
        (breakdown.OptedOut + breakdown.FrequencyCapped + breakdown.Inactive + breakdown.Deliverable).ShouldBe(matching);
    }

    [Fact]
    public async Task SamplesAreMembersOfTheAudience()
    {
        var sample = await _audiences.SampleAsync(_maria, _contoso, UsDirectors, 10, seed: 1, Ct);

        sample.Count.ShouldBe(10);
        sample.ShouldAllBe(m => m.Location.EndsWith("United States") && m.Seniority == SponsoredInMail.Core.Members.Seniority.Director);
    }

    [Fact]
    public async Task SuggestionsCarryMemberCountsAndLabels()
    {
        var values = await _audiences.SuggestAsync(_maria, _contoso, Facet.Location, "united", Ct);

        values.Select(v => v.Label).ShouldContain("United States");
        values.First(v => v.Label == "United States").Members.ShouldBeGreaterThan(0);
    }

    private async Task<int> CountRowsAsync()
    {
        await using var db = _db.CreateContext();
        return await db.SavedAudiences.CountAsync(Ct);
    }

    private sealed class AlwaysInUse : IAudienceUsage
    {
        public Task<bool> IsUsedByLiveCampaignAsync(int savedAudienceId, CancellationToken ct) => Task.FromResult(true);
    }
}

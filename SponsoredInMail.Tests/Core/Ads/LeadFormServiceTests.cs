using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Ads;

/// <summary>Lead gen forms: who may do what, unique names, tenant isolation, archive, and that refusals change nothing.</summary>
public class LeadFormServiceTests : IAsyncLifetime
{
    private const string ManagersOnly = "Only a Manager of this account can change lead gen forms.";
    private const string NotFound = "Lead gen form not found.";

    private TestDatabase _db = default!;
    private LeadFormService _forms = default!;
    private string _maria = "";
    private string _ben = "";
    private int _contoso;
    private int _northwind;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LeadFormInput Form(string name = "Cloud cost guide") => LeadFormValidatorTests.Valid() with { Name = name };

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.SeedAsync(200);
        _forms = ActivatorUtilities.CreateInstance<LeadFormService>(_db.Services);
        await using var db = _db.CreateContext();
        _maria = await db.Users.Where(u => u.Email == "maria@contoso.example").Select(u => u.Id).SingleAsync(Ct);
        _ben = await db.Users.Where(u => u.Email == "ben@northwind.example").Select(u => u.Id).SingleAsync(Ct);
        _contoso = await db.AdvertiserAccounts.Where(a => a.Name == "Contoso Cloud").Select(a => a.Id).SingleAsync(Ct);
        _northwind = await db.AdvertiserAccounts.Where(a => a.Name == "Northwind Analytics").Select(a => a.Id).SingleAsync(Ct);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task AManagerSavesATrimmedFormWithWhoAndWhen()
    {
        var input = Form("  Cloud cost guide ") with
        {
            Headline = " Get the guide ",
            Questions = [new CustomQuestion(" Budget? ", QuestionKind.Choice, [" Small", "Large "])],
            ConsentText = "   ",
            ThankYouUrl = "",
        };

        var created = await _forms.CreateAsync(_maria, _contoso, input, Ct);

        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        var form = (await _forms.GetAsync(_maria, _contoso, created.Value, Ct))!;
        form.Name.ShouldBe("Cloud cost guide");
        form.Headline.ShouldBe("Get the guide");
        form.ProfileFields.ShouldBe([ProfileField.FirstName, ProfileField.LastName, ProfileField.Email]);
        form.Questions.Single().Text.ShouldBe("Budget?");
        form.Questions.Single().Kind.ShouldBe(QuestionKind.Choice);
        form.Questions.Single().Options.ShouldBe(["Small", "Large"]);
        form.ConsentText.ShouldBeNull();
        form.ThankYouUrl.ShouldBeNull();
        form.IsArchived.ShouldBeFalse();
        form.CreatedBy.ShouldBe("Maria Garcia");
        form.CreatedAt.ShouldBe(TestDatabase.Now.UtcDateTime);
        form.UpdatedBy.ShouldBe("Maria Garcia");
        form.UpdatedAt.ShouldBe(TestDatabase.Now.UtcDateTime);
    }

    [Fact]
    public async Task AFormWithEveryTextAtItsLimitIsSavedWhole()
    {
        var max = new LeadFormInput(
            new string('n', AdLimits.NameMax), new string('h', AdLimits.LeadFormHeadlineMax), new string('d', AdLimits.LeadFormDetailsMax),
            Enum.GetValues<ProfileField>(),
            Enumerable.Range(0, AdLimits.LeadFormCustomQuestionsMax).Select(i => new CustomQuestion(
                new string((char)('a' + i), AdLimits.LeadFormQuestionMax), QuestionKind.Choice,
                Enumerable.Range(0, AdLimits.LeadFormChoiceOptionsMax).Select(j => new string((char)('a' + j), AdLimits.LeadFormChoiceOptionMax)).ToList()))
                .ToList(),
            "https://contoso.example/" + new string('p', AdLimits.UrlMax - 24), new string('c', AdLimits.LeadFormConsentMax),
            new string('t', AdLimits.LeadFormThankYouMax), "https://contoso.example/" + new string('u', AdLimits.UrlMax - 24));

        var created = await _forms.CreateAsync(_maria, _contoso, max, Ct);

        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        var saved = (await _forms.GetAsync(_maria, _contoso, created.Value, Ct))!.ToInput();
        saved.Name.ShouldBe(max.Name);
        saved.PrivacyPolicyUrl.Length.ShouldBe(AdLimits.UrlMax);
        saved.ThankYouUrl!.Length.ShouldBe(AdLimits.UrlMax);
        saved.ConsentText!.Length.ShouldBe(AdLimits.LeadFormConsentMax);
        saved.ProfileFields.ShouldBe(max.ProfileFields);
        saved.Questions.Select(q => q.Options.Count).ShouldBe([10, 10, 10]);
        saved.Questions.SelectMany(q => q.Options).ShouldAllBe(o => o.Length == AdLimits.LeadFormChoiceOptionMax);
    }

    [Fact]
    public async Task AnInvalidFormIsNotSavedAndEveryProblemIsNamed()
    {
        await _forms.CreateAsync(_maria, _contoso, Form("Taken"), Ct);
        var bad = Form("TAKEN") with
        {
            Headline = new string('h', 61),
            ProfileFields = [],
            Questions = [new CustomQuestion("Pick", QuestionKind.Choice, ["Only"])],
            PrivacyPolicyUrl = "",
        };

        var result = await _forms.CreateAsync(_maria, _contoso, bad, Ct);

        result.Outcome.Errors.Select(e => e.Field).ShouldBe(["headline", "profileFields", "questions[0].options", "privacyPolicyUrl", "name"], ignoreOrder: true);
        result.Outcome.ErrorFor("name").ShouldBe("This account already has a lead gen form named 'TAKEN'.");
        (await CountRowsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task NamesAreUniquePerAccountIgnoringCaseAndSpaces()
    {
        await _forms.CreateAsync(_maria, _contoso, Form("Guide"), Ct);

        var clash = await _forms.CreateAsync(_maria, _contoso, Form("  gUIDE "), Ct);
        var otherAccount = await _forms.CreateAsync(_ben, _northwind, Form("Guide"), Ct);

        clash.Outcome.ErrorFor("name").ShouldBe("This account already has a lead gen form named 'gUIDE'.");
        otherAccount.Succeeded.ShouldBeTrue(otherAccount.Outcome.ToString());
        (await CountRowsAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task NamesOfNonAsciiLettersAreComparedIgnoringCase()
    {
        await _forms.CreateAsync(_maria, _contoso, Form("Économie"), Ct);

        var clash = await _forms.CreateAsync(_maria, _contoso, Form("éCONOMIE"), Ct);

        clash.Outcome.ErrorFor("name").ShouldNotBeNull();
    }

    [Fact]
    public async Task AnArchivedFormStillHoldsItsName()
    {
        var id = (await _forms.CreateAsync(_maria, _contoso, Form("Guide"), Ct)).Value;
        await _forms.ArchiveAsync(_maria, _contoso, id, Ct);

        var clash = await _forms.CreateAsync(_maria, _contoso, Form("Guide"), Ct);

        clash.Outcome.ErrorFor("name").ShouldBe("This account already has a lead gen form named 'Guide'.");
    }

    [Fact]
    public async Task ConcurrentSavesOfOneNameLeaveOneForm()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => _forms.CreateAsync(_maria, _contoso, Form(i % 2 == 0 ? "Race" : "RACE"), Ct), Ct)));

        results.Count(r => r.Succeeded).ShouldBe(1);
        (await CountRowsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task AnUpdateReplacesTheContentAndRecordsWhoAndWhen()
    {
        var id = (await _forms.CreateAsync(_maria, _contoso, Form("Guide"), Ct)).Value;
        _db.Clock.Advance(TimeSpan.FromHours(2));
        var changed = Form(" Guide ") with { Headline = "New headline", Questions = [], ConsentText = null };

        var result = await _forms.UpdateAsync(_maria, _contoso, id, changed, Ct);

        result.Succeeded.ShouldBeTrue(result.ToString());
        var form = (await _forms.GetAsync(_maria, _contoso, id, Ct))!;
        form.Name.ShouldBe("Guide");
        form.Headline.ShouldBe("New headline");
        form.Questions.ShouldBeEmpty();
        form.ConsentText.ShouldBeNull();
        form.CreatedAt.ShouldBe(TestDatabase.Now.UtcDateTime);
        form.UpdatedAt.ShouldBe(TestDatabase.Now.UtcDateTime.AddHours(2));
    }

    [Fact]
    public async Task ARefusedUpdateLeavesTheFormAsItWas()
    {
        var id = (await _forms.CreateAsync(_maria, _contoso, Form("Guide"), Ct)).Value;
        await _forms.CreateAsync(_maria, _contoso, Form("Other"), Ct);
        var before = await _forms.GetAsync(_maria, _contoso, id, Ct);
        _db.Clock.Advance(TimeSpan.FromHours(1));

        var clash = await _forms.UpdateAsync(_maria, _contoso, id, Form("other"), Ct);
        var invalid = await _forms.UpdateAsync(_maria, _contoso, id, Form("Guide") with { ThankYouMessage = new string('t', 301) }, Ct);

        clash.ErrorFor("name").ShouldBe("This account already has a lead gen form named 'other'.");
        invalid.ErrorFor("thankYouMessage").ShouldBe("Thank-you message must be 1–300 characters; it has 301.");
        (await _forms.GetAsync(_maria, _contoso, id, Ct)).ShouldBeEquivalentTo(before);
    }

    [Fact]
    public async Task AViewerCanReadButNotChange()
    {
        var id = (await _forms.CreateAsync(_ben, _northwind, Form("Northwind form"), Ct)).Value;
        var before = await _forms.GetAsync(_ben, _northwind, id, Ct);

        (await _forms.ListAsync(_maria, _northwind, ct: Ct)).Select(f => f.Name).ShouldBe(["Northwind form"]);
        (await _forms.GetAsync(_maria, _northwind, id, Ct)).ShouldNotBeNull();
        (await _forms.CreateAsync(_maria, _northwind, Form("Not allowed"), Ct)).Outcome.ErrorFor("account").ShouldBe(ManagersOnly);
        (await _forms.UpdateAsync(_maria, _northwind, id, Form("Changed"), Ct)).ErrorFor("account").ShouldBe(ManagersOnly);
        (await _forms.DuplicateAsync(_maria, _northwind, id, Ct)).Outcome.ErrorFor("account").ShouldBe(ManagersOnly);
        (await _forms.ArchiveAsync(_maria, _northwind, id, Ct)).ErrorFor("account").ShouldBe(ManagersOnly);
        (await _forms.UnarchiveAsync(_maria, _northwind, id, Ct)).ErrorFor("account").ShouldBe(ManagersOnly);

        (await CountRowsAsync()).ShouldBe(1);
        (await _forms.GetAsync(_ben, _northwind, id, Ct)).ShouldBeEquivalentTo(before);
    }

    [Fact]
    public async Task AnotherAccountsFormBehavesLikeAMissingOne()
    {
        var id = (await _forms.CreateAsync(_maria, _contoso, Form("Contoso only"), Ct)).Value;
        var before = await _forms.GetAsync(_maria, _contoso, id, Ct);
        const int missing = 999_999;

        (await _forms.ListAsync(_ben, _contoso, includeArchived: true, ct: Ct)).ShouldBeEmpty();
        (await _forms.GetAsync(_ben, _contoso, id, Ct)).ShouldBeNull();
        (await _forms.CreateAsync(_ben, _contoso, Form("Intruder"), Ct)).Outcome.ErrorFor("account").ShouldBe("Advertiser account not found.");
        foreach (var formId in new[] { id, missing })
        {
            (await _forms.GetAsync(_ben, _northwind, formId, Ct)).ShouldBeNull();
            (await _forms.UpdateAsync(_ben, _northwind, formId, Form("Stolen"), Ct)).ErrorFor("form").ShouldBe(NotFound);
            (await _forms.DuplicateAsync(_ben, _northwind, formId, Ct)).Outcome.ErrorFor("form").ShouldBe(NotFound);
            (await _forms.ArchiveAsync(_ben, _northwind, formId, Ct)).ErrorFor("form").ShouldBe(NotFound);
            (await _forms.UnarchiveAsync(_ben, _northwind, formId, Ct)).ErrorFor("form").ShouldBe(NotFound);
            (await _forms.BelongsToAccountAsync(_northwind, formId, Ct)).ShouldBeFalse();
        }

        (await CountRowsAsync()).ShouldBe(1);
        (await _forms.GetAsync(_maria, _contoso, id, Ct)).ShouldBeEquivalentTo(before);
        (await _forms.ListAsync(_ben, _northwind, includeArchived: true, ct: Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ArchivingHidesAFormFromTheListAndFromNewAds()
    {
        var id = (await _forms.CreateAsync(_maria, _contoso, Form("Old"), Ct)).Value;
        await _forms.CreateAsync(_maria, _contoso, Form("Current"), Ct);
        (await _forms.BelongsToAccountAsync(_contoso, id, Ct)).ShouldBeTrue();

        (await _forms.ArchiveAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();

        (await _forms.ListAsync(_maria, _contoso, ct: Ct)).Select(f => f.Name).ShouldBe(["Current"]);
        (await _forms.ListAsync(_maria, _contoso, includeArchived: true, ct: Ct)).Select(f => (f.Name, f.IsArchived)).ShouldBe([("Current", false), ("Old", true)]);
        (await _forms.GetAsync(_maria, _contoso, id, Ct))!.IsArchived.ShouldBeTrue();
        (await _forms.BelongsToAccountAsync(_contoso, id, Ct)).ShouldBeFalse();
        (await _forms.ArchiveAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();

        (await _forms.UnarchiveAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();

        (await _forms.ListAsync(_maria, _contoso, ct: Ct)).Select(f => f.Name).ShouldBe(["Current", "Old"]);
        (await _forms.BelongsToAccountAsync(_contoso, id, Ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task AnArchivedFormIsUnarchivedBeforeItIsEdited()
    {
        var id = (await _forms.CreateAsync(_maria, _contoso, Form("Old"), Ct)).Value;
        await _forms.ArchiveAsync(_maria, _contoso, id, Ct);

        var result = await _forms.UpdateAsync(_maria, _contoso, id, Form("Old") with { Headline = "Changed" }, Ct);

        result.ErrorFor("form").ShouldBe("'Old' is archived; unarchive it before editing.");
        (await _forms.GetAsync(_maria, _contoso, id, Ct))!.Headline.ShouldBe(Form().Headline);
    }

    [Fact]
    public async Task SearchMatchesPartOfTheNameIgnoringCase()
    {
        await _forms.CreateAsync(_maria, _contoso, Form("Cloud cost guide"), Ct);
        await _forms.CreateAsync(_maria, _contoso, Form("Webinar sign-up"), Ct);

        (await _forms.ListAsync(_maria, _contoso, search: " COST ", ct: Ct)).Select(f => f.Name).ShouldBe(["Cloud cost guide"]);
        (await _forms.ListAsync(_maria, _contoso, search: "", ct: Ct)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task TheListSummarisesEachForm()
    {
        await _forms.CreateAsync(_maria, _contoso, Form("Guide"), Ct);

        var row = (await _forms.ListAsync(_maria, _contoso, ct: Ct)).Single();

        row.ShouldBe(new LeadFormSummary(row.Id, "Guide", Form().Headline, 3, 2, true, false, "Maria Garcia", TestDatabase.Now.UtcDateTime));
    }

    [Fact]
    public async Task DuplicatesAreNamedCopyOfAndStayUnique()
    {
        var id = (await _forms.CreateAsync(_maria, _contoso, Form("Guide"), Ct)).Value;
        _db.Clock.Advance(TimeSpan.FromMinutes(5));

        var first = await _forms.DuplicateAsync(_maria, _contoso, id, Ct);
        var second = await _forms.DuplicateAsync(_maria, _contoso, id, Ct);

        (await _forms.ListAsync(_maria, _contoso, ct: Ct)).Select(f => f.Name).ShouldBe(["Copy 2 of Guide", "Copy of Guide", "Guide"]);
        var copy = (await _forms.GetAsync(_maria, _contoso, first.Value, Ct))!;
        var original = (await _forms.GetAsync(_maria, _contoso, id, Ct))!;
        copy.ToInput().ShouldBeEquivalentTo(original.ToInput() with { Name = "Copy of Guide" });
        copy.CreatedAt.ShouldBe(TestDatabase.Now.UtcDateTime.AddMinutes(5));
        second.Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task ADuplicateOfALongNameIsCutToTheNameLimit()
    {
        var name = new string('x', AdLimits.NameMax);
        var id = (await _forms.CreateAsync(_maria, _contoso, Form(name), Ct)).Value;

        var first = await _forms.DuplicateAsync(_maria, _contoso, id, Ct);
        var second = await _forms.DuplicateAsync(_maria, _contoso, id, Ct);

        var names = (await _forms.ListAsync(_maria, _contoso, ct: Ct)).Select(f => f.Name).ToList();
        first.Succeeded.ShouldBeTrue();
        second.Succeeded.ShouldBeTrue();
        names.Count.ShouldBe(3);
        names.ShouldAllBe(n => n.Length <= AdLimits.NameMax);
        names.Distinct(StringComparer.OrdinalIgnoreCase).Count().ShouldBe(3);
    }

    [Fact]
    public async Task AnArchivedFormCanBeDuplicatedAsAnActiveOne()
    {
        var id = (await _forms.CreateAsync(_maria, _contoso, Form("Old"), Ct)).Value;
        await _forms.ArchiveAsync(_maria, _contoso, id, Ct);

        var copy = await _forms.DuplicateAsync(_maria, _contoso, id, Ct);

        (await _forms.ListAsync(_maria, _contoso, ct: Ct)).Select(f => f.Name).ShouldBe(["Copy of Old"]);
        (await _forms.BelongsToAccountAsync(_contoso, copy.Value, Ct)).ShouldBeTrue();
    }

    /// <summary>PostgreSQL refuses NUL in text: the rule refuses it before the name check queries the account's forms.</summary>
    [Theory]
    [InlineData("Guide\0")]
    [InlineData("\0")]
    public async Task AFormNameWithANulIsRefusedOnCreateAndEditAndNothingChanges(string name)
    {
        const string Message = "Name must be a single line without control characters (no line breaks, tabs or NUL).";
        (await _forms.CreateAsync(_maria, _contoso, Form(name), Ct)).Outcome.ErrorFor("name").ShouldBe(Message);
        (await CountRowsAsync()).ShouldBe(0);

        var id = (await _forms.CreateAsync(_maria, _contoso, Form(), Ct)).Value;
        (await _forms.UpdateAsync(_maria, _contoso, id, Form(name), Ct)).ErrorFor("name").ShouldBe(Message);
        (await _forms.GetAsync(_maria, _contoso, id, Ct))!.Name.ShouldBe("Cloud cost guide");
    }

    private async Task<int> CountRowsAsync()
    {
        await using var db = _db.CreateContext();
        return await db.LeadGenForms.CountAsync(Ct);
    }
}

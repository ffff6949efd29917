using System.Data.Common;
using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Audiences;

/// <summary>Uploading company and contact lists: matching, rejections, refusals, tenant isolation, atomic saving.</summary>
public class MatchedAudienceImporterTests : IAsyncLifetime
{
    private const int NetworkSize = 1_500;

    private TestDatabase _db = default!;
    private string _maria = "";
    private string _ben = "";
    private int _contoso;
    private int _northwind;

    private MatchedAudienceImporter Importer => ActivatorUtilities.CreateInstance<MatchedAudienceImporter>(_db.Services);
    private AudienceIndex Index => _db.Get<AudienceIndex>();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.SeedAsync(NetworkSize);
        await Index.RebuildAsync(_db.Get<IAudienceSource>(), Ct);
        await using var db = _db.CreateContext();
        _maria = await db.Users.Where(u => u.Email == "maria@contoso.example").Select(u => u.Id).SingleAsync(Ct);
        _ben = await db.Users.Where(u => u.Email == "ben@northwind.example").Select(u => u.Id).SingleAsync(Ct);
        _contoso = await db.AdvertiserAccounts.Where(a => a.Name == "Contoso Cloud").Select(a => a.Id).SingleAsync(Ct);
        _northwind = await db.AdvertiserAccounts.Where(a => a.Name == "Northwind Analytics").Select(a => a.Id).SingleAsync(Ct);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task CompanyListMatchesEveryMemberOfTheNamedCompaniesByNameOrWebsite()
    {
        var companies = await UnambiguousCompaniesAsync();
        var picked = new List<CompanyWithMembers>();
        foreach (var c in companies)
        {
            picked.Add(c);
            if (picked.Sum(p => p.MemberIds.Count) >= 350)
            {
                break;
            }
        }
        picked.Count.ShouldBeGreaterThan(3);
        var lines = new List<string> { " Company Name , Website " };
        lines.Add(Quote(picked[0].Name) + ",");
        lines.Add(Quote($"  {picked[1].Name.ToUpperInvariant().Replace(" ", "   ")} , Inc.  ") + ",");
        lines.Add($"Somebody Else Ltd,https://www.{picked[2].Domain}/about-us");
        lines.AddRange(picked.Skip(3).Select(c => Quote(c.Name) + ",www." + c.Domain));
        lines.Add("No Such Company GmbH,nosuchcompany.example");

        var result = await Importer.ImportAsync(_maria, _contoso, "Target accounts", MatchedListKind.Companies, "targets.csv", Csv(lines), null, Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        var summary = result.Value!;
        var expected = picked.SelectMany(c => c.MemberIds).ToHashSet();
        summary.RowsRead.ShouldBe(picked.Count + 1);
        summary.RowsRejected.ShouldBe(0);
        summary.MembersMatched.ShouldBe(expected.Count);
        summary.MatchRate.ShouldBe((double)picked.Count / (picked.Count + 1), 1e-9);
        summary.UsableForLaunch.ShouldBeTrue();
        summary.UnusableReason.ShouldBeNull();
        (await SavedMemberIdsAsync(summary.Id)).ShouldBe(expected, ignoreOrder: true);
    }

    [Fact]
    public async Task ContactListMatchesByEmailOrByNameAndCompany()
    {
        await using var db = _db.CreateContext();
        var unambiguous = (await UnambiguousCompaniesAsync()).Select(c => c.Id).ToHashSet();
        var members = await db.Members.AsNoTracking().OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.Email, m.FirstName, m.LastName, m.CompanyId, Company = m.Company!.Name })
            .ToListAsync(Ct);
        var byEmail = members.Take(200).ToList();
        var byName = members.Skip(200).Where(m => unambiguous.Contains(m.CompanyId)).Take(150).ToList();
        byName.Count.ShouldBe(150);
        var lines = new List<string> { " E-Mail ,FIRST NAME,last name,Company" };
        lines.AddRange(byEmail.Select((m, i) => (i % 2 == 0 ? m.Email.ToUpperInvariant() : $"  {m.Email} ") + ",,,"));
        lines.AddRange(byName.Select((m, i) => $",{(i % 2 == 0 ? m.FirstName.ToLowerInvariant() : m.FirstName)},{m.LastName} ,{Quote(m.Company + (i % 3 == 0 ? " LLC" : ""))}"));
        lines.Add("nobody@nowhere.example,,,");
        lines.Add(",Nobody,Anybody," + Quote(byName[0].Company));

        var result = await Importer.ImportAsync(_maria, _contoso, "Webinar leads", MatchedListKind.Contacts, "leads.csv", Csv(lines, bom: true), null, Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        // Expected from the database directly: every member with one of the e-mails, or with the name at that company.
        var emails = byEmail.Select(m => m.Email).ToHashSet();
        var names = byName.Select(m => (m.FirstName, m.LastName, m.CompanyId)).ToHashSet();
        var expected = members.Where(m => emails.Contains(m.Email) || names.Contains((m.FirstName, m.LastName, m.CompanyId))).Select(m => m.Id).ToHashSet();
        var summary = result.Value!;
        summary.RowsRead.ShouldBe(352);
        summary.RowsRejected.ShouldBe(0);
        summary.MembersMatched.ShouldBe(expected.Count);
        summary.MatchRate.ShouldBe(350 / 352.0, 1e-9);
        summary.UsableForLaunch.ShouldBeTrue();
        (await SavedMemberIdsAsync(summary.Id)).ShouldBe(expected, ignoreOrder: true);
    }

    [Fact]
    public async Task RowProblemsAreRejectedWithTheirLineNumbersAndTheRestIsMatched()
    {
        var member = await AnyMemberAsync();
        var csv = string.Join("\r\n",
            "email,first name,last name,company",                   // 1
            $"{member.Email},,,",                                  // 2 matched
            "not-an-email,,,",                                     // 3 invalid e-mail
            "\"=HYPERLINK(\"\"http://evil.example\"\")\",,,",      // 4 formula
            "",                                                    // 5 blank line: skipped
            ",Anne,,Acme",                                         // 6 blank cells
            "+15550100@x.example,,,",                              // 7 formula (+)
            "-2+3,,,",                                             // 8 formula (- and a non-letter)
            "@SUM(A1),,,",                                         // 9 formula (@)
            "\"\tx@y.example\",,,",                                // 10 formula (tab)
            ",-Anne,Smith,Acme",                                   // 11 "-" and a letter: a name, unmatched
            "\"multi",                                             // 12 a quoted cell over two lines
            "line\",,,",                                           // 13
            "bad@,,,");                                            // 14 invalid e-mail

        var result = await Importer.ImportAsync(_maria, _contoso, "Messy list", MatchedListKind.Contacts, "messy.csv", Csv(csv), null, Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        result.Value!.RowsRead.ShouldBe(11);
        result.Value.RowsRejected.ShouldBe(9);
        result.Value.MembersMatched.ShouldBe(1);
        var download = await Importer.GetRejectionsCsvAsync(_maria, _contoso, result.Value.Id, Ct);
        download.ShouldNotBeNull();
        download.FileName.ShouldBe("messy-rejections.csv");
        download.Csv.ShouldStartWith("line,value,reason\r\n");
        var rows = ReadCsv(download.Csv);
        rows[0].ShouldBe(["line", "value", "reason"]);
        rows.Skip(1).Select(r => (r[0], r[1])).ShouldBe(
        [
            ("3", "not-an-email"),
            ("4", "'=HYPERLINK(\"http://evil.example\")"),
            ("6", "Anne Acme"),
            ("7", "'+15550100@x.example"),
            ("8", "'-2+3"),
            ("9", "'@SUM(A1)"),
            ("10", "'\tx@y.example"),
            ("12", "multi\r\nline"),
            ("14", "bad@"),
        ]);
        rows[1][2].ShouldBe("The email cell is not a valid e-mail address.");
        rows[2][2].ShouldBe("The email cell looks like a spreadsheet formula.");
        rows[3][2].ShouldBe("The email cell is empty, and the last name cell is empty.");
    }

    [Fact]
    public async Task FormulaLikeCellsInACompanyListAreRejectedAndEscapedInTheDownload()
    {
        var company = (await UnambiguousCompaniesAsync())[0];
        var csv = Csv(["company,website", $"{Quote(company.Name)},", "=1+1,", $"{Quote(company.Name)},-cmd.example", ",acme.example"]);

        var result = await Importer.ImportAsync(_maria, _contoso, "Formulas", MatchedListKind.Companies, "f.csv", csv, null, Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        result.Value!.RowsRejected.ShouldBe(2);
        result.Value.MembersMatched.ShouldBe(company.MemberIds.Count);
        var rows = ReadCsv((await Importer.GetRejectionsCsvAsync(_maria, _contoso, result.Value.Id, Ct))!.Csv);
        rows.Skip(1).Select(r => string.Join(" | ", r))
            .ShouldBe(["3 | '=1+1 | The company cell looks like a spreadsheet formula.", "5 | acme.example | The company cell is empty."]);
    }

    [Fact]
    public async Task FileWithoutTheRequiredColumnsIsRefusedNamingTheColumnsExpected()
    {
        var before = await CountRowsAsync();

        var companies = await Importer.ImportAsync(_maria, _contoso, "A", MatchedListKind.Companies, "a.csv", Csv(["name,url", "Acme,acme.example"]), null, Ct);
        var contacts = await Importer.ImportAsync(_maria, _contoso, "B", MatchedListKind.Contacts, "b.csv", Csv(["First Name,Last Name", "Anne,Smith"]), null, Ct);

        companies.Outcome.ErrorFor("file").ShouldBe(
            "A company list needs a \"company\" (or \"company name\") column; a \"website\" or \"domain\" column is optional. The first line has: \"name\", \"url\".");
        contacts.Outcome.ErrorFor("file").ShouldBe(
            "A contact list needs an \"email\" column, or \"first name\", \"last name\" and \"company\" columns. The first line has: \"First Name\", \"Last Name\".");
        (await CountRowsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task FileThatIsNotUtf8IsRefused()
    {
        var before = await CountRowsAsync();
        var latin1 = Encoding.Latin1.GetBytes("company\r\nMüller GmbH\r\nZürich Partners\r\n");

        var result = await Importer.ImportAsync(_maria, _contoso, "Umlauts", MatchedListKind.Companies, "de.csv", new MemoryStream(latin1), null, Ct);

        result.Outcome.ErrorFor("file").ShouldBe("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and upload it again.");
        (await CountRowsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task EmptyFileAndHeaderOnlyFileAreRefused()
    {
        var before = await CountRowsAsync();

        var empty = await Importer.ImportAsync(_maria, _contoso, "Empty", MatchedListKind.Contacts, "e.csv", new MemoryStream(), null, Ct);
        var headerOnly = await Importer.ImportAsync(_maria, _contoso, "Header", MatchedListKind.Contacts, "h.csv", Csv(["email", "", " , "]), null, Ct);

        empty.Outcome.ErrorFor("file").ShouldBe("The file is empty.");
        headerOnly.Outcome.ErrorFor("file").ShouldBe("The file has a header line but no rows below it.");
        (await CountRowsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task FileLargerThan20MbIsRefusedWithoutReadingIt()
    {
        var before = await CountRowsAsync();
        var declared = new UnreadableStream(AudienceRules.MaxMatchedFileBytes + 1);

        var result = await Importer.ImportAsync(_maria, _contoso, "Huge", MatchedListKind.Contacts, "huge.csv", declared, null, Ct);

        result.Outcome.ErrorFor("file").ShouldBe("The file is larger than 20 MB; split it into smaller lists.");
        declared.Reads.ShouldBe(0);
        (await CountRowsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task StreamThatTurnsOutLargerThan20MbIsRefused()
    {
        var before = await CountRowsAsync();
        // 200,000 rows of ~110 bytes: under the row limit, over the byte limit; generated as it is read.
        var padding = new string('x', 90);
        var stream = new GeneratedStream(Enumerable.Range(0, 200_000).Select(i => $"{padding}{i}@big.example").Prepend("email"));

        var result = await Importer.ImportAsync(_maria, _contoso, "Huge", MatchedListKind.Contacts, "huge.csv", stream, null, Ct);

        result.Outcome.ErrorFor("file").ShouldBe("The file is larger than 20 MB; split it into smaller lists.");
        stream.BytesServed.ShouldBeLessThan(AudienceRules.MaxMatchedFileBytes + 1024 * 1024);
        (await CountRowsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task MoreThan300000RowsAreRefusedAtTheFirstRowTooMany()
    {
        var before = await CountRowsAsync();
        var stream = new GeneratedStream(Enumerable.Range(0, 400_000).Select(i => $"m{i}@x.example").Prepend("email"));

        var result = await Importer.ImportAsync(_maria, _contoso, "Too many", MatchedListKind.Contacts, "many.csv", stream, null, Ct);

        result.Outcome.ErrorFor("file").ShouldBe("The file has more than 300,000 rows; split it into lists of at most 300,000 rows.");
        stream.LinesServed.ShouldBeLessThan(310_000);
        (await CountRowsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task ExactlyThe300000RowLimitIsAccepted()
    {
        await using var db = _db.CreateContext();
        var real = await db.Members.OrderBy(m => m.Id).Select(m => m.Email).Take(400).ToListAsync(Ct);
        var stream = new GeneratedStream(Enumerable.Range(0, AudienceRules.MaxMatchedRows)
            .Select(i => i < real.Count ? real[i] : $"m{i}@x.example").Prepend("email"));

        var result = await Importer.ImportAsync(_maria, _contoso, "Full", MatchedListKind.Contacts, "full.csv", stream, null, Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        result.Value!.RowsRead.ShouldBe(300_000);
        result.Value.MembersMatched.ShouldBe(400);
        result.Value.MatchRate.ShouldBe(400 / 300_000.0, 1e-12);
    }

    [Fact]
    public async Task UnterminatedQuoteIsRefusedWithItsLineNumber()
    {
        var before = await CountRowsAsync();
        var csv = Csv(["email", "a@x.example", "", "\"b@x.example", "c@x.example", "d@x.example"]);

        var result = await Importer.ImportAsync(_maria, _contoso, "Broken", MatchedListKind.Contacts, "broken.csv", csv, null, Ct);

        var stray = await Importer.ImportAsync(_maria, _contoso, "Broken", MatchedListKind.Contacts, "broken.csv",
            Csv(["email", "a@x.example", "17\" screen@x.example", "c@x.example"]), null, Ct);

        result.Outcome.ErrorFor("file").ShouldNotBeNull().ShouldStartWith("The file is not well-formed CSV: the row starting on line 4 has a quote that is not closed");
        stray.Outcome.ErrorFor("file").ShouldNotBeNull().ShouldStartWith("The file is not well-formed CSV: the row starting on line 3 has");
        (await CountRowsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task ViewerOrOutsiderCannotUploadAndNothingIsSaved()
    {
        var before = await CountRowsAsync();
        var member = await AnyMemberAsync();

        var viewer = await Importer.ImportAsync(_maria, _northwind, "List", MatchedListKind.Contacts, "l.csv", Csv(["email", member.Email]), null, Ct);
        var outsider = await Importer.ImportAsync(_ben, _contoso, "List", MatchedListKind.Contacts, "l.csv", Csv(["email", member.Email]), null, Ct);

        viewer.Outcome.ErrorFor("account").ShouldBe("Only a Manager of this account can change matched audiences.");
        // No seat on the account: it answers like no account at all, as every other command does.
        outsider.Outcome.ErrorFor("account").ShouldBe("Advertiser account not found.");
        (await CountRowsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task NameMustBeGivenShortAndUniqueWithinTheAccount()
    {
        var member = await AnyMemberAsync();
        (await Importer.ImportAsync(_maria, _contoso, "Customers", MatchedListKind.Contacts, "c.csv", Csv(["email", member.Email]), null, Ct))
            .Succeeded.ShouldBeTrue();
        var before = await CountRowsAsync();

        var blank = await Importer.ImportAsync(_maria, _contoso, "   ", MatchedListKind.Contacts, "c.csv", Csv(["email", member.Email]), null, Ct);
        var tooLong = await Importer.ImportAsync(_maria, _contoso, new string('n', 101), MatchedListKind.Contacts, "c.csv", Csv(["email", member.Email]), null, Ct);
        var duplicate = await Importer.ImportAsync(_maria, _contoso, " customers ", MatchedListKind.Contacts, "c.csv", Csv(["email", member.Email]), null, Ct);
        var both = await Importer.ImportAsync(_maria, _contoso, "", MatchedListKind.Contacts, "c.csv", new MemoryStream(), null, Ct);
        var otherAccount = await Importer.ImportAsync(_ben, _northwind, "Customers", MatchedListKind.Contacts, "c.csv", Csv(["email", member.Email]), null, Ct);

        blank.Outcome.ErrorFor("name").ShouldBe("Give the list a name.");
        tooLong.Outcome.ErrorFor("name").ShouldBe("Use at most 100 characters for the name (this one has 101).");
        duplicate.Outcome.ErrorFor("name").ShouldBe("This account already has a matched audience named \"customers\"; choose another name.");
        both.Outcome.Errors.Select(e => e.Field).ShouldBe(["name", "file"]);
        otherAccount.Succeeded.ShouldBeTrue("names are unique per account, not across accounts");
        (await CountRowsAsync()).ShouldBe((before.Lists + 1, before.Members + 1));
    }

    [Fact]
    public async Task ListBelowTheMinimumIsSavedButNotUsableForLaunch()
    {
        await using var db = _db.CreateContext();
        var emails = await db.Members.OrderBy(m => m.Id).Select(m => m.Email).Take(12).ToListAsync(Ct);

        var result = await Importer.ImportAsync(_maria, _contoso, "Small", MatchedListKind.Contacts, "small.csv", Csv(emails.Prepend("email")), null, Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        result.Value!.MembersMatched.ShouldBe(12);
        result.Value.UsableForLaunch.ShouldBeFalse();
        result.Value.UnusableReason.ShouldBe("Only 12 members matched; a list needs at least 300 matched members to be used in a launch.");
        var listed = (await Importer.ListAsync(_maria, _contoso, Ct)).ShouldHaveSingleItem();
        (listed.Id, listed.Name, listed.FileName, listed.RowsRead, listed.MembersMatched, listed.UsableForLaunch, listed.UnusableReason)
            .ShouldBe((result.Value.Id, "Small", "small.csv", 12, 12, false, result.Value.UnusableReason));
        listed.CreatedAt.ShouldBe(TestDatabase.Now.UtcDateTime);
    }

    [Fact]
    public async Task AnotherAccountsListIsInvisibleAndCannotBeDeleted()
    {
        var list = await ImportSmallListAsync(_maria, _contoso, "Contoso private");
        var before = await CountRowsAsync();

        (await Importer.ListAsync(_ben, _northwind, Ct)).ShouldBeEmpty();
        (await Importer.ListAsync(_ben, _contoso, Ct)).ShouldBeEmpty();
        (await Importer.GetRejectionsCsvAsync(_ben, _northwind, list, Ct)).ShouldBeNull();
        (await Importer.GetRejectionsCsvAsync(_ben, _contoso, list, Ct)).ShouldBeNull();
        (await Importer.DeleteAsync(_ben, _northwind, list, Ct)).ErrorFor("list").ShouldBe("Matched audience not found.");
        (await Importer.DeleteAsync(_ben, _northwind, 987_654, Ct)).ErrorFor("list").ShouldBe("Matched audience not found.");
        (await Importer.DeleteAsync(_ben, _contoso, list, Ct)).ErrorFor("account").ShouldNotBeNull();
        Index.IsKnown(Facet.MatchedAudience, list.ToString(CultureInfo.InvariantCulture), _northwind).ShouldBeFalse();

        (await CountRowsAsync()).ShouldBe(before);
        (await Importer.ListAsync(_maria, _contoso, Ct)).Select(l => l.Id).ShouldBe([list]);
    }

    [Fact]
    public async Task OneListIsReadByIdOnlyWithinItsAccount()
    {
        var list = await ImportSmallListAsync(_maria, _contoso, "Read by id");

        var read = (await Importer.GetAsync(_maria, _contoso, list, Ct)).ShouldNotBeNull();
        (read.Id, read.Name, read.RowsRead, read.RowsRejected, read.MembersMatched).ShouldBe((list, "Read by id", 2, 1, 1));
        (await Importer.GetAsync(_ben, _northwind, list, Ct)).ShouldBeNull();
        (await Importer.GetAsync(_ben, _contoso, list, Ct)).ShouldBeNull();
        (await Importer.GetAsync(_maria, _contoso, 987_654, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ViewerCanListAndDownloadButNotDelete()
    {
        var list = await ImportSmallListAsync(_ben, _northwind, "Northwind list");

        (await Importer.ListAsync(_maria, _northwind, Ct)).Select(l => l.Id).ShouldBe([list]);
        (await Importer.GetRejectionsCsvAsync(_maria, _northwind, list, Ct)).ShouldNotBeNull();
        (await Importer.DeleteAsync(_maria, _northwind, list, Ct)).ErrorFor("account")
            .ShouldBe("Only a Manager of this account can change matched audiences.");
        (await Importer.ListAsync(_ben, _northwind, Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task SavedListIsCountedByTheAudienceIndexAndDeletingItRemovesIt()
    {
        var companies = (await UnambiguousCompaniesAsync()).Take(30).ToList();
        var result = await Importer.ImportAsync(_maria, _contoso, "Index", MatchedListKind.Companies, "i.csv",
            Csv(companies.Select(c => Quote(c.Name)).Prepend("company")), null, Ct);
        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        var id = result.Value!.Id;
        var saved = await SavedMemberIdsAsync(id);
        await using var db = _db.CreateContext();
        var inUs = await db.Members.CountAsync(m => saved.Contains(m.Id) && m.CountryCode == "US", Ct);
        inUs.ShouldBeGreaterThan(0);
        var targeting = new Targeting(
            [new FacetCriterion(Facet.Location, ["US"]), new FacetCriterion(Facet.MatchedAudience, [id.ToString(CultureInfo.InvariantCulture)])], []);

        await _db.CatchUpIndexAsync();
        Index.Count(targeting, _contoso).Matching.ShouldBe(inUs);
        Index.Count(targeting, _northwind).Matching.ShouldBe(0);

        (await Importer.DeleteAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();

        await _db.CatchUpIndexAsync();
        Index.Count(targeting, _contoso).Matching.ShouldBe(0);
        (await CountRowsAsync()).ShouldBe((0, 0));
        (await Importer.ListAsync(_maria, _contoso, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ListTargetedByASavedAudienceCannotBeDeleted()
    {
        var list = await ImportSmallListAsync(_maria, _contoso, "In use");
        await using (var db = _db.CreateContext())
        {
            db.SavedAudiences.Add(new SavedAudience
            {
                AdvertiserAccountId = _contoso, Name = "US minus list",
                TargetingJson = new Targeting([new FacetCriterion(Facet.Location, ["US"])],
                    [new FacetCriterion(Facet.MatchedAudience, [list.ToString(CultureInfo.InvariantCulture)])]).ToJson(),
                CreatedByUserId = _maria, UpdatedByUserId = _maria,
            });
            await db.SaveChangesAsync(Ct);
        }
        var before = await CountRowsAsync();

        var result = await Importer.DeleteAsync(_maria, _contoso, list, Ct);

        result.ErrorFor("list").ShouldBe("The saved audience \"US minus list\" targets this list; take the list out of it before deleting.");
        (await CountRowsAsync()).ShouldBe(before);
        await _db.CatchUpIndexAsync();
        Index.IsKnown(Facet.MatchedAudience, list.ToString(CultureInfo.InvariantCulture), _contoso).ShouldBeTrue();
    }

    [Fact]
    public async Task FailureWhileSavingMembersLeavesNothingSavedAndTheIndexUntouched()
    {
        var before = await CountRowsAsync();
        var failing = new FailingAfterWriteBulkWriter(_db.Get<IBulkWriter>());
        var importer = ActivatorUtilities.CreateInstance<MatchedAudienceImporter>(_db.Services, (IBulkWriter)failing);
        await using var db = _db.CreateContext();
        var emails = await db.Members.OrderBy(m => m.Id).Select(m => m.Email).Take(50).ToListAsync(Ct);

        await Should.ThrowAsync<IOException>(() =>
            importer.ImportAsync(_maria, _contoso, "Doomed", MatchedListKind.Contacts, "d.csv", Csv(emails.Prepend("email")), null, Ct));

        failing.RowsWritten.ShouldBe(50);
        (await CountRowsAsync()).ShouldBe(before);
        Index.Suggest(Facet.MatchedAudience, null, _contoso).ShouldBeEmpty();
        (await Importer.ImportAsync(_maria, _contoso, "Doomed", MatchedListKind.Contacts, "d.csv", Csv(emails.Prepend("email")), null, Ct))
            .Succeeded.ShouldBeTrue("the failed upload left no list behind, so its name is free");
    }

    [Fact]
    public async Task MatchingQueriesInBatchesAndReportsProgressPerBatch()
    {
        await using var db = _db.CreateContext();
        var emails = await db.Members.OrderBy(m => m.Id).Select(m => m.Email).Take(1_200).ToListAsync(Ct);
        var reports = new List<ImportProgress>();

        var result = await Importer.ImportAsync(_maria, _contoso, "Progress", MatchedListKind.Contacts, "p.csv",
            Csv(emails.Prepend("email")), new SynchronousProgress(reports.Add), Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        result.Value!.MembersMatched.ShouldBe(1_200);
        reports.Where(r => r.Stage == ImportProgress.Matching).Select(r => (r.RowsDone, r.RowsTotal))
            .ShouldBe([(0, 1_200), (500, 1_200), (1_000, 1_200), (1_200, 1_200)]);
        reports.First().ShouldBe(new ImportProgress(ImportProgress.Reading, 1_200, null));
        reports.Last().ShouldBe(new ImportProgress(ImportProgress.Done, 1_200, 1_200));
    }

    // ---- helpers ----

    private sealed record CompanyWithMembers(int Id, string Name, string Domain, IReadOnlyList<int> MemberIds);

    /// <summary>
    /// Companies with members whose name has no legal suffix and is no other company's name plus more words,
    /// so that matching by name can only ever find that one company: expected counts stay exact.
    /// </summary>
    private async Task<IReadOnlyList<CompanyWithMembers>> UnambiguousCompaniesAsync()
    {
        await using var db = _db.CreateContext();
        var companies = await db.Companies.AsNoTracking().OrderBy(c => c.Id).ToListAsync(Ct);
        var members = (await db.Members.AsNoTracking().Select(m => new { m.Id, m.CompanyId }).ToListAsync(Ct))
            .GroupBy(m => m.CompanyId).ToDictionary(g => g.Key, g => g.Select(m => m.Id).ToList());
        string[] suffixes = ["inc", "llc", "ltd", "gmbh", "corp", "co", "corporation", "limited", "plc"];
        return companies
            .Where(c => members.ContainsKey(c.Id))
            .Where(c => !suffixes.Contains(c.Name.Split(' ')[^1].Trim('.', ',').ToLowerInvariant()))
            .Where(c => !companies.Any(o => o.Id != c.Id && (o.Name.StartsWith(c.Name + " ", StringComparison.OrdinalIgnoreCase)
                || o.Name.StartsWith(c.Name + ",", StringComparison.OrdinalIgnoreCase) || c.Name.StartsWith(o.Name + " ", StringComparison.OrdinalIgnoreCase))))
            .Select(c => new CompanyWithMembers(c.Id, c.Name, c.Domain, members[c.Id]))
            .ToList();
    }

    private async Task<Member> AnyMemberAsync()
    {
        await using var db = _db.CreateContext();
        return await db.Members.AsNoTracking().OrderBy(m => m.Id).FirstAsync(Ct);
    }

    private async Task<int> ImportSmallListAsync(string user, int account, string name)
    {
        var member = await AnyMemberAsync();
        var result = await Importer.ImportAsync(user, account, name, MatchedListKind.Contacts, "list.csv", Csv(["email", member.Email, "=bad"]), null, Ct);
        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        return result.Value!.Id;
    }

    private async Task<(int Lists, int Members)> CountRowsAsync()
    {
        await using var db = _db.CreateContext();
        return (await db.MatchedAudiences.CountAsync(Ct), await db.MatchedAudienceMembers.CountAsync(Ct));
    }

    private async Task<List<int>> SavedMemberIdsAsync(int matchedAudienceId)
    {
        await using var db = _db.CreateContext();
        return await db.MatchedAudienceMembers.Where(m => m.MatchedAudienceId == matchedAudienceId).Select(m => m.MemberId).ToListAsync(Ct);
    }

    private static string Quote(string cell) => "\"" + cell.Replace("\"", "\"\"") + "\"";

    private static MemoryStream Csv(IEnumerable<string> lines, bool bom = false) => Csv(string.Join("\r\n", lines) + "\r\n", bom);

    private static MemoryStream Csv(string text, bool bom = false) =>
        new((bom ? Encoding.UTF8.GetPreamble() : []).Concat(Encoding.UTF8.GetBytes(text)).ToArray());

    private static List<string[]> ReadCsv(string text)
    {
        using var parser = new CsvParser(new StringReader(text), CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (parser.Read())
        {
            rows.Add(parser.Record!);
        }
        return rows;
    }

    private sealed class SynchronousProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }

    /// <summary>Writes the rows through the real writer, then fails as a full disk would: the transaction must roll back.</summary>
    private sealed class FailingAfterWriteBulkWriter(IBulkWriter inner) : IBulkWriter
    {
        public int RowsWritten { get; private set; }

        public async Task WriteMatchedMembersAsync(DbTransaction transaction, int matchedAudienceId, IReadOnlyCollection<int> memberIds, CancellationToken ct)
        {
            await inner.WriteMatchedMembersAsync(transaction, matchedAudienceId, memberIds, ct);
            await using (var count = transaction.Connection!.CreateCommand())
            {
                count.Transaction = transaction;
                count.CommandText = $"SELECT COUNT(*) FROM \"MatchedAudienceMembers\" WHERE \"MatchedAudienceId\" = {matchedAudienceId}";
                RowsWritten = Convert.ToInt32(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            }
            throw new IOException("disk full");
        }

        public Task WriteCompaniesAsync(IReadOnlyList<Company> companies, CancellationToken ct) => inner.WriteCompaniesAsync(companies, ct);

        public Task WriteMembersAsync(IAsyncEnumerable<Member[]> chunks, Action<int>? onChunkWritten, CancellationToken ct) =>
            inner.WriteMembersAsync(chunks, onChunkWritten, ct);

        public Task WriteOptOutsAsync(IReadOnlyList<MemberOptOut> optOuts, CancellationToken ct) => inner.WriteOptOutsAsync(optOuts, ct);
    }

    /// <summary>A seekable stream that declares a length and fails if anyone reads it.</summary>
    private sealed class UnreadableStream(long length) : Stream
    {
        public int Reads { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            throw new InvalidOperationException("The upload should have been refused by its length, without reading it.");
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read([], 0, 0));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A forward-only stream of CSV lines produced as they are read, like a browser upload.</summary>
    private sealed class GeneratedStream(IEnumerable<string> lines) : Stream
    {
        private readonly IEnumerator<string> _lines = lines.GetEnumerator();
        private byte[] _pending = [];
        private int _offset;

        public long BytesServed { get; private set; }
        public int LinesServed { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesServed; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length)
            {
                if (_offset == _pending.Length)
                {
                    if (!_lines.MoveNext())
                    {
                        break;
                    }
                    _pending = Encoding.UTF8.GetBytes(_lines.Current + "\r\n");
                    _offset = 0;
                    LinesServed++;
                }
                var n = Math.Min(buffer.Length - written, _pending.Length - _offset);
                _pending.AsSpan(_offset, n).CopyTo(buffer[written..]);
                _offset += n;
                written += n;
            }
            BytesServed += written;
            return written;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

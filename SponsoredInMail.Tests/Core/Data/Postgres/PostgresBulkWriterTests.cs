using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Seeding;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Data.Postgres;

public class PostgresBulkWriterTests
{
    private const int Members = 2_500;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CompaniesAndMembersReadBackAsWrittenAndNewRowsGetFreshIds()
    {
        await using var pg = await TestDatabase.CreatePostgresAsync();
        var writer = pg.Get<IBulkWriter>();
        var generator = new NetworkGenerator(4242, Members, TestDatabase.Now.UtcDateTime);
        var chunks = Enumerable.Range(0, generator.ChunkCount).Select(generator.GenerateChunk).ToList();
        var written = 0;

        await writer.WriteCompaniesAsync(generator.Companies, Ct);
        await writer.WriteMembersAsync(chunks.ToAsyncEnumerable(), n => written += n, Ct);

        written.ShouldBe(Members);
        await using var db = pg.CreateContext();
        (await db.Companies.AsNoTracking().OrderBy(c => c.Id).ToListAsync(Ct)).Select(Describe)
            .ShouldBe(generator.Companies.OrderBy(c => c.Id).Select(Describe));
        (await db.Members.AsNoTracking().OrderBy(m => m.Id).ToListAsync(Ct)).Select(Describe)
            .ShouldBe(chunks.SelectMany(c => c).Select(Describe));

        // The identity sequences were moved past the explicit ids.
        var company = new Company { Name = "New Co", Domain = "new.example", Industry = "Software", CountryCode = "US" };
        db.Companies.Add(company);
        await db.SaveChangesAsync(Ct);
        company.Id.ShouldBe(generator.Companies.Max(c => c.Id) + 1);
        var member = chunks[0][5];
        var added = new Member
        {
            FirstName = "Ada", LastName = "New", Email = "ada@new.example", Headline = "New", CountryCode = "US", Region = member.Region,
            Industry = member.Industry, CompanyId = company.Id, JobTitle = member.JobTitle, JobFunction = member.JobFunction,
            ProfileLanguage = "en", LastActiveAt = TestDatabase.Now.UtcDateTime, SkillIds = [1, 2],
        };
        db.Members.Add(added);
        await db.SaveChangesAsync(Ct);
        added.Id.ShouldBe(Members + 1);
    }

    [Fact]
    public async Task OptOutsReadBackAsWritten()
    {
        await using var pg = await TestDatabase.CreatePostgresAsync();
        var writer = pg.Get<IBulkWriter>();
        var generator = new NetworkGenerator(4242, 100, TestDatabase.Now.UtcDateTime);
        await writer.WriteCompaniesAsync(generator.Companies, Ct);
        await writer.WriteMembersAsync(new[] { generator.GenerateChunk(0) }.ToAsyncEnumerable(), null, Ct);
        var accountId = await AddAccountAsync(pg);
        var at = TestDatabase.Now.UtcDateTime;
        List<MemberOptOut> optOuts =
        [
            new() { MemberId = 10, Scope = OptOutScope.All, CreatedAt = at.AddDays(-3) },
            new() { MemberId = 11, Scope = OptOutScope.Advertiser, AdvertiserAccountId = accountId, CreatedAt = at.AddHours(-5).AddTicks(1_230) },
            new() { MemberId = 12, Scope = OptOutScope.Sender, SenderMemberId = 40, CreatedAt = at },
            new() { MemberId = 10, Scope = OptOutScope.Sender, SenderMemberId = 41, CreatedAt = DateTime.SpecifyKind(at, DateTimeKind.Unspecified) },
        ];

        await writer.WriteOptOutsAsync(optOuts, Ct);

        await using var db = pg.CreateContext();
        var stored = await db.MemberOptOuts.AsNoTracking().OrderBy(o => o.Id).ToListAsync(Ct);
        stored.Select(o => o.Id).ShouldBe([1, 2, 3, 4]);
        stored.Select(Describe).ShouldBe(optOuts.Select(Describe));
        stored.ShouldAllBe(o => o.CreatedAt.Kind == DateTimeKind.Utc);
    }

    [Fact]
    public async Task MatchedMembersAreWrittenOnceInTheCallersTransactionAndRollBackWithIt()
    {
        await using var pg = await TestDatabase.CreatePostgresAsync();
        await pg.SeedAsync(1_000);
        var writer = pg.Get<IBulkWriter>();
        int[] ids = [5, 900, 5, 17, 900, 300, 1_000, 17];

        var committed = await WriteListAsync(pg, writer, ids, commit: true);
        var rolledBack = await WriteListAsync(pg, writer, ids, commit: false);
        var large = await WriteListAsync(pg, writer, [.. Enumerable.Range(1, 1_000), .. Enumerable.Range(1, 1_000)], commit: true);

        await using var db = pg.CreateContext();
        (await db.MatchedAudienceMembers.Where(r => r.MatchedAudienceId == committed).OrderBy(r => r.MemberId).Select(r => r.MemberId).ToListAsync(Ct))
            .ShouldBe([5, 17, 300, 900, 1_000]);
        (await db.MatchedAudiences.AnyAsync(a => a.Id == rolledBack, Ct)).ShouldBeFalse();
        (await db.MatchedAudienceMembers.CountAsync(r => r.MatchedAudienceId == rolledBack, Ct)).ShouldBe(0);
        (await db.MatchedAudienceMembers.CountAsync(r => r.MatchedAudienceId == large, Ct)).ShouldBe(1_000);
    }

    [Fact]
    public async Task MatchedMembersRejectATransactionOfAnotherProvider()
    {
        await using var pg = await TestDatabase.CreatePostgresAsync();
        await using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        await sqlite.OpenAsync(Ct);
        await using var transaction = await sqlite.BeginTransactionAsync(Ct);

        await Should.ThrowAsync<ArgumentException>(() => pg.Get<IBulkWriter>().WriteMatchedMembersAsync(transaction, 1, [1], Ct));
    }

    private static async Task<int> WriteListAsync(TestDatabase pg, IBulkWriter writer, int[] ids, bool commit)
    {
        await using var db = pg.CreateContext();
        var userId = await db.Users.Select(u => u.Id).FirstAsync(Ct);
        var accountId = await db.AdvertiserAccounts.Select(a => a.Id).FirstAsync(Ct);
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        var list = new MatchedAudience
        {
            AdvertiserAccountId = accountId, Name = "List", FileName = "list.csv", RejectionsCsv = "", CreatedByUserId = userId,
            CreatedAt = TestDatabase.Now.UtcDateTime, MembersMatched = ids.Distinct().Count(),
        };
        db.MatchedAudiences.Add(list);
        await db.SaveChangesAsync(Ct);
        await writer.WriteMatchedMembersAsync(transaction.GetDbTransaction(), list.Id, ids, Ct);
        if (commit)
        {
            await transaction.CommitAsync(Ct);
        }
        else
        {
            await transaction.RollbackAsync(Ct);
        }
        return list.Id;
    }

    private static async Task<int> AddAccountAsync(TestDatabase pg)
    {
        await using var db = pg.CreateContext();
        var account = new AdvertiserAccount { Name = "Contoso", Website = "https://contoso.example", LogoColor = "#123456", LogoInitials = "CC", CreatedAt = TestDatabase.Now.UtcDateTime };
        db.AdvertiserAccounts.Add(account);
        await db.SaveChangesAsync(Ct);
        return account.Id;
    }

    /// <summary>timestamptz keeps microseconds; a tick remainder below that is the one thing PostgreSQL drops.</summary>
    internal static long Micros(DateTime value) => value.Ticks / 10;

    private static string Describe(Company c) => $"{c.Id}|{c.Name}|{c.Domain}|{c.Industry}|{c.Size}|{c.CountryCode}";

    internal static string Describe(Member m) =>
        $"{m.Id}|{m.FirstName}|{m.LastName}|{m.Email}|{m.Headline}|{m.CountryCode}|{m.Region}|{m.Industry}|{m.CompanyId}|{m.JobTitle}|"
        + $"{m.JobFunction}|{m.Seniority}|{string.Join(',', m.SkillIds)}|{m.YearsOfExperience}|{m.ProfileLanguage}|{Micros(m.LastActiveAt)}|{m.PersonalizationOff}";

    private static string Describe(MemberOptOut o) => $"{o.MemberId}|{o.Scope}|{o.AdvertiserAccountId}|{o.SenderMemberId}|{Micros(o.CreatedAt)}";
}

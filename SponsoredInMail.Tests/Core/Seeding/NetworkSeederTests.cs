using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Seeding;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Seeding;

public class NetworkSeederTests(SeededDatabase seeded) : IClassFixture<SeededDatabase>
{
    private TestDatabase Db => seeded.Database;

    [Fact]
    public async Task SeedsTheRequestedNumberOfMembersWithTheirCompanies()
    {
        await using var db = Db.CreateContext();

        (await db.Members.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(SeededDatabase.Members);
        (await db.Companies.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(NetworkGenerator.CompanyCountFor(SeededDatabase.Members));
        (await db.Members.AnyAsync(m => !db.Companies.Any(c => c.Id == m.CompanyId), TestContext.Current.CancellationToken)).ShouldBeFalse();
    }

    [Fact]
    public async Task MembersReadBackExactlyAsGenerated()
    {
        var expected = new NetworkGenerator(4242, SeededDatabase.Members, TestDatabase.Now.UtcDateTime).GenerateChunk(0)
            .Where(m => m.Id > DemoData.ReservedProfiles).Take(50).ToList();
        await using var db = Db.CreateContext();

        var stored = await db.Members.AsNoTracking().Where(m => m.Id > DemoData.ReservedProfiles && m.Id <= DemoData.ReservedProfiles + 50)
            .OrderBy(m => m.Id).ToListAsync(TestContext.Current.CancellationToken);

        stored.Select(Describe).ShouldBe(expected.Select(Describe));
    }

    [Fact]
    public async Task SameSeedGivesTheSameDatabase()
    {
        await using var other = await TestDatabase.CreateAsync();
        await other.SeedAsync(SeededDatabase.Members);

        (await FingerprintAsync(other)).ShouldBe(await FingerprintAsync(Db));
    }

    [Fact]
    public async Task OptOutsAreSmallSharesOfEachScopeAndSpareDemoProfiles()
    {
        await using var db = Db.CreateContext();
        var optOuts = await db.MemberOptOuts.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);

        Share(optOuts, OptOutScope.All).ShouldBeInRange(0.005, 0.03);
        Share(optOuts, OptOutScope.Advertiser).ShouldBeInRange(0.01, 0.045);
        Share(optOuts, OptOutScope.Sender).ShouldBeInRange(0.001, 0.015);
        optOuts.ShouldAllBe(o => o.MemberId > DemoData.ReservedProfiles);
        optOuts.Where(o => o.Scope == OptOutScope.Advertiser).ShouldAllBe(o => o.AdvertiserAccountId != null);
        optOuts.Where(o => o.Scope == OptOutScope.Sender).ShouldAllBe(o => o.SenderMemberId != null);
    }

    [Fact]
    public async Task EveryAdvertiserHasThreeGrantedSendersAndTheDemoMemberHasPendingRequests()
    {
        await using var db = Db.CreateContext();
        var permissions = await db.SenderPermissions.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);

        permissions.Where(p => p.Status == SenderPermissionStatus.Granted).GroupBy(p => p.AdvertiserAccountId)
            .Select(g => g.Count()).ShouldAllBe(n => n == 3);
        permissions.Count(p => p.Status == SenderPermissionStatus.Granted).ShouldBe(DemoData.Accounts.Count * 3);
        permissions.Count(p => p.MemberId == 1 && p.Status == SenderPermissionStatus.Pending).ShouldBe(2);
    }

    [Fact]
    public async Task DemoLoginsExistWithTheirRolesAndAccounts()
    {
        await using var scope = Db.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var accounts = Db.Get<AccountService>();

        foreach (var login in DemoData.Logins)
        {
            var user = await users.FindByEmailAsync(login.Email);
            user.ShouldNotBeNull(login.Email);
            (await users.CheckPasswordAsync(user, DemoData.Password)).ShouldBeTrue();
            (await users.GetRolesAsync(user)).Order().ShouldBe(login.Roles.Order());
            user.MemberId.ShouldBe(login.MemberId);
            var seats = await accounts.GetAccountsForUserAsync(user.Id, TestContext.Current.CancellationToken);
            seats.Select(s => (s.Name, s.Role)).Order().ShouldBe(login.Accounts.Order());
        }
    }

    [Fact]
    public async Task DemoProfilesCarryTheDemoNames()
    {
        await using var db = Db.CreateContext();

        var member = await db.Members.SingleAsync(m => m.Id == 1, TestContext.Current.CancellationToken);

        member.FullName.ShouldBe(DemoData.Logins.Single(l => l.MemberId == 1).DisplayName);
        member.LastActiveAt.ShouldBe(TestDatabase.Now.UtcDateTime);
    }

    private static double Share(List<MemberOptOut> optOuts, OptOutScope scope) =>
        optOuts.Count(o => o.Scope == scope) / (double)SeededDatabase.Members;

    private static string Describe(Member m) =>
        $"{m.Id}|{m.FirstName}|{m.LastName}|{m.Email}|{m.Headline}|{m.CountryCode}|{m.Region}|{m.Industry}|{m.CompanyId}|{m.JobTitle}|" +
        $"{m.JobFunction}|{m.Seniority}|{string.Join(',', m.SkillIds)}|{m.YearsOfExperience}|{m.ProfileLanguage}|{m.LastActiveAt:O}|{m.PersonalizationOff}";

    private static async Task<string> FingerprintAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var text = new StringBuilder();
        foreach (var m in await db.Members.AsNoTracking().OrderBy(m => m.Id).ToListAsync())
        {
            text.AppendLine(Describe(m));
        }
        foreach (var o in await db.MemberOptOuts.AsNoTracking().OrderBy(o => o.Id).ToListAsync())
        {
            text.AppendLine($"{o.MemberId}|{o.Scope}|{o.AdvertiserAccountId}|{o.SenderMemberId}|{o.CreatedAt:O}");
        }
        foreach (var p in await db.SenderPermissions.AsNoTracking().OrderBy(p => p.Id).ToListAsync())
        {
            text.AppendLine($"{p.AdvertiserAccountId}|{p.MemberId}|{p.Status}");
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

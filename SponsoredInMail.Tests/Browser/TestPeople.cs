using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Seeding;

namespace SponsoredInMail.Tests.Browser;

/// <summary>A fresh login made for one test; the password is the demo one.</summary>
public sealed record TestLogin(string Email, string UserId, int? MemberId, string DisplayName);

/// <summary>A fresh member profile with its own login (a member, or a sales rep).</summary>
public sealed record TestMember(TestLogin Login, int MemberId, string FirstName, string LastName, string CountryCode)
{
    public string Email => Login.Email;
    public string FullName => $"{FirstName} {LastName}";
}

/// <summary>A fresh advertiser account with one granted sender, and its manager's login.</summary>
public sealed record TestAdvertiser(TestLogin Marketer, int AccountId, string AccountName, int SenderMemberId)
{
    public string Email => Marketer.Email;
}

/// <summary>
/// Makes the people and accounts a browser test writes to, new for every test, so that no test sees another's
/// messages, ads, audiences or opt-outs, whatever the order the tests run in. The seeded network (600 members,
/// the demo accounts) stays read-only background: tests may read it, never change it.
/// </summary>
public sealed class TestPeople(IServiceProvider services)
{
    private static readonly string[] Colors = ["#0A66C2", "#057642", "#B24020", "#7A3E9D", "#915907", "#1F4E79"];

    private IDbContextFactory<AppDbContext> Factory => services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    /// <summary>A member profile copied from a seeded one (so it matches real targeting), with a unique name and a login.</summary>
    public async Task<TestMember> NewMemberAsync(string firstName = "Quinn", bool salesRep = false)
    {
        var suffix = Unique();
        var lastName = "Tester" + suffix;
        Member member;
        await using (var db = await Factory.CreateDbContextAsync())
        {
            var template = await db.Members.AsNoTracking().Where(m => m.Id > DemoData.ReservedProfiles).OrderBy(m => m.Id).FirstAsync();
            member = new Member
            {
                FirstName = firstName, LastName = lastName, Email = $"{firstName}.{lastName}@members.example",
                Headline = template.Headline, CountryCode = template.CountryCode, Region = template.Region, Industry = template.Industry,
                CompanyId = template.CompanyId, JobTitle = template.JobTitle, JobFunction = template.JobFunction, Seniority = template.Seniority,
                SkillIds = [.. template.SkillIds], YearsOfExperience = template.YearsOfExperience, ProfileLanguage = template.ProfileLanguage,
                LastActiveAt = DateTime.UtcNow,
            };
            db.Members.Add(member);
            await db.SaveChangesAsync();
        }
        // The audience index hears of the new member through the change feed, as of any other profile change.
        string[] roles = salesRep ? [AppRoles.SalesRep, AppRoles.Member] : [AppRoles.Member];
        var login = await NewLoginAsync($"{firstName} {lastName}", roles, member.Id);
        return new TestMember(login, member.Id, firstName, lastName, member.CountryCode);
    }

    public Task<TestMember> NewSalesRepAsync() => NewMemberAsync("Sasha", salesRep: true);

    /// <summary>
    /// A new company with <paramref name="count"/> new members working there, active now: an audience of this test's own
    /// (target <see cref="Core.Audiences.Facet.Company"/> = the id), which no other test's campaign has sent to or capped.
    /// </summary>
    public async Task<(int CompanyId, IReadOnlyList<int> MemberIds)> NewCompanyOfMembersAsync(int count)
    {
        var suffix = Unique();
        await using var db = await Factory.CreateDbContextAsync();
        var template = await db.Members.AsNoTracking().Where(m => m.Id > DemoData.ReservedProfiles).OrderBy(m => m.Id).FirstAsync();
        var company = new Company { Name = $"Tester Works {suffix}", Domain = $"{suffix}.example", Industry = template.Industry, CountryCode = template.CountryCode };
        db.Companies.Add(company);
        await db.SaveChangesAsync();
        var members = Enumerable.Range(0, count).Select(i => new Member
        {
            FirstName = "Vera", LastName = $"Tester{suffix}{i}", Email = $"vera.{suffix}.{i}@members.example",
            Headline = template.Headline, CountryCode = template.CountryCode, Region = template.Region, Industry = template.Industry,
            CompanyId = company.Id, JobTitle = template.JobTitle, JobFunction = template.JobFunction, Seniority = template.Seniority,
            SkillIds = [.. template.SkillIds], YearsOfExperience = template.YearsOfExperience, ProfileLanguage = template.ProfileLanguage,
            LastActiveAt = DateTime.UtcNow,
        }).ToList();
        db.Members.AddRange(members);
        await db.SaveChangesAsync();
        return (company.Id, [.. members.Select(m => m.Id)]);
    }

    /// <summary>A login for an existing member (one of <see cref="NewCompanyOfMembersAsync"/>'s, say).</summary>
    public async Task<TestLogin> LoginForMemberAsync(int memberId)
    {
        await using var db = await Factory.CreateDbContextAsync();
        var name = await db.Members.Where(m => m.Id == memberId).Select(m => m.FirstName + " " + m.LastName).SingleAsync();
        return await NewLoginAsync(name, [AppRoles.Member], memberId);
    }

    public Task<TestLogin> NewAdminAsync() => NewLoginAsync("Admin " + Unique(), [AppRoles.Admin], null);

    /// <summary>A new advertiser account with a granted sender (a new member) and a marketer who manages it.</summary>
    public async Task<TestAdvertiser> NewAdvertiserAsync(string name = "Account")
    {
        var marketer = await NewLoginAsync("Marketer " + Unique(), [AppRoles.Marketer], null);
        var (accountId, accountName, sender) = await NewAccountAsync(name, marketer.UserId, AccountRole.Manager);
        return new TestAdvertiser(marketer, accountId, accountName, sender);
    }

    /// <summary>Another new account the marketer holds a seat on.</summary>
    public async Task<(int AccountId, string AccountName)> AddAccountAsync(TestLogin marketer, string name, AccountRole role)
    {
        var (id, accountName, _) = await NewAccountAsync(name, marketer.UserId, role);
        return (id, accountName);
    }

    private async Task<(int Id, string Name, int Sender)> NewAccountAsync(string name, string userId, AccountRole role)
    {
        var sender = await NewMemberAsync("Sidney");
        var accountName = $"{name} {Unique()}";
        await using var db = await Factory.CreateDbContextAsync();
        var account = new AdvertiserAccount
        {
            Name = accountName, Website = "https://advertiser.example", LogoColor = Colors[Random.Shared.Next(Colors.Length)],
            LogoInitials = name[..1].ToUpperInvariant(), CreatedAt = DateTime.UtcNow,
        };
        db.AdvertiserAccounts.Add(account);
        await db.SaveChangesAsync();
        db.AccountMemberships.Add(new AccountMembership { AdvertiserAccountId = account.Id, UserId = userId, Role = role, CreatedAt = DateTime.UtcNow });
        db.SenderPermissions.Add(new SenderPermission
        {
            AdvertiserAccountId = account.Id, MemberId = sender.MemberId, Status = SenderPermissionStatus.Granted,
            RequestedAt = DateTime.UtcNow, RespondedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return (account.Id, accountName, sender.MemberId);
    }

    private async Task<TestLogin> NewLoginAsync(string displayName, string[] roles, int? memberId)
    {
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = $"t{Unique()}@people.example";
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, MemberId = memberId };
        Succeeded(await users.CreateAsync(user, DemoData.Password));
        Succeeded(await users.AddToRolesAsync(user, roles));
        return new TestLogin(email, user.Id, memberId, displayName);
    }

    private static void Succeeded(IdentityResult result) =>
        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Errors.Select(e => e.Description)));

    /// <summary>Letters only, so it survives search boxes, name rules and LIKE prefixes.</summary>
    private static string Unique() => new(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + c % 26)).ToArray());
}

using Bogus;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Seeding;

/// <summary>
/// Fills an empty, migrated database with the demo network: companies and members in bulk, advertiser
/// accounts with senders, opt-outs at realistic small shares, and the demo logins.
/// </summary>
public sealed class NetworkSeeder(
    IDbContextFactory<AppDbContext> factory,
    IBulkWriter bulkWriter,
    UserManager<ApplicationUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<SeedOptions> options,
    DemoCampaignSeeder demoCampaigns,
    DemoInMailSeeder demoInMail,
    TimeProvider clock)
{
    public async Task SeedAsync(int? memberCount = null, IProgress<SeedProgress>? progress = null, CancellationToken ct = default)
    {
        var count = memberCount ?? options.Value.Members;
        if (count < DemoData.ReservedProfiles)
        {
            throw new ArgumentOutOfRangeException(nameof(memberCount), $"The network needs at least {DemoData.ReservedProfiles} members.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var seed = options.Value.RandomSeed;
        var generator = new NetworkGenerator(seed, count, now);

        progress?.Report(new SeedProgress("Companies", 0, generator.Companies.Count));
        await bulkWriter.WriteCompaniesAsync(generator.Companies, ct);
        progress?.Report(new SeedProgress("Companies", generator.Companies.Count, generator.Companies.Count));

        long written = 0;
        progress?.Report(new SeedProgress("Members", 0, count));
        await bulkWriter.WriteMembersAsync(GenerateInOrder(generator, ct), n =>
        {
            written += n;
            progress?.Report(new SeedProgress("Members", written, count));
        }, ct);

        progress?.Report(new SeedProgress("Accounts and senders", 0, 1));
        var accounts = await SeedAccountsAsync(now, ct);
        var senders = await SeedSendersAsync(accounts, seed, now, ct);
        progress?.Report(new SeedProgress("Accounts and senders", 1, 1));

        var optOuts = GenerateOptOuts(seed, count, accounts, senders, now);
        progress?.Report(new SeedProgress("Opt-outs", 0, optOuts.Count));
        await bulkWriter.WriteOptOutsAsync(optOuts, ct);
        progress?.Report(new SeedProgress("Opt-outs", optOuts.Count, optOuts.Count));

        progress?.Report(new SeedProgress("Demo logins", 0, DemoData.Logins.Count));
        await SeedLoginsAsync(accounts, now, ct);
        progress?.Report(new SeedProgress("Demo logins", DemoData.Logins.Count, DemoData.Logins.Count));

        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            db.OrganicMessages.AddRange(OrganicMessageSeeder.Generate(seed, count, now));
            await db.SaveChangesAsync(ct);
        }

        if (options.Value.DemoCampaigns)
        {
            progress?.Report(new SeedProgress("Demo campaigns", 0, 1));
            await demoCampaigns.SeedAsync(now, ct);
            await demoInMail.SeedAsync(now, ct);
            progress?.Report(new SeedProgress("Demo campaigns", 1, 1));
        }
    }

    /// <summary>Generates chunks on the thread pool, two ahead of the writer, and hands them over in id order.</summary>
    private static async IAsyncEnumerable<Member[]> GenerateInOrder(
        NetworkGenerator generator, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var inFlight = new Queue<Task<Member[]>>();
        var next = 0;
        while (next < generator.ChunkCount || inFlight.Count > 0)
        {
            while (next < generator.ChunkCount && inFlight.Count < Math.Max(2, Environment.ProcessorCount))
            {
                var chunkIndex = next++;
                inFlight.Enqueue(Task.Run(() => generator.GenerateChunk(chunkIndex), ct));
            }
            yield return await inFlight.Dequeue();
        }
    }

    private async Task<List<AdvertiserAccount>> SeedAccountsAsync(DateTime now, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var accounts = DemoData.Accounts.Select(a => new AdvertiserAccount
        {
            Name = a.Name, Website = a.Website, LogoColor = a.LogoColor, LogoInitials = a.LogoInitials, CreatedAt = now.AddDays(-400),
        }).ToList();
        db.AdvertiserAccounts.AddRange(accounts);

        // Demo logins' profiles get the demo names, so the inbox and sender pickers read naturally.
        var linked = DemoData.Logins.Where(l => l.MemberId is not null).ToDictionary(l => l.MemberId!.Value);
        foreach (var member in await db.Members.Where(m => linked.Keys.Contains(m.Id)).ToListAsync(ct))
        {
            var names = linked[member.Id].DisplayName.Split(' ', 2);
            member.FirstName = names[0];
            member.LastName = names[1];
            member.LastActiveAt = now;
            if (DemoData.ReachableMembers.Contains(member.Id))
            {
                PlaceReachable(member);
            }
        }
        await db.SaveChangesAsync(ct);
        return accounts;
    }

    /// <summary>
    /// Mia and Sam are directors in the Netherlands: inside Northwind's European audience, outside the audiences of
    /// the campaigns still running at the end of the demo history (see <see cref="DemoData.ReachableCountry"/>).
    /// </summary>
    private static void PlaceReachable(Member member)
    {
        var function = Taxonomy.Functions.First(f => f.Name == member.JobFunction);
        var title = Taxonomy.TitleFor(function, Seniority.Director, alternate: false);
        member.Headline = member.Headline.Replace(member.JobTitle, title, StringComparison.Ordinal);
        member.JobTitle = title;
        member.Seniority = Seniority.Director;
        member.YearsOfExperience = Math.Max(member.YearsOfExperience, 12);
        member.CountryCode = DemoData.ReachableCountry;
        member.Region = DemoData.ReachableRegion;
    }

    /// <summary>Three granted senders per account (marketing or sales leaders), plus two requests awaiting the demo member.</summary>
    private async Task<List<SenderPermission>> SeedSendersAsync(List<AdvertiserAccount> accounts, int seed, DateTime now, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var candidates = await db.Members
            .Where(m => m.Id > DemoData.ReservedProfiles
                && (m.JobFunction == "Marketing" || m.JobFunction == "Sales")
                && m.Seniority >= Seniority.Manager && m.Seniority <= Seniority.CXO)
            .OrderBy(m => m.Id).Select(m => m.Id).Take(accounts.Count * 20).ToListAsync(ct);
        var random = new Randomizer(unchecked(seed * 13 + 3));
        var shuffled = random.Shuffle(candidates).ToList();
        var permissions = new List<SenderPermission>();
        for (var i = 0; i < accounts.Count; i++)
        {
            foreach (var memberId in shuffled.Skip(i * 3).Take(3))
            {
                permissions.Add(new SenderPermission
                {
                    AdvertiserAccountId = accounts[i].Id, MemberId = memberId, Status = SenderPermissionStatus.Granted,
                    RequestedAt = now.AddDays(-120 - i), RespondedAt = now.AddDays(-119 - i),
                });
            }
        }
        var demoMember = DemoData.Logins.First(l => l.Roles.Contains(AppRoles.Member) && l.Roles.Length == 1).MemberId!.Value;
        foreach (var account in accounts.Take(2))
        {
            permissions.Add(new SenderPermission
            {
                AdvertiserAccountId = account.Id, MemberId = demoMember, Status = SenderPermissionStatus.Pending, RequestedAt = now.AddDays(-2),
            });
        }
        db.SenderPermissions.AddRange(permissions);
        await db.SaveChangesAsync(ct);
        return permissions;
    }

    /// <summary>About 1.5% opt out of everything, 2.5% of one advertiser, 0.5% of one sender.</summary>
    private static List<MemberOptOut> GenerateOptOuts(int seed, int memberCount, List<AdvertiserAccount> accounts, List<SenderPermission> senders, DateTime now)
    {
        var random = new Randomizer(unchecked(seed * 17 + 11));
        var senderIds = senders.Where(s => s.Status == SenderPermissionStatus.Granted).Select(s => s.MemberId).ToArray();
        var optOuts = new List<MemberOptOut>(memberCount / 20);
        for (var memberId = DemoData.ReservedProfiles + 1; memberId <= memberCount; memberId++)
        {
            var roll = random.Double();
            var created = now.AddDays(-random.Number(1, 700));
            if (roll < 0.015)
            {
                optOuts.Add(new MemberOptOut { MemberId = memberId, Scope = OptOutScope.All, CreatedAt = created });
            }
            else if (roll < 0.040)
            {
                optOuts.Add(new MemberOptOut { MemberId = memberId, Scope = OptOutScope.Advertiser, AdvertiserAccountId = random.ListItem(accounts).Id, CreatedAt = created });
            }
            else if (roll < 0.045 && senderIds.Length > 0)
            {
                optOuts.Add(new MemberOptOut { MemberId = memberId, Scope = OptOutScope.Sender, SenderMemberId = random.ArrayElement(senderIds), CreatedAt = created });
            }
        }
        return optOuts;
    }

    private async Task SeedLoginsAsync(List<AdvertiserAccount> accounts, DateTime now, CancellationToken ct)
    {
        foreach (var role in AppRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                EnsureSucceeded(await roles.CreateAsync(new IdentityRole(role)), role);
            }
        }
        var accountIds = accounts.ToDictionary(a => a.Name, a => a.Id);
        await using var db = await factory.CreateDbContextAsync(ct);
        foreach (var login in DemoData.Logins)
        {
            var user = new ApplicationUser
            {
                UserName = login.Email, Email = login.Email, EmailConfirmed = true, DisplayName = login.DisplayName, MemberId = login.MemberId,
            };
            EnsureSucceeded(await users.CreateAsync(user, DemoData.Password), login.Email);
            EnsureSucceeded(await users.AddToRolesAsync(user, login.Roles), login.Email);
            foreach (var (account, role) in login.Accounts)
            {
                db.AccountMemberships.Add(new AccountMembership
                {
                    AdvertiserAccountId = accountIds[account], UserId = user.Id, Role = role, CreatedAt = now,
                });
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private static void EnsureSucceeded(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Seeding {what} failed: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}

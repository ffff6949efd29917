using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Seeding;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Accounts;

/// <summary>Who may act on an advertiser account, and the rules of its team.</summary>
public class AccountServiceTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private AccountService Accounts => _db.Get<AccountService>();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.SeedAsync(200);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task MarketerSeesOnlyTheAccountsTheyHaveASeatOn()
    {
        var maria = await UserIdAsync("maria@contoso.example");

        var accounts = await Accounts.GetAccountsForUserAsync(maria, Ct);

        accounts.Select(a => (a.Name, a.Role)).ShouldBe([("Contoso Cloud", AccountRole.Manager), ("Northwind Analytics", AccountRole.Viewer)]);
    }

    [Fact]
    public async Task AnotherAccountsDetailsAreNotFound()
    {
        var ben = await UserIdAsync("ben@northwind.example");
        var contoso = await AccountIdAsync("Contoso Cloud");

        (await Accounts.GetDetailsAsync(ben, contoso, Ct)).ShouldBeNull();
        (await Accounts.GetRoleAsync(ben, contoso, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ManagerAddsAMarketerAsViewer()
    {
        var maria = await UserIdAsync("maria@contoso.example");
        var contoso = await AccountIdAsync("Contoso Cloud");

        var result = await Accounts.AddTeamMemberAsync(maria, contoso, " BEN@northwind.example ", AccountRole.Viewer, Ct);

        result.Succeeded.ShouldBeTrue(result.ToString());
        (await Accounts.GetRoleAsync(await UserIdAsync("ben@northwind.example"), contoso, Ct)).ShouldBe(AccountRole.Viewer);
    }

    [Fact]
    public async Task ViewerCannotChangeTheTeamAndNothingChanges()
    {
        var maria = await UserIdAsync("maria@contoso.example");
        var northwind = await AccountIdAsync("Northwind Analytics");
        var before = await SeatCountAsync();

        var result = await Accounts.AddTeamMemberAsync(maria, northwind, "admin@sponsoredinmail.example", AccountRole.Viewer, Ct);

        result.ErrorFor("account").ShouldBe("Only a Manager of this account can change its team.");
        (await SeatCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task OnlyMarketersCanJoinAnAccount()
    {
        var maria = await UserIdAsync("maria@contoso.example");

        var result = await Accounts.AddTeamMemberAsync(maria, await AccountIdAsync("Contoso Cloud"), "member@sponsoredinmail.example", AccountRole.Viewer, Ct);

        result.ErrorFor("email").ShouldNotBeNull().ShouldContain("not a marketer");
    }

    [Fact]
    public async Task UnknownEmailIsRefusedWithAClearMessage()
    {
        var maria = await UserIdAsync("maria@contoso.example");

        var result = await Accounts.AddTeamMemberAsync(maria, await AccountIdAsync("Contoso Cloud"), "nobody@example.com", AccountRole.Viewer, Ct);

        result.ErrorFor("email").ShouldBe("No login has this e-mail address.");
    }

    [Fact]
    public async Task TheSameMarketerCannotBeAddedTwice()
    {
        var ben = await UserIdAsync("ben@northwind.example");

        var result = await Accounts.AddTeamMemberAsync(ben, await AccountIdAsync("Northwind Analytics"), "maria@contoso.example", AccountRole.Manager, Ct);

        result.ErrorFor("email").ShouldBe("This marketer is already on the account's team.");
    }

    [Fact]
    public async Task TheLastManagerCannotLeaveOrStepDown()
    {
        var ben = await UserIdAsync("ben@northwind.example");
        var northwind = await AccountIdAsync("Northwind Analytics");

        var removal = await Accounts.RemoveTeamMemberAsync(ben, northwind, ben, Ct);
        var downgrade = await Accounts.ChangeRoleAsync(ben, northwind, ben, AccountRole.Viewer, Ct);

        removal.Succeeded.ShouldBeFalse();
        downgrade.Succeeded.ShouldBeFalse();
        (await Accounts.GetRoleAsync(ben, northwind, Ct)).ShouldBe(AccountRole.Manager);
    }

    [Fact]
    public async Task AManagerCanLeaveOnceAnotherManagerExists()
    {
        var ben = await UserIdAsync("ben@northwind.example");
        var maria = await UserIdAsync("maria@contoso.example");
        var northwind = await AccountIdAsync("Northwind Analytics");

        (await Accounts.ChangeRoleAsync(ben, northwind, maria, AccountRole.Manager, Ct)).Succeeded.ShouldBeTrue();
        (await Accounts.RemoveTeamMemberAsync(maria, northwind, ben, Ct)).Succeeded.ShouldBeTrue();

        (await Accounts.GetRoleAsync(ben, northwind, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task AccountDetailsListTeamAndSenders()
    {
        var maria = await UserIdAsync("maria@contoso.example");

        var details = await Accounts.GetDetailsAsync(maria, await AccountIdAsync("Contoso Cloud"), Ct);

        details.ShouldNotBeNull();
        details.Team.Select(t => t.Email).ShouldBe(["maria@contoso.example"]);
        details.Senders.Count(s => s.Status == SenderPermissionStatus.Granted).ShouldBe(3);
        details.Senders.Count(s => s.Status == SenderPermissionStatus.Pending).ShouldBe(1);
    }

    private Task<string> UserIdAsync(string email) => _db.UserIdAsync(email);

    private Task<int> AccountIdAsync(string name) => _db.AccountIdAsync(name);

    private async Task<int> SeatCountAsync()
    {
        await using var db = _db.CreateContext();
        return await db.AccountMemberships.CountAsync(Ct);
    }
}

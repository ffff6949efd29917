using Bunit;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Accounts;
using SponsoredInMail.Web.Components.Pages.Home;
using SponsoredInMail.Web.Components.Pages.Members;

namespace SponsoredInMail.Tests.Web.Components;

public class PageTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    [Fact]
    public async Task MembersPageListsTheNetworkPagedAndCounted()
    {
        await SignInAsAsync("admin@sponsoredinmail.example");
        RenderPopoverProvider();

        var page = Render<MembersPage>();

        page.WaitForAssertion(() => page.FindAll("tbody tr.mud-table-row").Count.ShouldBe(25));
        page.Find("[data-testid=member-count]").TextContent.Trim().ShouldBe($"{SeededDatabase.Members:N0} members match");
    }

    [Fact]
    public async Task MembersPageSearchNarrowsTheList()
    {
        await SignInAsAsync("admin@sponsoredinmail.example");
        RenderPopoverProvider();
        var page = Render<MembersPage>();
        page.WaitForAssertion(() => page.FindAll("tbody tr.mud-table-row").Count.ShouldBe(25));

        page.Find("[data-testid=member-search]").Input("Mia");

        page.WaitForAssertion(() => page.Markup.ShouldContain("Mia Morgan"), TimeSpan.FromSeconds(5));
        page.WaitForAssertion(() => page.FindAll("tbody tr.mud-table-row").Count.ShouldBeLessThan(25), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AdminHomeShowsTheNetworkFigures()
    {
        await SignInAsAsync("admin@sponsoredinmail.example");

        var home = Render<AdminHome>();

        home.WaitForAssertion(() => home.Find("[data-testid=stat-members]").TextContent.ShouldBe(SeededDatabase.Members.ToString("N0")));
    }

    [Fact]
    public async Task MarketerHomeShowsOnlyTheirAccounts()
    {
        await SignInAsAsync("ben@northwind.example");

        var home = Render<MarketerHome>();

        home.WaitForAssertion(() => home.FindAll("[data-testid=account-card]").Count.ShouldBe(1));
        home.Markup.ShouldContain("Northwind Analytics");
        home.Markup.ShouldNotContain("Contoso Cloud");
    }

    [Fact]
    public async Task AnotherAccountsPageSaysNotFoundAndShowsNothingOfIt()
    {
        await SignInAsAsync("ben@northwind.example");
        var contoso = await AccountIdAsync("Contoso Cloud");

        var page = Render<AccountPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Markup.ShouldContain("Account not found"));
        page.Markup.ShouldNotContain("Contoso Cloud");
    }

    [Fact]
    public async Task AccountPageShowsTeamAndSendersToItsManager()
    {
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();

        var page = Render<AccountPage>(p => p.Add(x => x.AccountId, 0));
        page.Dispose();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var account = Render<AccountPage>(p => p.Add(x => x.AccountId, contoso));

        account.WaitForAssertion(() => account.Find("[data-testid=account-name]").TextContent.ShouldBe("Contoso Cloud"));
        account.Find("[data-testid=team-table]").TextContent.ShouldContain("maria@contoso.example");
        account.FindAll("[data-testid=senders-table] tbody tr").Count.ShouldBe(4);
        account.FindAll("[data-testid=team-email]").Count.ShouldBe(1);
    }

    [Fact]
    public async Task MemberSeesTheirPendingSenderRequestsOnHome()
    {
        await SignInAsAsync("member@sponsoredinmail.example");

        var home = Render<MemberHome>();

        home.WaitForAssertion(() => home.Find("[data-testid=pending-sender-requests]").TextContent.ShouldBe("2"));
    }
}

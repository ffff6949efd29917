using Bunit;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Layout;

namespace SponsoredInMail.Tests.Web.Components;

/// <summary>Each role sees the links to its own pages and no others.</summary>
public class NavMenuTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    [Fact]
    public async Task AdminSeesTheMembersLookUp()
    {
        await SignInAsAsync("admin@sponsoredinmail.example");

        var nav = Render<NavMenu>();

        nav.FindAll("a[href='/admin/members']").Count.ShouldBe(1);
        nav.FindAll("a[href='/admin/review']").Count.ShouldBe(1);
        nav.FindAll("a[href='/admin/campaigns']").Count.ShouldBe(1);
        nav.FindAll("a[href='/admin/audit']").Count.ShouldBe(1);
        nav.FindAll("a[href='/me']").ShouldBeEmpty();
        nav.Markup.ShouldNotContain("Account &amp; team");
    }

    [Fact]
    public async Task MarketerSeesTheirCurrentAccountAndNoAdminPages()
    {
        await SignInAsAsync("maria@contoso.example");

        var nav = Render<NavMenu>();

        nav.WaitForAssertion(() => nav.Markup.ShouldContain("Account &amp; team"));
        nav.FindAll("a[href='/admin/members']").ShouldBeEmpty();
        nav.FindAll("a[href^='/accounts/']").Count.ShouldBe(10);
        nav.FindAll("a[href$='/conversions']").Count.ShouldBe(1);
        nav.FindAll("a[href$='/api-tokens']").Count.ShouldBe(1);
        nav.FindAll("a[href$='/webhooks']").Single().TextContent.ShouldContain("Webhooks");
        nav.FindAll("a[href$='/reports']").Count.ShouldBe(1);
        nav.FindAll("a[href$='/campaigns']").Count.ShouldBe(1);
        nav.FindAll("a[href='/admin/review']").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("member@sponsoredinmail.example")]
    [InlineData("rep@sponsoredinmail.example")]
    public async Task MembersAndSalesRepsSeeTheirProfileOnly(string email)
    {
        await SignInAsAsync(email);

        var nav = Render<NavMenu>();

        nav.FindAll("a[href='/me']").Count.ShouldBe(1);
        nav.FindAll("a[href='/inbox']").Count.ShouldBe(1);
        nav.FindAll("a[href='/admin/members']").ShouldBeEmpty();
        nav.FindAll("a[href^='/accounts/']").ShouldBeEmpty();
    }

    [Fact]
    public async Task AMarketerLinkedToAMemberProfileSeesTheInboxAndLeads()
    {
        await SignInAsAsync("maria@contoso.example");

        var nav = Render<NavMenu>();

        nav.WaitForAssertion(() => nav.FindAll("a[href$='/leads']").Count.ShouldBe(1));
        nav.FindAll("a[href='/inbox']").Count.ShouldBe(1);
        nav.FindAll("a[href='/settings']").Count.ShouldBe(1);
    }

    [Fact]
    public async Task AnAdminWithoutAMemberProfileHasNoInboxLink()
    {
        await SignInAsAsync("admin@sponsoredinmail.example");

        var nav = Render<NavMenu>();

        nav.FindAll("a[href='/inbox']").ShouldBeEmpty();
    }
}

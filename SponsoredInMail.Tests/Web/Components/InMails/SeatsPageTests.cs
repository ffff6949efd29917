using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using SponsoredInMail.Core.InMail;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Layout;
using SponsoredInMail.Web.Components.Pages.Admin;

namespace SponsoredInMail.Tests.Web.Components.InMails;

/// <summary>The admin's seat management, and the InMail links in the navigation.</summary>
public class SeatsPageTests : BunitTestBase
{
    private readonly InMailTestData _data;

    public SeatsPageTests(SeededDatabase seeded) : base(seeded) => _data = new InMailTestData(Database);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheAdminAssignsASeatAndTheRepGetsThisMonthsCredits()
    {
        var rep = await _data.RepAsync(seat: null, name: "Newly Hired");
        await SignInAsAsync(InMailTestData.Admin);

        var page = Render<SeatsPage>();
        var row = $"[data-testid=seat-row][data-user='{rep.Email}']";
        page.WaitForAssertion(() => page.Find($"{row} [data-testid=seat-tier]").TextContent.ShouldBe("No seat"));
        page.FindAll("[data-testid=seat-row][data-user='rep@sponsoredinmail.example']").Count.ShouldBe(1);
        page.FindAll("[data-testid=seat-row][data-user='admin@sponsoredinmail.example']").ShouldBeEmpty();

        var select = page.FindComponents<MudSelect<SeatTier>>().Single(s => s.Instance.Label == "Tier for Newly Hired");
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(SeatTier.Team));
        await page.InvokeAsync(() => page.Find($"{row} button[data-testid=seat-assign]").Click());

        page.WaitForAssertion(() => page.Find($"{row} [data-testid=seat-tier]").TextContent.ShouldBe("Team"));
        page.Find($"{row} [data-testid=seat-balance]").TextContent.ShouldBe("30");
        await using var db = Database.CreateContext();
        (await db.SalesSeats.SingleAsync(s => s.UserId == rep.UserId, Ct)).Tier.ShouldBe(SeatTier.Team);
        (await db.AuditLog.CountAsync(a => a.EntityType == "SalesSeat" && a.EntityId == rep.UserId && a.After == "Team", Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task TheAdminChangesATierAndTheButtonWaitsForAChange()
    {
        var rep = await _data.RepAsync(SeatTier.Basic, name: "Basic Rep");
        await SignInAsAsync(InMailTestData.Admin);

        var page = Render<SeatsPage>();
        var row = $"[data-testid=seat-row][data-user='{rep.Email}']";
        page.WaitForAssertion(() => page.Find($"{row} [data-testid=seat-tier]").TextContent.ShouldBe("Basic"));
        page.Find($"{row} button[data-testid=seat-assign]").HasAttribute("disabled").ShouldBeTrue();

        var select = page.FindComponents<MudSelect<SeatTier>>().Single(s => s.Instance.Label == "Tier for Basic Rep");
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(SeatTier.Professional));
        await page.InvokeAsync(() => page.Find($"{row} button[data-testid=seat-assign]").Click());

        page.WaitForAssertion(() => page.Find($"{row} [data-testid=seat-tier]").TextContent.ShouldBe("Professional"));
        await using var db = Database.CreateContext();
        (await db.SalesSeats.SingleAsync(s => s.UserId == rep.UserId, Ct)).Tier.ShouldBe(SeatTier.Professional);
    }

    [Fact]
    public async Task SalesRepsSeeTheInMailLinkAndAdminsTheSeatsLink()
    {
        await SignInAsAsync("rep@sponsoredinmail.example");
        var repNav = Render<NavMenu>();
        repNav.FindAll("a[href='/inmail']").Count.ShouldBe(1);
        repNav.FindAll("a[href='/admin/seats']").ShouldBeEmpty();
    }

    [Fact]
    public async Task AdminsSeeTheSeatsLinkAndMembersNoInMailLink()
    {
        await SignInAsAsync(InMailTestData.Admin);
        var adminNav = Render<NavMenu>();
        adminNav.FindAll("a[href='/admin/seats']").Count.ShouldBe(1);
        adminNav.FindAll("a[href='/inmail']").ShouldBeEmpty();
    }

    [Fact]
    public async Task MembersSeeNoInMailLink()
    {
        await SignInAsAsync("member@sponsoredinmail.example");
        var memberNav = Render<NavMenu>();
        memberNav.FindAll("a[href='/inbox']").Count.ShouldBe(1);
        memberNav.FindAll("a[href='/inmail']").ShouldBeEmpty();
    }
}

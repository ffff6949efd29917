using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Campaigns;
using SponsoredInMail.Web.Components.Pages.Home;

namespace SponsoredInMail.Tests.Web.Components.Reports;

/// <summary>The admin home's platform overview, on a database of its own so that its totals are exactly what the test sent.</summary>
public class PlatformOverviewTests : BunitTestBase
{
    private readonly ReportTestData _data;

    public PlatformOverviewTests(SeededDatabase seeded) : base(seeded)
    {
        _data = new ReportTestData(Database);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public async Task AdminsSeeSpendSendsTheReviewQueueAndTopAccountsAndCanChangeTheRange()
    {
        await _data.MessageAdAsync("Contoso Cloud", sends: 4);
        await _data.MessageAdAsync("Fabrikam Health", sends: 2);
        var contoso = await AccountIdAsync("Contoso Cloud");
        await new CampaignTestData(Database).CampaignAsync(contoso, CampaignStatus.InReview);
        int active;
        await using (var db = Database.CreateContext())
        {
            active = await db.Campaigns.CountAsync(c => c.Status == CampaignStatus.Active, Xunit.TestContext.Current.CancellationToken);
        }
        await SignInAsAsync("admin@sponsoredinmail.example");
        RenderPopoverProvider();

        var home = Render<AdminHome>();

        home.WaitForAssertion(() => home.Find("[data-testid=platform-sends]").TextContent.ShouldBe("6"));
        home.Find("[data-testid=platform-spend]").TextContent.ShouldBe("$3.00");
        home.Find("[data-testid=platform-active]").TextContent.ShouldBe(active.ToString(System.Globalization.CultureInfo.InvariantCulture));
        home.Find("[data-testid=platform-in-review]").TextContent.ShouldBe("1");
        home.Find("[data-testid=platform-oldest]").TextContent.Trim().ShouldStartWith("Oldest waiting");
        var top = home.FindAll("[data-testid=top-account-row]");
        top.Count.ShouldBe(2);
        top[0].TextContent.ShouldContain("Contoso Cloud");
        top[0].QuerySelector("[data-testid=top-account-spend]")!.TextContent.ShouldBe("$2.00");
        top[1].QuerySelector("[data-testid=top-account-sends]")!.TextContent.ShouldBe("2");
        home.Find("[data-testid=chart-platform-spend] svg");

        await home.InvokeAsync(() => home.Find("[data-testid=range-to]").Change("2026-11-01"));

        home.WaitForAssertion(() =>
        {
            home.Find("[data-testid=platform-sends]").TextContent.ShouldBe("0");
            home.Find("[data-testid=top-accounts-empty]");
            home.Find("[data-testid=platform-in-review]").TextContent.ShouldBe("1", "the queue is counted now, whatever the range");
        });
    }

    /// <summary>Typing a range changes it twice (from, then to); the first change's load, come back last, does not replace the second's.</summary>
    [Fact]
    public async Task ARangeChangeOvertakenByALaterOneDoesNotShowItsFigures()
    {
        var loads = new HeldReportLoads(Database);
        Reports = loads.Reports;
        await SignInAsAsync("admin@sponsoredinmail.example");
        RenderPopoverProvider();
        var home = Render<AdminHome>();
        home.WaitForAssertion(() => home.Find("[data-testid=range-to]").GetAttribute("value").ShouldBe("2026-11-23"));

        await loads.ChangeRangeOvertakingTheFirstLoadAsync(home, "2026-10-01", "2026-10-31");

        home.WaitForAssertion(() =>
        {
            home.Find("[data-testid=range-from]").GetAttribute("value").ShouldBe("2026-10-01");
            home.Find("[data-testid=range-to]").GetAttribute("value").ShouldBe("2026-10-31");
            home.Find("[data-testid=platform-sends]").TextContent.ShouldBe("0");
        });
    }
}

using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Reports;

namespace SponsoredInMail.Tests.Web.Components.Reports;

/// <summary>The holdout lift panel: both groups' rates, the lift with its interval, incremental conversions, cost and verdict in words.</summary>
public class HoldoutLiftPanelTests : BunitTestBase
{
    public HoldoutLiftPanelTests(SeededDatabase seeded) : base(seeded) =>
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    private static string Text(IRenderedComponent<HoldoutLiftPanel> panel, string testId) => panel.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public void AMeasuredLiftShowsTheRatesTheIntervalTheIncrementalConversionsAndTheirCost()
    {
        var lift = new HoldoutLift(1, 20, 500_000, LiftRules.Estimate(10_000, 300, 2_000, 40, 500_000));

        var panel = Render<HoldoutLiftPanel>(p => p.Add(x => x.Lift, lift));

        Text(panel, "holdout-sent-rate").ShouldBe("3.00%");
        Text(panel, "holdout-held-rate").ShouldBe("2.00%");
        panel.Find("[data-testid=holdout-sent]").TextContent.ShouldContain("10,000");
        panel.Find("[data-testid=holdout-held]").TextContent.ShouldContain("2,000");
        Text(panel, "holdout-lift-value").ShouldBe("+50% (95% CI 8% to 108%)");
        Text(panel, "holdout-incremental").ShouldStartWith("+100 ");
        Text(panel, "holdout-cost").ShouldBe("$50.00");
        Text(panel, "holdout-verdict").ShouldBe("Sending raised conversions by 50% (95% CI 8% to 108%).");
        panel.Find("[data-testid=holdout-verdict]").GetAttribute("role").ShouldBe("status");
        Text(panel, "holdout-lift-explained").ShouldStartWith("20% of the audience was held out at random");
        // Headed and tabular for screen readers.
        panel.Find("h2").TextContent.ShouldBe("Incremental lift");
        panel.FindAll("th[scope=row]").Select(th => th.TextContent).ShouldBe(["Sent", "Held out"]);
    }

    [Fact]
    public void TooLittleDataSaysWhatIsMissingAndHasNoCost()
    {
        var lift = new HoldoutLift(1, 10, 12_000, LiftRules.Estimate(900, 9, 100, 1, 12_000));

        var panel = Render<HoldoutLiftPanel>(p => p.Add(x => x.Lift, lift));

        Text(panel, "holdout-verdict").ShouldBe("Not enough data yet: the holdout group needs at least 1,000 members (it has 100).");
        Text(panel, "holdout-cost").ShouldStartWith("—");
        Text(panel, "holdout-lift-value").ShouldBe("0% (95% CI \u221287% to 681%)");
    }

    [Fact]
    public void AnEmptyHoldoutShowsDashesNotNumbers()
    {
        var lift = new HoldoutLift(1, 5, 0, LiftRules.Estimate(0, 0, 0, 0, 0));

        var panel = Render<HoldoutLiftPanel>(p => p.Add(x => x.Lift, lift));

        Text(panel, "holdout-sent-rate").ShouldBe("—");
        Text(panel, "holdout-lift-value").ShouldStartWith("—");
        Text(panel, "holdout-incremental").ShouldBe("—");
    }

    [Fact]
    public async Task TheCampaignReportShowsTheSectionOnlyForACampaignWithAHoldout()
    {
        var data = new ReportTestData(Database);
        var with = await data.MessageAdAsync("Contoso Cloud", sends: 5);
        var without = await data.MessageAdAsync("Contoso Cloud", sends: 5);
        await using (var db = Database.CreateContext())
        {
            await db.Campaigns.Where(c => c.Id == with.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.HoldoutPercent, 15), Xunit.TestContext.Current.CancellationToken);
        }
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");

        var page = Render<CampaignReportPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, with.Id));
        page.WaitForAssertion(() => page.Find("[data-testid=report-holdout]"));
        page.Find("[data-testid=holdout-sent]").TextContent.ShouldContain("5");
        page.Find("[data-testid=holdout-verdict]").TextContent.ShouldStartWith("Not enough data yet");

        var other = Render<CampaignReportPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, without.Id));
        other.WaitForAssertion(() => other.Find("[data-testid=kpi-sends]"));
        other.FindAll("[data-testid=report-holdout]").ShouldBeEmpty();
    }
}

using Bunit;
using MudBlazor;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Campaigns;
using SponsoredInMail.Web.Components.Pages.Admin;

namespace SponsoredInMail.Tests.Web.Components.Admin;

public class AuditLogPageTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    private CampaignTestData Data => new(Database);

    [Fact]
    public async Task FilteringByEntityIdShowsThatCampaignsEntriesNewestFirst()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Approved);
        var page = Render<AuditLogPage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=audit-action]").Count.ShouldBeGreaterThan(0));
        var types = page.FindComponent<MudSelect<string>>();
        await page.InvokeAsync(() => types.Instance.ValueChanged.InvokeAsync("Campaign"));

        page.Find("[data-testid=filter-entity-id]").Input(id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The count and the grid's rows reload separately: wait for both.
        page.WaitForAssertion(() =>
        {
            page.Find("[data-testid=audit-count]").TextContent.Trim().ShouldBe("3 entries match");
            page.FindAll("[data-testid=audit-action]").Select(a => a.TextContent).ShouldBe(["approved", "status Draft → InReview", "created"]);
        }, TimeSpan.FromSeconds(5));
        page.FindAll("[data-testid=audit-entity]").Select(e => e.TextContent).Distinct().ShouldBe([$"Campaign #{id}"]);
    }

    [Fact]
    public async Task FilteringByActionAndActorNarrowsTheLog()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        await Data.CampaignAsync(contoso, CampaignStatus.Approved);
        var page = Render<AuditLogPage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=audit-action]").Count.ShouldBeGreaterThan(0));

        page.Find("[data-testid=filter-action]").Input("approved");
        page.Find("[data-testid=filter-actor]").Input("admin@");

        page.WaitForAssertion(() => page.FindAll("[data-testid=audit-action]").Select(a => a.TextContent).Distinct().ShouldBe(["approved"]), TimeSpan.FromSeconds(5));
        page.Find("[data-testid=audit-grid]").TextContent.ShouldContain("admin@sponsoredinmail.example");
    }

    [Fact]
    public async Task AnEntityTypeAndADayWindowWithNothingInItShowNoEntries()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        await Data.CampaignAsync(contoso, CampaignStatus.Draft);
        var page = Render<AuditLogPage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=audit-action]").Count.ShouldBeGreaterThan(0));
        var types = page.FindComponent<MudSelect<string>>();
        await page.InvokeAsync(() => types.Instance.ValueChanged.InvokeAsync("Campaign"));
        page.WaitForAssertion(() => page.FindAll("[data-testid=audit-entity]").ShouldAllBe(e => e.TextContent.StartsWith("Campaign #", StringComparison.Ordinal)));

        await page.InvokeAsync(() => page.Find("[data-testid=filter-from]").Change("2020-01-01"));
        await page.InvokeAsync(() => page.Find("[data-testid=filter-to]").Change("2020-01-02"));

        page.WaitForAssertion(() => page.Find("[data-testid=audit-count]").TextContent.Trim().ShouldBe("0 entries match"));
    }

    [Fact]
    public async Task ACreationListsItsSettingsReadablyWithTheStoredJsonOneClickAway()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Draft);
        var page = await RenderFilteredToAsync(id, expected: 1);

        page.FindAll("[data-testid=audit-change]").Select(c => c.TextContent.Trim()).ShouldContain("Lifetime budget: $500.00");
        page.Find("[data-testid=audit-raw] [data-testid=audit-raw-after]").TextContent.ShouldContain("\"lifetimeBudgetCents\": 50000");
    }

    [Fact]
    public async Task ASettingChangeReadsFieldByFieldNotAsJson()
    {
        await SignInAsAsync(CampaignTestData.Admin);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Draft);
        var draft = await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, Xunit.TestContext.Current.CancellationToken);
        var input = CampaignTestData.Input(draft!.Name, draft.SavedAudienceId, draft.AdId) with { BidCents = 75, DailyBudgetCents = null };
        (await Data.Campaigns.UpdateDraftAsync(await UserIdAsync(CampaignTestData.Maria), contoso, id, input, Xunit.TestContext.Current.CancellationToken)).Succeeded.ShouldBeTrue();
        var page = await RenderFilteredToAsync(id, expected: 2);

        // Same instant on the test clock: the later row (by id) comes first.
        page.FindAll("[data-testid=audit-action]")[0].TextContent.ShouldBe("settings changed");
        var changed = page.FindAll("[data-testid=audit-action]")[0].Closest("tr")!;
        changed.QuerySelectorAll("[data-testid=audit-change]").Select(c => c.TextContent.Trim()).ShouldBe(["Bid: $0.60 → $0.75", "Daily budget: $50.00 → none"]);
        changed.QuerySelector("[data-testid=audit-raw-after]")!.TextContent.ShouldContain("\"bidCents\": 75");
    }

    private async Task<IRenderedComponent<AuditLogPage>> RenderFilteredToAsync(int campaignId, int expected)
    {
        var page = Render<AuditLogPage>();
        page.WaitForAssertion(() => page.FindAll("[data-testid=audit-action]").Count.ShouldBeGreaterThan(0));
        var types = page.FindComponent<MudSelect<string>>();
        await page.InvokeAsync(() => types.Instance.ValueChanged.InvokeAsync("Campaign"));
        page.Find("[data-testid=filter-entity-id]").Input(campaignId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        page.WaitForAssertion(() =>
        {
            page.Find("[data-testid=audit-count]").TextContent.Trim().ShouldBe(expected == 1 ? "1 entry matches" : $"{expected} entries match");
            page.FindAll("[data-testid=audit-action]").Count.ShouldBe(expected);
        }, TimeSpan.FromSeconds(5));
        return page;
    }
}

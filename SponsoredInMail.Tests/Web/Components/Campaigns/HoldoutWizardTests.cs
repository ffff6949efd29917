using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Campaigns;

namespace SponsoredInMail.Tests.Web.Components.Campaigns;

/// <summary>The wizard's "Measure incremental lift" choice on the Budgets step, the forecast that shrinks by it, and the settings that show it.</summary>
public class HoldoutWizardTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private CampaignTestData Data => new(Database);

    [Fact]
    public async Task TurningTheHoldoutOnSuggestsTenPercentAndTheChosenShareIsSavedAndForecast()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Draft);
        var page = await OpenAtStepAsync(contoso, id, "holdout-on", nexts: 3);
        page.FindAll("[data-testid=holdout-percent]").ShouldBeEmpty();
        page.Find("[data-testid=holdout-explained]").TextContent.ShouldContain("never sent it and costs nothing");

        await page.InvokeAsync(() => InputOf(page, "holdout-on").Change(true));
        page.WaitForAssertion(() => InputOf(page, "holdout-percent").GetAttribute("value").ShouldBe("10"));
        var field = page.FindComponents<MudNumericField<int>>().Single(f => f.FindAll("[data-testid=holdout-percent]").Count > 0);
        await page.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync(15));
        Next(page);
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-start-date]"));
        (await CampaignAsync(id)).HoldoutPercent.ShouldBe(15);

        Next(page);
        page.WaitForAssertion(() => page.Find("[data-testid=forecast-holdout]").TextContent.ShouldContain("15% of the audience"));
        page.Find("[data-testid=forecast-holdout]").TextContent.ShouldContain("never sent, never charged");
    }

    [Fact]
    public async Task TurningTheHoldoutOffSavesZero()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.Draft);
        await using (var db = Database.CreateContext())
        {
            await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.HoldoutPercent, 20), Ct);
        }
        var page = await OpenAtStepAsync(contoso, id, "holdout-percent", nexts: 3);
        InputOf(page, "holdout-percent").GetAttribute("value").ShouldBe("20");

        await page.InvokeAsync(() => InputOf(page, "holdout-on").Change(false));
        page.WaitForAssertion(() => page.FindAll("[data-testid=holdout-percent]").ShouldBeEmpty());
        Next(page);

        page.WaitForAssertion(() => page.Find("[data-testid=campaign-start-date]"));
        (await CampaignAsync(id)).HoldoutPercent.ShouldBe(0);
    }

    [Fact]
    public async Task TheCampaignPageShowsTheHoldoutAndLetsItChangeWhileInReview()
    {
        await SignInAsAsync(CampaignTestData.Maria);
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var id = await Data.CampaignAsync(contoso, CampaignStatus.InReview);
        var page = Render<CampaignPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=settings-holdout]").TextContent.ShouldBe("None"));

        var field = page.FindComponents<MudNumericField<int>>().Single(f => f.FindAll("[data-testid=holdout-setting-percent]").Count > 0);
        await page.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync(5));
        await page.InvokeAsync(() => page.Find("[data-testid=save-holdout]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=settings-holdout]").TextContent.ShouldBe("5% of the audience held out to measure incremental lift"));
        (await CampaignAsync(id)).HoldoutPercent.ShouldBe(5);
    }

    private async Task<IRenderedComponent<CampaignWizardPage>> OpenAtStepAsync(int account, int id, string testId, int nexts)
    {
        var page = Render<CampaignWizardPage>(p => p.Add(x => x.AccountId, account).Add(x => x.CampaignId, id));
        page.WaitForAssertion(() => page.Find("[data-testid=campaign-name]"));
        for (var i = 0; i < nexts; i++)
        {
            Next(page);
            var step = i;
            page.WaitForAssertion(() => page.FindAll("[data-testid=wizard-errors]").ShouldBeEmpty($"step {step}"));
        }
        page.WaitForAssertion(() => page.Find($"[data-testid={testId}]"));
        await Task.CompletedTask;
        return page;
    }

    private static void Next(IRenderedComponent<CampaignWizardPage> page)
    {
        page.InvokeAsync(() => page.Find("[data-testid=wizard-next]").Click()).GetAwaiter().GetResult();
        page.WaitForAssertion(() => page.Find("[data-testid=wizard-actions]").GetAttribute("data-busy").ShouldBe("false"));
    }

    private static AngleSharp.Dom.IElement InputOf<T>(IRenderedComponent<T> page, string testId) where T : Microsoft.AspNetCore.Components.IComponent
    {
        var element = page.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    private async Task<Campaign> CampaignAsync(int id) =>
        (await Data.Campaigns.GetAsync(await UserIdAsync(CampaignTestData.Maria), await AccountIdAsync("Contoso Cloud"), id, Ct))!;
}

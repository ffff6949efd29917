using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SponsoredInMail.Core.InMail;

namespace SponsoredInMail.Tests.Browser;

/// <summary>A sales rep sends an InMail for a credit; the member replies; the credit comes back once the job has run.</summary>
[Collection(BrowserCollection.Name)]
public class InMailJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task ARepSendsTheMemberRepliesAndTheCreditComesBack()
    {
        Browser.SkipWhenUnavailable();
        var ct = TestContext.Current.CancellationToken;
        // A new rep writes to a new member: nobody else's inbox or balance is touched.
        var sam = await People.NewSalesRepAsync();
        var mia = await People.NewMemberAsync("Mia");
        var admin = (await People.NewAdminAsync()).UserId;
        var rep = sam.Login.UserId;
        var inMail = Browser.Services.GetRequiredService<InMailService>();
        (await inMail.AssignSeatAsync(admin, rep, SeatTier.Basic, ct)).Succeeded.ShouldBeTrue();
        await Browser.Services.GetRequiredService<CreditJob>().RunAsync(ct);
        var before = await inMail.BalanceAsync(rep, ct);

        // The rep writes to Mia.
        var page = await NewPageAsync(1400, 1000);
        await page.LoginAsync(sam.Email);
        await page.GetByRole(AriaRole.Link, new() { Name = "InMail", Exact = true }).ClickAsync();
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("inmail-balance")).ToContainTextAsync(before.ToString());
        (await page.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        // The type-ahead searches after a debounce: pick again if a pick landed before the list settled.
        var to = page.GetByTestId("inmail-to");
        for (var attempt = 0; attempt < 3 && !(await to.InputValueAsync()).Contains(mia.FullName); attempt++)
        {
            await to.FillAsync(mia.LastName);
            await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = mia.FullName }).First.ClickAsync();
            try
            {
                await Assertions.Expect(to).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(mia.FullName), new() { Timeout = 2_000 });
            }
            catch (PlaywrightException)
            {
            }
        }
        await Assertions.Expect(to).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(mia.FullName));
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
        await page.GetByTestId("inmail-subject").FillAsync("Journey: a quick question");
        await page.GetByTestId("inmail-body").FillAsync("Hi Mia, could we talk about your team's tools next week?");
        await Assertions.Expect(page.GetByTestId("inmail-send")).ToBeEnabledAsync();
        await page.GetByTestId("inmail-send").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sent-row").Filter(new() { HasText = "Journey: a quick question" })).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByTestId("inmail-balance")).ToContainTextAsync((before - 1).ToString());
        var sent = page.GetByTestId("sent-row").Filter(new() { HasText = "Journey: a quick question" });
        await Assertions.Expect(sent.GetByTestId("sent-status")).ToHaveAttributeAsync("data-status", "awaiting");

        // Mia replies from her inbox.
        var member = await NewPageAsync(1280, 900);
        await member.LoginAsync(mia.Email);
        await member.GotoAsync("/inbox");
        await member.WaitForInteractiveAsync();
        await member.Locator("[data-testid=inbox-item][data-kind=inmail]").Filter(new() { HasText = "Journey: a quick question" }).ClickAsync();
        await Assertions.Expect(member.GetByTestId("inmail-message")).ToBeVisibleAsync();
        (await member.SeriousAccessibilityViolationsAsync()).ShouldBeEmpty();
        await member.GetByTestId("inmail-reply").FillAsync("Yes, Tuesday works.");
        await member.GetByTestId("inmail-send-reply").ClickAsync();
        await Assertions.Expect(member.GetByTestId("inmail-response")).ToBeVisibleAsync();

        // The job runs; the rep sees the credit back.
        await Browser.Services.GetRequiredService<CreditJob>().RunAsync(ct);
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("inmail-balance")).ToContainTextAsync(before.ToString());
        await Assertions.Expect(page.GetByTestId("sent-row").Filter(new() { HasText = "Journey: a quick question" }).GetByTestId("sent-status"))
            .ToHaveAttributeAsync("data-status", "creditedback");
        await Assertions.Expect(page.GetByTestId("ledger-row").Filter(new() { HasText = "Credit back" }).First).ToBeVisibleAsync();
    }
}

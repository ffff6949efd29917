using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Inbox;

namespace SponsoredInMail.Tests.Web.Components.Inbox;

/// <summary>What a member does inside an opened sponsored message: lead forms, conversation replies and opt-outs, each recorded.</summary>
public class SponsoredMessageTests : BunitTestBase
{
    private readonly InboxTestData _data;

    public SponsoredMessageTests(SeededDatabase seeded) : base(seeded)
    {
        _data = new InboxTestData(Database);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>Opens the message and waits until it is marked read, so later clicks meet a settled render.</summary>
    private IRenderedComponent<InboxPage> Open(long delivery)
    {
        var page = Render<InboxPage>(p => p.Add(x => x.Kind, "sponsored").Add(x => x.Id, delivery));
        page.WaitForAssertion(() =>
        {
            page.FindAll("[data-testid=inbox-unread]").ShouldBeEmpty();
            page.Find("[data-testid=message-subject]");
        });
        return page;
    }

    [Fact]
    public async Task TheLeadFormOpensPrefilledShowsFieldErrorsAndStoresTheLead()
    {
        var member = InboxTestData.NewMember();
        var form = await _data.LeadFormAsync(await AccountIdAsync("Contoso Cloud"));
        var delivery = await _data.MessageAdAsync(member, "Contoso Cloud", "Free report", _data.Now.AddHours(-1), form);
        await using var db = Database.CreateContext();
        var profile = await db.Members.SingleAsync(m => m.Id == member, Ct);
        SignInAsMember(member);
        RenderPopoverProvider();
        var page = Open(delivery);
        page.WaitForAssertion(() => page.Find("[data-testid=message-cta]"));

        await page.InvokeAsync(() => page.Find("[data-testid=message-cta]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=lead-form]"));
        var fields = page.FindAll("input[data-testid=lead-field]");
        fields.Select(f => f.GetAttribute("value")).ShouldBe([profile.FirstName, profile.Email, profile.JobTitle]);
        page.Find("[data-testid=lead-privacy]").GetAttribute("href").ShouldBe("https://contoso.example/privacy");
        (await db.EngagementEvents.CountAsync(e => e.DeliveryId == delivery && e.Kind == EventKind.LeadFormOpen, Ct)).ShouldBe(1);

        page.FindAll("input[data-testid=lead-field]")[1].Change("not-an-email");
        await page.InvokeAsync(() => page.Find("[data-testid=lead-submit]").Click());

        page.WaitForAssertion(() => page.Markup.ShouldContain("Enter an e-mail address such as name@company.com."));
        page.Markup.ShouldContain("Team size is required.");
        page.Find("[data-testid=lead-consent-error]").TextContent.ShouldContain("consent");
        (await db.Leads.CountAsync(l => l.DeliveryId == delivery, Ct)).ShouldBe(0);

        page.FindAll("input[data-testid=lead-field]")[1].Change("mia@example.com");
        await page.InvokeAsync(() => page.FindComponent<MudBlazor.MudSelect<string>>().Instance.ValueChanged.InvokeAsync("11-50"));
        await page.InvokeAsync(() => page.Find("input[data-testid=lead-consent]").Change(true));
        await page.InvokeAsync(() => page.Find("[data-testid=lead-submit]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=lead-thanks]").TextContent.ShouldContain("Thanks! The report is on its way."));
        page.Find("[data-testid=lead-thanks-link]").GetAttribute("href").ShouldBe("https://contoso.example/thanks");
        var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.DeliveryId == delivery, Ct);
        JsonSerializer.Deserialize<Dictionary<string, string>>(lead.AnswersJson)!["E-mail"].ShouldBe("mia@example.com");
    }

    [Fact]
    public async Task ASecondSubmissionSaysItWasSentBeforeAndUpdatesTheSameLead()
    {
        var member = InboxTestData.NewMember();
        var form = await _data.LeadFormAsync(await AccountIdAsync("Contoso Cloud"), consent: null);
        var delivery = await _data.MessageAdAsync(member, "Contoso Cloud", "Free report", _data.Now.AddHours(-1), form);
        var engagement = Database.Get<EngagementService>();
        (await engagement.SubmitLeadAsync(member, delivery, form, new Dictionary<string, string>
        {
            ["First name"] = "Mia", ["E-mail"] = "mia@example.com", ["Job title"] = "CTO", ["Team size"] = "1-10",
        }, consented: false, Ct)).Succeeded.ShouldBeTrue();
        SignInAsMember(member);
        RenderPopoverProvider();
        var page = Open(delivery);
        page.WaitForAssertion(() => page.Find("[data-testid=message-cta]"));

        await page.InvokeAsync(() => page.Find("[data-testid=message-cta]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=lead-already]"));
        page.FindAll("input[data-testid=lead-field]")[2].GetAttribute("value").ShouldBe("CTO");
        page.FindAll("input[data-testid=lead-field]")[2].Change("VP Engineering");
        page.Find("[data-testid=lead-submit]").TextContent.Trim().ShouldBe("Update my details");
        await page.InvokeAsync(() => page.Find("[data-testid=lead-submit]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=lead-thanks]"));
        await using var db = Database.CreateContext();
        var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.DeliveryId == delivery, Ct);
        JsonSerializer.Deserialize<Dictionary<string, string>>(lead.AnswersJson)!["Job title"].ShouldBe("VP Engineering");
    }

    [Fact]
    public async Task ConversationRepliesAddTheChoiceAndTheNextMessageAndAreRecorded()
    {
        var member = InboxTestData.NewMember();
        var form = await _data.LeadFormAsync(await AccountIdAsync("Contoso Cloud"));
        var delivery = await _data.ConversationAsync(member, "Contoso Cloud", _data.Now.AddHours(-1), form);
        SignInAsMember(member);
        RenderPopoverProvider();
        var page = Open(delivery);
        page.WaitForAssertion(() => page.FindAll("[data-testid=conversation-bubble]").Count.ShouldBe(1));

        await page.InvokeAsync(() => page.FindAll("[data-testid=conversation-button]").Single(b => b.TextContent == "Yes please").Click());

        page.WaitForAssertion(() => page.FindAll("[data-testid=conversation-bubble]").Count.ShouldBe(2));
        page.Find("[data-testid=conversation-reply]").TextContent.ShouldContain("Yes please");
        page.FindAll("[data-testid=conversation-bubble]")[1].TextContent.ShouldContain("How would you like it?");
        var download = page.FindAll("[data-testid=conversation-button]").Single(b => b.TextContent == "Download");
        download.TagName.ShouldBe("A");
        download.GetAttribute("href")!.ShouldStartWith("/t/");

        await page.InvokeAsync(() => page.FindAll("[data-testid=conversation-button]").Single(b => b.TextContent == "Get a call").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=lead-form]"));
        await using var db = Database.CreateContext();
        var events = await db.EngagementEvents.Where(e => e.DeliveryId == delivery).Select(e => new { e.Kind, e.Detail }).ToListAsync(Ct);
        events.Where(e => e.Kind == EventKind.ConversationButton).Select(e => e.Detail).ShouldBe(["m1/b1", "m2/b4"], ignoreOrder: true);
        events.Count(e => e.Kind == EventKind.LeadFormOpen).ShouldBe(1);
    }

    [Fact]
    public async Task NotInterestedEndsTheThreadPolitelyAndItStaysEndedWhenReopened()
    {
        var member = InboxTestData.NewMember();
        var form = await _data.LeadFormAsync(await AccountIdAsync("Contoso Cloud"));
        var delivery = await _data.ConversationAsync(member, "Contoso Cloud", _data.Now.AddHours(-1), form);
        SignInAsMember(member);
        RenderPopoverProvider();
        var page = Open(delivery);
        page.WaitForAssertion(() => page.FindAll("[data-testid=conversation-button]").Count.ShouldBe(2));

        await page.InvokeAsync(() => page.FindAll("[data-testid=conversation-button]").Single(b => b.TextContent == "Not interested").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=conversation-outcome]").TextContent.ShouldStartWith("Thanks for letting us know"));
        page.FindAll("[data-testid=conversation-button]").ShouldBeEmpty();
        await using var db = Database.CreateContext();
        (await db.EngagementEvents.CountAsync(e => e.DeliveryId == delivery && e.Kind == EventKind.NotInterested, Ct)).ShouldBe(1);

        var reopened = Open(delivery);

        reopened.WaitForAssertion(() => reopened.Find("[data-testid=conversation-outcome]").TextContent.ShouldStartWith("Thanks for letting us know"));
        reopened.FindAll("[data-testid=conversation-button]").ShouldBeEmpty();
    }

    [Fact]
    public async Task TheOptOutMenuStopsTheAdvertiserAndShowsTheCurrentState()
    {
        var member = InboxTestData.NewMember();
        var delivery = await _data.MessageAdAsync(member, "Contoso Cloud", "Hello again", _data.Now.AddHours(-1));
        var contoso = await AccountIdAsync("Contoso Cloud");
        SignInAsMember(member);
        var popovers = RenderPopoverProvider();
        var page = Open(delivery);
        page.WaitForAssertion(() => page.Find("[data-testid=opt-out-menu] button"));

        await page.InvokeAsync(() => page.Find("[data-testid=opt-out-menu] button").Click());
        popovers.WaitForAssertion(() => popovers.Find("[data-testid=opt-out-advertiser]").TextContent.ShouldContain("Stop messages from Contoso Cloud"));
        await popovers.InvokeAsync(() => popovers.Find("[data-testid=opt-out-advertiser]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=opt-out-done]").TextContent.ShouldContain("messages from Contoso Cloud"));
        page.Find("[data-testid=opt-out-state]").InnerHtml.ShouldContain("href=\"/settings\"");
        await using var db = Database.CreateContext();
        (await db.MemberOptOuts.CountAsync(o => o.MemberId == member && o.Scope == OptOutScope.Advertiser && o.AdvertiserAccountId == contoso, Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task ATestSendIsLabelledTestAndRecordsNothing()
    {
        var member = InboxTestData.NewMember();
        var test = await _data.TestSendAsync(member, "Contoso Cloud", "Draft subject", _data.Now.AddHours(-1));
        SignInAsMember(member);
        RenderPopoverProvider();

        var page = Render<InboxPage>(p => p.Add(x => x.Kind, "test").Add(x => x.Id, test));

        page.WaitForAssertion(() => page.Find("[data-testid=test-notice]"));
        page.Find("[data-testid=message-label]").TextContent.ShouldBe("Test");
        page.Find("[data-testid=message-cta]").GetAttribute("href").ShouldBe("https://contoso.example/landing");
        page.WaitForAssertion(() => page.FindAll("[data-testid=inbox-unread]").ShouldBeEmpty());
        await using var db = Database.CreateContext();
        (await db.TestMessages.SingleAsync(t => t.Id == test, Ct)).ReadAt.ShouldNotBeNull();
    }
}

using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.InMail;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Inbox;
using SponsoredInMail.Web.Components.Pages.InMails;

namespace SponsoredInMail.Tests.Web.Components.InMails;

/// <summary>The sales rep's InMail page: balance, composer (refused at zero, sends when credits exist), sent InMails with status, ledger; only their own.</summary>
public class InMailPageTests : BunitTestBase
{
    private readonly InMailTestData _data;

    public InMailPageTests(SeededDatabase seeded) : base(seeded)
    {
        _data = new InMailTestData(Database);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private IRenderedComponent<InMailPage> RenderPage(int? to = null)
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(to is { } id ? $"/inmail?to={id}" : "/inmail");
        return Render<InMailPage>();
    }

    /// <summary>
    /// Fills in and sends the composer. A recipient named in the URL is looked up after the page has loaded (an awaited
    /// query: on PostgreSQL it can come after the balance), so wait until the composer shows it before sending.
    /// </summary>
    private static void Compose(IRenderedComponent<InMailPage> page, string subject, string body, bool recipient = true)
    {
        page.WaitForElement("input[data-testid=inmail-subject]");
        if (recipient)
        {
            page.WaitForAssertion(() => page.Find("input[data-testid=inmail-to]").GetAttribute("value").ShouldNotBeNullOrEmpty());
        }
        page.InvokeAsync(() => page.Find("input[data-testid=inmail-subject]").Input(subject)).GetAwaiter().GetResult();
        page.InvokeAsync(() => page.Find("[data-testid=inmail-body]").Input(body)).GetAwaiter().GetResult();
        page.InvokeAsync(() => page.Find("button[data-testid=inmail-send]").Click()).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task TheComposerRefusesAtZeroCreditsWithTheMessageAndSendsNothing()
    {
        var rep = await _data.RepAsync(grant: false);
        var to = InboxTestData.NewMember();
        await SignInAsAsync(rep.Email);

        var page = RenderPage(to);
        page.WaitForAssertion(() => page.Find("[data-testid=inmail-balance]").TextContent.Trim().ShouldBe("0"));
        Compose(page, "Quick intro", "Could we talk?");

        page.WaitForAssertion(() => page.Find("[data-testid=inmail-error-credits]").TextContent.ShouldContain("You have no InMail credits left."));
        page.Find("[data-testid=inmail-balance]").TextContent.Trim().ShouldBe("0");
        page.FindAll("[data-testid=sent-row]").ShouldBeEmpty();
        await using var db = Database.CreateContext();
        (await db.InMails.CountAsync(m => m.SenderUserId == rep.UserId, Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task WithCreditsTheComposerSendsTheBalanceDropsAndTheLedgerShowsGrantAndSpend()
    {
        var rep = await _data.RepAsync(SeatTier.Basic);
        var to = InboxTestData.NewMember();
        await SignInAsAsync(rep.Email);

        var page = RenderPage(to);
        page.WaitForAssertion(() =>
        {
            page.Find("[data-testid=inmail-balance]").TextContent.Trim().ShouldBe("8");
            page.Find("[data-testid=inmail-seat]").TextContent.ShouldContain("Basic seat");
            page.FindAll("[data-testid=ledger-row]").Count.ShouldBe(1);
        });
        Compose(page, "Quick intro", "Could we talk?");

        // The send, the refreshed balance and ledger, and the cleared form each land in their own render.
        page.WaitForAssertion(() =>
        {
            page.Find("[data-testid=inmail-balance]").TextContent.Trim().ShouldBe("7");
            page.FindAll("[data-testid=ledger-row]").Count.ShouldBe(2);
            page.Find("input[data-testid=inmail-subject]").GetAttribute("value").ShouldBeNullOrEmpty();
        });
        var sent = page.Find("[data-testid=sent-row]");
        sent.QuerySelector("[data-testid=sent-subject]")!.TextContent.ShouldBe("Quick intro");
        sent.QuerySelector("[data-testid=sent-status]")!.GetAttribute("data-status").ShouldBe("awaiting");
        var ledger = page.FindAll("[data-testid=ledger-row]");
        ledger.Select(r => r.GetAttribute("data-kind")).ShouldBe(["spend", "grant"]);
        ledger[0].QuerySelector("[data-testid=ledger-amount]")!.TextContent.ShouldBe("-1");
        ledger[0].QuerySelector("[data-testid=ledger-reason]")!.TextContent.ShouldStartWith("InMail #");
        ledger[1].QuerySelector("[data-testid=ledger-amount]")!.TextContent.ShouldBe("+8");
        ledger[1].QuerySelector("[data-testid=ledger-reason]")!.TextContent.ShouldContain("Monthly allotment (Basic)");
        (await _data.InMail.BalanceAsync(rep.UserId, Ct)).ShouldBe(7);
    }

    [Fact]
    public async Task EmptyFieldsAndNoRecipientAreRefusedByFieldWithoutSpending()
    {
        var rep = await _data.RepAsync(SeatTier.Basic);
        await SignInAsAsync(rep.Email);

        var page = RenderPage();
        page.WaitForAssertion(() => page.Find("[data-testid=inmail-composer]"));
        Compose(page, "Hi", "There", recipient: false);
        page.WaitForAssertion(() => page.Markup.ShouldContain("Choose a member to write to."));

        var withRecipient = RenderPage(InboxTestData.NewMember());
        withRecipient.WaitForAssertion(() => withRecipient.Find("[data-testid=inmail-composer]"));
        Compose(withRecipient, "", "");
        withRecipient.WaitForAssertion(() => withRecipient.FindAll(".mud-input-error").Count.ShouldBeGreaterThanOrEqualTo(2));
        (await _data.InMail.BalanceAsync(rep.UserId, Ct)).ShouldBe(8);
    }

    [Fact]
    public async Task TheSubjectAndMessageShowTheirCountersAndLimits()
    {
        var rep = await _data.RepAsync(SeatTier.Basic);
        await SignInAsAsync(rep.Email);

        var page = RenderPage();
        page.WaitForElement("input[data-testid=inmail-subject]").Input("Hello");

        page.WaitForAssertion(() => page.Markup.ShouldContain($"5 / {InMailLimits.SubjectMax}"));
        page.Markup.ShouldContain($"0 / {InMailLimits.BodyMax}");
        page.Find("input[data-testid=inmail-subject]").GetAttribute("maxlength").ShouldBe("200");
    }

    [Fact]
    public async Task TheMemberSearchFindsMembersByCompany()
    {
        var rep = await _data.RepAsync(SeatTier.Basic);
        await SignInAsAsync(rep.Email);
        await using var db = Database.CreateContext();
        var target = await db.Members.Where(m => m.Id == 1500).Select(m => new { m.FirstName, m.LastName, Company = m.Company!.Name }).SingleAsync(Ct);

        var directory = Database.Get<InMailDirectory>();

        var results = await directory.SearchRecipientsAsync($"{target.FirstName} {target.Company.Split(' ')[0]}", rep.MemberId, 50, Ct);

        results.ShouldContain(r => r.Id == 1500);
        results.ShouldAllBe(r => r.Id != rep.MemberId);
        (await directory.SearchRecipientsAsync(target.LastName, null, 50, Ct)).ShouldContain(r => r.Id == 1500);
    }

    [Fact]
    public async Task TheComposerTypeAheadPicksAMemberAndSendsToThem()
    {
        var rep = await _data.RepAsync(SeatTier.Basic);
        await SignInAsAsync(rep.Email);
        await using var db = Database.CreateContext();
        var target = await db.Members.Where(m => m.Id == 1501).Select(m => new { m.FirstName, m.LastName }).SingleAsync(Ct);
        var provider = RenderPopoverProvider();

        var page = RenderPage();
        page.WaitForElement("input[data-testid=inmail-to]").Input($"{target.FirstName} {target.LastName}");
        provider.WaitForAssertion(() => provider.FindAll(".mud-list-item").ShouldNotBeEmpty(), TimeSpan.FromSeconds(5));
        await provider.InvokeAsync(() => provider.FindAll(".mud-list-item").First(i => i.TextContent.Contains($"{target.FirstName} {target.LastName}")).Click());
        Compose(page, "Picked from search", "Hello");

        page.WaitForAssertion(() => page.Find("[data-testid=sent-to]").TextContent.ShouldStartWith(target.FirstName));
        (await db.InMails.SingleAsync(m => m.SenderUserId == rep.UserId, Ct)).ToMemberId.ShouldBe(1501);
    }

    [Fact]
    public async Task SentInMailsShowAwaitingRespondedCreditedBackAndExpired()
    {
        var rep = await _data.RepAsync(SeatTier.Professional);
        var now = _data.Now;
        var awaiting = await _data.SendAsync(rep.UserId, InboxTestData.NewMember(), "Awaiting one");
        var answeredMember = InboxTestData.NewMember();
        var answered = await _data.SendAsync(rep.UserId, answeredMember, "Credited one");
        (await _data.InMail.RespondAsync(answeredMember, answered, InMailResponse.Interested, null, Ct)).Succeeded.ShouldBeTrue();
        var late = await _data.OldInMailAsync(rep.UserId, rep.MemberId, InboxTestData.NewMember(), "Answered late", now.AddDays(-120), now.AddDays(-5));
        var expired = await _data.OldInMailAsync(rep.UserId, rep.MemberId, InboxTestData.NewMember(), "Never answered", now.AddDays(-100));
        await SignInAsAsync(rep.Email);

        var page = RenderPage();

        page.WaitForAssertion(() => page.FindAll("[data-testid=sent-row]").Count.ShouldBe(4));
        string Status(long id) => page.Find($"[data-testid=sent-row][data-id='{id}'] [data-testid=sent-status]").GetAttribute("data-status")!;
        Status(awaiting).ShouldBe("awaiting");
        Status(answered).ShouldBe("creditedback");
        Status(late).ShouldBe("responded");
        Status(expired).ShouldBe("expired");
        page.Find($"[data-testid=sent-row][data-id='{answered}'] [data-testid=sent-status]").TextContent.ShouldContain("Credited back");
        page.Find($"[data-testid=sent-row][data-id='{answered}'] [data-testid=sent-response]").TextContent.ShouldContain("Interested");
        page.FindAll("[data-testid=ledger-row][data-kind=refund]").Count.ShouldBe(1);
        page.Find("[data-testid=inmail-balance]").TextContent.Trim().ShouldBe((await _data.InMail.BalanceAsync(rep.UserId, Ct)).ToString());
    }

    [Fact]
    public async Task ARepSeesOnlyTheirOwnInMailsAndLedger()
    {
        var mine = await _data.RepAsync(SeatTier.Basic);
        var theirs = await _data.RepAsync(SeatTier.Team);
        await _data.SendAsync(mine.UserId, InboxTestData.NewMember(), "Mine");
        await _data.SendAsync(theirs.UserId, InboxTestData.NewMember(), "Theirs");
        await SignInAsAsync(mine.Email);

        var page = RenderPage();

        page.WaitForAssertion(() => page.FindAll("[data-testid=sent-row]").Count.ShouldBe(1));
        page.Find("[data-testid=sent-subject]").TextContent.ShouldBe("Mine");
        page.Markup.ShouldNotContain("Theirs");
        page.FindAll("[data-testid=ledger-row]").Count.ShouldBe(2);
        page.Markup.ShouldNotContain("Monthly allotment (Team)");
        page.Find("[data-testid=inmail-balance]").TextContent.Trim().ShouldBe("7");
    }

    [Fact]
    public async Task ARepWithoutASeatIsToldToAskAnAdminAndCannotSend()
    {
        var rep = await _data.RepAsync(seat: null);
        await SignInAsAsync(rep.Email);

        var page = RenderPage(InboxTestData.NewMember());
        page.WaitForAssertion(() => page.Find("[data-testid=inmail-seat]").TextContent.ShouldContain("No Sales Navigator seat"));
        Compose(page, "Hi", "There");

        page.WaitForAssertion(() => page.Find("[data-testid=inmail-error-seat]").TextContent.ShouldContain("seat"));
    }
}

using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.InMail;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Inbox;
using SponsoredInMail.Web.Components.Pages.Inbox;

namespace SponsoredInMail.Tests.Web.Components.InMails;

/// <summary>InMails in the member's inbox: labelled, shown as text, marked read on open, answered once by a quick response or a reply; only the recipient's.</summary>
public class InMailInboxTests : BunitTestBase
{
    private readonly InMailTestData _data;

    public InMailInboxTests(SeededDatabase seeded) : base(seeded)
    {
        _data = new InMailTestData(Database);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private IRenderedComponent<InboxPage> Open(long id) => Render<InboxPage>(p => p.Add(x => x.Kind, "inmail").Add(x => x.Id, id));

    [Fact]
    public async Task AnInMailIsListedWithItsLabelAndOpensWithSenderSubjectAndBodyAsTextThenIsRead()
    {
        var rep = await _data.RepAsync(SeatTier.Basic, name: "Sam Seller");
        var member = InboxTestData.NewMember();
        var id = await _data.SendAsync(rep.UserId, member, "A quick question", "<b>not bold</b>\nsecond line");
        SignInAsMember(member);

        var page = Open(id);

        page.WaitForAssertion(() => page.Find("[data-testid=inmail-message]"));
        var item = page.Find("[data-testid=inbox-item]");
        item.GetAttribute("data-kind").ShouldBe("inmail");
        item.GetAttribute("href").ShouldBe($"/inbox/inmail/{id}");
        item.QuerySelector("[data-testid=inbox-label]")!.TextContent.ShouldBe("InMail");
        page.Find("[data-testid=message-subject]").TextContent.ShouldBe("A quick question");
        page.Find("[data-testid=message-body]").TextContent.ShouldBe("<b>not bold</b>\nsecond line");
        page.FindAll("[data-testid=message-body] b").ShouldBeEmpty();
        page.WaitForAssertion(() => page.FindAll("[data-testid=inbox-unread]").ShouldBeEmpty());
        await using var db = Database.CreateContext();
        (await db.InMails.SingleAsync(m => m.Id == id, Ct)).ReadAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task AnInMailOpenedOnThePageStaysReadWhenALiveRefreshBringsAListReadBeforeTheOpen()
    {
        var rep = await _data.RepAsync(SeatTier.Basic);
        var member = InboxTestData.NewMember();
        var id = await _data.SendAsync(rep.UserId, member, "Still read?");
        SignInAsMember(member);
        var page = Open(id);
        page.WaitForAssertion(() => page.FindAll("[data-testid=inbox-unread]").ShouldBeEmpty());

        // What a refresh that read the list before the open was recorded sees (the InMail unread), arriving after it:
        // the edit's change refreshes the list, and the new subject shows the refresh has landed.
        await using (var db = Database.CreateContext())
        {
            var inMail = await db.InMails.SingleAsync(m => m.Id == id, Ct);
            inMail.ReadAt = null;
            inMail.Subject = "Still read? (refreshed)";
            await db.SaveChangesAsync(Ct);
        }

        page.WaitForAssertion(() => page.Find("[data-testid=inbox-subject]").TextContent.ShouldBe("Still read? (refreshed)"));
        page.FindAll("[data-testid=inbox-unread]").ShouldBeEmpty();
    }

    [Fact]
    public async Task InterestedIsRecordedShownInsteadOfTheButtonsAndReturnsTheCredit()
    {
        var rep = await _data.RepAsync(SeatTier.Basic);
        var member = InboxTestData.NewMember();
        var id = await _data.SendAsync(rep.UserId, member, "Interested?");
        (await _data.InMail.BalanceAsync(rep.UserId, Ct)).ShouldBe(7);
        SignInAsMember(member);

        var page = Open(id);
        page.WaitForAssertion(() => page.Find("button[data-testid=inmail-interested]"));
        await page.InvokeAsync(() => page.Find("button[data-testid=inmail-interested]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=inmail-response]").GetAttribute("data-response").ShouldBe("interested"));
        page.Find("[data-testid=inmail-response]").TextContent.ShouldContain("Interested");
        page.FindAll("[data-testid=inmail-interested]").ShouldBeEmpty();
        page.FindAll("[data-testid=inmail-reply]").ShouldBeEmpty();
        await using var db = Database.CreateContext();
        (await db.InMails.SingleAsync(m => m.Id == id, Ct)).Response.ShouldBe(InMailResponse.Interested);
        (await _data.InMail.BalanceAsync(rep.UserId, Ct)).ShouldBe(8);

        var reopened = Open(id);
        reopened.WaitForAssertion(() => reopened.Find("[data-testid=inmail-response]").GetAttribute("data-response").ShouldBe("interested"));
    }

    [Fact]
    public async Task NotInterestedIsAResponseToo()
    {
        var rep = await _data.RepAsync(SeatTier.Basic);
        var member = InboxTestData.NewMember();
        var id = await _data.SendAsync(rep.UserId, member, "Maybe?");
        SignInAsMember(member);

        var page = Open(id);
        page.WaitForAssertion(() => page.Find("button[data-testid=inmail-not-interested]"));
        await page.InvokeAsync(() => page.Find("button[data-testid=inmail-not-interested]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=inmail-response]").GetAttribute("data-response").ShouldBe("notinterested"));
        (await _data.InMail.SentAsync(rep.UserId, Ct)).Single().Status.ShouldBe(InMailStatus.CreditedBack);
    }

    [Fact]
    public async Task TheReplyBoxRefusesAnEmptyReplyThenSendsTheTextAndShowsIt()
    {
        var rep = await _data.RepAsync(SeatTier.Basic);
        var member = InboxTestData.NewMember();
        var id = await _data.SendAsync(rep.UserId, member, "Reply please");
        SignInAsMember(member);

        var page = Open(id);
        page.WaitForAssertion(() => page.Find("button[data-testid=inmail-send-reply]"));
        await page.InvokeAsync(() => page.Find("button[data-testid=inmail-send-reply]").Click());
        page.WaitForAssertion(() => page.Find(".mud-input-error").TextContent.ShouldNotBeNullOrWhiteSpace());
        page.FindAll("[data-testid=inmail-response]").ShouldBeEmpty();

        page.Find("[data-testid=inmail-reply]").Input("Sure, call me on Tuesday.");
        await page.InvokeAsync(() => page.Find("button[data-testid=inmail-send-reply]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=inmail-response]").GetAttribute("data-response").ShouldBe("reply"));
        page.Find("[data-testid=inmail-reply-text]").TextContent.ShouldBe("Sure, call me on Tuesday.");
        await using var db = Database.CreateContext();
        var stored = await db.InMails.SingleAsync(m => m.Id == id, Ct);
        stored.Response.ShouldBe(InMailResponse.Reply);
        stored.ReplyText.ShouldBe("Sure, call me on Tuesday.");
    }

    [Fact]
    public async Task AnotherMembersInMailIsNotFoundAndNotMarkedRead()
    {
        var rep = await _data.RepAsync(SeatTier.Basic);
        var recipient = InboxTestData.NewMember();
        var id = await _data.SendAsync(rep.UserId, recipient, "Not for you");
        SignInAsMember(InboxTestData.NewMember());

        var page = Open(id);

        page.WaitForAssertion(() => page.Find("[data-testid=message-not-found]"));
        page.Markup.ShouldNotContain("Not for you");
        await using var db = Database.CreateContext();
        (await db.InMails.SingleAsync(m => m.Id == id, Ct)).ReadAt.ShouldBeNull();
    }

    [Fact]
    public async Task TheAdminsReadOnlyViewShowsTheInMailWithoutButtonsAndRecordsNothing()
    {
        var rep = await _data.RepAsync(SeatTier.Basic);
        var member = InboxTestData.NewMember();
        var id = await _data.SendAsync(rep.UserId, member, "Seen by admin");
        await SignInAsAsync(InMailTestData.Admin);

        var page = Render<InboxView>(p => p.Add(x => x.MemberId, member).Add(x => x.BasePath, $"/admin/members/{member}/inbox")
            .Add(x => x.KindSegment, "inmail").Add(x => x.Id, id).Add(x => x.ReadOnly, true));

        page.WaitForAssertion(() => page.Find("[data-testid=inmail-no-response]"));
        page.FindAll("[data-testid=inmail-interested]").ShouldBeEmpty();
        await using var db = Database.CreateContext();
        (await db.InMails.SingleAsync(m => m.Id == id, Ct)).ReadAt.ShouldBeNull();
    }
}

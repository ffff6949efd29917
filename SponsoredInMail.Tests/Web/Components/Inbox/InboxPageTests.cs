using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Inbox;

namespace SponsoredInMail.Tests.Web.Components.Inbox;

/// <summary>The member inbox: what is pinned and labelled, what opening records, and the admin's read-only view that records nothing.</summary>
public class InboxPageTests : BunitTestBase
{
    private readonly InboxTestData _data;

    public InboxPageTests(SeededDatabase seeded) : base(seeded)
    {
        _data = new InboxTestData(Database);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task SponsoredAndTestMessagesArePinnedAboveNewerOrganicMailWithTheirLabelsAndUnreadMarks()
    {
        var member = InboxTestData.NewMember();
        await _data.OrganicAsync(member, "Lunch on Friday?", "See you there", _data.Now.AddHours(-1));
        await _data.MessageAdAsync(member, "Contoso Cloud", "Old offer", _data.Now.AddDays(-3));
        await _data.TestSendAsync(member, "Contoso Cloud", "Draft for review", _data.Now.AddDays(-2));
        SignInAsMember(member);

        var page = Render<InboxPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=inbox-item]").Count.ShouldBe(3));
        var items = page.FindAll("[data-testid=inbox-item]");
        items.Select(i => i.GetAttribute("data-kind")).ShouldBe(["test", "sponsored", "messages"]);
        items[0].QuerySelector("[data-testid=inbox-label]")!.TextContent.ShouldBe("Test");
        items[1].QuerySelector("[data-testid=inbox-label]")!.TextContent.ShouldBe("Sponsored");
        items[1].QuerySelector("[data-testid=inbox-account]")!.TextContent.ShouldBe("Contoso Cloud");
        items[2].QuerySelector("[data-testid=inbox-label]").ShouldBeNull();
        page.FindAll("[data-testid=inbox-unread]").Count.ShouldBe(3);
        page.Find("[data-testid=inbox-unread]").TextContent.ShouldContain("Unread");
    }

    [Fact]
    public async Task OpeningASponsoredMessageRecordsTheOpenAndMarksItReadInTheList()
    {
        var member = InboxTestData.NewMember();
        var delivery = await _data.MessageAdAsync(member, "Contoso Cloud", "Cloud costs, halved", _data.Now.AddHours(-2));
        SignInAsMember(member);

        var page = Render<InboxPage>(p => p.Add(x => x.Kind, "sponsored").Add(x => x.Id, delivery));

        page.WaitForAssertion(() => page.Find("[data-testid=message-subject]").TextContent.ShouldBe("Cloud costs, halved"));
        page.WaitForAssertion(() => page.FindAll("[data-testid=inbox-unread]").ShouldBeEmpty());
        page.Find("[data-testid=inbox-item]").GetAttribute("aria-current").ShouldBe("page");
        page.Find("[data-testid=message-cta]").GetAttribute("href")!.ShouldStartWith("/t/");
        await using var db = Database.CreateContext();
        (await db.EngagementEvents.CountAsync(e => e.DeliveryId == delivery && e.Kind == EventKind.Open, Ct)).ShouldBe(1);
        (await db.Deliveries.SingleAsync(d => d.Id == delivery, Ct)).FirstOpenedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task OpeningAnOrganicMessageShowsItsBodyAsText()
    {
        var member = InboxTestData.NewMember();
        var id = await _data.OrganicAsync(member, "Hello", "<b>not bold</b>\nsecond line", _data.Now.AddHours(-1));
        SignInAsMember(member);

        var page = Render<InboxPage>(p => p.Add(x => x.Kind, "messages").Add(x => x.Id, id));

        page.WaitForAssertion(() => page.Find("[data-testid=organic-message]"));
        page.Find("[data-testid=message-body]").TextContent.ShouldBe("<b>not bold</b>\nsecond line");
        page.FindAll("[data-testid=message-body] b").ShouldBeEmpty();
        page.WaitForAssertion(() => page.FindAll("[data-testid=inbox-unread]").ShouldBeEmpty());
    }

    [Fact]
    public async Task AnotherMembersMessageIsNotFoundAndNothingIsRecorded()
    {
        var owner = InboxTestData.NewMember();
        var delivery = await _data.MessageAdAsync(owner, "Contoso Cloud", "Not yours", _data.Now.AddHours(-2));
        SignInAsMember(InboxTestData.NewMember());

        var page = Render<InboxPage>(p => p.Add(x => x.Kind, "sponsored").Add(x => x.Id, delivery));

        page.WaitForAssertion(() => page.Find("[data-testid=message-not-found]"));
        await using var db = Database.CreateContext();
        (await db.EngagementEvents.CountAsync(e => e.DeliveryId == delivery, Ct)).ShouldBe(0);
    }

    [Fact]
    public void ALoginWithoutAMemberProfileIsToldWhyThereIsNoInbox()
    {
        Authorization.SetAuthorized("Ada Admin");
        Authorization.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "admin-without-member"));

        var page = Render<InboxPage>();

        page.Find("[data-testid=inbox-no-member]").TextContent.ShouldContain("not linked to one");
    }

    [Fact]
    public async Task TheAdminsViewAsMemberIsReadOnlyAndRecordsNothing()
    {
        var member = InboxTestData.NewMember();
        var form = await _data.LeadFormAsync(await AccountIdAsync("Contoso Cloud"));
        var delivery = await _data.MessageAdAsync(member, "Contoso Cloud", "For the admin's eyes", _data.Now.AddHours(-2), form);
        await SignInAsAsync("admin@sponsoredinmail.example");

        var page = Render<AdminMemberInboxPage>(p => p.Add(x => x.MemberId, member).Add(x => x.Kind, "sponsored").Add(x => x.Id, delivery));

        page.WaitForAssertion(() => page.Find("[data-testid=message-subject]").TextContent.ShouldBe("For the admin's eyes"));
        page.Find("[data-testid=read-only-notice]").TextContent.ShouldContain("Read-only");
        page.FindAll("[data-testid=opt-out-menu]").ShouldBeEmpty();
        await page.InvokeAsync(() => page.Find("[data-testid=message-cta]").Click());
        page.WaitForAssertion(() => page.Find("[data-testid=lead-form]"));
        page.FindAll("[data-testid=lead-submit]").ShouldBeEmpty();
        page.FindAll("[data-testid=inbox-unread]").Count.ShouldBe(1);
        page.Find("[data-testid=inbox-item]").GetAttribute("href").ShouldBe($"/admin/members/{member}/inbox/sponsored/{delivery}");
        await using var db = Database.CreateContext();
        (await db.EngagementEvents.CountAsync(e => e.DeliveryId == delivery, Ct)).ShouldBe(0);
        (await db.Deliveries.SingleAsync(d => d.Id == delivery, Ct)).FirstOpenedAt.ShouldBeNull();
    }
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Ads;
using SponsoredInMail.Web.Components.Shared.Messages;

namespace SponsoredInMail.Tests.Web.Components;

public class AdEditorTests(SeededDatabase seeded) : BunitTestBase(seeded)
{
    [Fact]
    public async Task ANewMessageAdShowsItsFieldsAndALivePreview()
    {
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");

        var page = Render<AdEditorPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Find("[data-testid=ad-preview]"));
        page.Find("[data-testid=ad-subject]").Input("Hello %FIRSTNAME%");
        page.WaitForAssertion(() => page.Find("[data-testid=message-subject]").TextContent.ShouldStartWith("Hello "));
        page.Find("[data-testid=message-subject]").TextContent.ShouldNotContain("%FIRSTNAME%");
        page.FindAll("[data-testid=save-ad]").Count.ShouldBe(1);
    }

    [Fact]
    public async Task ASavedAdOpensWithItsPreviewByteForByteFromTheRenderer()
    {
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        var (id, input) = await SaveAdAsync(contoso, "maria@contoso.example");
        var ads = Database.Get<AdService>();
        var ct = Xunit.TestContext.Current.CancellationToken;
        var firstSample = (await ads.PreviewMembersAsync(await UserIdAsync("maria@contoso.example"), contoso, ct))[0].Id;
        var expected = (await ads.PreviewAsync(await UserIdAsync("maria@contoso.example"), contoso, input, firstSample, ct))!.MessageAd!;

        var page = Render<AdEditorPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.AdId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=message-body]").InnerHtml.ShouldBe(expected.BodyHtml));
        page.Find("[data-testid=message-subject]").TextContent.ShouldBe(expected.Subject);
    }

    [Fact]
    public async Task AViewerSeesTheAdWithoutASaveButton()
    {
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var northwind = await AccountIdAsync("Northwind Analytics");
        var (id, _) = await SaveAdAsync(northwind, "ben@northwind.example");

        var page = Render<AdEditorPage>(p => p.Add(x => x.AccountId, northwind).Add(x => x.AdId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=ad-preview]"));
        page.FindAll("[data-testid=save-ad]").ShouldBeEmpty();
    }

    [Fact]
    public async Task AnotherAccountsAdIsNotFound()
    {
        await SignInAsAsync("ben@northwind.example");
        var (id, _) = await SaveAdAsync(await AccountIdAsync("Contoso Cloud"), "maria@contoso.example");

        var northwind = await AccountIdAsync("Northwind Analytics");

        var page = Render<AdEditorPage>(p => p.Add(x => x.AccountId, northwind).Add(x => x.AdId, id));

        page.WaitForAssertion(() => page.Find("[data-testid=not-found] h1").TextContent.ShouldBe("Ad not found"));
    }

    [Fact]
    public async Task TheConversationBuilderShowsEachMessageAndListsProblemsLinkedToThem()
    {
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");
        await using var db = Database.CreateContext();
        var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == contoso && p.Status == SenderPermissionStatus.Granted).Select(p => p.MemberId).FirstAsync(Xunit.TestContext.Current.CancellationToken);
        var script = new ConversationScript("m1",
        [
            new("m1", "Evaluating tools?", [new("yes", "Yes", ButtonAction.NextMessage, "m2"), new("ni", "Not interested", ButtonAction.End)]),
            new("m2", "Here is the guide", [new("url", "Open", ButtonAction.Url, Url: "https://contoso.example/guide")]),
        ]);
        var created = await Database.Get<AdService>().CreateAsync(await UserIdAsync("maria@contoso.example"), contoso,
            new AdInput($"Conversation {Guid.NewGuid():N}", AdFormat.ConversationAd, sender, "Quick question", Conversation: script), Xunit.TestContext.Current.CancellationToken);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());

        var page = Render<AdEditorPage>(p => p.Add(x => x.AccountId, contoso).Add(x => x.AdId, created.Value));
        page.WaitForAssertion(() => page.FindAll("[data-testid=conversation-message]").Count.ShouldBe(2));
        page.FindAll("[data-testid=graph-problems]").ShouldBeEmpty();
        await page.InvokeAsync(() => page.Find("[data-testid=add-message]").Click());

        page.WaitForAssertion(() => page.FindAll("[data-testid=conversation-message]").Count.ShouldBe(3));
        // The check runs after the change is saved as a draft, which awaits the database.
        var problems = page.WaitForElement("[data-testid=graph-problems]");
        problems.TextContent.ShouldContain("cannot be reached from the first message");
        problems.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ShouldContain("#msg-m3");
        page.FindAll("[data-testid=conversation]").Count.ShouldBe(1);
    }

    [Fact]
    public void TheSponsoredMessageIsLabelledAndRendersSanitizedHtml()
    {
        var message = new RenderedMessageAd(new SenderCard("Sam Rivera", "VP Sales"), "Hi <b>there</b>", "<p>Read <a href=\"https://a.example\">this</a></p>",
            "Go", "https://a.example/go", null, "Terms", null);

        var view = Render<SponsoredMessageView>(p => p.Add(x => x.Message, message));

        view.Find(".sm-label").TextContent.ShouldBe("Sponsored");
        view.Find("[data-testid=message-subject]").InnerHtml.ShouldBe("Hi &lt;b&gt;there&lt;/b&gt;");
        view.Find("[data-testid=message-body] a").GetAttribute("href").ShouldBe("https://a.example");
        view.Find("[data-testid=message-cta]").GetAttribute("href").ShouldBe("https://a.example/go");
    }

    [Fact]
    public void AConversationCanBeClickedThroughPathByPath()
    {
        var ad = new Ad
        {
            Name = "c", Subject = "Quick question", Format = AdFormat.ConversationAd, CreatedByUserId = "", UpdatedByUserId = "",
            Conversation = new ConversationScript("m1",
            [
                new("m1", "Evaluating tools?", [new("yes", "Yes", ButtonAction.NextMessage, "m2"), new("ni", "Not interested", ButtonAction.End)]),
                new("m2", "Get the guide", [new("url", "Open guide", ButtonAction.Url, Url: "https://a.example/guide")]),
            ]),
        };
        var conversation = MessageRenderer.RenderConversation(ad, new SenderCard("Sam Rivera", "VP"), null);

        var view = Render<ConversationView>(p => p.Add(x => x.Conversation, conversation));
        view.FindAll("[data-testid=conversation-button]")[0].Click();
        view.Find("[data-testid=conversation-button]").Click();

        view.FindAll("[data-testid=conversation-bubble]").Count.ShouldBe(2);
        view.Find("[data-testid=conversation-outcome]").TextContent.ShouldBe("Opens https://a.example/guide in a new tab.");
    }

    private async Task<(int Id, AdInput Input)> SaveAdAsync(int account, string email)
    {
        await using var db = Database.CreateContext();
        var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == account && p.Status == SenderPermissionStatus.Granted).Select(p => p.MemberId).FirstAsync();
        var input = new AdInput($"Ad {Guid.NewGuid():N}", AdFormat.MessageAd, sender, "Hello %FIRSTNAME%", "Hi %FIRSTNAME%,\nsee [this](https://contoso.example).",
            "Go", CtaTarget.LandingUrl, "https://contoso.example/go");
        var created = await Database.Get<AdService>().CreateAsync(await UserIdAsync(email), account, input);
        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        return (created.Value, input);
    }
}

using Bunit;
using Microsoft.AspNetCore.Components;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Leads;

namespace SponsoredInMail.Tests.Web.Components.Inbox;

/// <summary>An account's leads page: its own leads only, with a CSV link that keeps the campaign filter.</summary>
public class LeadsPageTests : BunitTestBase
{
    private readonly InboxTestData _data;

    public LeadsPageTests(SeededDatabase seeded) : base(seeded)
    {
        _data = new InboxTestData(Database);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private async Task SubmitLeadAsync(string account, string email)
    {
        var member = InboxTestData.NewMember();
        var form = await _data.LeadFormAsync(await AccountIdAsync(account), consent: null);
        var delivery = await _data.MessageAdAsync(member, account, "Report", _data.Now.AddHours(-1), form);
        var result = await Database.Get<EngagementService>().SubmitLeadAsync(member, delivery, form, new Dictionary<string, string>
        {
            ["First name"] = "Lee", ["E-mail"] = email, ["Job title"] = "CFO", ["Team size"] = "51+",
        }, consented: false, Xunit.TestContext.Current.CancellationToken);
        result.Succeeded.ShouldBeTrue(result.ToString());
    }

    [Fact]
    public async Task TheLeadsPageListsItsOwnAccountsLeadsOnly()
    {
        await SubmitLeadAsync("Contoso Cloud", "lee.contoso@example.com");
        await SubmitLeadAsync("Northwind Analytics", "lee.northwind@example.com");
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var contoso = await AccountIdAsync("Contoso Cloud");

        var page = Render<LeadsPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.FindAll("[data-testid=lead-row]").Count.ShouldBeGreaterThanOrEqualTo(1));
        page.Markup.ShouldContain("lee.contoso@example.com");
        page.Markup.ShouldNotContain("lee.northwind@example.com");
        page.Find("[data-testid=lead-answers]").TextContent.ShouldContain("Team size");
        page.Find("a[data-testid=leads-csv]").GetAttribute("href").ShouldBe($"/accounts/{contoso}/leads.csv");
    }

    [Fact]
    public async Task AnotherAccountsLeadsPageIsNotFound()
    {
        await SignInAsAsync("ben@northwind.example");
        var contoso = await AccountIdAsync("Contoso Cloud");

        var page = Render<LeadsPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Markup.ShouldContain("Account not found"));
        page.FindAll("[data-testid=lead-row]").ShouldBeEmpty();
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Tests.Web.Components.Inbox;

namespace SponsoredInMail.Tests.Web;

/// <summary>
/// The inbox pages and the leads CSV through the real app: pages render for their users; the CSV is a download for the
/// account's marketers and 404 for anyone else's account.
/// </summary>
public class InboxHttpTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<int> AccountIdAsync(string name)
    {
        _ = app.CreateClient();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        return await db.AdvertiserAccounts.Where(a => a.Name == name).Select(a => a.Id).SingleAsync(Ct);
    }

    [Fact]
    public async Task AMarketerDownloadsTheirAccountsLeadsAsCsv()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, "maria@contoso.example");

        var response = await client.GetAsync($"/accounts/{contoso}/leads.csv", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/csv; charset=utf-8");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.FileNameStar.ShouldStartWith($"leads-account-{contoso}-");
        (await response.Content.ReadAsStringAsync(Ct)).TrimStart('\uFEFF').ShouldStartWith("submitted_at,campaign,form");
    }

    [Fact]
    public async Task ALeadAnswerWithALineBreakAndAFormulaStaysOneInertCellInTheCsv()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var data = new InboxTestData(factory, () => DateTime.UtcNow);
        var member = InboxTestData.NewMember();
        var form = await data.LeadFormAsync(contoso, consent: null);
        var delivery = await data.MessageAdAsync(member, "Contoso Cloud", "Report", DateTime.UtcNow.AddHours(-1), form);
        const string attack = "x\r=HYPERLINK(\"https://evil.example\",\"Click\")";
        using (var scope = app.Services.CreateScope())
        {
            var submitted = await scope.ServiceProvider.GetRequiredService<EngagementService>().SubmitLeadAsync(member, delivery, form,
                new Dictionary<string, string> { ["First name"] = "Lee", ["E-mail"] = "lee@example.com", ["Job title"] = attack, ["Team size"] = "51+" }, false, Ct);
            submitted.Succeeded.ShouldBeTrue(submitted.ToString());
        }
        int campaign;
        await using (var db = await factory.CreateDbContextAsync(Ct))
        {
            campaign = await db.Deliveries.Where(d => d.Id == delivery).Select(d => d.CampaignId).SingleAsync(Ct);
        }
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, "maria@contoso.example");

        var csv = (await client.GetStringAsync($"/accounts/{contoso}/leads.csv?campaignId={campaign}", Ct)).TrimStart('\uFEFF');

        var rows = StrictCsvParser.Parse(csv);
        rows.Count.ShouldBe(2, "the header and the one lead, even where a lone CR ends a row");
        rows[1].Count.ShouldBe(rows[0].Count);
        rows[1][rows[0].IndexOf("Job title")].ShouldBe("x\r'=HYPERLINK(\"https://evil.example\",\"Click\")");
        foreach (var line in csv.Split(['\r', '\n']))
        {
            line.ShouldNotStartWith("=");
        }
    }

    [Fact]
    public async Task AnotherAccountsLeadsAreNotFound()
    {
        var litware = await AccountIdAsync("Litware Security");
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, "maria@contoso.example");

        var response = await client.GetAsync($"/accounts/{litware}/leads.csv", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("member@sponsoredinmail.example", "/inbox", "Inbox")]
    [InlineData("maria@contoso.example", "/settings", "Opt-outs")]
    [InlineData("admin@sponsoredinmail.example", "/admin/members/1/inbox", "Read-only view")]
    [InlineData("admin@sponsoredinmail.example", "/inbox", "not linked to one")]
    public async Task InboxPagesRenderForTheirUsers(string email, string path, string expected)
    {
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, email);

        var response = await client.GetAsync(path, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(expected);
    }

    [Fact]
    public async Task AMemberCannotOpenTheAdminsViewOfAnInbox()
    {
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, "member@sponsoredinmail.example");

        var response = await client.GetAsync("/admin/members/2/inbox", Ct);

        response.StatusCode.ShouldNotBe(HttpStatusCode.OK);
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Web;

/// <summary>
/// Every page that says "not found" answers 404 on its first, server-rendered response, with a message naming what is
/// missing; downloads and comparisons naming another account's campaign are not found either.
/// </summary>
public class NotFoundHttpTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string Missing = "999999";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDbContextFactory<AppDbContext> Factory => app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    private async Task<int> AccountIdAsync(string name)
    {
        _ = app.CreateClient();
        await using var db = await Factory.CreateDbContextAsync(Ct);
        return await db.AdvertiserAccounts.Where(a => a.Name == name).Select(a => a.Id).SingleAsync(Ct);
    }

    private async Task<int> CampaignAsync(string account)
    {
        var accountId = await AccountIdAsync(account);
        await using var db = await Factory.CreateDbContextAsync(Ct);
        var someone = await db.Users.Where(u => u.Email == "maria@contoso.example").Select(u => u.Id).SingleAsync(Ct);
        var now = DateTime.UtcNow;
        var campaign = new Campaign
        {
            AdvertiserAccountId = accountId, Name = $"Campaign {Guid.NewGuid():N}", BidCents = 60, LifetimeBudgetCents = 50_000, StartAt = now.AddDays(1),
            CreatedByUserId = someone, CreatedAt = now, UpdatedByUserId = someone, UpdatedAt = now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(Ct);
        return campaign.Id;
    }

    private async Task<HttpClient> LoginAsync(string email)
    {
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, email);
        return client;
    }

    [Fact]
    public async Task EveryNotFoundPageAnswers404WithAMessageNamingWhatIsMissing()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var fabrikam = await AccountIdAsync("Fabrikam Health");
        var theirs = await CampaignAsync("Fabrikam Health");
        var maria = await LoginAsync("maria@contoso.example");
        var admin = await LoginAsync("admin@sponsoredinmail.example");
        var member = await LoginAsync("member@sponsoredinmail.example");
        (HttpClient Client, string Path, string Says)[] cases =
        [
            (maria, $"/accounts/{Missing}", "Account not found"),
            (maria, $"/accounts/{fabrikam}/campaigns", "Account not found"),
            (maria, $"/accounts/{fabrikam}/audiences", "Account not found"),
            (maria, $"/accounts/{fabrikam}/ads", "Account not found"),
            (maria, $"/accounts/{fabrikam}/lead-forms", "Account not found"),
            (maria, $"/accounts/{fabrikam}/leads", "Account not found"),
            (maria, $"/accounts/{fabrikam}/reports", "Account not found"),
            (maria, $"/accounts/{fabrikam}/api-tokens", "Account not found"),
            (maria, $"/accounts/{fabrikam}/conversions", "Account not found"),
            (maria, $"/accounts/{fabrikam}/webhooks", "Account not found"),
            (maria, $"/accounts/{fabrikam}/campaigns/{theirs}", "Account not found"),
            (maria, $"/accounts/{contoso}/campaigns/{theirs}", "Campaign not found"),
            (maria, $"/accounts/{contoso}/campaigns/{theirs}/edit", "Campaign not found"),
            (maria, $"/accounts/{contoso}/campaigns/{theirs}/report", "Campaign not found"),
            (maria, $"/accounts/{contoso}/ads/{Missing}", "Ad not found"),
            (maria, $"/accounts/{contoso}/audiences/{Missing}", "Audience not found"),
            (maria, $"/accounts/{contoso}/lead-forms/{Missing}", "Lead gen form not found"),
            (admin, $"/admin/review/{Missing}", "Campaign not found"),
            (admin, $"/admin/members/{Missing}", "Member not found"),
            (admin, $"/admin/members/{Missing}/inbox", "Member not found"),
            (member, $"/inbox/test/{Missing}", "Inbox"),
            (member, $"/inbox/bogus/{Missing}", "This message was not found in the inbox."),
        ];

        foreach (var (client, path, says) in cases)
        {
            var response = await client.GetAsync(path, Ct);

            var body = await response.Content.ReadAsStringAsync(Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            System.Text.RegularExpressions.Regex.Replace(body, "<script.*?</script>|<[^>]+>", " ", System.Text.RegularExpressions.RegexOptions.Singleline).ShouldContain(says, Case.Sensitive, path);
        }
    }

    [Fact]
    public async Task TheAccountsOwnCampaignStillAnswers200()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var mine = await CampaignAsync("Contoso Cloud");
        var maria = await LoginAsync("maria@contoso.example");

        (await maria.GetAsync($"/accounts/{contoso}/campaigns/{mine}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await maria.GetAsync($"/accounts/{contoso}/leads.csv?campaignId={mine}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task LeadsCsvForAnotherAccountsCampaignIsNotFound()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var theirs = await CampaignAsync("Fabrikam Health");
        var maria = await LoginAsync("maria@contoso.example");

        var response = await maria.GetAsync($"/accounts/{contoso}/leads.csv?campaignId={theirs}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ComparingWithAnotherAccountsCampaignIsNotFound()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var mine = await CampaignAsync("Contoso Cloud");
        var other = await CampaignAsync("Contoso Cloud");
        var theirs = await CampaignAsync("Fabrikam Health");
        var maria = await LoginAsync("maria@contoso.example");

        var own = await maria.GetAsync($"/accounts/{contoso}/reports/compare?ids={mine},{other}", Ct);
        var foreign = await maria.GetAsync($"/accounts/{contoso}/reports/compare?ids={mine},{theirs}", Ct);

        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await foreign.Content.ReadAsStringAsync(Ct)).ShouldContain($"Campaign #{theirs} is not one of this account");
    }
}

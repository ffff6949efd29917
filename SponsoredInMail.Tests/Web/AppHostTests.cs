using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Web;

/// <summary>The app as a whole, through HTTP: start-up, seeding, health, sign-in and who may open what.</summary>
public class AppHostTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstStartCreatesAndSeedsTheDatabase()
    {
        _ = app.CreateClient();
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Ct);

        (await db.Members.CountAsync(Ct)).ShouldBe(AppFactory.Members);
        (await db.Users.CountAsync(Ct)).ShouldBeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public async Task HealthEndpointReportsTheDatabaseHealthy()
    {
        var response = await app.CreateClient().GetAsync("/health", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldBe("Healthy");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/admin/members")]
    [InlineData("/admin/members/1")]
    [InlineData("/me")]
    [InlineData("/accounts/1")]
    public async Task AnonymousVisitorsAreSentToTheLoginPage(string path)
    {
        var response = await app.CreateBrowserlessClient().GetAsync(path, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldStartWith("http://localhost/Account/Login?ReturnUrl=");
    }

    [Fact]
    public async Task LoginPageListsTheDemoLogins()
    {
        var html = await app.CreateClient().GetStringAsync("/Account/Login", Ct);

        html.ShouldContain("admin@sponsoredinmail.example");
        html.ShouldContain("Log in");
    }

    [Theory]
    [InlineData("/admin/members")]
    [InlineData("/admin/members/5")]
    public async Task AMarketerIsRefusedOnAdminPages(string path)
    {
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, "maria@contoso.example");

        var response = await client.GetAsync(path, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
    }

    [Fact]
    public async Task AnAdminOpensTheMembersPage()
    {
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, "admin@sponsoredinmail.example");

        var response = await client.GetAsync("/admin/members", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("Members");
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedAndDoesNotSignIn()
    {
        var client = app.CreateBrowserlessClient();

        var response = await AppFactory.PostLoginFormAsync(client, "ben@northwind.example", "not the password");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("Invalid login attempt");
        (await client.GetAsync("/", Ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task FiveWrongPasswordsLockTheLoginEvenForTheRightPassword()
    {
        var client = app.CreateBrowserlessClient();
        for (var i = 0; i < 5; i++)
        {
            await AppFactory.PostLoginFormAsync(client, "rep@sponsoredinmail.example", "wrong password " + i);
        }

        var response = await AppFactory.PostLoginFormAsync(client, "rep@sponsoredinmail.example", SponsoredInMail.Core.Seeding.DemoData.Password);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("Account/Lockout");
    }

    [Fact]
    public async Task RejectedRowsDownloadOnlyForTheListsOwnAccount()
    {
        var (contoso, listId) = await UploadContosoListAsync();
        var maria = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(maria, "maria@contoso.example");
        var ben = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(ben, "ben@northwind.example");

        var own = await maria.GetAsync($"/accounts/{contoso}/matched-lists/{listId}/rejections.csv", Ct);
        var foreign = await ben.GetAsync($"/accounts/{contoso}/matched-lists/{listId}/rejections.csv", Ct);

        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        own.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        (await own.Content.ReadAsStringAsync(Ct)).ShouldContain("'=SUM(A1:A9)");
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BannersAreServedOnlyToTheirAccountsMarketers()
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Ct);
        var contoso = await db.AdvertiserAccounts.Where(a => a.Name == "Contoso Cloud").Select(a => a.Id).SingleAsync(Ct);
        var mariaId = await db.Users.Where(u => u.Email == "maria@contoso.example").Select(u => u.Id).SingleAsync(Ct);
        var png = new byte[64];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 1, 44, 0, 0, 0, 250 }.CopyTo(png, 0);
        var banner = await app.Services.GetRequiredService<SponsoredInMail.Core.Ads.AdService>().UploadBannerAsync(mariaId, contoso, "b.png", png, Ct);
        var maria = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(maria, "maria@contoso.example");
        var ben = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(ben, "ben@northwind.example");

        var own = await maria.GetAsync($"/accounts/{contoso}/banners/{banner.Value}", Ct);
        var foreign = await ben.GetAsync($"/accounts/{contoso}/banners/{banner.Value}", Ct);

        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        own.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private async Task<(int Account, int ListId)> UploadContosoListAsync()
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Ct);
        var contoso = await db.AdvertiserAccounts.Where(a => a.Name == "Contoso Cloud").Select(a => a.Id).SingleAsync(Ct);
        var maria = await db.Users.Where(u => u.Email == "maria@contoso.example").Select(u => u.Id).SingleAsync(Ct);
        var companies = await db.Companies.OrderBy(c => c.Id).Select(c => c.Name).Take(5).ToListAsync(Ct);
        var csv = "company\n" + string.Join("\n", companies) + "\n=SUM(A1:A9)\n";
        await app.Services.GetRequiredService<SponsoredInMail.Core.Audiences.AudienceIndex>().WhenReady;
        var result = await app.Services.GetRequiredService<SponsoredInMail.Core.Audiences.MatchedAudienceImporter>().ImportAsync(
            maria, contoso, $"Targets {Guid.NewGuid():N}", SponsoredInMail.Core.Audiences.MatchedListKind.Companies, "targets.csv",
            new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), null, Ct);
        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        return (contoso, result.Value!.Id);
    }

    [Fact]
    public async Task UnknownRoutesGetAFriendlyNotFoundPage()
    {
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, "member@sponsoredinmail.example");

        var response = await client.GetAsync("/no/such/page", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("We couldn&#x27;t find that page");
    }

    [Fact]
    public async Task TheErrorPageShowsARequestIdAndNoStackTrace()
    {
        var html = await app.CreateClient().GetStringAsync("/Error", Ct);

        html.ShouldContain("Something went wrong");
        html.ShouldContain("data-testid=\"request-id\"");
        html.ShouldNotContain("   at ");
    }
}

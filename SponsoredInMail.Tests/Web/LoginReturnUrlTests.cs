using System.Net;
using System.Text.RegularExpressions;
using SponsoredInMail.Core.Seeding;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Web;

/// <summary>
/// The login form's return URL through the real app: a path on this site is honoured; anything that could leave it
/// (another host, a scheme, a protocol-relative or backslash trick) lands on the home page, never on a 500.
/// </summary>
public class LoginReturnUrlTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> LogInWithReturnUrlAsync(string returnUrl)
    {
        var client = app.CreateBrowserlessClient();
        var path = $"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        var form = await client.GetStringAsync(path, Ct);
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        token.ShouldNotBeNullOrEmpty("the login form carries an antiforgery token");
        return await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.Email"] = "maria@contoso.example",
            ["Input.Password"] = DemoData.Password,
        }), Ct);
    }

    /// <summary>Where a redirect leads, resolved against the app's own address.</summary>
    private static Uri Target(HttpResponseMessage response) => new(new Uri("http://localhost/"), response.Headers.Location!);

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("https:evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/\t/evil.example")]
    [InlineData("http://localhost.evil.example/campaigns")]
    public async Task AnOffSiteOrMalformedReturnUrlLandsOnTheHomePage(string returnUrl)
    {
        var response = await LogInWithReturnUrlAsync(returnUrl);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var target = Target(response);
        (target.Scheme, target.Authority, target.PathAndQuery).ShouldBe(("http", "localhost", "/"));
    }

    [Theory]
    [InlineData("/campaigns", "/campaigns")]
    [InlineData("/accounts/1/reports?from=2026-01-01", "/accounts/1/reports?from=2026-01-01")]
    [InlineData("http://localhost/campaigns", "/campaigns")]
    public async Task AReturnUrlOnThisSiteIsHonoured(string returnUrl, string expected)
    {
        var response = await LogInWithReturnUrlAsync(returnUrl);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var target = Target(response);
        (target.Authority, target.PathAndQuery).ShouldBe(("localhost", expected));
    }

    [Theory]
    [InlineData("//evil.example", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("", "/")]
    [InlineData("campaigns", "/campaigns")]
    public async Task LoggingOutReturnsOnlyToAPathOnThisSite(string returnUrl, string expected)
    {
        var client = app.CreateBrowserlessClient();
        await AppFactory.LoginAsync(client, "maria@contoso.example");
        var manage = await client.GetStringAsync("/Account/Manage", Ct);
        var token = Regex.Match(manage, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var response = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["ReturnUrl"] = returnUrl,
        }), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var target = Target(response);
        (target.Authority, target.PathAndQuery).ShouldBe(("localhost", expected));
    }
}

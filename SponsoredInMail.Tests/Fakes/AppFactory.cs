using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Seeding;

namespace SponsoredInMail.Tests.Fakes;

/// <summary>
/// The whole web app on its own temp-file database, seeded with a small network on start-up just as a
/// first run would be. Its log stays in memory (<see cref="Log"/>), so a test run's output shows failures, not every
/// app's start-up chatter.
/// </summary>
public class AppFactory : WebApplicationFactory<Program>
{
    public const int Members = 600;

    private readonly DatabaseConnection _database = Task.Run(() => TestDatabaseServer.NewDatabaseAsync("sim-web", sqlitePooling: true)).GetAwaiter().GetResult();

    /// <summary>What the app logged, newest last: print its tail when a test fails.</summary>
    public AppLog Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Log);
        });
        builder.UseSetting("ConnectionStrings:DefaultConnection", _database.ConnectionString);
        builder.UseSetting("Database:Provider", _database.Provider.ToString());
        builder.UseSetting("Seed:Members", Members.ToString());
        // Tests start from the network alone; demo campaigns would use up its small audience.
        builder.UseSetting("Seed:DemoCampaigns", "false");
        builder.UseSetting("Delivery:IdleDelayMilliseconds", "1000");
    }

    public HttpClient CreateBrowserlessClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Logs in through the real static login form (antiforgery token and all).</summary>
    public static async Task LoginAsync(HttpClient client, string email, string password = DemoData.Password)
    {
        var response = await PostLoginFormAsync(client, email, password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"logging in as {email} redirects");
    }

    public static async Task<HttpResponseMessage> PostLoginFormAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/Account/Login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        token.ShouldNotBeNullOrEmpty("the login form carries an antiforgery token");
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await TestDatabaseServer.DropAsync(_database);
        GC.SuppressFinalize(this);
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Web.Hosting;

/// <summary>
/// Outside Development the app redirects HTTP to HTTPS and sends HSTS, each switchable (Hosting:HttpsRedirection,
/// Hosting:Hsts); behind a TLS proxy (Hosting:ForwardedHeaders) it believes the proxy's X-Forwarded-Proto.
/// </summary>
public class HostingSecurityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The app in the Production environment, every request arriving from 127.0.0.1 as if through a local proxy.</summary>
    private sealed class ProductionApp(params (string Key, string Value)[] settings) : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
            builder.UseSetting("https_port", "443");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureServices(services => services.AddTransient<IStartupFilter, FromLoopback>());
        }

        private sealed class FromLoopback : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use((context, nextMiddleware) =>
                {
                    context.Connection.RemoteIpAddress = IPAddress.Loopback;
                    return nextMiddleware(context);
                });
                next(app);
            };
        }
    }

    private static HttpClient ClientFor(AppFactory app, string baseAddress)
    {
        var client = app.CreateBrowserlessClient();
        client.BaseAddress = new Uri(baseAddress);
        return client;
    }

    [Fact]
    public async Task InProductionHttpIsRedirectedToHttpsAndHttpsAnswersWithHsts()
    {
        await using var app = new ProductionApp();

        var plain = await ClientFor(app, "http://sponsored.example").GetAsync("/health", Ct);
        var secure = await ClientFor(app, "https://sponsored.example").GetAsync("/health", Ct);

        ((int)plain.StatusCode).ShouldBeOneOf(307, 308);
        plain.Headers.Location!.ToString().ShouldBe("https://sponsored.example/health");
        secure.StatusCode.ShouldBe(HttpStatusCode.OK);
        secure.Headers.GetValues("Strict-Transport-Security").Single().ShouldContain("max-age=");
    }

    [Fact]
    public async Task WithRedirectionAndHstsSwitchedOffPlainHttpIsServedAsIs()
    {
        await using var app = new ProductionApp(("Hosting:HttpsRedirection", "false"), ("Hosting:Hsts", "false"));

        var plain = await ClientFor(app, "http://sponsored.example").GetAsync("/health", Ct);
        var secure = await ClientFor(app, "https://sponsored.example").GetAsync("/health", Ct);

        plain.StatusCode.ShouldBe(HttpStatusCode.OK);
        secure.Headers.Contains("Strict-Transport-Security").ShouldBeFalse();
    }

    [Fact]
    public async Task BehindATlsProxyTheForwardedSchemeCountsAsHttps()
    {
        await using var app = new ProductionApp(("Hosting:ForwardedHeaders", "true"));
        var client = ClientFor(app, "http://sponsored.example");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await client.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Strict-Transport-Security").Single().ShouldContain("max-age=");
    }

    [Fact]
    public async Task InDevelopmentNeitherRedirectNorHstsApplies()
    {
        await using var app = new ProductionApp(("environment", "Development"));
        var plain = await ClientFor(app, "http://sponsored.example").GetAsync("/health", Ct);

        plain.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}

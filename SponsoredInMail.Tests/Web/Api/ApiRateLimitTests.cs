using System.Net;
using SponsoredInMail.Core.Api;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>The app with a tiny per-token limit: three requests a minute.</summary>
public sealed class TinyRateLimitAppFactory : ApiAppFactory
{
    protected override int RequestsPerMinute => 3;
}

/// <summary>Each token has its own budget of requests a minute; beyond it, 429 with Retry-After.</summary>
public class ApiRateLimitTests(TinyRateLimitAppFactory app) : IClassFixture<TinyRateLimitAppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATokenOverItsLimitGets429WithRetryAfterWhileAnotherTokenStillWorks()
    {
        var busy = app.Client(await app.TokenAsync("maria@contoso.example", "Contoso Cloud", ApiTokenScope.ReadOnly, "Busy"));
        var quiet = app.Client(await app.TokenAsync("ben@northwind.example", "Northwind Analytics", ApiTokenScope.ReadOnly, "Quiet"));
        for (var i = 0; i < 3; i++)
        {
            (await busy.GetAsync("/api/v1/campaigns", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var refused = await busy.GetAsync("/api/v1/campaigns", Ct);
        var other = await quiet.GetAsync("/api/v1/campaigns", Ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 60);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("3 requests a minute");
        other.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}

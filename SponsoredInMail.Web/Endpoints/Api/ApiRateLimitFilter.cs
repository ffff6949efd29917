using System.Globalization;
using SponsoredInMail.Core.Api;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// Counts every API request against its token's limit (<see cref="ApiRateLimiter"/>, shared by all instances through the
/// database) and answers a problem-details 429 with Retry-After beyond it. Every answer carries RateLimit-Limit,
/// RateLimit-Remaining and RateLimit-Reset (seconds). Runs after authentication, so it always
/// has a token.
/// </summary>
internal sealed class ApiRateLimitFilter(ApiRateLimiter limiter) : IEndpointFilter
{
    public const string LimitHeader = "RateLimit-Limit";
    public const string RemainingHeader = "RateLimit-Remaining";
    public const string ResetHeader = "RateLimit-Reset";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.FindFirst(ApiTokenAuthenticationHandler.TokenIdClaim)?.Value is not { } claim
            || !int.TryParse(claim, NumberStyles.None, CultureInfo.InvariantCulture, out var tokenId))
        {
            return await next(context); // unreachable behind the API's authorization policy
        }
        var decision = await limiter.TakeAsync(tokenId, http.RequestAborted);
        var seconds = WriteHeaders(http.Response, decision);
        if (decision.Allowed)
        {
            return await next(context);
        }
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.",
            detail: $"This token may make {decision.Limit} requests a minute; try again in {seconds} s.");
    }

    /// <summary>On every answer, allowed or not: the limit, what is left of it, and the seconds until the window resets.</summary>
    public static int WriteHeaders(HttpResponse response, RateDecision decision)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(decision.ResetAfter.TotalSeconds));
        response.Headers[LimitHeader] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers[RemainingHeader] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers[ResetHeader] = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }

    /// <summary>
    /// A token's request refused before the endpoint ran (a read-only token writing: 403) still counts against its limit
    /// and carries the headers; called by the token scheme's forbid. A request without a valid token (401) has no limit to report.
    /// </summary>
    public static async Task CountRefusedAsync(HttpContext http)
    {
        if (http.Response.Headers.ContainsKey(LimitHeader)
            || http.User.FindFirst(ApiTokenAuthenticationHandler.TokenIdClaim)?.Value is not { } claim
            || !int.TryParse(claim, NumberStyles.None, CultureInfo.InvariantCulture, out var tokenId))
        {
            return;
        }
        var decision = await http.RequestServices.GetRequiredService<ApiRateLimiter>().TakeAsync(tokenId, CancellationToken.None);
        WriteHeaders(http.Response, decision);
    }
}

using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SponsoredInMail.Core.Api;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// The API's authentication scheme: <c>Authorization: Bearer sim_…</c>. A valid token becomes a principal carrying
/// the token's account, scope and acting user; anything else is a 401 problem, a read-only token writing a 403 one.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenIdClaim = "sim:api-token";
    public const string AccountIdClaim = "sim:api-account";
    public const string ScopeClaim = "sim:api-scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <token>'.");
        }
        var caller = await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (caller is null)
        {
            return AuthenticateResult.Fail("The API token is unknown or revoked.");
        }
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, caller.ActingUserId),
            new Claim(TokenIdClaim, caller.TokenId.ToString(CultureInfo.InvariantCulture)),
            new Claim(AccountIdClaim, caller.AccountId.ToString(CultureInfo.InvariantCulture)),
            new Claim(ScopeClaim, caller.Scope.ToString()),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure;
        Response.Headers[HeaderNames.WWWAuthenticate] = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "An API token is required.",
                detail: failure?.Message ?? "Send 'Authorization: Bearer <token>' with a token created on the account's API tokens page.")
            .ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        // Refused before the endpoint's rate-limit filter: still counted, and the answer still carries the headers.
        await ApiRateLimitFilter.CountRefusedAsync(Context);
        await Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "This token is read-only.",
                detail: "Changing data needs a read-write token (and its creator must still be a Manager of the account).")
            .ExecuteAsync(Context);
    }
}

public static class ApiCallerClaims
{
    /// <summary>The caller of an API request; only valid behind the API's authorization policy.</summary>
    public static ApiCaller ApiCaller(this ClaimsPrincipal user) => new(
        int.Parse(user.FindFirstValue(ApiTokenAuthenticationHandler.TokenIdClaim)!, CultureInfo.InvariantCulture),
        int.Parse(user.FindFirstValue(ApiTokenAuthenticationHandler.AccountIdClaim)!, CultureInfo.InvariantCulture),
        Enum.Parse<ApiTokenScope>(user.FindFirstValue(ApiTokenAuthenticationHandler.ScopeClaim)!),
        user.FindFirstValue(ClaimTypes.NameIdentifier)!);
}

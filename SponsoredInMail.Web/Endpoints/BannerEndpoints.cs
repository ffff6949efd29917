using System.Security.Claims;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Web.Hosting;

namespace SponsoredInMail.Web.Endpoints;

public static class BannerEndpoints
{
    /// <summary>An account's banner image for its marketers (editor preview); anyone else gets 404.</summary>
    public static IEndpointRouteBuilder MapBannerEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/accounts/{accountId:int}/banners/{bannerId:int}",
                async (int accountId, int bannerId, ClaimsPrincipal user, AccountService accounts, AdService ads, CancellationToken ct) =>
                {
                    if (await accounts.GetRoleAsync(user.UserId(), accountId, ct) is null)
                    {
                        return Results.NotFound();
                    }
                    var banner = await ads.GetBannerAsync(accountId, bannerId, ct);
                    return banner is null ? Results.NotFound() : Results.File(banner.Bytes, banner.ContentType);
                })
            .RequireAuthorization(policy => policy.RequireRole(AppRoles.Marketer));
        return app;
    }
}

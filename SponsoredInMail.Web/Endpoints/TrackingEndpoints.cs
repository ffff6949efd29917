using System.Security.Claims;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Web.Hosting;

namespace SponsoredInMail.Web.Endpoints;

public static class TrackingEndpoints
{
    public static IEndpointRouteBuilder MapTrackingEndpoints(this IEndpointRouteBuilder app)
    {
        // A tracked click: the signed token names a delivery and a stored link. The click is committed before the
        // redirect goes out, and only to the stored http(s) URL; a forged, tampered or expired token gets 404.
        app.MapGet(InboxService.TrackingPath + "{token}", async (string token, EngagementService engagement, HttpContext http, CancellationToken ct) =>
        {
            var url = await engagement.ClickAsync(token, ct);
            if (url is null)
            {
                return Results.NotFound();
            }
            http.Response.Headers.CacheControl = "no-store";
            return Results.Redirect(url);
        }).AllowAnonymous();

        // Banner images of the messages in the signed-in member's own inbox.
        app.MapGet("/inbox/{kind}/{id:long}/banner", async (string kind, long id, ClaimsPrincipal user, InboxService inbox, CancellationToken ct) =>
        {
            if (user.MemberId() is not { } member || !Enum.TryParse<InboxItemKind>(kind, ignoreCase: true, out var itemKind))
            {
                return Results.NotFound();
            }
            var banner = await inbox.BannerAsync(member, itemKind, id, ct);
            return banner is null ? Results.NotFound() : Results.File(banner.Bytes, banner.ContentType);
        }).RequireAuthorization();
        return app;
    }
}

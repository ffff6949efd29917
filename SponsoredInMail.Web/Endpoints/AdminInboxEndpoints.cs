using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Web.Components.Pages.Inbox;

namespace SponsoredInMail.Web.Endpoints;

public static class AdminInboxEndpoints
{
    /// <summary>Banner images for the admin's read-only view of a member's inbox (the member's own endpoint answers only them).</summary>
    public static IEndpointRouteBuilder MapAdminInboxEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/members/{memberId:int}/inbox/{kind}/{id:long}/banner",
                async (int memberId, string kind, long id, InboxService inbox, CancellationToken ct) =>
                {
                    if (InboxRoutes.Parse(kind) is not { } itemKind || itemKind == InboxItemKind.Organic)
                    {
                        return Results.NotFound();
                    }
                    var banner = await inbox.BannerAsync(memberId, itemKind, id, ct);
                    return banner is null ? Results.NotFound() : Results.File(banner.Bytes, banner.ContentType);
                })
            .RequireAuthorization(policy => policy.RequireRole(AppRoles.Admin));
        return app;
    }
}

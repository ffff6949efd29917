using System.Security.Claims;
using System.Text;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Web.Hosting;

namespace SponsoredInMail.Web.Endpoints;

public static class MatchedListEndpoints
{
    /// <summary>The rejected rows of an upload as a CSV download; another account's list is a plain 404.</summary>
    public static IEndpointRouteBuilder MapMatchedListEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/accounts/{accountId:int}/matched-lists/{listId:int}/rejections.csv",
                async (int accountId, int listId, ClaimsPrincipal user, MatchedAudienceImporter importer, CancellationToken ct) =>
                {
                    var download = await importer.GetRejectionsCsvAsync(user.UserId(), accountId, listId, ct);
                    return download is null
                        ? Results.NotFound()
                        : Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(download.Csv)).ToArray(), "text/csv; charset=utf-8", download.FileName);
                })
            .RequireAuthorization(policy => policy.RequireRole(AppRoles.Marketer));
        return app;
    }
}

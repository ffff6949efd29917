using System.Globalization;
using System.Security.Claims;
using System.Text;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Web.Hosting;

namespace SponsoredInMail.Web.Endpoints;

public static class LeadEndpoints
{
    /// <summary>An account's leads (optionally one campaign's) as a CSV download; without a seat on the account, a plain 404.</summary>
    public static IEndpointRouteBuilder MapLeadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/accounts/{accountId:int}/leads.csv",
                async (int accountId, int? campaignId, ClaimsPrincipal user, LeadService leads, TimeProvider clock, CancellationToken ct) =>
                {
                    var csv = await leads.ExportCsvAsync(user.UserId(), accountId, campaignId, ct);
                    if (csv is null)
                    {
                        return Results.NotFound();
                    }
                    var date = clock.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    var name = campaignId is { } campaign ? $"leads-account-{accountId}-campaign-{campaign}-{date}.csv" : $"leads-account-{accountId}-{date}.csv";
                    // A BOM so that spreadsheet programs read the UTF-8 answers correctly.
                    return Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8", name);
                })
            .RequireAuthorization(policy => policy.RequireRole(AppRoles.Marketer));
        return app;
    }
}

using System.Security.Claims;
using System.Text;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Reports;
using SponsoredInMail.Web.Components.Pages.Reports;
using SponsoredInMail.Web.Hosting;

namespace SponsoredInMail.Web.Endpoints;

public static class ReportEndpoints
{
    /// <summary>
    /// Report tables as CSV downloads over ?from=yyyy-MM-dd&amp;to=yyyy-MM-dd (default: a campaign's whole life; the account's last 30 days). Without a seat on
    /// the account, or for another account's campaign, a plain 404, exactly as for an id that does not exist.
    /// </summary>
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/accounts/{accountId:int}").RequireAuthorization(policy => policy.RequireRole(AppRoles.Marketer));

        group.MapGet("/campaigns/{campaignId:int}/report/{table}.csv",
            async (int accountId, int campaignId, string table, string? from, string? to, ClaimsPrincipal user, ReportService reports, TimeProvider clock,
                CancellationToken ct) =>
            {
                if (!ReportCsv.Tables.Contains(table))
                {
                    return Results.NotFound();
                }
                // No range: the campaign's whole life, as on its report page.
                ReportRange? range = null;
                if (from is not null || to is not null)
                {
                    var parsed = Range(reports, clock, from, to);
                    if (!parsed.Succeeded)
                    {
                        return Invalid(parsed.Outcome);
                    }
                    range = parsed.Value!;
                }
                var report = await reports.CampaignAsync(user.UserId(), accountId, campaignId, range, ct);
                var csv = report is null ? null : ReportCsv.Campaign(report, table);
                return csv is null ? Results.NotFound() : Csv(csv, $"campaign-{campaignId}-{table}-{Dates(report!.Range)}.csv");
            });

        group.MapGet("/reports/campaigns.csv",
            async (int accountId, string? from, string? to, ClaimsPrincipal user, ReportService reports, TimeProvider clock, CancellationToken ct) =>
            {
                var parsed = Range(reports, clock, from, to);
                if (!parsed.Succeeded)
                {
                    return Invalid(parsed.Outcome);
                }
                var range = parsed.Value!;
                var report = await reports.AccountAsync(user.UserId(), accountId, range, ct);
                return report is null ? Results.NotFound() : Csv(ReportCsv.Account(report), $"account-{accountId}-campaigns-{Dates(range)}.csv");
            });

        // The same campaigns, one row per ad (campaign columns first): what each ad of each campaign did.
        group.MapGet("/reports/ads.csv",
            async (int accountId, string? from, string? to, ClaimsPrincipal user, ReportService reports, TimeProvider clock, CancellationToken ct) =>
            {
                var parsed = Range(reports, clock, from, to);
                if (!parsed.Succeeded)
                {
                    return Invalid(parsed.Outcome);
                }
                var range = parsed.Value!;
                var campaigns = await reports.AccountAdsAsync(user.UserId(), accountId, range, ct);
                return campaigns is null ? Results.NotFound() : Csv(ReportCsv.AccountAds(campaigns), $"account-{accountId}-ads-{Dates(range)}.csv");
            });
        return app;
    }

    /// <summary>
    /// The days asked for (text, so that a malformed one is a 400 naming it rather than a binding failure), checked by
    /// Core's one rule for report ranges, then with the service's defaults.
    /// </summary>
    private static Result<ReportRange> Range(ReportService reports, TimeProvider clock, string? from, string? to)
    {
        var parsed = ReportRangeRules.Parse(from, to, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        return parsed.Succeeded ? Result<ReportRange>.Ok(reports.RangeOrDefault(parsed.Value!.From, parsed.Value.To)) : parsed.Outcome;
    }

    private static IResult Invalid(Result refusal) => Results.ValidationProblem(
        refusal.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
        title: "The report's date range is not valid.");

    private static string Dates(ReportRange range) => $"{ReportDisplay.Date(range.From)}-to-{ReportDisplay.Date(range.To)}";

    // A BOM so that spreadsheet programs read UTF-8 names correctly.
    private static IResult Csv(string csv, string name) =>
        Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8", name);
}

using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Reports;
using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// The REST API, <c>/api/v1</c>, for one account's token. Every handler calls Core as the token's creator on the
/// token's account, so Core's own seat checks and account filters decide what exists: an id of another account
/// reads exactly like a missing one (404). Writes need a read-write token (403 otherwise).
/// </summary>
public static class ApiEndpoints
{
    public const string ReadPolicy = "api-read";
    public const string WritePolicy = "api-write";

    public static IEndpointRouteBuilder MapApiEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(ReadPolicy)
            .AddEndpointFilter<ApiRateLimitFilter>()
            .AddEndpointFilter(ApiBinding.StrictEnumQuery)
            .AddEndpointFilter<ApiIdempotencyFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);


        var campaigns = api.MapGroup("/campaigns").WithTags("Campaigns");
        campaigns.MapGet("/{id:int}/report", CampaignReportAsync).WithName("GetCampaignReport").WithTags("Reports")
            .WithSummary("KPIs and daily metrics of a campaign over from–to (UTC days, inclusive; default the campaign's whole life, launch to its end or today).")
            .Produces<CampaignReport>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/reports/account", AccountReportAsync).WithName("GetAccountReport").WithTags("Reports")
            .WithSummary("Every campaign of the account over from–to, with totals and the daily series.")
            .Produces<AccountReport>().ProducesValidationProblem();

        api.MapGet("/leads", ListLeadsAsync).WithName("ListLeads").WithTags("Leads")
            .WithSummary("The account's leads, newest first.")
            .WithDescription("Leads members submitted, newest first, paged with a cursor; optionally of one campaign (404 when it is not "
                + "the account's) and submitted within UTC days from–to (inclusive). Answers are in the form's order.")
            .Produces<ApiList<ApiLead>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapConversionApi();
        api.MapCampaignApi();
        api.MapWebhookApi();
        api.MapAdApi();
        api.MapLeadFormApi();
        api.MapAudienceApi();
        api.MapMatchedListApi();
        api.MapSenderApi();

        // Anything else under /api/v1 is problem details, not the app's HTML page: 405 with Allow for a path the API has
        // under another method, otherwise 404.
        api.MapFallback((HttpContext context, EndpointDataSource endpoints) => AllowedMethods(endpoints, context.Request.Path) is { Count: > 0 } allowed
                ? MethodNotAllowed(context, allowed)
                : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: "No such API endpoint."))
            .ExcludeFromDescription();
        return app;
    }

    private static List<string> AllowedMethods(EndpointDataSource endpoints, PathString path) =>
        endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null && e.RoutePattern.RawText is { } raw
                && new TemplateMatcher(TemplateParser.Parse(raw), new RouteValueDictionary()).TryMatch(path, new RouteValueDictionary()))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static IResult MethodNotAllowed(HttpContext context, List<string> allowed)
    {
        context.Response.Headers.Allow = string.Join(", ", allowed);
        return TypedResults.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed.",
            detail: $"{context.Request.Method} is not allowed here; use {string.Join(" or ", allowed)}.");
    }

    private static async Task<IResult> CampaignReportAsync(
        int id, string? from, string? to, ClaimsPrincipal user, ReportService reports, TimeProvider clock, CancellationToken ct)
    {
        var parsed = ParseRange(reports, clock, from, to);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var range = parsed.Value!;
        var caller = user.ApiCaller();
        // No range given: the campaign's whole life, as on its report page.
        var requested = string.IsNullOrEmpty(from) && string.IsNullOrEmpty(to) ? null : range;
        return await reports.CampaignAsync(caller.ActingUserId, caller.AccountId, id, requested, ct) is { } report
            ? TypedResults.Ok(report)
            : ApiResults.NotFound("Campaign");
    }

    private static async Task<IResult> AccountReportAsync(string? from, string? to, ClaimsPrincipal user, ReportService reports, TimeProvider clock, CancellationToken ct)
    {
        var parsed = ParseRange(reports, clock, from, to);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var range = parsed.Value!;
        var caller = user.ApiCaller();
        return await reports.AccountAsync(caller.ActingUserId, caller.AccountId, range, ct) is { } report
            ? TypedResults.Ok(report)
            : ApiResults.NotFound("Advertiser account");
    }

    private static async Task<IResult> ListLeadsAsync(
        int? campaignId, DateOnly? from, DateOnly? to, int? limit, string? cursor, ClaimsPrincipal user, LeadService leads, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        if (from is { } first && to is { } last && first > last)
        {
            return ApiResults.Invalid("from", "from must be on or before to.");
        }
        var request = parsed.Value!;
        var caller = user.ApiCaller();
        var rows = await leads.PageAsync(caller.ActingUserId, caller.AccountId, campaignId, from, to, request.After, request.Limit, ct);
        if (rows is null)
        {
            return ApiResults.NotFound("Campaign");
        }
        var page = ApiLists.Of(rows, r => r.Id, request.Limit);
        return TypedResults.Ok(new ApiList<ApiLead>(page.Items.Select(ApiLead.From).ToList(), page.NextCursor));
    }

    /// <summary>The range asked for, checked by Core's one rule for report ranges, then with the service's defaults.</summary>
    private static Result<ReportRange> ParseRange(ReportService reports, TimeProvider clock, string? from, string? to)
    {
        var parsed = ReportRangeRules.Parse(from, to, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        return parsed.Succeeded ? Result<ReportRange>.Ok(reports.RangeOrDefault(parsed.Value!.From, parsed.Value.To)) : parsed.Outcome;
    }
}

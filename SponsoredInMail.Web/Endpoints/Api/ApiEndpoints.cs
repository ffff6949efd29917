using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
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
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var audiences = api.MapGroup("/audiences").WithTags("Audiences");
        audiences.MapGet("/", ListAudiencesAsync).WithName("ListAudiences").WithSummary("The account's saved audiences.")
            .Produces<IReadOnlyList<ApiAudience>>();
        audiences.MapGet("/{id:int}/count", CountAudienceAsync).WithName("CountAudience")
            .WithSummary("How many members a saved audience matches now, and how many of them can receive a message.")
            .Produces<ApiAudienceCount>().ProducesProblem(StatusCodes.Status404NotFound);

        var ads = api.MapGroup("/ads").WithTags("Ads");
        ads.MapGet("/", ListAdsAsync).WithName("ListAds").WithSummary("The account's ads (archived ones too when includeArchived=true).")
            .Produces<IReadOnlyList<AdSummary>>().ProducesValidationProblem();
        ads.MapGet("/{id:int}", GetAdAsync).WithName("GetAd").WithSummary("One ad with its content.")
            .Produces<AdView>().ProducesProblem(StatusCodes.Status404NotFound);

        var campaigns = api.MapGroup("/campaigns").WithTags("Campaigns");
        campaigns.MapGet("/{id:int}/report", CampaignReportAsync).WithName("GetCampaignReport").WithTags("Reports")
            .WithSummary("KPIs and daily metrics of a campaign over from–to (UTC days, inclusive; default the campaign's whole life, launch to its end or today).")
            .Produces<CampaignReport>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/reports/account", AccountReportAsync).WithName("GetAccountReport").WithTags("Reports")
            .WithSummary("Every campaign of the account over from–to, with totals and the daily series.")
            .Produces<AccountReport>().ProducesValidationProblem();

        api.MapGet("/leads", ListLeadsAsync).WithName("ListLeads").WithTags("Leads")
            .WithSummary("The account's leads, newest first, optionally of one campaign; paged with skip and take (at most 1,000).")
            .Produces<ApiPage<LeadRow>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapConversionApi();
        api.MapCampaignApi();

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

    private static async Task<IResult> ListAudiencesAsync(ClaimsPrincipal user, AudienceService audiences, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var list = await audiences.ListAsync(caller.ActingUserId, caller.AccountId, ct);
        return TypedResults.Ok(list.Select(a => new ApiAudience(a.Id, a.Name, a.Targeting, a.CreatedAt, a.UpdatedAt)).ToList());
    }

    private static async Task<IResult> CountAudienceAsync(int id, ClaimsPrincipal user, AudienceService audiences, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var audience = await audiences.GetAsync(caller.ActingUserId, caller.AccountId, id, ct);
        if (audience is null)
        {
            return ApiResults.NotFound("Audience");
        }
        var counted = await audiences.CountAsync(caller.ActingUserId, caller.AccountId, audience.Targeting, ct);
        if (!counted.Succeeded)
        {
            return ApiResults.Refused(counted.Outcome);
        }
        var b = counted.Value!;
        return TypedResults.Ok(new ApiAudienceCount(id, b.Matching, b.OptedOut, b.FrequencyCapped, b.Inactive, b.Deliverable));
    }

    // Query values are taken as text and parsed here, so that a malformed one is a 400 naming it in every environment
    // (a bound bool? would throw BadHttpRequestException in Development).
    private static async Task<IResult> ListAdsAsync(ClaimsPrincipal user, AdService ads, string? includeArchived, CancellationToken ct)
    {
        bool archived;
        if (string.IsNullOrEmpty(includeArchived))
        {
            archived = false;
        }
        else if (!bool.TryParse(includeArchived, out archived) || includeArchived.Trim() != includeArchived)
        {
            return ApiResults.Invalid("includeArchived", "includeArchived must be true or false.");
        }
        var caller = user.ApiCaller();
        return TypedResults.Ok(await ads.ListAsync(caller.ActingUserId, caller.AccountId, includeArchived: archived, ct: ct));
    }

    private static async Task<IResult> GetAdAsync(int id, ClaimsPrincipal user, AdService ads, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        return await ads.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is { } ad ? TypedResults.Ok(ad) : ApiResults.NotFound("Ad");
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
        string? campaignId, string? skip, string? take, ClaimsPrincipal user, LeadService leads, CampaignService campaigns, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var campaign = ParseInt(errors, "campaignId", campaignId, 1, int.MaxValue);
        var from = ParseInt(errors, "skip", skip, 0, int.MaxValue) ?? 0;
        var count = ParseInt(errors, "take", take, 1, 1000) ?? 100;
        if (errors.Count > 0)
        {
            return ApiResults.Invalid(errors);
        }
        var caller = user.ApiCaller();
        if (campaign is { } id && await campaigns.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is null)
        {
            return ApiResults.NotFound("Campaign");
        }
        var page = await leads.ListAsync(caller.ActingUserId, caller.AccountId, campaign, from, count, ct);
        return TypedResults.Ok(new ApiPage<LeadRow>(page.Items, page.TotalCount, from, count));
    }

    private static int? ParseInt(List<FieldError> errors, string field, string? value, int min, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            return parsed;
        }
        errors.Add(new FieldError(field, max == int.MaxValue ? $"{field} must be a whole number of at least {min}." : $"{field} must be a whole number from {min} to {max:N0}."));
        return null;
    }

    /// <summary>The range asked for, checked by Core's one rule for report ranges, then with the service's defaults.</summary>
    private static Result<ReportRange> ParseRange(ReportService reports, TimeProvider clock, string? from, string? to)
    {
        var parsed = ReportRangeRules.Parse(from, to, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        return parsed.Succeeded ? Result<ReportRange>.Ok(reports.RangeOrDefault(parsed.Value!.From, parsed.Value.To)) : parsed.Outcome;
    }
}

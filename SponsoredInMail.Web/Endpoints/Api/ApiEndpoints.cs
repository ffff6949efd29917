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
        campaigns.MapGet("/", ListCampaignsAsync).WithName("ListCampaigns").WithSummary("The account's campaigns with spend and sends so far.")
            .Produces<IReadOnlyList<CampaignSummary>>();
        campaigns.MapGet("/{id:int}", GetCampaignAsync).WithName("GetCampaign").WithSummary("One campaign: settings, state and live progress.")
            .Produces<ApiCampaign>().ProducesProblem(StatusCodes.Status404NotFound);
        campaigns.MapPost("/", CreateCampaignAsync).WithName("CreateCampaignDraft").WithSummary("Creates a campaign draft.")
            .RequireAuthorization(WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiCampaignRequest>)
            .Produces<ApiCampaign>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        MapMove(campaigns, "submit", "SubmitCampaign", "Submits a complete draft for review.", (s, user, account, id, ct) => s.SubmitAsync(user, account, id, ct));
        MapMove(campaigns, "launch", "LaunchCampaign", "Launches an approved campaign: it sends from its start (at once when the start has passed).",
            (s, user, account, id, ct) => s.LaunchAsync(user, account, id, ct));
        MapMove(campaigns, "pause", "PauseCampaign", "Pauses an active campaign.", (s, user, account, id, ct) => s.PauseAsync(user, account, id, ct));
        MapMove(campaigns, "resume", "ResumeCampaign", "Resumes a paused campaign (not one an admin paused; an approved one is launched instead).",
            (s, user, account, id, ct) => s.ResumeAsync(user, account, id, ct));
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
        api.MapWebhookApi();
        api.MapAdApi();
        api.MapLeadFormApi();
        api.MapAudienceApi();
        api.MapMatchedListApi();

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

    private static async Task<IResult> ListCampaignsAsync(ClaimsPrincipal user, CampaignOverview overview, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        return TypedResults.Ok(await overview.ListAsync(caller.ActingUserId, caller.AccountId, ct));
    }

    private static async Task<IResult> GetCampaignAsync(
        int id, ClaimsPrincipal user, CampaignService campaigns, CampaignOverview overview, IDbContextFactory<AppDbContext> factory, CancellationToken ct) =>
        await CampaignResponseAsync(user.ApiCaller(), id, campaigns, overview, factory, ct) ?? ApiResults.NotFound("Campaign");

    private static async Task<IResult> CreateCampaignAsync(
        HttpRequest request, ClaimsPrincipal user, CampaignService campaigns, IDbContextFactory<AppDbContext> factory,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider clock, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send JSON.",
                detail: "The body must be a JSON object with Content-Type: application/json.");
        }
        ApiCampaignRequest? body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return ApiResults.Invalid("body", "The body must be a JSON object.");
            }
            try
            {
                body = document.Deserialize<ApiCampaignRequest>(json.Value.SerializerOptions);
            }
            catch (JsonException e)
            {
                return WrongType(e);
            }
        }
        catch (JsonException e)
        {
            return ApiResults.Invalid("body", $"The body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).");
        }
        if (body is null)
        {
            return ApiResults.Invalid("body", "The body must be a JSON object.");
        }
        var input = body.ToInput(clock.GetUtcNow().UtcDateTime);
        if (!input.Succeeded)
        {
            return ApiResults.Invalid(input.Outcome.Errors, body.Fields);
        }
        var caller = user.ApiCaller();
        var created = await campaigns.CreateDraftAsync(caller.ActingUserId, caller.AccountId, input.Value!, ct);
        if (!created.Succeeded)
        {
            return ApiResults.Refused(created.Outcome, body.Fields);
        }
        var campaign = await campaigns.GetAsync(caller.ActingUserId, caller.AccountId, created.Value, ct);
        return TypedResults.Created($"/api/v1/campaigns/{created.Value}", ApiCampaign.From(campaign!, await AdIdsAsync(factory, created.Value, ct), null));
    }

    /// <summary>A value of the wrong type in a well-formed body: 400 naming the property and what it expects.</summary>
    private static IResult WrongType(JsonException e)
    {
        var property = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..].Split('.', '[')[0] : null;
        if (property is not null && ApiCampaignRequest.Expected.Keys.FirstOrDefault(k => string.Equals(k, property, StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            return ApiResults.Invalid(known, $"{known} must be {ApiCampaignRequest.Expected[known]}.");
        }
        return ApiResults.Invalid(property ?? "body", $"{property ?? "The body"} has a value of the wrong type.");
    }

    private delegate Task<Result> Move(CampaignService campaigns, string userId, int accountId, int campaignId, CancellationToken ct);

    private static void MapMove(RouteGroupBuilder campaigns, string verb, string name, string summary, Move move) =>
        campaigns.MapPost($"/{{id:int}}/{verb}", async (
                int id, ClaimsPrincipal user, CampaignService service, CampaignOverview overview, IDbContextFactory<AppDbContext> factory, CancellationToken ct) =>
            {
                var caller = user.ApiCaller();
                var moved = await move(service, caller.ActingUserId, caller.AccountId, id, ct);
                return moved.Succeeded
                    ? await CampaignResponseAsync(caller, id, service, overview, factory, ct) ?? ApiResults.NotFound("Campaign")
                    : ApiResults.Refused(moved, ApiCampaignRequest.CoreFields);
            })
            .WithName(name).WithSummary(summary).RequireAuthorization(WritePolicy)
            .Produces<ApiCampaign>().ProducesValidationProblem().ProducesValidationProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult?> CampaignResponseAsync(
        Core.Api.ApiCaller caller, int id, CampaignService campaigns, CampaignOverview overview, IDbContextFactory<AppDbContext> factory, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(caller.ActingUserId, caller.AccountId, id, ct);
        if (campaign is null)
        {
            return null;
        }
        var progress = await overview.ProgressAsync(caller.ActingUserId, caller.AccountId, id, ct);
        return TypedResults.Ok(ApiCampaign.From(campaign, await AdIdsAsync(factory, id, ct), progress));
    }

    /// <summary>A campaign's ads in order; only ever asked for a campaign the caller has just read through Core's account check.</summary>
    private static async Task<IReadOnlyList<int>> AdIdsAsync(IDbContextFactory<AppDbContext> factory, int campaignId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await CampaignVariants.AdIdsAsync(db, campaignId, ct);
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

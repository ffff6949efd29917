using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>A saved audience of the token's account: a named targeting that campaigns use.</summary>
/// <param name="Id">The audience's id.</param>
/// <param name="Name">The audience's name, unique in the account (ignoring case).</param>
/// <param name="Targeting">Who the audience reaches: facets a member must all match (include) and facets that remove a member (exclude).</param>
/// <param name="CreatedAt">When the audience was saved first (UTC).</param>
/// <param name="UpdatedAt">When its name or targeting last changed (UTC); its version, sent as the ETag.</param>
public sealed record ApiAudience(int Id, string Name, Targeting Targeting, DateTime CreatedAt, DateTime UpdatedAt)
{
    internal static ApiAudience From(SavedAudienceView a) => new(a.Id, a.Name, a.Targeting, a.CreatedAt, a.UpdatedAt);
}

/// <summary>How many members a saved audience matches now, and why some of them cannot receive a message.</summary>
/// <param name="AudienceId">The audience counted.</param>
/// <param name="Matching">Members the targeting matches.</param>
/// <param name="OptedOut">Matching members who opted out of sponsored messages.</param>
/// <param name="FrequencyCapped">Matching members who received a sponsored message too recently to get another.</param>
/// <param name="Inactive">Matching members who have not been active lately.</param>
/// <param name="Deliverable">Matching members who can receive a message now; a launch needs at least the account's minimum audience size.</param>
public sealed record ApiAudienceCount(int AudienceId, int Matching, int OptedOut, int FrequencyCapped, int Inactive, int Deliverable);

/// <summary>How many members a targeting that is not saved (yet) matches now, and why some of them cannot receive a message.</summary>
/// <param name="Matching">Members the targeting matches.</param>
/// <param name="OptedOut">Matching members who opted out of sponsored messages.</param>
/// <param name="FrequencyCapped">Matching members who received a sponsored message too recently to get another.</param>
/// <param name="Inactive">Matching members who have not been active lately.</param>
/// <param name="Deliverable">Matching members who can receive a message now; a launch needs at least the account's minimum audience size.</param>
public sealed record ApiTargetingCount(int Matching, int OptedOut, int FrequencyCapped, int Inactive, int Deliverable);

/// <summary>A saved audience's editable settings: its name and who it reaches. An update sends both.</summary>
public sealed class ApiAudienceRequest
{
    /// <summary>The audience's name: 1–100 characters on one line, unique in the account (ignoring case).</summary>
    [Required]
    public string? Name { get; set; }

    /// <summary>
    /// Who the audience reaches, the same shape as an audience's <c>targeting</c>: <c>include</c> lists facets a member
    /// must all match (Location required), <c>exclude</c> facets that remove a member; each facet 1–200 values.
    /// </summary>
    [Required]
    public Targeting? Targeting { get; set; }
}

/// <summary>Saved audiences under <c>/api/v1/audiences</c>: list, read, create, update, delete, duplicate and count.</summary>
public static class AudienceApiEndpoints
{
    private const string TargetingRules =
        " A targeting is {\"include\":[{\"facet\":\"Location\",\"values\":[\"US\"]}, …],\"exclude\":[…]}: a member must match every included facet "
        + "(any one of its values) and no excluded one. Location is required; each facet at most once per side, with 1–200 known values "
        + "(matched lists and engaged audiences of this account only). A refused targeting is a 400 naming the facet, e.g. "
        + "\"targeting.include.Location\" or \"targeting.exclude.Seniority\".";

    public static void MapAudienceApi(this RouteGroupBuilder api)
    {
        var audiences = api.MapGroup("/audiences").WithTags("Audiences");
        audiences.MapGet("/", ListAsync).WithName("ListAudiences").WithSummary("The account's saved audiences.")
            .WithDescription("The account's saved audiences, oldest first, in pages of limit (1–200, default 50); pass nextCursor as cursor for the next page.")
            .Produces<ApiList<ApiAudience>>().ProducesValidationProblem();
        audiences.MapGet("/{id:int}", GetAsync).WithName("GetAudience").WithSummary("One saved audience.")
            .WithDescription("One saved audience with its targeting. The ETag is its version: send it as If-None-Match for a 304 when it has not changed, "
                + "or as If-Match on an update.")
            .Produces<ApiAudience>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        audiences.MapPost("/", CreateAsync).WithName("CreateAudience").WithSummary("Saves a new audience.")
            .WithDescription("Saves a named targeting as an audience of the account. The name must be new in the account (ignoring case)." + TargetingRules)
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiAudienceRequest>)
            .Produces<ApiAudience>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        audiences.MapPut("/{id:int}", UpdateAsync).WithName("UpdateAudience").WithSummary("Replaces an audience's name and targeting.")
            .WithDescription("Replaces the audience's name and targeting (send both). With If-Match, refused with 412 when the audience changed since that "
                + "version. Campaigns that use the audience reach its new targeting from their next sending run." + TargetingRules)
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiAudienceRequest>)
            .Produces<ApiAudience>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        audiences.MapDelete("/{id:int}", DeleteAsync).WithName("DeleteAudience").WithSummary("Deletes a saved audience.")
            .WithDescription("Deletes the audience. Refused with 409 while a live campaign uses it (pause or end the campaign first); drafts that "
                + "chose it lose their audience.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        audiences.MapPost("/{id:int}/duplicate", DuplicateAsync).WithName("DuplicateAudience").WithSummary("Saves a copy of an audience.")
            .WithDescription("Saves a copy of the audience's targeting named \"Copy of …\" (\"Copy 2 of …\" and so on when that name is taken) and "
                + "answers 201 with the copy.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces<ApiAudience>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        audiences.MapGet("/{id:int}/count", CountAsync).WithName("CountAudience")
            .WithSummary("How many members a saved audience matches now, and how many of them can receive a message.")
            .WithDescription("Counts the saved audience's targeting over the member network now: members matching, and of them those opted out, "
                + "frequency-capped or inactive, and the deliverable rest.")
            .Produces<ApiAudienceCount>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        audiences.MapPost("/count", CountTargetingAsync).WithName("CountTargeting")
            .WithSummary("How many members a targeting that is not saved matches now.")
            .WithDescription("Counts a targeting sent as the body, as the audience builder does while you edit it; nothing is saved, so a read-only "
                + "token may count. The body is a targeting: {\"include\":[{\"facet\":\"Location\",\"values\":[\"US\"]}],\"exclude\":[]}. A refused "
                + "targeting is a 400 naming the facet, e.g. \"include.Location\" or \"exclude.Seniority\".")
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<Targeting>)
            .Produces<ApiTargetingCount>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static async Task<IResult> ListAsync(int? limit, string? cursor, ClaimsPrincipal user, AudienceService audiences, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        var list = await audiences.ListAsync(caller.ActingUserId, caller.AccountId, ct);
        return TypedResults.Ok(ApiLists.Page(list.Select(ApiAudience.From), a => a.Id, parsed.Value!));
    }

    private static async Task<IResult> GetAsync(int id, HttpContext http, ClaimsPrincipal user, AudienceService audiences, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        return await audiences.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is { } audience
            ? ApiVersions.Ok(http, ApiAudience.From(audience), audience.UpdatedAt)
            : ApiResults.NotFound("Audience");
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, AudienceService audiences, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiAudienceRequest>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var settings = Settings(body!);
        if (!settings.Succeeded)
        {
            return ApiResults.Invalid(settings.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        var created = await audiences.CreateAsync(caller.ActingUserId, caller.AccountId, settings.Value!.Name, settings.Value.Targeting, ct);
        if (!created.Succeeded)
        {
            return ApiResults.Refused(created.Outcome, ApiTargeting.Fields("targeting."));
        }
        return await CreatedAsync(request.HttpContext, caller, audiences, created.Value, ct);
    }

    private static async Task<IResult> UpdateAsync(
        int id, HttpRequest request, ClaimsPrincipal user, AudienceService audiences, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var http = request.HttpContext;
        if (await audiences.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is not { } current)
        {
            return ApiResults.NotFound("Audience");
        }
        if (ApiVersions.PreconditionFailed(http, current.UpdatedAt) is { } stale)
        {
            return stale;
        }
        var (body, problem) = await ApiJson.ReadAsync<ApiAudienceRequest>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var settings = Settings(body!);
        if (!settings.Succeeded)
        {
            return ApiResults.Invalid(settings.Outcome.Errors);
        }
        var updated = await audiences.UpdateAsync(caller.ActingUserId, caller.AccountId, id, settings.Value!.Name, settings.Value.Targeting, ct);
        if (!updated.Succeeded)
        {
            return ApiResults.Refused(updated, ApiTargeting.Fields("targeting."));
        }
        if (await audiences.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is not { } audience)
        {
            return ApiResults.NotFound("Audience");
        }
        ApiVersions.Tag(http, audience.UpdatedAt);
        return TypedResults.Ok(ApiAudience.From(audience));
    }

    private static async Task<IResult> DeleteAsync(int id, ClaimsPrincipal user, AudienceService audiences, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var deleted = await audiences.DeleteAsync(caller.ActingUserId, caller.AccountId, id, ct);
        if (deleted.Succeeded)
        {
            return TypedResults.NoContent();
        }
        // Core refuses a deletion under the audience's own name only while campaigns use it (or one has just chosen it).
        if (deleted.Errors is [{ Field: "audience" } inUse] && !inUse.Message.EndsWith("not found.", StringComparison.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The audience is in use.", detail: inUse.Message);
        }
        return ApiResults.Refused(deleted);
    }

    private static async Task<IResult> DuplicateAsync(int id, HttpContext http, ClaimsPrincipal user, AudienceService audiences, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var copied = await audiences.DuplicateAsync(caller.ActingUserId, caller.AccountId, id, ct);
        return copied.Succeeded
            ? await CreatedAsync(http, caller, audiences, copied.Value, ct)
            : ApiResults.Refused(copied.Outcome, ApiTargeting.Fields("targeting."));
    }

    private static async Task<IResult> CountAsync(int id, ClaimsPrincipal user, AudienceService audiences, CancellationToken ct)
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
            // A saved targeting that no longer validates (a facet value gone since): 400 naming the facet.
            return ApiResults.Refused(counted.Outcome, ApiTargeting.Fields("targeting."));
        }
        var b = counted.Value!;
        return TypedResults.Ok(new ApiAudienceCount(id, b.Matching, b.OptedOut, b.FrequencyCapped, b.Inactive, b.Deliverable));
    }

    private static async Task<IResult> CountTargetingAsync(
        HttpRequest request, ClaimsPrincipal user, AudienceService audiences, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<Targeting>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var targeting = ApiTargeting.Check(body!, "");
        if (!targeting.Succeeded)
        {
            return ApiResults.Invalid(targeting.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        var counted = await audiences.CountAsync(caller.ActingUserId, caller.AccountId, targeting.Value!, ct);
        if (!counted.Succeeded)
        {
            return ApiResults.Refused(counted.Outcome, ApiTargeting.Fields(""));
        }
        var b = counted.Value!;
        return TypedResults.Ok(new ApiTargetingCount(b.Matching, b.OptedOut, b.FrequencyCapped, b.Inactive, b.Deliverable));
    }

    private static async Task<IResult> CreatedAsync(HttpContext http, Core.Api.ApiCaller caller, AudienceService audiences, int id, CancellationToken ct)
    {
        if (await audiences.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is not { } audience)
        {
            return ApiResults.NotFound("Audience");
        }
        ApiVersions.Tag(http, audience.UpdatedAt);
        return TypedResults.Created($"/api/v1/audiences/{id}", ApiAudience.From(audience));
    }

    /// <summary>The body's name and targeting, or the missing and malformed fields.</summary>
    private static Result<(string Name, Targeting Targeting)> Settings(ApiAudienceRequest body)
    {
        var errors = new List<FieldError>();
        if (body.Name is null)
        {
            errors.Add(new FieldError("name", "name is required: the audience's name."));
        }
        Targeting? targeting = null;
        if (body.Targeting is null)
        {
            errors.Add(new FieldError("targeting", "targeting is required: {\"include\":[{\"facet\":\"Location\",\"values\":[\"US\"]}],\"exclude\":[]}."));
        }
        else
        {
            var checkedTargeting = ApiTargeting.Check(body.Targeting, "targeting.");
            errors.AddRange(checkedTargeting.Outcome.Errors);
            targeting = checkedTargeting.Value;
        }
        return errors.Count > 0 ? Result.Fail(errors) : Result<(string, Targeting)>.Ok((body.Name!, targeting!));
    }
}

/// <summary>A targeting as the API reads it: missing lists are empty, and Core's facet field names as the body spells them.</summary>
internal static class ApiTargeting
{
    /// <summary>The targeting with missing lists made empty, or 400-worthy errors for a facet without values.</summary>
    public static Result<Targeting> Check(Targeting targeting, string prefix)
    {
        var errors = new List<FieldError>();
        var include = Criteria(targeting.Include, prefix + "include", errors);
        var exclude = Criteria(targeting.Exclude, prefix + "exclude", errors);
        return errors.Count > 0 ? Result.Fail(errors) : Result<Targeting>.Ok(new Targeting(include, exclude));
    }

    private static List<FacetCriterion> Criteria(IReadOnlyList<FacetCriterion>? criteria, string field, List<FieldError> errors)
    {
        var result = new List<FacetCriterion>();
        for (var i = 0; i < (criteria?.Count ?? 0); i++)
        {
            var criterion = criteria![i];
            if (criterion is null)
            {
                errors.Add(new FieldError($"{field}[{i}]", "Each facet is an object with facet and values."));
            }
            else if (criterion.Values is null)
            {
                errors.Add(new FieldError($"{field}[{i}].values", "values is required: the facet's values, e.g. [\"US\"] for Location."));
            }
            else
            {
                result.Add(criterion with { Values = criterion.Values.Select(v => v ?? "").ToList() });
            }
        }
        return result;
    }

    private static readonly Dictionary<string, IReadOnlyDictionary<string, string>> ByPrefix = new()
    {
        [""] = Build(""),
        ["targeting."] = Build("targeting."),
    };

    /// <summary>Core's targeting fields ("Location", "Include.MatchedAudience", "Exclude.Seniority") under the body's names.</summary>
    public static IReadOnlyDictionary<string, string> Fields(string prefix) => ByPrefix[prefix];

    private static Dictionary<string, string> Build(string prefix) =>
        Enum.GetValues<Facet>()
            .SelectMany(f => new[]
            {
                KeyValuePair.Create(f.ToString(), $"{prefix}include.{f}"),
                KeyValuePair.Create($"Include.{f}", $"{prefix}include.{f}"),
                KeyValuePair.Create($"Exclude.{f}", $"{prefix}exclude.{f}"),
            })
            .ToDictionary();
}

using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SponsoredInMail.Core.Conversions;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>A conversion definition: something the account counts as a conversion on its own site, with its attribution windows.</summary>
/// <param name="Id">The definition's id (the <c>conversionId</c> of Conversions API events).</param>
/// <param name="Name">Its name, unique in the account.</param>
/// <param name="Category">What kind of action it counts.</param>
/// <param name="ValueCents">The value of one conversion in cents; null for none (an event may carry its own).</param>
/// <param name="PostClickDays">Days after a click during which a conversion is credited to it: 1, 7, 30 or 90.</param>
/// <param name="PostSendDays">Days after a send (no click) during which a conversion is credited to it: 1, 7 or 30.</param>
/// <param name="Counting">Whether one member's conversions count once per window or every time.</param>
/// <param name="TagKey">The public key the JavaScript tag and the pixel name it by (<c>cv_</c> and 16 characters).</param>
/// <param name="Archived">True when archived: it accepts no new events; its conversions stay in reports.</param>
/// <param name="Received">Events received for it so far.</param>
/// <param name="Attributed">Events of it counted for a campaign so far.</param>
/// <param name="CreatedAt">When it was created, UTC.</param>
/// <param name="UpdatedAt">Its last edit, archive or restore, UTC: the version sent as ETag.</param>
public sealed record ApiConversionDefinition(
    int Id, string Name, ConversionCategory Category, long? ValueCents, int PostClickDays, int PostSendDays, ConversionCounting Counting,
    string TagKey, bool Archived, long Received, long Attributed, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static ApiConversionDefinition From(ConversionDefinitionView d) =>
        new(d.Id, d.Name, d.Category, d.ValueCents, d.PostClickDays, d.PostSendDays, d.Counting, d.TagKey, d.IsArchived, d.Received, d.Attributed,
            d.CreatedAt, d.UpdatedAt);
}

/// <summary>
/// A conversion definition's settings, to create one or to replace them all (an omitted optional setting takes its
/// default, as on create). New windows and counting apply to conversions received from then on.
/// </summary>
/// <param name="Name">Its name, 1–100 characters on one line, unique in the account.</param>
/// <param name="Category">What kind of action it counts: Lead, SignUp, Purchase, Download or Other.</param>
/// <param name="ValueCents">The value of one conversion in cents (0 or more); omit for none.</param>
/// <param name="PostClickDays">The post-click window: 1, 7, 30 or 90 days; default 30.</param>
/// <param name="PostSendDays">The post-send window: 1, 7 or 30 days; default 7.</param>
/// <param name="Counting">OncePerMemberPerWindow (default) or EveryTime.</param>
public sealed record ApiConversionDefinitionRequest(
    [property: Required] string? Name, [property: Required] ConversionCategory? Category, long? ValueCents, int? PostClickDays, int? PostSendDays,
    ConversionCounting? Counting);

/// <summary>One received conversion event, as the conversions page's recent log shows it.</summary>
/// <param name="Id">The event's id (the <c>conversionEventId</c> the Conversions API answered).</param>
/// <param name="ConversionId">The id of its conversion definition.</param>
/// <param name="ConversionName">The name of its conversion definition.</param>
/// <param name="Source">Where it came from: Tag, Pixel or Api.</param>
/// <param name="OccurredAt">When the conversion happened, UTC.</param>
/// <param name="ReceivedAt">When it was received, UTC.</param>
/// <param name="ValueCents">Its value in cents.</param>
/// <param name="Touch">What it was credited to: None (unattributed), Send or Click.</param>
/// <param name="CampaignId">The campaign it was credited to; null when unattributed.</param>
/// <param name="CampaignName">That campaign's name.</param>
/// <param name="Counted">True when it counts in reports (false for a repeat within a once-per-window definition, or unattributed).</param>
/// <param name="EventId">Your event id, for Conversions API events; null for tag and pixel events without one.</param>
public sealed record ApiConversionEvent(
    long Id, int ConversionId, string ConversionName, ConversionSource Source, DateTime OccurredAt, DateTime ReceivedAt, long ValueCents,
    AttributionTouch Touch, int? CampaignId, string? CampaignName, bool Counted, string? EventId)
{
    public static ApiConversionEvent From(ConversionLogRow r) => new(r.Id, r.ConversionId, r.ConversionName, r.Source, r.OccurredAt, r.ReceivedAt,
        r.ValueCents, r.Touch, r.CampaignId, r.CampaignName, r.Counted, r.EventId);
}

/// <summary>
/// A Conversions API request: 1–1,000 events. Each names its conversion, carries your own unique <c>eventId</c> (a retry
/// with the same id is answered as a duplicate, never counted twice), when it happened (UTC), and a way to match the
/// member: the <c>clickId</c> from the landing URL's <c>simclid</c> parameter, and/or <c>emailSha256</c>, the SHA-256
/// (hex) of the trimmed, lower-case e-mail address.
/// </summary>
/// <param name="Events">The events, 1–1,000.</param>
public sealed record ApiConversionBatch([property: Required] IReadOnlyList<ApiConversion>? Events);

/// <summary>One event's result, in the order sent.</summary>
/// <param name="EventId">Your event id, as sent.</param>
/// <param name="Status">Attributed, Unattributed or Duplicate (an event id received before: the first one's result).</param>
/// <param name="ConversionEventId">The id of the stored event.</param>
/// <param name="CampaignId">The campaign it was credited to; null when unattributed.</param>
/// <param name="AdId">The ad it was credited to; null when unattributed.</param>
/// <param name="Touch">What it was credited to: None, Send or Click.</param>
/// <param name="Counted">True when it counts in reports.</param>
public sealed record ApiConversionResult(string? EventId, ConversionStatus Status, long ConversionEventId, int? CampaignId, int? AdId, AttributionTouch Touch, bool Counted);

/// <summary>What became of a Conversions API request.</summary>
/// <param name="Received">How many events the request had.</param>
/// <param name="Attributed">How many were credited to a campaign.</param>
/// <param name="Unattributed">How many were stored without credit.</param>
/// <param name="Duplicates">How many repeated an event id received before.</param>
/// <param name="Results">Each event's result, in the order sent.</param>
public sealed record ApiConversionBatchResult(int Received, int Attributed, int Unattributed, int Duplicates, IReadOnlyList<ApiConversionResult> Results);

/// <summary>Conversion definitions and the Conversions API under <c>/api/v1/conversions</c>.</summary>
public static class ConversionApiEndpoints
{
    public static void MapConversionApi(this RouteGroupBuilder api)
    {
        var conversions = api.MapGroup("/conversions").WithTags("Conversions");
        conversions.MapGet("/", ListAsync).WithName("ListConversions").WithSummary("The account's conversion definitions.")
            .WithDescription("The account's conversion definitions with events received and counted, oldest first, in cursor pages; archived ones " +
                "too when includeArchived=true.")
            .Produces<ApiList<ApiConversionDefinition>>().ProducesValidationProblem();
        conversions.MapGet("/{id:int}", GetAsync).WithName("GetConversion").WithSummary("One conversion definition.")
            .WithDescription("One conversion definition (archived or not) with events received and counted. Sends an ETag; If-None-Match with it answers 304.")
            .Produces<ApiConversionDefinition>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        conversions.MapPost("/", CreateAsync).WithName("CreateConversion").WithSummary("Creates a conversion definition.")
            .WithDescription("Creates a conversion definition with a new tag key (201). Names are unique in the account; an account has at most 50 " +
                "active definitions." + ManagerRule)
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiConversionDefinitionRequest>)
            .Produces<ApiConversionDefinition>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        conversions.MapPut("/{id:int}", UpdateAsync).WithName("UpdateConversion").WithSummary("Replaces a conversion definition's settings.")
            .WithDescription("Replaces every setting of the definition (omitted optional ones take their defaults); new windows and counting apply to " +
                "conversions received from now on. Send the ETag as If-Match to be refused (412) when it changed since you read it." + ManagerRule)
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiConversionDefinitionRequest>)
            .Produces<ApiConversionDefinition>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        MapArchive(conversions, "archive", "ArchiveConversion", "Archives a conversion definition.",
            "Archives the definition: it accepts no new events; its conversions stay in reports. 409 when it is already archived." + ManagerRule, true);
        MapArchive(conversions, "restore", "RestoreConversion", "Restores an archived conversion definition.",
            "Restores an archived definition so it accepts events again. 409 when it is not archived, or the account already has 50 active " +
            "definitions." + ManagerRule, false);
        conversions.MapGet("/events", RecentAsync).WithName("ListConversionEvents").WithSummary("The account's received conversions.")
            .WithDescription("Every received conversion event of the account (tag, pixel and Conversions API, attributed or not), newest first, " +
                "in cursor pages, as the conversions page's recent log.")
            .Produces<ApiList<ApiConversionEvent>>().ProducesValidationProblem();
        conversions.MapPost("/events", RecordAsync).WithName("RecordConversions")
            .WithSummary("The Conversions API: records 1–1,000 conversion events, matched by click id or e-mail SHA-256 and credited to the last touch.")
            .WithDescription("Records 1–1,000 events. Each names its conversion definition (an active one of the account), carries your own unique " +
                "eventId (a retry is answered as a duplicate, never counted twice), when it happened, and a click id and/or e-mail SHA-256 to match " +
                "the member. Needs a read-write token.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiConversionBatch>)
            .Produces<ApiConversionBatchResult>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private const string ManagerRule = " Needs a read-write token whose creator is a Manager of the account (403 otherwise).";

    private static void MapArchive(RouteGroupBuilder conversions, string verb, string name, string summary, string description, bool archived) =>
        conversions.MapPost($"/{{id:int}}/{verb}", async (int id, HttpContext http, ClaimsPrincipal user, ConversionDefinitionService definitions, CancellationToken ct) =>
            {
                var caller = user.ApiCaller();
                var done = await definitions.SetArchivedAsync(caller.ActingUserId, caller.AccountId, id, archived, ct);
                if (!done.Succeeded)
                {
                    // "conversion" is about its state (already archived, not archived, too many active ones): 409.
                    return done.Errors.All(e => e.Field == "conversion") && !done.Errors[0].Message.EndsWith("not found.", StringComparison.Ordinal)
                        ? Results.ValidationProblem(done.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                            statusCode: StatusCodes.Status409Conflict, title: "The conversion's state does not allow this.", detail: done.Errors[0].Message)
                        : ApiResults.Refused(done);
                }
                return await ResponseAsync(http, caller, definitions, id, ct);
            })
            .WithName(name).WithSummary(summary).WithDescription(description).RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces<ApiConversionDefinition>().ProducesValidationProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> ResponseAsync(HttpContext http, Core.Api.ApiCaller caller, ConversionDefinitionService definitions, int id, CancellationToken ct)
    {
        if (await definitions.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is not { } view)
        {
            return ApiResults.NotFound("Conversion");
        }
        ApiVersions.Tag(http, view.UpdatedAt);
        return TypedResults.Ok(ApiConversionDefinition.From(view));
    }

    private static async Task<IResult> GetAsync(int id, HttpContext http, ClaimsPrincipal user, ConversionDefinitionService definitions, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        return await definitions.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is { } view
            ? ApiVersions.Ok(http, ApiConversionDefinition.From(view), view.UpdatedAt)
            : ApiResults.NotFound("Conversion");
    }

    private static async Task<IResult> UpdateAsync(
        int id, HttpRequest request, ClaimsPrincipal user, ConversionDefinitionService definitions, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var current = await definitions.GetAsync(caller.ActingUserId, caller.AccountId, id, ct);
        if (current is null)
        {
            return ApiResults.NotFound("Conversion");
        }
        if (ApiVersions.PreconditionFailed(request.HttpContext, current.UpdatedAt) is { } stale)
        {
            return stale;
        }
        var (input, problem) = await ReadDefinitionAsync(request, json.Value, ct);
        if (problem is not null)
        {
            return problem;
        }
        var updated = await definitions.UpdateAsync(caller.ActingUserId, caller.AccountId, id, input!, ct);
        return updated.Succeeded ? await ResponseAsync(request.HttpContext, caller, definitions, id, ct) : ApiResults.Refused(updated);
    }

    private static async Task<IResult> RecentAsync(ClaimsPrincipal user, ConversionDefinitionService definitions, int? limit, string? cursor, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var page = parsed.Value!;
        var caller = user.ApiCaller();
        var rows = await definitions.RecentAsync(caller.ActingUserId, caller.AccountId, page.After, page.Limit + 1, ct);
        return TypedResults.Ok(ApiLists.Of(rows.Select(ApiConversionEvent.From).ToList(), e => e.Id, page.Limit));
    }

    private static async Task<(ConversionDefinitionInput? Input, IResult? Problem)> ReadDefinitionAsync(
        HttpRequest request, Microsoft.AspNetCore.Http.Json.JsonOptions json, CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiConversionDefinitionRequest>(request, json.SerializerOptions, ct);
        if (problem is not null)
        {
            return (null, problem);
        }
        if (body!.Category is null)
        {
            return (null, ApiResults.Invalid("category", "The category is required: Lead, SignUp, Purchase, Download or Other."));
        }
        return (new ConversionDefinitionInput(body.Name ?? "", body.Category.Value, body.ValueCents, body.PostClickDays ?? 30, body.PostSendDays ?? 7,
            body.Counting ?? ConversionCounting.OncePerMemberPerWindow), null);
    }

    private static async Task<IResult> ListAsync(
        ClaimsPrincipal user, ConversionDefinitionService definitions, bool? includeArchived, int? limit, string? cursor, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        var list = await definitions.ListForAccountAsync(caller.AccountId, includeArchived ?? false, ct);
        return TypedResults.Ok(ApiLists.Page(list.Select(ApiConversionDefinition.From), d => d.Id, parsed.Value!));
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, ConversionDefinitionService definitions, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (input, problem) = await ReadDefinitionAsync(request, json.Value, ct);
        if (problem is not null)
        {
            return problem;
        }
        var caller = user.ApiCaller();
        var created = await definitions.CreateAsync(caller.ActingUserId, caller.AccountId, input!, ct);
        if (!created.Succeeded)
        {
            return ApiResults.Refused(created.Outcome);
        }
        var view = await definitions.GetAsync(caller.ActingUserId, caller.AccountId, created.Value, ct);
        ApiVersions.Tag(request.HttpContext, view!.UpdatedAt);
        return TypedResults.Created($"/api/v1/conversions/{created.Value}", ApiConversionDefinition.From(view!));
    }

    private static async Task<IResult> RecordAsync(
        HttpRequest request, ClaimsPrincipal user, ConversionIntake intake, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiConversionBatch>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var caller = user.ApiCaller();
        var recorded = await intake.FromApiAsync(caller.AccountId, body!.Events, ct);
        if (!recorded.Succeeded)
        {
            // Every refusal of a batch is about its fields (a conversion id of another account included): 400.
            return ApiResults.Invalid(recorded.Outcome.Errors);
        }
        var results = recorded.Value!.Select(o => new ApiConversionResult(o.EventId, o.Status, o.ConversionEventId, o.CampaignId, o.AdId, o.Touch, o.Counted)).ToList();
        return TypedResults.Ok(new ApiConversionBatchResult(results.Count, results.Count(r => r.Status == ConversionStatus.Attributed),
            results.Count(r => r.Status == ConversionStatus.Unattributed), results.Count(r => r.Status == ConversionStatus.Duplicate), results));
    }
}

/// <summary>Reads a JSON request body by hand, so that a malformed body or a wrong type is a 400 naming the field.</summary>
public static class ApiJson
{
    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send JSON.",
                detail: "The body must be a JSON object with Content-Type: application/json."));
        }
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, ApiResults.Invalid("body", "The body must be a JSON object."));
            }
            try
            {
                return document.Deserialize<T>(options) is { } body ? (body, null) : (null, ApiResults.Invalid("body", "The body must be a JSON object."));
            }
            catch (JsonException e)
            {
                var path = e.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : "body";
                return (null, ApiResults.Invalid(path, $"{path} has a value of the wrong type or format."));
            }
        }
        catch (JsonException e)
        {
            return (null, ApiResults.Invalid("body", $"The body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})."));
        }
    }
}

/// <summary>Reads a multipart/form-data upload by hand: another content type is a 415, a body that is not a readable form a 400.</summary>
public static class ApiForm
{
    public const string MediaType = "multipart/form-data";

    /// <param name="expected">What to send, in words, for the 415's detail (e.g. "one part named file").</param>
    public static async Task<(IFormCollection? Form, IResult? Problem)> ReadAsync(HttpRequest request, string expected, CancellationToken ct)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send multipart/form-data.",
                detail: $"Upload as multipart/form-data with {expected}."));
        }
        try
        {
            return (await request.ReadFormAsync(ct), null);
        }
        catch (InvalidDataException e)
        {
            return (null, ApiResults.Invalid("body", $"The multipart body could not be read: {e.Message}"));
        }
    }
}

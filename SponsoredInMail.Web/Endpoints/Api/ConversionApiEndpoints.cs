using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SponsoredInMail.Core.Conversions;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>A conversion definition over the API; <see cref="TagKey"/> is what the tag and pixel name it by.</summary>
public sealed record ApiConversionDefinition(
    int Id, string Name, ConversionCategory Category, long? ValueCents, int PostClickDays, int PostSendDays, ConversionCounting Counting,
    string TagKey, bool Archived, long Received, long Attributed)
{
    public static ApiConversionDefinition From(ConversionDefinitionView d) =>
        new(d.Id, d.Name, d.Category, d.ValueCents, d.PostClickDays, d.PostSendDays, d.Counting, d.TagKey, d.IsArchived, d.Received, d.Attributed);
}

/// <summary>Creates a conversion definition. Windows: post-click 1, 7, 30 or 90 days; post-send 1, 7 or 30.</summary>
public sealed record ApiConversionDefinitionRequest(
    string? Name, ConversionCategory? Category, long? ValueCents, int? PostClickDays, int? PostSendDays, ConversionCounting? Counting);

/// <summary>
/// A Conversions API request: 1–1,000 events. Each names its conversion, carries your own unique <c>eventId</c> (a retry
/// with the same id is answered as a duplicate, never counted twice), when it happened (UTC), and a way to match the
/// member: the <c>clickId</c> from the landing URL's <c>simclid</c> parameter, and/or <c>emailSha256</c>, the SHA-256
/// (hex) of the trimmed, lower-case e-mail address.
/// </summary>
public sealed record ApiConversionBatch(IReadOnlyList<ApiConversion>? Events);

/// <summary>One event's result, in the order sent.</summary>
public sealed record ApiConversionResult(string? EventId, ConversionStatus Status, long ConversionEventId, int? CampaignId, int? AdId, AttributionTouch Touch, bool Counted);

public sealed record ApiConversionBatchResult(int Received, int Attributed, int Unattributed, int Duplicates, IReadOnlyList<ApiConversionResult> Results);

/// <summary>Conversion definitions and the Conversions API under <c>/api/v1/conversions</c>.</summary>
public static class ConversionApiEndpoints
{
    public static void MapConversionApi(this RouteGroupBuilder api)
    {
        var conversions = api.MapGroup("/conversions").WithTags("Conversions");
        conversions.MapGet("/", ListAsync).WithName("ListConversions")
            .WithSummary("The account's conversion definitions (archived ones too when includeArchived=true), with events received and counted.")
            .Produces<IReadOnlyList<ApiConversionDefinition>>();
        conversions.MapPost("/", CreateAsync).WithName("CreateConversion").WithSummary("Creates a conversion definition.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiConversionDefinitionRequest>)
            .Produces<ApiConversionDefinition>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        conversions.MapPost("/events", RecordAsync).WithName("RecordConversions")
            .WithSummary("The Conversions API: records 1–1,000 conversion events, matched by click id or e-mail SHA-256 and credited to the last touch.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiConversionBatch>)
            .Produces<ApiConversionBatchResult>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, ConversionDefinitionService definitions, bool? includeArchived, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var list = await definitions.ListForAccountAsync(caller.AccountId, includeArchived ?? false, ct);
        return TypedResults.Ok(list.Select(ApiConversionDefinition.From).ToList());
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, ConversionDefinitionService definitions, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiConversionDefinitionRequest>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var missing = new List<Core.Common.FieldError>();
        if (body!.Category is null)
        {
            missing.Add(new("category", "The category is required: Lead, SignUp, Purchase, Download or Other."));
        }
        if (missing.Count > 0)
        {
            return ApiResults.Invalid(missing);
        }
        var caller = user.ApiCaller();
        var input = new ConversionDefinitionInput(body.Name ?? "", body.Category!.Value, body.ValueCents, body.PostClickDays ?? 30, body.PostSendDays ?? 7,
            body.Counting ?? ConversionCounting.OncePerMemberPerWindow);
        var created = await definitions.CreateAsync(caller.ActingUserId, caller.AccountId, input, ct);
        if (!created.Succeeded)
        {
            return ApiResults.Refused(created.Outcome);
        }
        var view = await definitions.GetAsync(caller.ActingUserId, caller.AccountId, created.Value, ct);
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

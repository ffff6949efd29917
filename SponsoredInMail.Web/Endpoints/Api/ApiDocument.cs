using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SponsoredInMail.Core.Api;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// Completes the generated OpenAPI document into the contract an integrator reads: strict string enums, the tags'
/// descriptions, the headers every operation shares (Idempotency-Key, If-Match, If-None-Match, the rate-limit headers),
/// every error status with a problem example, descriptions of the shared parameters and of problem details, and an
/// example for every request body and JSON response (built from the schema, with product-like values, so an example
/// can never drift from its schema). <c>ApiDocumentTests</c> checks the result; <c>redocly lint</c> runs in CI.
/// </summary>
public static class ApiDocument
{
    public const string Description = """
        The REST API of one advertiser account: audiences and matched lists, ads and lead forms, campaigns with their
        variants and A/B tests, reports, leads, conversions (with the Conversions API) and webhooks — everything a marketer
        does in the app.

        **Authentication.** `Authorization: Bearer <token>` with a token a Manager creates on the account's API tokens page.
        A read-only token reads; writes need a read-write token (403 otherwise). An id of another account answers 404,
        exactly like one that does not exist.

        **Money** is in integer cents of US dollars (USD), the currency every account is billed in (`*Cents` fields). **Times**
        are UTC, ISO 8601 (`2026-12-01T09:00:00Z`); report days are UTC dates. **Rates** (open, click, conversion rates) are
        fractions from 0 to 1, not percents.

        **Lists** page with a cursor: `limit` (1–200, default 50) and `cursor`, the `nextCursor` of the previous page
        (null on the last). Lists are ordered by id, so pages are stable while items are added.

        **Safe retries.** Send `Idempotency-Key` (1–255 visible characters, e.g. a UUID) with any POST: a retry with the same
        key and the same request within 24 hours gets the first answer again (`Idempotent-Replayed: true`) and changes
        nothing; the same key with another request is a 409. **Concurrency.** Reads of one resource carry an `ETag`; send
        it back as `If-Match` on an update to get 412 instead of overwriting someone else's change.

        **Limits.** Each token may make a number of requests a minute; every answer carries `RateLimit-Limit`,
        `RateLimit-Remaining` and `RateLimit-Reset` (seconds), and beyond the limit a 429 with `Retry-After`.

        **Errors** are RFC 9457 problem details (`application/problem+json`) with `type`, `title`, `status`, `detail`,
        `traceId` (quote it to support) and, for invalid input, `errors`: messages by field name. An enum is a string name;
        a number or an unknown name is a 400 naming the field.

        **Versioning.** This is version 1 (`/api/v1`); fields may be added to responses, never removed or changed in meaning.
        """;

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Audiences"] = "Saved audiences: targeting by member attributes, counted live against the member database.",
        ["Matched lists"] = "Audiences from your own list of e-mail addresses (CSV upload), matched to members.",
        ["Ads"] = "Message Ads and Conversation Ads, with a preview as a member sees it.",
        ["Lead forms"] = "Lead generation forms attached to ads.",
        ["Senders"] = "Members who let the account send sponsored messages in their name (an ad's sender).",
        ["Campaigns"] = "Campaigns from draft through review to launch, with their ads, A/B tests and status history.",
        ["Reports"] = "Sends, opens, clicks, leads, conversions and spend by day, per campaign or for the account.",
        ["Leads"] = "Leads members submitted through lead forms.",
        ["Conversions"] = "Conversion definitions, the conversions log, and the Conversions API.",
        ["Webhooks"] = "Signed HTTP callbacks for leads, campaign status changes and conversions, with their delivery log.",
    };

    private static readonly Dictionary<string, string> ParameterDescriptions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["id"] = "The id of the resource (a whole number).",
        ["limit"] = "How many items to return: 1 to 200; default 50.",
        ["cursor"] = "Where to continue: the nextCursor of the previous page, unchanged. Leave out for the first page.",
        ["from"] = "First UTC day of the range (yyyy-MM-dd), inclusive.",
        ["to"] = "Last UTC day of the range (yyyy-MM-dd), inclusive.",
        ["includeArchived"] = "Include archived items too; default false.",
        ["campaignId"] = "Only items of this campaign.",
        ["status"] = "Only items in this status.",
        ["search"] = "Only items whose name contains this text (case-insensitive).",
        ["format"] = "Only ads of this format.",
        ["memberId"] = "The member to preview the ad as (one of the account's preview members); default a sample member.",
        ["deliveryId"] = "The id of the webhook delivery.",
        ["listId"] = "The id of the matched list.",
        ["enabled"] = "Only endpoints that are enabled (true) or disabled (false).",
        ["senderMemberId"] = "The member the copy is sent from (a sender who has granted the account permission); default the original's sender.",
        ["sampleMemberId"] = "The member to personalize the preview for (one of the account's preview members); default a sample member.",
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (type.IsEnum && schema.Properties is null or { Count: 0 })
            {
                // The strict enum converter writes and reads names only.
                schema.Type = JsonSchemaType.String;
                schema.Enum = Enum.GetNames(type).Select(n => (JsonNode)JsonValue.Create(n)!).ToList();
                // The comment generator misses an enum first met as a nullable property; read its summary from the XML file.
                if (string.IsNullOrEmpty(schema.Description))
                {
                    schema.Description = XmlSummaries.Of(type);
                }
            }
            MarkNullableReferences(schema, context.JsonTypeInfo);
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            Complete(document);
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// A property of a nullable reference type that refers to another schema (e.g. a computed <c>Winner</c>) comes out
    /// as a bare (later referenced) object schema, which says it is never null; say it may be.
    /// </summary>
    private static void MarkNullableReferences(OpenApiSchema schema, System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        if (schema.Properties is not { Count: > 0 } properties)
        {
            return;
        }
        var nullability = new System.Reflection.NullabilityInfoContext();
        foreach (var property in type.Properties)
        {
            if (property.AttributeProvider is System.Reflection.PropertyInfo info && !info.PropertyType.IsValueType
                && nullability.Create(info).ReadState == System.Reflection.NullabilityState.Nullable
                && properties.TryGetValue(property.Name, out var found) && found is OpenApiSchema { OneOf: null } concrete
                && concrete.Type is { } kind && kind.HasFlag(JsonSchemaType.Object) && !kind.HasFlag(JsonSchemaType.Null))
            {
                properties[property.Name] = new OpenApiSchema
                {
                    Description = concrete.Description,
                    OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, concrete],
                };
            }
        }
    }

    /// <summary>
    /// An enum schema the generator kept without its names or comment (one first met through a property with its own
    /// converter comes out empty) gets them here: a string of the type's names, described by the type's summary.
    /// </summary>
    private static void CompleteEnums(OpenApiDocument document)
    {
        foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (schema is not OpenApiSchema concrete || concrete.Properties is { Count: > 0 }
                || typeof(Core.Campaigns.Campaign).Assembly.GetTypes().FirstOrDefault(t => t.IsEnum && t.Name == name) is not { } type)
            {
                continue;
            }
            concrete.Type = JsonSchemaType.String;
            concrete.Enum = Enum.GetNames(type).Select(n => (JsonNode)JsonValue.Create(n)!).ToList();
            if (string.IsNullOrEmpty(concrete.Description))
            {
                concrete.Description = XmlSummaries.Of(type);
            }
        }
    }

    private static void Complete(OpenApiDocument document)
    {
        CompleteEnums(document); // first: the examples below read the enums' names
        document.Info.Description = Description;
        document.Info.License = new OpenApiLicense { Name = "Proprietary — for SponsoredInMail customers", Url = new Uri("https://sponsoredinmail.example/terms") };
        if (document.Servers is { Count: > 0 } servers)
        {
            foreach (var server in servers)
            {
                server.Url = server.Url?.TrimEnd('/') is { Length: > 0 } url ? url : "http://localhost:5000";
                server.Description ??= "This installation.";
            }
        }
        var used = new HashSet<string>();
        foreach (var (_, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                foreach (var tag in operation.Tags ?? new HashSet<OpenApiTagReference>())
                {
                    used.Add(tag.Name!);
                }
                CompleteOperation(document, method, operation);
            }
        }
        document.Tags = new HashSet<OpenApiTag>(TagDescriptions.Where(t => used.Contains(t.Key))
            .Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        CompleteProblemSchemas(document);
    }

    private static void CompleteOperation(OpenApiDocument document, HttpMethod method, OpenApiOperation operation)
    {
        var writes = method != HttpMethod.Get;
        operation.Description ??= operation.Summary;
        operation.Parameters ??= [];
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>())
        {
            if (string.IsNullOrEmpty(parameter.Description) && parameter.Name is { } name && ParameterDescriptions.TryGetValue(name, out var text))
            {
                parameter.Description = text;
            }
        }
        if (method == HttpMethod.Post)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = ApiIdempotencyFilter.Header, In = ParameterLocation.Header, Required = false,
                Description = "Makes the request safe to retry: the same key and request within 24 hours answers the first result again without repeating it; the same key with another request is a 409. 1–255 visible ASCII characters, e.g. a UUID.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyRules.MaxKeyLength },
                Example = JsonValue.Create("5f0c2a6e-3d4b-4c1e-9a8f-1b2c3d4e5f60"),
            });
        }
        if (method == HttpMethod.Put || method == HttpMethod.Patch)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match", In = ParameterLocation.Header, Required = false,
                Description = "The ETag of the version you read: the update is refused with 412 if the resource changed since. Leave out to update whatever the current version is.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = JsonValue.Create("\"8ddf1c2b3a4e5f6\""),
            });
        }
        operation.Responses ??= [];
        var ok = operation.Responses.Where(r => r.Key.StartsWith('2')).Select(r => r.Value).OfType<OpenApiResponse>().ToList();
        var tagged = ok.Any(r => r.Headers?.ContainsKey("ETag") == true) || (method == HttpMethod.Get && IsOneResource(operation));
        if (method == HttpMethod.Get && tagged)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-None-Match", In = ParameterLocation.Header, Required = false,
                Description = "The ETag of the version you have: 304 without a body when it is still current.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            operation.Responses.TryAdd("304", new OpenApiResponse { Description = "Not modified: the version named by If-None-Match is current." });
        }
        Problem(operation, "400", "Invalid input: the problem's errors name each field (or parameter, or header) and what it expects.");
        Problem(operation, "401", "No token, or an unknown or revoked one.");
        if (writes)
        {
            Problem(operation, "403", "The token is read-only, or its creator's seat no longer allows this.");
        }
        Problem(operation, "429", "Too many requests for this token this minute; retry after Retry-After seconds.");
        Problem(operation, "500", "Something went wrong on our side; it is logged, and the problem's traceId identifies it.");
        if (method == HttpMethod.Post)
        {
            Problem(operation, "409", "The request conflicts with the resource's state, or the Idempotency-Key was used with another request or is still in progress.");
        }
        if (method == HttpMethod.Put || method == HttpMethod.Patch)
        {
            Problem(operation, "412", "If-Match names a version the resource no longer has.");
        }
        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }
            concrete.Description = string.IsNullOrEmpty(concrete.Description) ? status : concrete.Description;
            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            RateHeaders(concrete.Headers);
            if (status == "429")
            {
                concrete.Headers.TryAdd("Retry-After", Header("Seconds until a request is allowed again."));
            }
            if (status.StartsWith('2') && tagged)
            {
                concrete.Headers.TryAdd("ETag", Header("The version of the resource; send it as If-Match on an update."));
            }
            foreach (var (mediaType, content) in concrete.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                if (content.Example is null && content.Schema is { } schema)
                {
                    content.Example = mediaType.Contains("problem", StringComparison.Ordinal)
                        ? ProblemExample(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture))
                        : ApiExamples.For(document, schema);
                }
            }
        }
        if (operation.RequestBody is OpenApiRequestBody body)
        {
            foreach (var (_, content) in body.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                if (content.Example is null && content.Schema is { } schema)
                {
                    content.Example = ApiExamples.For(document, schema);
                }
            }
        }
    }

    private static bool IsOneResource(OpenApiOperation operation) =>
        operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true && operation.Responses?.ContainsKey("404") == true
        && operation.Responses.TryGetValue("200", out var ok) && ok.Content?.Values.FirstOrDefault()?.Schema is OpenApiSchemaReference reference
        && reference.Reference.Id is { } id && !id.StartsWith("ApiList", StringComparison.Ordinal) && !id.Contains("Report", StringComparison.Ordinal);

    private static void Problem(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses!.TryGetValue(status, out var existing))
        {
            if (existing is OpenApiResponse concrete && (string.IsNullOrEmpty(concrete.Description) || concrete.Description.Length < 30))
            {
                concrete.Description = description;
            }
            return;
        }
        var schema = status == "400" ? "HttpValidationProblemDetails" : "ProblemDetails";
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema) },
            },
        };
    }

    private static void RateHeaders(IDictionary<string, IOpenApiHeader> headers)
    {
        headers.TryAdd(ApiRateLimitFilter.LimitHeader, Header("Requests this token may make a minute."));
        headers.TryAdd(ApiRateLimitFilter.RemainingHeader, Header("Requests left in the current minute."));
        headers.TryAdd(ApiRateLimitFilter.ResetHeader, Header("Seconds until the current minute's count resets."));
    }

    private static OpenApiHeader Header(string description) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };

    private static JsonNode ProblemExample(int status) => status == 400
        ? new JsonObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1", ["title"] = "The request has invalid fields.", ["status"] = 400,
            ["errors"] = new JsonObject { ["bidCents"] = new JsonArray("The bid must be at least $0.25 per send; it is $0.10.") },
            ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        }
        : new JsonObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110", ["title"] = status switch
            {
                401 => "Unauthorized", 403 => "Not allowed.", 404 => "Not found.", 409 => "The campaign's state does not allow this.",
                412 => "The resource changed.", 415 => "Send JSON.", 429 => "Too many requests.", 500 => "Something went wrong on our side.", _ => "Error",
            },
            ["status"] = status, ["detail"] = "What went wrong, in a sentence.",
            ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        };

    /// <summary>Descriptions for the framework's problem-details schemas, and the traceId every problem carries.</summary>
    private static void CompleteProblemSchemas(OpenApiDocument document)
    {
        if (document.Components?.Schemas is not { } schemas)
        {
            return;
        }
        foreach (var name in new[] { "ProblemDetails", "HttpValidationProblemDetails" })
        {
            if (!schemas.TryGetValue(name, out var found) || found is not OpenApiSchema schema)
            {
                continue;
            }
            schema.Description = name == "ProblemDetails"
                ? "An error, as RFC 9457 problem details."
                : "Invalid input, as RFC 9457 problem details with messages by field name.";
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties.TryAdd("traceId", new OpenApiSchema { Type = JsonSchemaType.String });
            var texts = new Dictionary<string, string>
            {
                ["type"] = "A URI naming the kind of error.",
                ["title"] = "A short summary of the error.",
                ["status"] = "The HTTP status code.",
                ["detail"] = "What went wrong in this case, in a sentence.",
                ["instance"] = "The request the error is about.",
                ["errors"] = "Messages by field name (a body property, query parameter or header).",
                ["traceId"] = "The request's trace id: quote it when you contact support.",
            };
            foreach (var (property, value) in schema.Properties)
            {
                if (value is OpenApiSchema concrete && texts.TryGetValue(property, out var text))
                {
                    concrete.Description = text;
                }
            }
        }
    }
}

/// <summary>Type summaries from an assembly's XML documentation file (built beside it), for the document's enums.</summary>
internal static class XmlSummaries
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<System.Reflection.Assembly, Dictionary<string, string>> Files = new();

    public static string? Of(Type type)
    {
        var summaries = Files.GetOrAdd(type.Assembly, Load);
        return summaries.GetValueOrDefault($"T:{type.FullName?.Replace('+', '.')}");
    }

    private static Dictionary<string, string> Load(System.Reflection.Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (string.IsNullOrEmpty(assembly.Location) || !File.Exists(path))
        {
            return [];
        }
        return System.Xml.Linq.XDocument.Load(path).Descendants("member")
            .Where(m => m.Attribute("name")?.Value.StartsWith("T:", StringComparison.Ordinal) == true && m.Element("summary") is not null)
            .ToDictionary(m => m.Attribute("name")!.Value,
                m => string.Join(" ", m.Element("summary")!.DescendantNodes().OfType<System.Xml.Linq.XText>().Select(t => t.Value.Trim()).Where(t => t.Length > 0)));
    }
}

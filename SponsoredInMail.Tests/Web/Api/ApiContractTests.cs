using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>
/// The OpenAPI document is the contract integrators build on: it lists every API endpoint the app maps, and every
/// operation, parameter, schema and property is described, typed and exemplified, with every error status documented.
/// </summary>
[Collection(ApiCollection.Name)]
public class ApiContractTests(ApiAppFactory app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> DocumentAsync()
    {
        var text = await app.Client(null).GetStringAsync("/openapi/v1.json", Ct);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete")
            .Select(o => (path.Name, o.Name, o.Value)));

    [Fact]
    public async Task TheDocumentListsEveryApiEndpointTheAppMaps()
    {
        var document = await DocumentAsync();
        var documented = Operations(document).Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToHashSet();

        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true
                && e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(m => $"{m} {System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText!.TrimEnd('/'), @"\{(\w+)(:[^}]*)?\}", "{$1}")}"))
            .ToHashSet();

        mapped.Count.ShouldBeGreaterThan(50);
        mapped.Except(documented).ShouldBeEmpty("every mapped API endpoint is in the document");
        documented.Except(mapped).ShouldBeEmpty("the document describes nothing the app does not map");
    }

    [Fact]
    public async Task EveryOperationHasAnIdASummaryADescriptionATagAndEveryErrorStatusItCanReturn()
    {
        var document = await DocumentAsync();
        var problems = new List<string>();
        var ids = new HashSet<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            if (!operation.TryGetProperty("operationId", out var id) || !ids.Add(id.GetString()!))
            {
                problems.Add($"{name}: no unique operationId");
            }
            foreach (var field in new[] { "summary", "description" })
            {
                if (!operation.TryGetProperty(field, out var text) || string.IsNullOrWhiteSpace(text.GetString()))
                {
                    problems.Add($"{name}: no {field}");
                }
            }
            if (!operation.TryGetProperty("tags", out var tags) || tags.GetArrayLength() == 0)
            {
                problems.Add($"{name}: no tag");
            }
            var responses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet();
            var expected = new List<string> { "400", "401", "429" };
            if (method != "get")
            {
                expected.Add("403");
            }
            if (path.Contains('{', StringComparison.Ordinal))
            {
                expected.Add("404");
            }
            if (method == "put")
            {
                expected.Add("412");
            }
            if (method == "post")
            {
                expected.Add("409");
            }
            problems.AddRange(expected.Where(s => !responses.Contains(s)).Select(s => $"{name}: {s} not documented"));
            if (!responses.Any(r => r.StartsWith('2')))
            {
                problems.Add($"{name}: no success status");
            }
            foreach (var response in operation.GetProperty("responses").EnumerateObject())
            {
                if (!response.Value.GetProperty("headers").TryGetProperty("RateLimit-Remaining", out _))
                {
                    problems.Add($"{name} {response.Name}: no rate-limit headers");
                }
                if (response.Value.TryGetProperty("content", out var content))
                {
                    foreach (var media in content.EnumerateObject().Where(m => m.Name.Contains("json", StringComparison.Ordinal)))
                    {
                        if (!media.Value.TryGetProperty("example", out _))
                        {
                            problems.Add($"{name} {response.Name}: no example");
                        }
                    }
                }
            }
            if (operation.TryGetProperty("requestBody", out var body))
            {
                foreach (var media in body.GetProperty("content").EnumerateObject().Where(m => m.Name.Contains("json", StringComparison.Ordinal)))
                {
                    if (!media.Value.TryGetProperty("example", out _))
                    {
                        problems.Add($"{name}: request body has no example");
                    }
                }
            }
            if (method == "post" && !Parameters(operation).Any(p => p.GetProperty("name").GetString() == "Idempotency-Key"))
            {
                problems.Add($"{name}: no Idempotency-Key header");
            }
            if (method == "put" && !Parameters(operation).Any(p => p.GetProperty("name").GetString() == "If-Match"))
            {
                problems.Add($"{name}: no If-Match header");
            }
        }
        problems.ShouldBeEmpty();
    }

    private static IEnumerable<JsonElement> Parameters(JsonElement operation) =>
        operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray() : [];

    [Fact]
    public async Task EveryParameterIsDescribedAndTyped()
    {
        var document = await DocumentAsync();
        var problems = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            foreach (var parameter in Parameters(operation))
            {
                var name = $"{method.ToUpperInvariant()} {path} {parameter.GetProperty("name").GetString()}";
                if (!parameter.TryGetProperty("description", out var description) || string.IsNullOrWhiteSpace(description.GetString()))
                {
                    problems.Add($"{name}: no description");
                }
                if (!parameter.TryGetProperty("schema", out var schema))
                {
                    problems.Add($"{name}: no schema");
                }
            }
        }
        problems.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/api/v1/leads", "limit", "integer")]
    [InlineData("/api/v1/leads", "campaignId", "integer")]
    [InlineData("/api/v1/leads", "from", "string")]
    [InlineData("/api/v1/ads", "includeArchived", "boolean")]
    public async Task QueryParametersCarryRealTypes(string path, string parameter, string type)
    {
        var document = await DocumentAsync();

        var schema = Parameters(document.GetProperty("paths").GetProperty(path).GetProperty("get"))
            .Single(p => p.GetProperty("name").GetString() == parameter).GetProperty("schema");

        schema.GetRawText().ShouldContain($"\"{type}\"");
        if (parameter == "from")
        {
            schema.GetProperty("format").GetString().ShouldBe("date");
        }
    }

    [Fact]
    public async Task EverySchemaAndPropertyIsDescribedAndEveryEnumIsAStrictString()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var problems = new List<string>();
        foreach (var schema in schemas.EnumerateObject())
        {
            if (!schema.Value.TryGetProperty("description", out var description) || string.IsNullOrWhiteSpace(description.GetString()))
            {
                problems.Add($"{schema.Name}: no description");
            }
            if (schema.Value.TryGetProperty("enum", out var values))
            {
                if (schema.Value.GetProperty("type").GetString() != "string" || values.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
                {
                    problems.Add($"{schema.Name}: enum is not a string of names");
                }
            }
            if (!schema.Value.TryGetProperty("properties", out var properties))
            {
                continue;
            }
            foreach (var property in properties.EnumerateObject())
            {
                // A property that only refers to another schema is described by that schema.
                var onlyReference = property.Value.TryGetProperty("$ref", out _)
                    || (property.Value.TryGetProperty("oneOf", out var oneOf) && oneOf.EnumerateArray().All(o => o.TryGetProperty("$ref", out _) || o.GetRawText().Contains("null", StringComparison.Ordinal)));
                if (!onlyReference && (!property.Value.TryGetProperty("description", out var text) || string.IsNullOrWhiteSpace(text.GetString())))
                {
                    problems.Add($"{schema.Name}.{property.Name}: no description");
                }
            }
        }
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheDocumentStatesCurrencyRatesPaginationRetriesAndErrors()
    {
        var document = await DocumentAsync();

        var description = document.GetProperty("info").GetProperty("description").GetString()!;

        description.ShouldContain("USD");
        description.ShouldContain("fractions from 0 to 1");
        description.ShouldContain("nextCursor");
        description.ShouldContain("Idempotency-Key");
        description.ShouldContain("If-Match");
        description.ShouldContain("traceId");
        document.GetProperty("tags").EnumerateArray().All(t => t.TryGetProperty("description", out var _)).ShouldBeTrue();
    }

    [Fact]
    public async Task ThePublishedDocumentIsReachableWithoutAToken()
    {
        var response = await app.Client(null).GetAsync("/openapi/v1.json", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace SponsoredInMail.Tests.Web.Api;

/// <summary>
/// Holds the API to its own document: every answer an API test receives through <see cref="ApiAppFactory.Client"/> must
/// have a status the OpenAPI document lists for that operation, and a JSON body that validates against the schema the
/// document gives for that status (JSON Schema 2020-12, with the document's components). A mismatch fails the test
/// that made the request, naming the operation, the status and what did not match — so the document can never drift
/// from what the API returns.
/// </summary>
public sealed class ApiResponseContract(Func<Task<JsonElement>> document) : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();
    private List<(Regex Pattern, string Template, int Parameters)>? _paths;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString.Split('?')[0];
        if (!path.StartsWith("/api/v1/", StringComparison.Ordinal) || request.Method == HttpMethod.Head)
        {
            return response;
        }
        var doc = await document();
        var template = Template(doc, path);
        var method = request.Method.Method.ToLowerInvariant();
        if (template is null || !doc.GetProperty("paths").GetProperty(template).TryGetProperty(method, out var operation))
        {
            return response; // not an operation of the API (the 404/405 fallback answers those)
        }
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var responses = operation.GetProperty("responses");
        if (!responses.TryGetProperty(status, out var documented))
        {
            throw new ShouldAssertException(
                $"{request.Method} {template} answered {status}, which the document does not list ({string.Join(", ", responses.EnumerateObject().Select(r => r.Name))}).");
        }
        if (response.StatusCode == HttpStatusCode.NoContent || response.StatusCode == HttpStatusCode.NotModified || response.Content is null)
        {
            return response;
        }
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (mediaType is null || !mediaType.Contains("json", StringComparison.Ordinal) || text.Length == 0)
        {
            return response;
        }
        if (!documented.TryGetProperty("content", out var content) || !content.TryGetProperty(mediaType, out var media) || !media.TryGetProperty("schema", out var schemaNode))
        {
            throw new ShouldAssertException($"{request.Method} {template} answered {status} with {mediaType}, which the document does not describe for that status.");
        }
        var schema = _schemas.GetOrAdd($"{method} {template} {status} {mediaType}", _ => Compile(doc, schemaNode));
        using var body = JsonDocument.Parse(text);
        var result = schema.Evaluate(body.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Distinct().Take(8);
            throw new ShouldAssertException(
                $"{request.Method} {template} answered {status} with a body the document's schema refuses:\n  {string.Join("\n  ", errors)}\nBody: {Cut(text)}");
        }
        return response;
    }

    private static string Cut(string text) => text.Length <= 600 ? text : text[..600] + "…";

    /// <summary>The document's path template for a request path: literal segments beat parameters (ads/preview before ads/{id}).</summary>
    private string? Template(JsonElement doc, string path)
    {
        _paths ??= doc.GetProperty("paths").EnumerateObject().Select(p => (
                new Regex("^" + Regex.Replace(Regex.Escape(p.Name), @"\\\{\w+}", "[0-9]+") + "/?$", RegexOptions.CultureInvariant),
                p.Name, p.Name.Count(c => c == '{')))
            .OrderBy(p => p.Item3).ToList();
        return _paths.FirstOrDefault(p => p.Pattern.IsMatch(path)).Template;
    }

    /// <summary>
    /// A JSON Schema for one response: the documented schema with the document's components as $defs. Each schema gets
    /// a registry of its own: JsonSchema.Net's global registry is a plain dictionary, and API tests compiling schemas
    /// at the same moment lost registrations in it ("Could not resolve …#/$defs/ApiAudience" in CI; a parallel loop of
    /// 100,000 builds and evaluations fails about 8 times with the global registry, never with private ones).
    /// </summary>
    private static JsonSchema Compile(JsonElement doc, JsonElement schemaNode)
    {
        static string Rewrite(string json) => json.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var root = JsonNode.Parse(Rewrite(schemaNode.GetRawText()))!.AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = JsonNode.Parse(Rewrite(doc.GetProperty("components").GetProperty("schemas").GetRawText()));
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }
}

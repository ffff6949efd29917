using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// Examples for the OpenAPI document, built from each schema so they always match it: every property gets a value of
/// its type, chosen from its name to read like the product (ids, cents, UTC times, e-mail addresses, rates 0–1) and the
/// first name of an enum.
/// </summary>
public static class ApiExamples
{
    private const int MaxDepth = 40;

    public static JsonNode? For(OpenApiDocument document, IOpenApiSchema schema) => Value(document, schema, null, 0);

    private static JsonNode? Value(OpenApiDocument document, IOpenApiSchema schema, string? name, int depth)
    {
        if (schema is OpenApiSchemaReference reference)
        {
            var id = reference.Reference.Id;
            if (id is null || document.Components?.Schemas?.TryGetValue(id, out var target) != true || depth > MaxDepth)
            {
                return null;
            }
            return Value(document, target!, name, depth + 1);
            // (The API's schemas have no cycles; MaxDepth only guards against one appearing.)
        }
        if (schema.Enum is { Count: > 0 } values)
        {
            return values[0]?.DeepClone();
        }
        foreach (var options in new[] { schema.OneOf, schema.AnyOf, schema.AllOf })
        {
            if (options is { Count: > 0 } && options.FirstOrDefault(o => o.Type != JsonSchemaType.Null) is { } option)
            {
                return Value(document, option, name, depth);
            }
        }
        var type = schema.Type ?? (schema.Properties is { Count: > 0 } ? JsonSchemaType.Object : 0);
        if (type.HasFlag(JsonSchemaType.Object) || schema.Properties is { Count: > 0 })
        {
            var result = new JsonObject();
            if (depth > MaxDepth)
            {
                return result;
            }
            foreach (var (property, value) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                result[property] = Value(document, value, property, depth + 1);
            }
            if (schema.AdditionalProperties is { } additional && result.Count == 0)
            {
                result["key"] = Value(document, additional, "key", depth + 1);
            }
            return result;
        }
        if (type.HasFlag(JsonSchemaType.Array))
        {
            var array = new JsonArray();
            if (schema.Items is { } items && depth <= MaxDepth)
            {
                array.Add(Value(document, items, Singular(name), depth + 1));
            }
            return array;
        }
        if (type.HasFlag(JsonSchemaType.String))
        {
            return JsonValue.Create(Text(name ?? "", schema.Format));
        }
        if (type.HasFlag(JsonSchemaType.Integer))
        {
            return JsonValue.Create(Integer(name ?? ""));
        }
        if (type.HasFlag(JsonSchemaType.Number))
        {
            return JsonValue.Create(Number(name ?? ""));
        }
        if (type.HasFlag(JsonSchemaType.Boolean))
        {
            return JsonValue.Create(false);
        }
        return null;
    }

    private static string? Singular(string? name) => name is { Length: > 1 } n && n.EndsWith('s') ? n[..^1] : name;

    private static string Text(string name, string? format)
    {
        var n = name.ToLowerInvariant();
        return format switch
        {
            "date-time" => "2026-12-01T09:00:00Z",
            "date" => "2026-12-01",
            "uri" => "https://www.contoso.example/demo",
            _ when n.Contains("email", StringComparison.Ordinal) => n.Contains("sha256", StringComparison.Ordinal)
                ? "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514" : "alex.morgan@contoso.example",
            _ when n.EndsWith("url", StringComparison.Ordinal) => "https://www.contoso.example/demo",
            _ when n == "day" || n.EndsWith("date", StringComparison.Ordinal) || n is "from" or "to" => "2026-12-01",
            _ when n.EndsWith("at", StringComparison.Ordinal) && n.Length > 2 => "2026-12-01T09:00:00Z",
            _ when n.Contains("cursor", StringComparison.Ordinal) => "c1.MTI",
            _ when n == "subject" => "A quick question about your data stack",
            _ when n == "body" || n == "text" => "Hi {{FirstName}}, we'd love to show you how Contoso Cloud cuts reporting time in half.",
            _ when n.Contains("secret", StringComparison.Ordinal) => "whsec_3q2+7w==",
            _ when n.Contains("eventid", StringComparison.Ordinal) => "order-10482",
            _ when n.Contains("clickid", StringComparison.Ordinal) => "AQAAAAB4bmFtZQ",
            _ when n.Contains("tagkey", StringComparison.Ordinal) => "cv_k3J9dQ",
            _ when n.Contains("name", StringComparison.Ordinal) => "Q4 engineering leaders",
            _ when n == "key" || n == "value" => "US",
            _ => "text",
        };
    }

    private static long Integer(string name)
    {
        var n = name.ToLowerInvariant();
        return n switch
        {
            _ when n.EndsWith("cents", StringComparison.Ordinal) => 2_500,
            _ when n.EndsWith("id", StringComparison.Ordinal) || n.EndsWith("ids", StringComparison.Ordinal) => 42,
            _ when n.Contains("percent", StringComparison.Ordinal) => 10,
            _ when n.EndsWith("days", StringComparison.Ordinal) => 30,
            _ when n == "status" => 200,
            _ => 120,
        };
    }

    private static double Number(string name) =>
        name.Contains("rate", StringComparison.OrdinalIgnoreCase) || name.Contains("share", StringComparison.OrdinalIgnoreCase) ? 0.25 : 1.5;
}

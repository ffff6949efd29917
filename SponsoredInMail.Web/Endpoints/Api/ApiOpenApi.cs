using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>OpenAPI helpers for endpoints that read their JSON body by hand (<see cref="ApiJson"/>).</summary>
public static class ApiOpenApi
{
    /// <summary>
    /// Describes a required JSON request body of <typeparamref name="T"/>. Accepts&lt;T&gt; would also make routing refuse
    /// other content types before the handler could answer them with a problem, so the body is described here instead.
    /// Use: <c>.AddOpenApiOperationTransformer(ApiOpenApi.Body&lt;T&gt;)</c>.
    /// </summary>
    public static async Task Body<T>(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct) =>
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "A JSON object (Content-Type: application/json).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct) },
            },
        };
}

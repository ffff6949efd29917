using System.Text;
using System.Text.Json;
using SponsoredInMail.Core.Conversions;
using SponsoredInMail.Web.Endpoints.Api;

namespace SponsoredInMail.Web.Endpoints;

/// <summary>
/// Where the advertiser's conversion tag (<c>/c/tag.js</c>, a static file) and image pixel report conversions. Both are
/// anonymous by nature — they run on the advertiser's pages — so they name a definition by its public tag key and can
/// only ever credit a conversion through a click id this app signed; anything malformed is a 400 problem and stores nothing.
/// </summary>
public static class ConversionTagEndpoints
{
    public const string EventsPath = "/c/events";
    public const string PixelPath = "/c/px";

    /// <summary>Largest tag request body: a handful of short fields.</summary>
    private const int MaxBody = 4_096;

    // The smallest transparent GIF.
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    private sealed record TagEvent(string? Conversion, string? ClickId, string? EventId, long? ValueCents);

    public static IEndpointRouteBuilder MapConversionTagEndpoints(this IEndpointRouteBuilder app)
    {
        // The tag posts text/plain JSON (sendBeacon, or fetch no-cors): a simple cross-origin request, no preflight.
        app.MapPost(EventsPath, async (HttpRequest request, HttpResponse response, ConversionIntake intake, CancellationToken ct) =>
        {
            response.Headers.AccessControlAllowOrigin = "*";
            if (request.ContentLength > MaxBody)
            {
                return ApiResults.Invalid("body", $"A tag event is at most {MaxBody:N0} bytes.");
            }
            TagEvent? body;
            try
            {
                var text = await ReadAsync(request.Body, ct);
                body = text is null ? null : JsonSerializer.Deserialize<TagEvent>(text, JsonSerializerOptions.Web);
            }
            catch (JsonException)
            {
                return ApiResults.Invalid("body", "The body is not a tag event (JSON with conversion, clickId, eventId, valueCents).");
            }
            if (body is null)
            {
                return ApiResults.Invalid("body", $"The body is not a tag event, or is longer than {MaxBody:N0} bytes.");
            }
            var recorded = await intake.FromTagAsync(body.Conversion, body.ClickId, body.EventId, body.ValueCents, ConversionSource.Tag, ct);
            return recorded.Succeeded ? Results.NoContent() : ApiResults.Invalid(recorded.Outcome.Errors);
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();

        // For pages without JavaScript: <img src="…/c/px?c=TAG_KEY&clid=CLICK_ID&eid=ORDER_ID&v=VALUE_CENTS">.
        app.MapGet(PixelPath, async (string? c, string? clid, string? eid, string? v, HttpResponse response, ConversionIntake intake, CancellationToken ct) =>
        {
            long? value = null;
            if (v is { Length: > 0 })
            {
                if (!long.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                {
                    return ApiResults.Invalid("v", "v is the value in cents, a whole number.");
                }
                value = parsed;
            }
            var recorded = await intake.FromTagAsync(c, clid, eid, value, ConversionSource.Pixel, ct);
            if (!recorded.Succeeded)
            {
                return ApiResults.Invalid(recorded.Outcome.Errors);
            }
            response.Headers.CacheControl = "no-store";
            return Results.File(Pixel, "image/gif");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<string?> ReadAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxBody + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }
        return read > MaxBody ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }
}

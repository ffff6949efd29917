using System.Security.Cryptography;
using System.Text;
using SponsoredInMail.Core.Api;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// <c>Idempotency-Key</c> on any POST: the first request with a key runs and its answer (status, body, Location) is stored;
/// a retry with the same key and the same request gets that answer again (with <c>Idempotent-Replayed: true</c>) without
/// running anything; the same key with another method, path or body is a 409, as is a retry while the first is still
/// running. A server error (5xx) is not remembered, so a retry runs again. Keys are per account and kept 24 hours
/// (<see cref="IdempotencyStore"/>). Runs after authentication and the rate limit.
/// </summary>
internal sealed class ApiIdempotencyFilter(IdempotencyStore store) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.Headers.TryGetValue(Header, out var values))
        {
            return await next(context);
        }
        var key = values.Count == 1 ? values[0] : null;
        var valid = IdempotencyRules.Check(key);
        if (!valid.Succeeded)
        {
            return ApiResults.Invalid(valid.Errors);
        }
        var accountId = http.User.ApiCaller().AccountId;
        var hash = await RequestHashAsync(http.Request, http.RequestAborted);
        var start = await store.BeginAsync(accountId, key!, hash, http.RequestAborted);
        switch (start.Kind)
        {
            case IdempotencyStartKind.Mismatch:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency-Key reused.",
                    detail: "This Idempotency-Key was already used with a different request (method, path or body). Use a new key for a new request.");
            case IdempotencyStartKind.InProgress:
                http.Response.Headers.RetryAfter = "1";
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Request in progress.",
                    detail: "The first request with this Idempotency-Key is still running; retry in a moment to get its answer.");
            case IdempotencyStartKind.Replay:
                return new Replay(start.Stored!);
        }

        // The first attempt: run it into a buffer, remember the answer, then send it.
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            var result = await next(context);
            switch (result)
            {
                case IResult executable:
                    await executable.ExecuteAsync(http);
                    break;
                case null:
                    break;
                default:
                    await TypedResults.Ok(result).ExecuteAsync(http);
                    break;
            }
        }
        catch
        {
            http.Response.Body = original;
            await store.ReleaseAsync(accountId, key!, CancellationToken.None);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }
        var status = http.Response.StatusCode;
        var body = Encoding.UTF8.GetString(buffer.ToArray());
        if (status >= 500)
        {
            await store.ReleaseAsync(accountId, key!, CancellationToken.None);
        }
        else
        {
            await store.CompleteAsync(accountId, key!, status, http.Response.ContentType, http.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null,
                body, CancellationToken.None, http.Response.Headers.ETag.ToString() is { Length: > 0 } e ? e : null);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
        return Results.Empty;
    }

    /// <summary>SHA-256 of method, path, query and body; the body is buffered so that the handler still reads it.</summary>
    private static async Task<string> RequestHashAsync(HttpRequest request, CancellationToken ct)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            sha.AppendData(chunk, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The stored answer of the first attempt.</summary>
    private sealed class Replay(IdempotencyRecord stored) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = stored.StatusCode ?? StatusCodes.Status200OK;
            http.Response.Headers[ReplayedHeader] = "true";
            if (stored.Location is { } location)
            {
                http.Response.Headers.Location = location;
            }
            if (stored.ETag is { } etag)
            {
                http.Response.Headers.ETag = etag;
            }
            if (stored.ContentType is { } type)
            {
                http.Response.ContentType = type;
            }
            if (!string.IsNullOrEmpty(stored.ResponseBody))
            {
                await http.Response.WriteAsync(stored.ResponseBody, http.RequestAborted);
            }
        }
    }
}

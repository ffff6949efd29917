using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// Optimistic concurrency for the API. A resource's version is its last settings change (<c>updatedAt</c>), sent as a
/// strong <c>ETag</c> on every read of one resource; an update may send it back as <c>If-Match</c>, and is refused with
/// 412 when the resource changed since (someone else's edit, in the UI or the API). Without If-Match an update simply
/// applies. A read with a matching <c>If-None-Match</c> answers 304 without a body.
/// </summary>
public static class ApiVersions
{
    public static string ETagOf(DateTime updatedAt) => $"\"{updatedAt.Ticks.ToString("x", CultureInfo.InvariantCulture)}\"";

    /// <summary>200 with the value and its ETag, or 304 when the client already has this version.</summary>
    public static IResult Ok<T>(HttpContext http, T value, DateTime updatedAt)
    {
        var tag = ETagOf(updatedAt);
        http.Response.Headers.ETag = tag;
        if (Matches(http.Request.Headers.IfNoneMatch, tag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Ok(value);
    }

    /// <summary>Sets the ETag of a resource just written (for a 201 or an update's 200).</summary>
    public static void Tag(HttpContext http, DateTime updatedAt) => http.Response.Headers.ETag = ETagOf(updatedAt);

    /// <summary>A 412 problem when the request's If-Match names another version than <paramref name="currentUpdatedAt"/>; null to go on.</summary>
    public static IResult? PreconditionFailed(HttpContext http, DateTime currentUpdatedAt)
    {
        var ifMatch = http.Request.Headers.IfMatch;
        if (ifMatch.Count == 0)
        {
            return null;
        }
        var current = ETagOf(currentUpdatedAt);
        if (Matches(ifMatch, current))
        {
            return null;
        }
        http.Response.Headers.ETag = current;
        return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The resource changed.",
            detail: $"If-Match names a version this resource no longer has (it is now {current}). Read it again, re-apply your change and retry.");
    }

    private static bool Matches(Microsoft.Extensions.Primitives.StringValues header, string tag)
    {
        if (header.Count == 0)
        {
            return false;
        }
        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return false;
        }
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || (!t.IsWeak && t.Tag.Equals(tag, StringComparison.Ordinal)));
    }
}

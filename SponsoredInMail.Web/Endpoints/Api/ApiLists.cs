using System.Buffers.Text;
using System.Globalization;
using System.Text;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>One page of a list.</summary>
/// <param name="Items">This page's items, in the list's order (oldest first, unless the operation says newest first).</param>
/// <param name="NextCursor">Pass as <c>cursor</c> to get the next page; null on the last page.</param>
public sealed record ApiList<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>What a list request asked for: how many items, and after which one.</summary>
public sealed record ApiListRequest(int Limit, long? After);

/// <summary>
/// Cursor pagination for every list of the API: <c>limit</c> (1–<see cref="MaxLimit"/>, default
/// <see cref="DefaultLimit"/>) and an opaque <c>cursor</c> taken from the previous page's <c>nextCursor</c>. The cursor
/// is the id of the last item returned and lists are ordered by id, so a page is stable under inserts: new items land
/// at the end of an oldest-first list (or the start of a newest-first one), never shifting a page already read.
/// </summary>
public static class ApiLists
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    private const string Prefix = "c1.";

    /// <summary>The limit and cursor, or a 400-worthy error naming the parameter.</summary>
    public static Result<ApiListRequest> Parse(int? limit, string? cursor)
    {
        var errors = new List<FieldError>();
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add(new FieldError("limit", $"limit must be from 1 to {MaxLimit}."));
        }
        long? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (Decode(cursor) is { } id)
            {
                after = id;
            }
            else
            {
                errors.Add(new FieldError("cursor", "cursor is not one this API returned; pass a page's nextCursor unchanged."));
            }
        }
        return errors.Count > 0 ? Result.Fail(errors) : Result<ApiListRequest>.Ok(new ApiListRequest(limit ?? DefaultLimit, after));
    }

    /// <summary>One page of <paramref name="items"/> ordered by <paramref name="id"/> (descending when <paramref name="newestFirst"/>).</summary>
    public static ApiList<T> Page<T>(IEnumerable<T> items, Func<T, long> id, ApiListRequest request, bool newestFirst = false)
    {
        var ordered = newestFirst ? items.OrderByDescending(id) : items.OrderBy(id);
        var rest = request.After is { } after ? ordered.Where(i => newestFirst ? id(i) < after : id(i) > after) : ordered;
        var page = rest.Take(request.Limit + 1).ToList();
        return Of(page, id, request.Limit);
    }

    /// <summary>
    /// A page from up to <c>limit + 1</c> items already read in order after the cursor (a keyset query): the extra one
    /// only says there is a next page.
    /// </summary>
    public static ApiList<T> Of<T>(IReadOnlyList<T> readOneMore, Func<T, long> id, int limit)
    {
        if (readOneMore.Count <= limit)
        {
            return new ApiList<T>(readOneMore, null);
        }
        var page = readOneMore.Take(limit).ToList();
        return new ApiList<T>(page, Encode(id(page[^1])));
    }

    public static string Encode(long id)
    {
        var bytes = Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture));
        return Prefix + Base64Url.EncodeToString(bytes);
    }

    public static long? Decode(string cursor)
    {
        if (!cursor.StartsWith(Prefix, StringComparison.Ordinal) || cursor.Length > 40)
        {
            return null;
        }
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor.AsSpan(Prefix.Length)));
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

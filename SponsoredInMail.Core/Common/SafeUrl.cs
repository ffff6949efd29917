namespace SponsoredInMail.Core.Common;

/// <summary>
/// Checks for URLs at the moment they become a link or a redirect. Saving validates them too, but a value can reach
/// the database (or a request) some other way, so what is rendered or followed is checked again here.
/// </summary>
public static class SafeUrl
{
    /// <summary>The value when it is an absolute http:// or https:// URL, else null: show null as text, never as a link.</summary>
    public static string? TryHttp(string? value) => FieldRules.IsHttpUrl(value) ? value : null;

    /// <summary>
    /// Whether <paramref name="url"/> is a path on this site, as ASP.NET's Url.IsLocalUrl decides: it starts with one
    /// '/' that is not followed by another '/' or a '\' (browsers read both as "another host"), and holds no control
    /// characters.
    /// </summary>
    public static bool IsLocalPath(string? url) =>
        url is { Length: > 0 } && url[0] == '/'
        && (url.Length == 1 || (url[1] is not ('/' or '\\') && !url.AsSpan(1).ContainsAnyInRange('\0', '\u001f') && !url.Contains('\u007f')));

    /// <summary>
    /// A return URL as a path on this site, or null when it could lead elsewhere or is malformed. Besides local paths it
    /// accepts a path relative to the site's root ("campaigns") and an absolute URL under <paramref name="baseUri"/>.
    /// </summary>
    public static string? LocalPath(string? url, string? baseUri = null)
    {
        if (url is null)
        {
            return null;
        }
        if (baseUri is { Length: > 0 } && url.StartsWith(baseUri, StringComparison.OrdinalIgnoreCase) && baseUri.EndsWith('/'))
        {
            url = url[(baseUri.Length - 1)..];
        }
        else if (url.Length > 0 && url[0] is not ('/' or '\\') && !HasScheme(url))
        {
            url = "/" + url;
        }
        else if (url.Length == 0)
        {
            url = "/";
        }
        return IsLocalPath(url) ? url : null;
    }

    /// <summary>Whether a ':' comes before the first '/', '?' or '#': then the text names a scheme, not a path.</summary>
    private static bool HasScheme(string url)
    {
        var end = url.AsSpan().IndexOfAny('/', '?', '#');
        return (end < 0 ? url.AsSpan() : url.AsSpan(0, end)).Contains(':');
    }
}

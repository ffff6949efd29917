namespace SponsoredInMail.Core.Engagement;

/// <summary>
/// The click id on a tracked click's landing URL (<c>simclid</c>): the advertiser's conversion tag reads it there, keeps
/// it in a first-party cookie, and sends it back with conversions, which are then credited to that click.
/// </summary>
public static class ClickIds
{
    public const string Parameter = "simclid";

    /// <summary>The URL with <c>simclid=…</c> added to its query (before any fragment); an existing one is replaced.</summary>
    public static string AppendTo(string url, string clickId)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var fragment = hash >= 0 ? url[hash..] : "";
        var head = hash >= 0 ? url[..hash] : url;
        var question = head.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            var kept = head[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Where(p => !p.StartsWith(Parameter + "=", StringComparison.Ordinal) && p != Parameter);
            var query = string.Join('&', kept.Append($"{Parameter}={clickId}"));
            return $"{head[..question]}?{query}{fragment}";
        }
        return $"{head}?{Parameter}={clickId}{fragment}";
    }
}

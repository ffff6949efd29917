using Ganss.Xss;
using Markdig;
using Markdig.Parsers;
using Markdig.Parsers.Inlines;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace SponsoredInMail.Core.Ads;

/// <summary>
/// The body format of sponsored messages: plain text with line breaks plus inline links written
/// [text](https://…). Rendered through Markdig with raw HTML disabled and everything but paragraphs,
/// line breaks and links switched off, then through HtmlSanitizer allowing only p, br and http/https links.
/// Whatever a marketer (or a member's profile, via macros) writes ends up as inert text.
/// </summary>
public static class MessageBody
{
    public sealed record InlineLink(string Text, string Url, bool IsImage);

    private static readonly MarkdownPipeline Pipeline = BuildPipeline();

    /// <summary>The links the body contains, as a marketer wrote them.</summary>
    public static IReadOnlyList<InlineLink> Links(string body)
    {
        var document = Markdown.Parse(body ?? "", Pipeline);
        return document.Descendants<LinkInline>()
            .Select(link => new InlineLink(TextOf(link), link.Url ?? "", link.IsImage))
            .ToList();
    }

    /// <summary>Safe HTML for the body; <paramref name="rewriteUrl"/> lets tracking swap each link for its redirect.</summary>
    public static string ToHtml(string body, Func<string, string>? rewriteUrl = null)
    {
        var html = Markdown.ToHtml(body ?? "", Pipeline);
        return Sanitize(html, rewriteUrl);
    }

    /// <summary>Footers and other plain texts: line breaks kept, no links, no markup.</summary>
    public static string PlainTextToHtml(string text) =>
        string.Join("<br>", (text ?? "").Replace("\r\n", "\n").Split('\n').Select(System.Net.WebUtility.HtmlEncode));

    private static string Sanitize(string html, Func<string, string>? rewriteUrl)
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "p", "br", "a" },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedCssProperties = new HashSet<string>(),
        });
        sanitizer.KeepChildNodes = true;
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } anchor)
            {
                var href = anchor.GetAttribute("href");
                if (string.IsNullOrEmpty(href) || !Common.FieldRules.IsHttpUrl(href))
                {
                    anchor.RemoveAttribute("href");
                    return;
                }
                if (rewriteUrl is not null)
                {
                    anchor.SetAttribute("href", rewriteUrl(href));
                }
                anchor.SetAttribute("rel", "noopener noreferrer nofollow");
                anchor.SetAttribute("target", "_blank");
            }
        };
        return sanitizer.Sanitize(html).Trim();
    }

    private static MarkdownPipeline BuildPipeline()
    {
        var builder = new MarkdownPipelineBuilder().DisableHtml().UseSoftlineBreakAsHardlineBreak();
        // Plain text plus links: no headings, lists, quotes, code, emphasis or autolinks.
        builder.BlockParsers.RemoveAll(p => p is not ParagraphBlockParser);
        builder.InlineParsers.RemoveAll(p => p is not (LinkInlineParser or LineBreakInlineParser or EscapeInlineParser));
        return builder.Build();
    }

    private static string TextOf(LinkInline link) =>
        string.Concat(link.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
}

using SponsoredInMail.Core.Ads;

namespace SponsoredInMail.Tests.Core.Ads;

/// <summary>Whatever goes into a body comes out as plain text, line breaks and http/https links — nothing else.</summary>
public class MessageBodyTests
{
    public static TheoryData<string> XssVectors =>
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<body onload=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1))",
        "[click](java\tscript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        "[click](//evil.example)",
        "[click](https://ok.example \"onmouseover=alert(1)\")",
        "[click](https://ok.example\" onmouseover=\"alert(1))",
        "![x](https://evil.example/x.png\" onerror=\"alert(1))",
        "![x](javascript:alert(1))",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<style>@import 'https://evil.example/x.css';</style>",
        "<link rel=stylesheet href=https://evil.example/x.css>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "<input autofocus onfocus=alert(1)>",
        "<details open ontoggle=alert(1)>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;script&#62;alert(1)&#60;/script&#62;",
        "<scr<script>ipt>alert(1)</script>",
        "\"><script>alert(1)</script>",
        "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
        "<https://evil.example/autolink>",
        "<!--<script>alert(1)//-->",
        "<base href=\"javascript:alert(1)//\">",
    ];

    [Theory]
    [MemberData(nameof(XssVectors))]
    public void ClassicXssVectorsRenderAsInertText(string vector)
    {
        var html = MessageBody.ToHtml($"Hello {vector} world");

        // Parse what a browser would: only p, br and a elements may exist, with only safe attributes.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument($"<html><body>{html}</body></html>");
        foreach (var element in document.Body!.QuerySelectorAll("*"))
        {
            element.LocalName.ShouldBeOneOf("p", "br", "a");
            foreach (var attribute in element.Attributes)
            {
                attribute.Name.ShouldBeOneOf("href", "rel", "target");
            }
            if (element.GetAttribute("href") is { } href)
            {
                href.ShouldStartWith("https://ok.example");
            }
        }
        html.ShouldContain("Hello");
        html.ShouldContain("world");
    }

    [Fact]
    public void LinksRenderWithSafeRelAndNewTab()
    {
        var html = MessageBody.ToHtml("Read [the report](https://contoso.example/report?a=1&b=2).");

        html.ShouldBe("<p>Read <a href=\"https://contoso.example/report?a=1&amp;b=2\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">the report</a>.</p>");
    }

    [Fact]
    public void LineBreaksAreKeptAndMarkdownSyntaxIsPlainText()
    {
        var html = MessageBody.ToHtml("# Not a heading\n**not bold** and * not a list\n> not a quote");

        html.ShouldBe("<p># Not a heading<br>\n**not bold** and * not a list<br>\n&gt; not a quote</p>");
    }

    [Fact]
    public void TrackingCanRewriteEveryLink()
    {
        var html = MessageBody.ToHtml("[a](https://a.example) [b](https://b.example)", url => "https://track.example/t?u=" + Uri.EscapeDataString(url));

        html.ShouldContain("href=\"https://track.example/t?u=https%3A%2F%2Fa.example\"");
        html.ShouldContain("href=\"https://track.example/t?u=https%3A%2F%2Fb.example\"");
    }

    [Fact]
    public void LinksAreFoundWithTheirText()
    {
        var links = MessageBody.Links("See [one](https://a.example) and [two](http://b.example) and ![pic](https://c.example/p.png)");

        links.Select(l => (l.Text, l.Url, l.IsImage)).ShouldBe([("one", "https://a.example", false), ("two", "http://b.example", false), ("pic", "https://c.example/p.png", true)]);
    }

    [Fact]
    public void FootersKeepLineBreaksAndEncodeEverything() =>
        MessageBody.PlainTextToHtml("Terms apply.\n<b>Really</b> & truly").ShouldBe("Terms apply.<br>&lt;b&gt;Really&lt;/b&gt; &amp; truly");
}

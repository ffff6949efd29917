using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Tests.Core.Common;

/// <summary>The checks applied when a URL becomes a link (absolute http or https only) or a redirect (a path on this site only).</summary>
public class SafeUrlTests
{
    [Theory]
    [InlineData("https://contoso.example/privacy", true)]
    [InlineData("http://contoso.example", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("JavaScript:alert(1)", false)]
    [InlineData(" https://contoso.example", false)]
    [InlineData("data:text/html,<script>alert(1)</script>", false)]
    [InlineData("//contoso.example", false)]
    [InlineData("/privacy", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void OnlyAbsoluteHttpUrlsBecomeLinks(string? value, bool linked) =>
        (SafeUrl.TryHttp(value) is not null).ShouldBe(linked);

    [Theory]
    [InlineData("/campaigns", "/campaigns")]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    [InlineData("campaigns?tab=2", "/campaigns?tab=2")]
    [InlineData("http://localhost/campaigns", "/campaigns")]
    [InlineData("HTTP://LOCALHOST/campaigns", "/campaigns")]
    [InlineData("https://evil.example", null)]
    [InlineData("//evil.example", null)]
    [InlineData("/\\evil.example", null)]
    [InlineData("\\\\evil.example", null)]
    [InlineData("https:evil.example", null)]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("/\t/evil.example", null)]
    [InlineData("/a\r\nLocation: https://evil.example", null)]
    [InlineData("http://localhost//evil.example", null)]
    [InlineData("http://localhost.evil.example/", null)]
    [InlineData(null, null)]
    public void AReturnUrlIsKeptOnlyAsAPathOnThisSite(string? returnUrl, string? expected) =>
        SafeUrl.LocalPath(returnUrl, "http://localhost/").ShouldBe(expected);
}

using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Tests.Core.Conversions;

public class ClickIdTests
{
    [Theory]
    [InlineData("https://a.example/landing", "https://a.example/landing?simclid=ID")]
    [InlineData("https://a.example/landing?utm=x", "https://a.example/landing?utm=x&simclid=ID")]
    [InlineData("https://a.example/landing?simclid=old&utm=x#top", "https://a.example/landing?utm=x&simclid=ID#top")]
    [InlineData("https://a.example/#pricing", "https://a.example/?simclid=ID#pricing")]
    public void TheClickIdIsAddedToTheQueryBeforeAnyFragment(string url, string expected) =>
        ClickIds.AppendTo(url, "ID").ShouldBe(expected);

    [Fact]
    public void AClickIdReadsBackOnlyWhenGenuine()
    {
        var key = new byte[32];
        new Random(7).NextBytes(key);
        var id = TrackingTokens.IssueClickId(key, 123_456_789, 1_790_000_000);
        id.Length.ShouldBeLessThanOrEqualTo(64);
        System.Text.RegularExpressions.Regex.IsMatch(id, "^[A-Za-z0-9_-]{20,64}$").ShouldBeTrue("the tag accepts only this alphabet");

        var other = new byte[32];
        TrackingTokens.IssueClickId(other, 123_456_789, 1_790_000_000).ShouldNotBe(id);
        // A tracking token is no click id: the lengths and type byte differ.
        TrackingTokens.Issue(key, 123_456_789, 5, 1_790_000_000).ShouldNotBe(id);
    }
}

using SponsoredInMail.Core.Ads;

namespace SponsoredInMail.Tests.Core.Ads;

public class PersonalizationTests
{
    private static readonly PersonalizationProfile Mia = new("Mia", "Morgan", "Contoso", "Director of Marketing", "Retail", false);

    [Theory]
    [InlineData("%FIRSTNAME%", "Mia")]
    [InlineData("%LASTNAME%", "Morgan")]
    [InlineData("%COMPANYNAME%", "Contoso")]
    [InlineData("%JOBTITLE%", "Director of Marketing")]
    [InlineData("%INDUSTRY%", "Retail")]
    public void EachMacroTakesTheMembersValue(string macro, string expected) =>
        Personalization.ApplyToText($"Hi {macro}!", Mia).ShouldBe($"Hi {expected}!");

    [Theory]
    [InlineData("%FIRSTNAME%", "LinkedIn Member")]
    [InlineData("%LASTNAME%", "LinkedIn Member")]
    [InlineData("%COMPANYNAME%", "your company")]
    [InlineData("%JOBTITLE%", "professional")]
    [InlineData("%INDUSTRY%", "industry")]
    public void MembersWithPersonalizationOffGetTheFallbacks(string macro, string fallback) =>
        Personalization.ApplyToText(macro, Mia with { PersonalizationOff = true }).ShouldBe(fallback);

    [Fact]
    public void AMissingValueGetsTheFallback() =>
        Personalization.ApplyToText("%COMPANYNAME% / %JOBTITLE%", Mia with { CompanyName = " ", JobTitle = "" }).ShouldBe("your company / professional");

    [Fact]
    public void NoMemberMeansFallbacks() =>
        Personalization.ApplyToText("Dear %FIRSTNAME%", null).ShouldBe("Dear LinkedIn Member");

    [Theory]
    [InlineData("%firstname%")]
    [InlineData("%FirstName%")]
    [InlineData("%FIRSTNAME")]
    [InlineData("FIRSTNAME%")]
    [InlineData("%FIRST_NAME%")]
    [InlineData("%EMAIL%")]
    public void AnythingButTheUpperCaseMacrosStaysLiteral(string text) =>
        Personalization.ApplyToText(text, Mia).ShouldBe(text);

    [Fact]
    public void MemberValuesAreHtmlEncodedInHtml()
    {
        var mallory = Mia with { FirstName = "<script>alert(1)</script>", CompanyName = "A&B \"Co\"" };

        var html = Personalization.ApplyToHtml("<p>Hi %FIRSTNAME% of %COMPANYNAME%</p>", mallory);

        html.ShouldBe("<p>Hi &lt;script&gt;alert(1)&lt;/script&gt; of A&amp;B &quot;Co&quot;</p>");
    }

    [Fact]
    public void RenderedBodiesArePersonalizedAfterSanitizing()
    {
        var ad = new Ad { Name = "n", Subject = "Hello %FIRSTNAME%", Body = "Hi %FIRSTNAME%,\nsee [our offer](https://contoso.example/offer)", CtaText = "Go", CtaTarget = CtaTarget.LandingUrl, LandingUrl = "https://contoso.example", CreatedByUserId = "u", UpdatedByUserId = "u" };
        var mallory = Mia with { FirstName = "[click](javascript:alert(1))" };

        var rendered = MessageRenderer.RenderMessageAd(ad, new SenderCard("Sam Sender", "VP"), mallory);

        rendered.Subject.ShouldBe("Hello [click](javascript:alert(1))");
        rendered.BodyHtml.ShouldContain("Hi [click](javascript:alert(1)),<br>");
        rendered.BodyHtml.ShouldNotContain("href=\"javascript");
    }
}

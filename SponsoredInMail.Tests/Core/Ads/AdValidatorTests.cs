using SponsoredInMail.Core.Ads;

namespace SponsoredInMail.Tests.Core.Ads;

/// <summary>Every Message Ad limit: exactly at the limit passes, one over fails with the field and the limit named.</summary>
public class AdValidatorTests
{
    private static readonly AdContext Context = new(SenderGranted: true, IsUsableLeadForm: id => id == 7, IsAccountBanner: id => id == 3, MaxConversationDepth: 10);

    private static readonly AdInput Valid = new("Spring webinar", AdFormat.MessageAd, 42, "Join our webinar, %FIRSTNAME%",
        "Hi %FIRSTNAME%,\nsee [the agenda](https://contoso.example/agenda).", "Register", CtaTarget.LandingUrl, "https://contoso.example/register");

    private static string? Error(AdInput input, string field, AdContext? context = null) =>
        AdValidator.Validate(input, context ?? Context).Outcome.ErrorFor(field);

    [Fact]
    public void AValidMessageAdPasses() => AdValidator.Validate(Valid, Context).Outcome.Succeeded.ShouldBeTrue();

    public static TheoryData<string> ControlCharacters() => ["a\0b", "two\nlines", "carriage\rreturn", "tab\there", "bell\u0007", "next\u0085line", "line\u2028separator"];

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public void OneLineFieldsRefuseControlCharacters(string text)
    {
        Error(Valid with { Name = text }, "name").ShouldNotBeNull();
        Error(Valid with { Subject = text }, "subject").ShouldNotBeNull();
        Error(Valid with { CtaText = text[..Math.Min(text.Length, 20)] }, "ctaText").ShouldNotBeNull();
    }

    [Fact]
    public void TheBodyKeepsLineBreaksButRefusesNul()
    {
        Error(Valid with { Body = "Hi,\r\n\tthere" }, "body").ShouldBeNull();
        Error(Valid with { Body = "Hi\0there" }, "body").ShouldBe("Message body cannot contain control characters such as NUL.");
        Error(Valid with { Footer = "Terms\0" }, "footer").ShouldNotBeNull();
    }

    [Theory]
    [InlineData(60, true)]
    [InlineData(61, false)]
    [InlineData(0, false)]
    public void SubjectIsOneToSixtyCharacters(int length, bool ok) =>
        (Error(Valid with { Subject = new string('s', length) }, "subject") is null).ShouldBe(ok);

    [Fact]
    public void TheSubjectMessageNamesTheLimitAndTheLength() =>
        Error(Valid with { Subject = new string('s', 61) }, "subject").ShouldBe("Subject must be 1–60 characters; it has 61.");

    [Theory]
    [InlineData(1_500, true)]
    [InlineData(1_501, false)]
    [InlineData(0, false)]
    public void BodyIsOneToFifteenHundredCharacters(int length, bool ok) =>
        (Error(Valid with { Body = new string('b', length) }, "body") is null).ShouldBe(ok);

    [Theory]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void AtMostThreeInlineLinks(int links, bool ok)
    {
        var body = string.Join(" ", Enumerable.Range(1, links).Select(i => $"[link {i}](https://contoso.example/{i})"));

        var error = Error(Valid with { Body = body }, "body");

        (error is null).ShouldBe(ok);
        if (!ok)
        {
            error.ShouldBe("The body can have at most 3 links; it has 4.");
        }
    }

    [Theory]
    [InlineData(70, true)]
    [InlineData(71, false)]
    public void LinkTextIsAtMostSeventyCharacters(int length, bool ok) =>
        (Error(Valid with { Body = $"[{new string('t', length)}](https://contoso.example)" }, "body") is null).ShouldBe(ok);

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://contoso.example/file")]
    [InlineData("/relative/path")]
    [InlineData("data:text/html,hi")]
    public void InlineLinksMustBeHttpOrHttps(string url) =>
        Error(Valid with { Body = $"[offer]({url})" }, "body").ShouldNotBeNull().ShouldContain("http:// or https://");

    [Fact]
    public void ImagesInTheBodyAreRefused() =>
        Error(Valid with { Body = "![pic](https://contoso.example/p.png)" }, "body").ShouldBe("Images cannot be placed in the body; use the banner instead.");

    [Theory]
    [InlineData(20, true)]
    [InlineData(21, false)]
    [InlineData(0, false)]
    public void ButtonTextIsOneToTwentyCharacters(int length, bool ok) =>
        (Error(Valid with { CtaText = new string('c', length) }, "ctaText") is null).ShouldBe(ok);

    [Theory]
    [InlineData(1_024, true)]
    [InlineData(1_025, false)]
    public void LandingUrlIsAtMost1024Characters(int length, bool ok)
    {
        var url = "https://contoso.example/" + new string('p', length - "https://contoso.example/".Length);

        (Error(Valid with { LandingUrl = url }, "landingUrl") is null).ShouldBe(ok);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("contoso.example")]
    [InlineData("mailto:sales@contoso.example")]
    [InlineData("")]
    public void LandingUrlMustBeAbsoluteHttpOrHttps(string url) =>
        Error(Valid with { LandingUrl = url }, "landingUrl").ShouldNotBeNull();

    [Fact]
    public void ALeadFormTargetMustBeOneOfTheAccountsForms()
    {
        var withForm = Valid with { CtaTarget = CtaTarget.LeadForm, LandingUrl = null, LeadFormId = 7 };

        Error(withForm, "leadFormId").ShouldBeNull();
        Error(withForm with { LeadFormId = 8 }, "leadFormId").ShouldBe("Choose one of this account's lead gen forms.");
        Error(withForm with { LeadFormId = null }, "leadFormId").ShouldNotBeNull();
    }

    [Fact]
    public void TheCtaNeedsATarget() =>
        Error(Valid with { CtaTarget = null }, "ctaTarget").ShouldBe("Choose where the button leads: a landing URL or a lead gen form.");

    [Theory]
    [InlineData(10_000, true)]
    [InlineData(10_001, false)]
    public void MessageAdFooterIsAtMostTenThousandCharacters(int length, bool ok) =>
        (Error(Valid with { Footer = new string('f', length) }, "footer") is null).ShouldBe(ok);

    [Fact]
    public void TheSenderMustHaveGrantedPermission() =>
        Error(Valid, "sender", Context with { SenderGranted = false })
            .ShouldBe("Choose a sender who has granted this account permission to send in their name.");

    [Fact]
    public void ABannerMustBeTheAccountsOwn()
    {
        Error(Valid with { BannerImageId = 3 }, "banner").ShouldBeNull();
        Error(Valid with { BannerImageId = 4 }, "banner").ShouldNotBeNull();
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(101, false)]
    [InlineData(0, false)]
    public void AdNameIsOneToOneHundredCharacters(int length, bool ok) =>
        (Error(Valid with { Name = new string('n', length) }, "name") is null).ShouldBe(ok);

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var bad = Valid with { Name = "", Subject = "", Body = "", CtaText = new string('c', 21), LandingUrl = "nope" };

        AdValidator.Validate(bad, Context with { SenderGranted = false }).Outcome.Errors.Select(e => e.Field)
            .ShouldBe(["name", "sender", "subject", "body", "ctaText", "landingUrl"], ignoreOrder: true);
    }
}

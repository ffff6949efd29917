using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Tests.Core.Ads;

/// <summary>Every lead gen form limit, exactly at the limit and one over, with messages that name the field and the limit.</summary>
public class LeadFormValidatorTests
{
    internal static LeadFormInput Valid() => new(
        "Cloud cost guide",
        "Get the 2027 cloud cost guide",
        "We send it to your work e-mail.",
        [ProfileField.FirstName, ProfileField.LastName, ProfileField.Email],
        [new CustomQuestion("What is your monthly cloud spend?", QuestionKind.Choice, ["Under $10k", "$10k–$100k", "Over $100k"]),
         new CustomQuestion("What would you like to discuss?", QuestionKind.FreeText, [])],
        "https://contoso.example/privacy",
        "I agree that Contoso may contact me about its products.",
        "Thanks! The guide is on its way.",
        "https://contoso.example/guide");

    private static string Text(int length) => new('a', length);

    /// <summary>An absolute https URL of exactly <paramref name="length"/> characters.</summary>
    private static string Url(int length)
    {
        const string prefix = "https://contoso.example/";
        return prefix + new string('p', length - prefix.Length);
    }

    private static CustomQuestion Choice(params string[] options) => new("Pick one", QuestionKind.Choice, options);

    private static string N(int value) => value.ToString("N0");

    [Fact]
    public void AValidFormPasses()
    {
        LeadFormValidator.Validate(Valid()).ShouldBe(Result.Ok);
    }

    [Theory]
    [InlineData("Two\nlines")]
    [InlineData("Nul\0")]
    [InlineData("Carriage\rreturn")]
    public void OneLineTextsRefuseControlCharactersInside(string text)
    {
        var form = Valid() with { Name = text, Headline = text, Questions = [new CustomQuestion(text, QuestionKind.Choice, ["A", text])] };

        LeadFormValidator.Validate(form).Errors.Select(e => e.Field).ShouldBe(["name", "headline", "questions[0].text", "questions[0].options"]);
    }

    [Fact]
    public void MultiLineTextsKeepLineBreaksButRefuseNul()
    {
        LeadFormValidator.Validate(Valid() with { ThankYouMessage = "Thanks!\nSee you." }).Succeeded.ShouldBeTrue();
        LeadFormValidator.Validate(Valid() with { ConsentText = "I agree\0" }).ErrorFor("consentText").ShouldNotBeNull();
    }

    [Fact]
    public void AMinimalFormPasses()
    {
        var minimal = new LeadFormInput("N", "H", "", [ProfileField.Email], [], "http://a.example", null, "T", null);

        LeadFormValidator.Validate(minimal).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var bad = new LeadFormInput("", "", Text(161), [],
            [new CustomQuestion("", QuestionKind.Choice, ["Only one"]), new CustomQuestion("Why?", QuestionKind.FreeText, ["x"])],
            "", Text(2_001), "", "ftp://contoso.example/file");

        var result = LeadFormValidator.Validate(bad);

        result.Errors.Select(e => e.Field).ShouldBe(
            ["name", "headline", "details", "profileFields", "questions[0].text", "questions[0].options", "questions[1].options",
             "privacyPolicyUrl", "consentText", "thankYouMessage", "thankYouUrl"]);
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(101, false)]
    [InlineData(0, false)]
    public void NameIsOneToOneHundredCharacters(int length, bool ok)
    {
        var result = LeadFormValidator.Validate(Valid() with { Name = Text(length) });

        result.ErrorFor("name").ShouldBe(ok ? null : $"Name must be 1–100 characters; it has {length}.");
    }

    [Theory]
    [InlineData(60, true)]
    [InlineData(61, false)]
    [InlineData(0, false)]
    public void HeadlineIsOneToSixtyCharacters(int length, bool ok)
    {
        var result = LeadFormValidator.Validate(Valid() with { Headline = Text(length) });

        result.ErrorFor("headline").ShouldBe(ok ? null : $"Headline must be 1–60 characters; it has {length}.");
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(160, true)]
    [InlineData(161, false)]
    public void DetailsAreAtMostOneHundredSixtyCharacters(int length, bool ok)
    {
        var result = LeadFormValidator.Validate(Valid() with { Details = Text(length) });

        result.ErrorFor("details").ShouldBe(ok ? null : "Details can be at most 160 characters; it has 161.");
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2_000, true)]
    [InlineData(2_001, false)]
    public void ConsentTextIsAtMostTwoThousandCharacters(int length, bool ok)
    {
        var result = LeadFormValidator.Validate(Valid() with { ConsentText = Text(length) });

        result.ErrorFor("consentText").ShouldBe(ok ? null : $"Consent text must be 1–{N(2_000)} characters; it has {N(2_001)}.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void AMissingConsentTextMeansTheFormHasNoCheckbox(string? consent)
    {
        var input = Valid() with { ConsentText = consent };

        LeadFormValidator.Validate(input).Succeeded.ShouldBeTrue();
        LeadFormValidator.Normalize(input).ConsentText.ShouldBeNull();
    }

    [Theory]
    [InlineData(300, true)]
    [InlineData(301, false)]
    [InlineData(0, false)]
    public void ThankYouMessageIsOneToThreeHundredCharacters(int length, bool ok)
    {
        var result = LeadFormValidator.Validate(Valid() with { ThankYouMessage = Text(length) });

        result.ErrorFor("thankYouMessage").ShouldBe(ok ? null : $"Thank-you message must be 1–300 characters; it has {length}.");
    }

    [Theory]
    [InlineData(1_024, true)]
    [InlineData(1_025, false)]
    public void PrivacyPolicyUrlIsAtMost1024Characters(int length, bool ok)
    {
        var result = LeadFormValidator.Validate(Valid() with { PrivacyPolicyUrl = Url(length) });

        result.ErrorFor("privacyPolicyUrl").ShouldBe(ok ? null : $"Privacy policy URL can be at most {N(1_024)} characters; it has {N(1_025)}.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void PrivacyPolicyUrlIsRequired(string url)
    {
        LeadFormValidator.Validate(Valid() with { PrivacyPolicyUrl = url }).ErrorFor("privacyPolicyUrl").ShouldBe("Privacy policy URL is required.");
    }

    [Theory]
    [InlineData("contoso.example/privacy")]
    [InlineData("/privacy")]
    [InlineData("ftp://contoso.example/privacy")]
    [InlineData("javascript:alert(1)")]
    [InlineData("mailto:privacy@contoso.example")]
    public void PrivacyPolicyUrlMustBeAbsoluteHttp(string url)
    {
        LeadFormValidator.Validate(Valid() with { PrivacyPolicyUrl = url }).ErrorFor("privacyPolicyUrl")
            .ShouldBe("Privacy policy URL must be an absolute http:// or https:// address.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TheThankYouLinkIsOptional(string? url)
    {
        var input = Valid() with { ThankYouUrl = url };

        LeadFormValidator.Validate(input).Succeeded.ShouldBeTrue();
        LeadFormValidator.Normalize(input).ThankYouUrl.ShouldBeNull();
    }

    [Theory]
    [InlineData(1_024, true)]
    [InlineData(1_025, false)]
    public void TheThankYouLinkIsAtMost1024Characters(int length, bool ok)
    {
        var result = LeadFormValidator.Validate(Valid() with { ThankYouUrl = Url(length) });

        result.ErrorFor("thankYouUrl").ShouldBe(ok ? null : $"Thank-you link can be at most {N(1_024)} characters; it has {N(1_025)}.");
    }

    [Fact]
    public void TheThankYouLinkMustBeHttp()
    {
        LeadFormValidator.Validate(Valid() with { ThankYouUrl = "javascript:alert(1)" }).ErrorFor("thankYouUrl")
            .ShouldBe("Thank-you link must be an absolute http:// or https:// address.");
    }

    [Fact]
    public void TextsAreMeasuredAfterTrimming()
    {
        var input = Valid() with
        {
            Name = "  " + Text(100) + "  ",
            Headline = "\t" + Text(60) + "\n",
            PrivacyPolicyUrl = "  https://contoso.example/privacy  ",
            Questions = [new CustomQuestion(" " + Text(80) + " ", QuestionKind.Choice, ["  Yes ", " No"])],
        };

        LeadFormValidator.Validate(input).Succeeded.ShouldBeTrue();
        var normalized = LeadFormValidator.Normalize(input);
        normalized.Name.ShouldBe(Text(100));
        normalized.PrivacyPolicyUrl.ShouldBe("https://contoso.example/privacy");
        normalized.Questions[0].Text.ShouldBe(Text(80));
        normalized.Questions[0].Options.ShouldBe(["Yes", "No"]);
    }

    [Fact]
    public void AtLeastOneProfileFieldIsPrefilled()
    {
        LeadFormValidator.Validate(Valid() with { ProfileFields = [] }).ErrorFor("profileFields")
            .ShouldBe("Choose at least one profile field to prefill.");
    }

    [Fact]
    public void AllProfileFieldsMayBeChosen()
    {
        LeadFormValidator.Validate(Valid() with { ProfileFields = Enum.GetValues<ProfileField>() }).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void AProfileFieldIsChosenOnce()
    {
        var result = LeadFormValidator.Validate(Valid() with { ProfileFields = [ProfileField.Email, ProfileField.Company, ProfileField.Email] });

        result.ErrorFor("profileFields").ShouldBe("Email is chosen 2 times; choose each profile field once.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(99)]
    public void UnknownProfileFieldsAreRefused(int value)
    {
        var result = LeadFormValidator.Validate(Valid() with { ProfileFields = [ProfileField.Email, (ProfileField)value] });

        result.ErrorFor("profileFields").ShouldBe($"{value} is not a profile field.");
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void AFormHasAtMostThreeCustomQuestions(int count, bool ok)
    {
        var questions = Enumerable.Range(1, count).Select(i => new CustomQuestion($"Question {i}?", QuestionKind.FreeText, [])).ToList();

        var result = LeadFormValidator.Validate(Valid() with { Questions = questions });

        result.ErrorFor("questions").ShouldBe(ok ? null : "A form can have at most 3 custom questions; it has 4.");
        result.Succeeded.ShouldBe(ok);
    }

    [Theory]
    [InlineData(80, true)]
    [InlineData(81, false)]
    [InlineData(0, false)]
    public void AQuestionIsOneToEightyCharacters(int length, bool ok)
    {
        var questions = new[] { new CustomQuestion("First?", QuestionKind.FreeText, []), new CustomQuestion(Text(length), QuestionKind.FreeText, []) };

        var result = LeadFormValidator.Validate(Valid() with { Questions = questions });

        result.ErrorFor("questions[1].text").ShouldBe(ok ? null : $"Question 2 must be 1–80 characters; it has {length}.");
        result.ErrorFor("questions[0].text").ShouldBeNull();
    }

    [Fact]
    public void AFreeTextQuestionHasNoOptions()
    {
        var result = LeadFormValidator.Validate(Valid() with { Questions = [new CustomQuestion("Why?", QuestionKind.FreeText, ["A", "B"])] });

        result.ErrorFor("questions[0].options").ShouldBe("Question 1 is free text and takes no options; it has 2.");
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(10, true)]
    [InlineData(1, false)]
    [InlineData(11, false)]
    [InlineData(0, false)]
    public void AChoiceHasTwoToTenOptions(int count, bool ok)
    {
        var options = Enumerable.Range(1, count).Select(i => $"Option {i}").ToArray();

        var result = LeadFormValidator.Validate(Valid() with { Questions = [Choice(options)] });

        result.ErrorFor("questions[0].options").ShouldBe(ok ? null : $"Question 1 needs 2–10 options; it has {count}.");
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(51, false)]
    [InlineData(0, false)]
    public void AChoiceOptionIsOneToFiftyCharacters(int length, bool ok)
    {
        var result = LeadFormValidator.Validate(Valid() with { Questions = [Choice("Yes", Text(length))] });

        result.ErrorFor("questions[0].options").ShouldBe(ok ? null : $"Option 2 of question 1 must be 1–50 characters; it has {length}.");
    }

    [Fact]
    public void ChoiceOptionsDifferIgnoringCaseAndSpaces()
    {
        var result = LeadFormValidator.Validate(Valid() with { Questions = [Choice("Yes", "No", " YES ")] });

        result.ErrorFor("questions[0].options").ShouldBe("Question 1 lists the option 'Yes' more than once; options must differ.");
    }

    [Fact]
    public void AQuestionKindMustBeKnown()
    {
        var result = LeadFormValidator.Validate(Valid() with { Questions = [new CustomQuestion("Huh?", (QuestionKind)7, [])] });

        result.ErrorFor("questions[0].kind").ShouldBe("Question 1 must be free text or a choice.");
    }

    [Fact]
    public void NullsFromAnApiCallAreRefusedNotThrown()
    {
        var input = new LeadFormInput(null!, null!, null!, null!, [null!, new CustomQuestion("Pick", QuestionKind.Choice, null!)], null!, null, null!, null);

        var result = LeadFormValidator.Validate(input);

        result.Errors.Select(e => e.Field).Distinct().ShouldBe(
            ["name", "headline", "profileFields", "questions[0].text", "questions[1].options", "privacyPolicyUrl", "thankYouMessage"]);
    }
}

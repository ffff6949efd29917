using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Ads;

/// <summary>What a marketer enters for a lead gen form; <see cref="LeadFormValidator"/> says whether it may be saved.</summary>
public sealed record LeadFormInput(
    string Name,
    string Headline,
    string Details,
    IReadOnlyList<ProfileField> ProfileFields,
    IReadOnlyList<CustomQuestion> Questions,
    string PrivacyPolicyUrl,
    string? ConsentText,
    string ThankYouMessage,
    string? ThankYouUrl);

/// <summary>
/// The lead gen form rules of SPEC §2/§3, checked on trimmed input and reported all at once, each under the field it
/// concerns: "name", "headline", "details", "profileFields", "questions", "questions[i].text", "questions[i].kind",
/// "questions[i].options", "privacyPolicyUrl", "consentText", "thankYouMessage", "thankYouUrl". Name uniqueness needs
/// the database and is checked by <see cref="LeadFormService"/>.
/// </summary>
public static class LeadFormValidator
{
    /// <summary>
    /// Trims every text; null texts and lists become empty, and an empty consent text or thank-you link becomes null
    /// (the form has none). Order of fields, questions and options is kept.
    /// </summary>
    public static LeadFormInput Normalize(LeadFormInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new LeadFormInput(
            Trim(input.Name),
            Trim(input.Headline),
            Trim(input.Details),
            input.ProfileFields?.ToList() ?? [],
            (input.Questions ?? []).Select(NormalizeQuestion).ToList(),
            Trim(input.PrivacyPolicyUrl),
            TrimToNull(input.ConsentText),
            Trim(input.ThankYouMessage),
            TrimToNull(input.ThankYouUrl));
    }

    /// <summary>Checks the input (after <see cref="Normalize"/>) and names every problem.</summary>
    public static Result Validate(LeadFormInput input)
    {
        var form = Normalize(input);
        var errors = new List<FieldError>();
        FieldRules.SingleLine(errors, "name", "Name", form.Name, 1, AdLimits.NameMax);
        FieldRules.SingleLine(errors, "headline", "Headline", form.Headline, 1, AdLimits.LeadFormHeadlineMax);
        FieldRules.Length(errors, "details", "Details", form.Details, 0, AdLimits.LeadFormDetailsMax);
        FieldRules.MultiLine(errors, "details", "Details", form.Details);
        FieldRules.MultiLine(errors, "consentText", "Consent text", form.ConsentText);
        FieldRules.MultiLine(errors, "thankYouMessage", "Thank-you message", form.ThankYouMessage);
        CheckProfileFields(errors, form.ProfileFields);
        CheckQuestions(errors, form.Questions);
        FieldRules.HttpUrl(errors, "privacyPolicyUrl", "Privacy policy URL", form.PrivacyPolicyUrl, AdLimits.UrlMax, required: true);
        if (form.ConsentText is not null)
        {
            FieldRules.Length(errors, "consentText", "Consent text", form.ConsentText, 1, AdLimits.LeadFormConsentMax);
        }
        FieldRules.Length(errors, "thankYouMessage", "Thank-you message", form.ThankYouMessage, 1, AdLimits.LeadFormThankYouMax);
        FieldRules.HttpUrl(errors, "thankYouUrl", "Thank-you link", form.ThankYouUrl, AdLimits.UrlMax, required: false);
        return errors.Count == 0 ? Result.Ok : Result.Fail(errors);
    }

    private static void CheckProfileFields(List<FieldError> errors, IReadOnlyList<ProfileField> fields)
    {
        if (fields.Count == 0)
        {
            errors.Add(new FieldError("profileFields", "Choose at least one profile field to prefill."));
            return;
        }
        foreach (var unknown in fields.Where(f => !Enum.IsDefined(f)).Distinct())
        {
            errors.Add(new FieldError("profileFields", $"{(int)unknown} is not a profile field."));
        }
        foreach (var repeated in fields.Where(f => Enum.IsDefined(f)).GroupBy(f => f).Where(g => g.Count() > 1))
        {
            errors.Add(new FieldError("profileFields", $"{repeated.Key} is chosen {repeated.Count()} times; choose each profile field once."));
        }
    }

    private static void CheckQuestions(List<FieldError> errors, IReadOnlyList<CustomQuestion> questions)
    {
        if (questions.Count > AdLimits.LeadFormCustomQuestionsMax)
        {
            errors.Add(new FieldError("questions",
                $"A form can have at most {AdLimits.LeadFormCustomQuestionsMax} custom questions; it has {questions.Count}."));
        }
        for (var i = 0; i < questions.Count; i++)
        {
            var question = questions[i];
            var field = $"questions[{i}]";
            var label = $"Question {i + 1}";
            FieldRules.SingleLine(errors, $"{field}.text", label, question.Text, 1, AdLimits.LeadFormQuestionMax);
            switch (question.Kind)
            {
                case QuestionKind.FreeText when question.Options.Count > 0:
                    errors.Add(new FieldError($"{field}.options",
                        $"{label} is free text and takes no options; it has {question.Options.Count}."));
                    break;
                case QuestionKind.FreeText:
                    break;
                case QuestionKind.Choice:
                    CheckOptions(errors, $"{field}.options", i + 1, question.Options);
                    break;
                default:
                    errors.Add(new FieldError($"{field}.kind", $"{label} must be free text or a choice."));
                    break;
            }
        }
    }

    private static void CheckOptions(List<FieldError> errors, string field, int number, IReadOnlyList<string> options)
    {
        if (options.Count < 2 || options.Count > AdLimits.LeadFormChoiceOptionsMax)
        {
            errors.Add(new FieldError(field,
                $"Question {number} needs 2–{AdLimits.LeadFormChoiceOptionsMax} options; it has {options.Count}."));
        }
        for (var j = 0; j < options.Count; j++)
        {
            FieldRules.SingleLine(errors, field, $"Option {j + 1} of question {number}", options[j], 1, AdLimits.LeadFormChoiceOptionMax);
        }
        var repeated = options.Where(o => o.Length > 0)
            .GroupBy(o => o, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1);
        foreach (var group in repeated)
        {
            errors.Add(new FieldError(field, $"Question {number} lists the option '{group.First()}' more than once; options must differ."));
        }
    }

    private static CustomQuestion NormalizeQuestion(CustomQuestion? question) =>
        question is null
            ? new CustomQuestion("", QuestionKind.FreeText, [])
            : new CustomQuestion(Trim(question.Text), question.Kind, (question.Options ?? []).Select(Trim).ToList());

    private static string Trim(string? value) => value?.Trim() ?? "";

    private static string? TrimToNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

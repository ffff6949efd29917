using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Conversions;

/// <summary>What a conversion definition, and a conversion event, may be.</summary>
public static class ConversionRules
{
    public const int NameMax = 80;
    public const int EventIdMax = 100;
    public const int MaxDefinitionsPerAccount = 50;

    /// <summary>Most events in one Conversions API request.</summary>
    public const int MaxBatch = 1_000;

    /// <summary>Largest value of one conversion: one million in the account's currency.</summary>
    public const long MaxValueCents = 100_000_000;

    /// <summary>How far in the past an API event may have happened (the longest click window).</summary>
    public const int MaxAgeDays = 90;

    /// <summary>How far in the future an event's time may be (clock skew of the advertiser's server).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(10);

    public static readonly int[] PostClickWindows = [1, 7, 30, 90];
    public static readonly int[] PostSendWindows = [1, 7, 30];

    public const int MaxHoldoutPercent = 20;

    public static void Validate(List<FieldError> errors, ConversionDefinitionInput input)
    {
        FieldRules.SingleLine(errors, "name", "Name", input.Name?.Trim(), 1, NameMax);
        if (!Enum.IsDefined(input.Category))
        {
            errors.Add(new FieldError("category", "Choose a category: lead, sign-up, purchase, download or other."));
        }
        if (input.ValueCents is < 0 or > MaxValueCents)
        {
            errors.Add(new FieldError("valueCents", $"The value must be between 0 and {MaxValueCents / 100:N0}.00."));
        }
        if (!PostClickWindows.Contains(input.PostClickDays))
        {
            errors.Add(new FieldError("postClickDays", "The post-click window is 1, 7, 30 or 90 days."));
        }
        if (!PostSendWindows.Contains(input.PostSendDays))
        {
            errors.Add(new FieldError("postSendDays", "The post-send window is 1, 7 or 30 days."));
        }
        if (!Enum.IsDefined(input.Counting))
        {
            errors.Add(new FieldError("counting", "Choose to count once per member per window or every conversion."));
        }
    }

    public static string? CheckHoldout(int percent) =>
        percent is < 0 or > MaxHoldoutPercent ? $"The holdout is between 0% and {MaxHoldoutPercent}% of the audience." : null;

    public static string CategoryLabel(ConversionCategory category) => category switch
    {
        ConversionCategory.SignUp => "Sign-up",
        _ => category.ToString(),
    };

    public static string CountingLabel(ConversionCounting counting) => counting switch
    {
        ConversionCounting.EveryTime => "Every conversion",
        _ => "Once per member per window",
    };
}

/// <summary>A conversion definition as the page or the API submits it.</summary>
public sealed record ConversionDefinitionInput(
    string Name, ConversionCategory Category, long? ValueCents, int PostClickDays = 30, int PostSendDays = 7,
    ConversionCounting Counting = ConversionCounting.OncePerMemberPerWindow);

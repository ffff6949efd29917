using System.Net;

namespace SponsoredInMail.Core.Ads;

/// <summary>What a message may say about its recipient.</summary>
public sealed record PersonalizationProfile(string FirstName, string LastName, string CompanyName, string JobTitle, string Industry, bool PersonalizationOff);

/// <summary>
/// The five macros of SPEC §2. Upper case only: "%firstname%" stays literal text. A member without a
/// value, or who turned personalization off, gets the fallback.
/// </summary>
public static class Personalization
{
    public sealed record Macro(string Token, string Fallback, Func<PersonalizationProfile, string> Value);

    public static readonly IReadOnlyList<Macro> Macros =
    [
        new("%FIRSTNAME%", "LinkedIn Member", p => p.FirstName),
        new("%LASTNAME%", "LinkedIn Member", p => p.LastName),
        new("%COMPANYNAME%", "your company", p => p.CompanyName),
        new("%JOBTITLE%", "professional", p => p.JobTitle),
        new("%INDUSTRY%", "industry", p => p.Industry),
    ];

    /// <summary>Replaces the macros in plain text (subjects, button texts).</summary>
    public static string ApplyToText(string text, PersonalizationProfile? member) => Apply(text, member, encode: false);

    /// <summary>Replaces the macros in already-sanitized HTML; member values are HTML-encoded.</summary>
    public static string ApplyToHtml(string html, PersonalizationProfile? member) => Apply(html, member, encode: true);

    private static string Apply(string text, PersonalizationProfile? member, bool encode)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains('%'))
        {
            return text;
        }
        foreach (var macro in Macros)
        {
            if (!text.Contains(macro.Token, StringComparison.Ordinal))
            {
                continue;
            }
            var value = member is null || member.PersonalizationOff ? null : macro.Value(member)?.Trim();
            var replacement = string.IsNullOrEmpty(value) ? macro.Fallback : value;
            text = text.Replace(macro.Token, encode ? WebUtility.HtmlEncode(replacement) : replacement, StringComparison.Ordinal);
        }
        return text;
    }
}

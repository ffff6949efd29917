namespace SponsoredInMail.Core.Common;

/// <summary>
/// LIKE patterns from what a user typed. <c>%</c>, <c>_</c> and <c>\</c> in the text match only themselves: pass
/// <see cref="EscapeCharacter"/> as <c>EF.Functions.Like</c>'s third argument (SQL <c>ESCAPE '\'</c>; SQLite and
/// PostgreSQL alike). Searches are case-insensitive on every provider: patterns are lower case, so compare them with
/// the column's <c>ToLower()</c> (SQL <c>lower()</c>; SQLite's LIKE ignores ASCII case anyway, PostgreSQL's does not).
/// </summary>
public static class LikePattern
{
    public const string EscapeCharacter = "\\";

    /// <summary>The search box's words, at most <paramref name="max"/> (more words narrow no further and cost a clause each).</summary>
    public static IReadOnlyList<string> Words(string? text, int max = 4) =>
        (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(max).ToList();

    /// <summary>The text with LIKE's wildcards and the escape character escaped.</summary>
    public static string Literal(string text) =>
        // A NUL can be in no stored text (PostgreSQL refuses it in a parameter): it matches nothing, so it goes.
        text.Replace("\0", "", StringComparison.Ordinal).ToLowerInvariant().Replace(EscapeCharacter, EscapeCharacter + EscapeCharacter, StringComparison.Ordinal)
            .Replace("%", EscapeCharacter + "%", StringComparison.Ordinal)
            .Replace("_", EscapeCharacter + "_", StringComparison.Ordinal);

    public static string StartsWith(string text) => Literal(text) + "%";

    public static string Contains(string text) => "%" + Literal(text) + "%";
}

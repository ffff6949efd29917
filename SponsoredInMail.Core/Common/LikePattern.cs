namespace SponsoredInMail.Core.Common;

/// <summary>
/// LIKE patterns from what a user typed. <c>%</c>, <c>_</c> and <c>\</c> in the text match only themselves: pass
/// <see cref="EscapeCharacter"/> as <c>EF.Functions.Like</c>'s third argument (SQL <c>ESCAPE '\'</c>; SQLite and
/// PostgreSQL alike).
/// </summary>
public static class LikePattern
{
    public const string EscapeCharacter = "\\";

    /// <summary>The search box's words, at most <paramref name="max"/> (more words narrow no further and cost a clause each).</summary>
    public static IReadOnlyList<string> Words(string? text, int max = 4) =>
        (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(max).ToList();

    /// <summary>The text with LIKE's wildcards and the escape character escaped.</summary>
    public static string Literal(string text) =>
        text.Replace(EscapeCharacter, EscapeCharacter + EscapeCharacter, StringComparison.Ordinal)
            .Replace("%", EscapeCharacter + "%", StringComparison.Ordinal)
            .Replace("_", EscapeCharacter + "_", StringComparison.Ordinal);

    public static string StartsWith(string text) => Literal(text) + "%";

    public static string Contains(string text) => "%" + Literal(text) + "%";
}

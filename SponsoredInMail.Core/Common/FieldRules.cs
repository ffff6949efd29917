namespace SponsoredInMail.Core.Common;

/// <summary>
/// The checks every form shares, each adding a message that names the field and the limit, e.g.
/// "Subject must be 1–60 characters; it has 61."
/// </summary>
public static class FieldRules
{
    public static void Length(List<FieldError> errors, string field, string label, string? value, int min, int max)
    {
        var length = value?.Length ?? 0;
        if (length < min || length > max)
        {
            errors.Add(new FieldError(field, min > 0
                ? $"{label} must be {min}–{max:N0} characters; it has {length:N0}."
                : $"{label} can be at most {max:N0} characters; it has {length:N0}."));
        }
    }

    /// <summary>
    /// A one-line text (a name, subject, button text): the length rule plus no control characters at all — no NUL,
    /// tab, CR or LF, nor the Unicode line and paragraph separators.
    /// </summary>
    public static void SingleLine(List<FieldError> errors, string field, string label, string? value, int min, int max)
    {
        Length(errors, field, label, value, min, max);
        if (value is not null && value.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'))
        {
            errors.Add(new FieldError(field, $"{label} must be a single line without control characters (no line breaks, tabs or NUL)."));
        }
    }

    /// <summary>A multi-line text (a body, a footer): line breaks and tabs are fine, other control characters such as NUL are not.</summary>
    public static void MultiLine(List<FieldError> errors, string field, string label, string? value)
    {
        if (value is not null && value.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t')))
        {
            errors.Add(new FieldError(field, $"{label} cannot contain control characters such as NUL."));
        }
    }

    /// <summary>Absolute http or https, at most <paramref name="max"/> characters; optional URLs may be null or empty.</summary>
    public static void HttpUrl(List<FieldError> errors, string field, string label, string? value, int max, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors.Add(new FieldError(field, $"{label} is required."));
            }
            return;
        }
        if (value.Length > max)
        {
            errors.Add(new FieldError(field, $"{label} can be at most {max:N0} characters; it has {value.Length:N0}."));
        }
        else if (!IsHttpUrl(value))
        {
            errors.Add(new FieldError(field, $"{label} must be an absolute http:// or https:// address."));
        }
    }

    public static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host)
        && value == value.Trim();
}

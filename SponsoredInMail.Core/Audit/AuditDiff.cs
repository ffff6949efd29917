using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Core.Audit;

/// <summary>One line of an audit entry's change: "Bid: $0.45 → $0.50". Field is null for a plain before/after value (a status).</summary>
public sealed record AuditChange(string? Field, string? Before, string? After);

/// <summary>
/// Reads an audit entry's before and after (JSON snapshots or plain values) as field-by-field changes with money,
/// dates and enums written for people, and keeps snapshots down to the fields that changed.
/// </summary>
public static class AuditDiff
{
    /// <summary>Field labels where the camel-case name would read poorly.</summary>
    private static readonly Dictionary<string, string> Labels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["savedAudienceId"] = "Audience", ["adId"] = "Ad", ["bidCents"] = "Bid", ["startAt"] = "Start", ["endAt"] = "End",
        ["revokedAt"] = "Revoked",
    };

    /// <summary>Fields stored as enum numbers in older snapshots.</summary>
    private static readonly Dictionary<string, Type> Enums = new(StringComparer.OrdinalIgnoreCase)
    {
        ["objective"] = typeof(CampaignObjective), ["status"] = typeof(CampaignStatus),
    };

    /// <summary>
    /// The changes between two audit values. Two JSON objects give one line per field that differs (a creation, with no
    /// before, one line per field); anything else gives one line with both values as they are; nothing at all, no line.
    /// </summary>
    public static IReadOnlyList<AuditChange> Between(string? before, string? after)
    {
        var beforeObject = AsObject(before);
        var afterObject = AsObject(after);
        if ((beforeObject is not null || string.IsNullOrEmpty(before)) && (afterObject is not null || string.IsNullOrEmpty(after))
            && (beforeObject ?? afterObject) is not null)
        {
            var keys = (beforeObject?.Select(p => p.Key) ?? []).Concat(afterObject?.Select(p => p.Key) ?? []).Distinct(StringComparer.Ordinal);
            return keys.Where(key => beforeObject is null || afterObject is null || !JsonNode.DeepEquals(beforeObject[key], afterObject[key]))
                .Select(key => new AuditChange(Label(key),
                    beforeObject is null ? null : Format(key, beforeObject[key]),
                    afterObject is null ? null : Format(key, afterObject[key])))
                .ToList();
        }
        return string.IsNullOrEmpty(before) && string.IsNullOrEmpty(after) ? [] : [new AuditChange(null, NullIfEmpty(before), NullIfEmpty(after))];
    }

    /// <summary>
    /// The two snapshots cut down to the fields whose values differ, or null when none does (so nothing needs logging).
    /// Both must be JSON objects.
    /// </summary>
    public static (string Before, string After)? ChangedFields(string beforeJson, string afterJson)
    {
        var before = AsObject(beforeJson) ?? throw new ArgumentException("Not a JSON object.", nameof(beforeJson));
        var after = AsObject(afterJson) ?? throw new ArgumentException("Not a JSON object.", nameof(afterJson));
        var changedBefore = new JsonObject();
        var changedAfter = new JsonObject();
        foreach (var key in before.Select(p => p.Key).Concat(after.Select(p => p.Key)).Distinct(StringComparer.Ordinal))
        {
            if (!JsonNode.DeepEquals(before[key], after[key]))
            {
                changedBefore[key] = before[key]?.DeepClone();
                changedAfter[key] = after[key]?.DeepClone();
            }
        }
        return changedAfter.Count == 0 ? null : (changedBefore.ToJsonString(), changedAfter.ToJsonString());
    }

    /// <summary>A JSON value indented for reading; the text as it is when it is not JSON.</summary>
    public static string Pretty(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return JsonSerializer.Serialize(json.RootElement, new JsonSerializerOptions { WriteIndented = true });
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private static JsonObject? AsObject(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !text.TrimStart().StartsWith('{'))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static string Label(string key)
    {
        if (Labels.TryGetValue(key, out var label))
        {
            return label;
        }
        var name = key.EndsWith("Cents", StringComparison.Ordinal) ? key[..^"Cents".Length] : key;
        var words = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ');
            }
            words.Append(words.Length == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
        }
        return words.ToString();
    }

    private static string Format(string key, JsonNode? value)
    {
        if (value is null)
        {
            return "none";
        }
        if (value is not JsonValue scalar)
        {
            return value.ToJsonString();
        }
        if (key.EndsWith("Cents", StringComparison.OrdinalIgnoreCase) && scalar.TryGetValue<long>(out var cents))
        {
            return Money.Format(cents);
        }
        if (Enums.TryGetValue(key, out var enumType))
        {
            if (scalar.TryGetValue<int>(out var number) && Enum.GetName(enumType, number) is { } numbered)
            {
                return Words(numbered);
            }
            if (scalar.TryGetValue<string>(out var named) && Enum.TryParse(enumType, named, ignoreCase: true, out _))
            {
                return Words(named);
            }
        }
        if (key.EndsWith("Id", StringComparison.Ordinal) && scalar.TryGetValue<long>(out var id))
        {
            return "#" + id.ToString(CultureInfo.InvariantCulture);
        }
        if (scalar.TryGetValue<bool>(out var flag))
        {
            return flag ? "yes" : "no";
        }
        if (scalar.TryGetValue<string>(out var text))
        {
            if (text.Length >= 16 && text[10] == 'T'
                && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
            {
                return at.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " UTC";
            }
            return text;
        }
        return scalar.ToJsonString();
    }

    /// <summary>"LeadGeneration" → "Lead generation".</summary>
    private static string Words(string pascal)
    {
        var words = new StringBuilder();
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(c);
            }
        }
        return words.ToString();
    }
}

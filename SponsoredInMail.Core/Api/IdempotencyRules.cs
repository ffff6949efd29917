using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Api;

/// <summary>The rules of <c>Idempotency-Key</c>: what a key may be, how long it is remembered, when a first attempt is abandoned.</summary>
public static class IdempotencyRules
{
    public const int MaxKeyLength = 255;

    /// <summary>How long a key is remembered: a retry within a day gets the first answer.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>
    /// A first attempt still unfinished after this long is taken to have died with its process (a crash mid-request), so a
    /// retry may run it again instead of waiting forever. Longer than any API request takes.
    /// </summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(2);

    /// <summary>A key is 1–255 visible ASCII characters (a UUID is typical).</summary>
    public static Result Check(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            return Result.Fail("Idempotency-Key", $"Idempotency-Key must be 1 to {MaxKeyLength} visible ASCII characters without spaces, such as a UUID.");
        }
        return Result.Ok;
    }
}

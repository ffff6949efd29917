namespace SponsoredInMail.Core.Api;

/// <summary>
/// One <c>Idempotency-Key</c> an account's API client sent with a POST, with a hash of the request it came with and, once
/// the request finished, the response to replay to a retry. Unique per account and key; kept
/// <see cref="IdempotencyRules.Retention"/>.
/// </summary>
public class IdempotencyRecord
{
    public long Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public required string Key { get; set; }

    /// <summary>SHA-256 (hex) of the method, path and body: another request under the same key is refused.</summary>
    public required string RequestHash { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Null while the first request is still running.</summary>
    public DateTime? CompletedAt { get; set; }

    public int? StatusCode { get; set; }
    public string? ContentType { get; set; }
    public string? Location { get; set; }

    /// <summary>The first answer's ETag, replayed with it.</summary>
    public string? ETag { get; set; }
    public string? ResponseBody { get; set; }
}

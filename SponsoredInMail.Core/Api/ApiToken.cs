namespace SponsoredInMail.Core.Api;

public enum ApiTokenScope
{
    ReadOnly = 1,
    ReadWrite = 2,
}

/// <summary>
/// An account's REST API token. Only a SHA-256 hash of the secret is stored; the secret is shown once at creation.
/// <see cref="Prefix"/> (the first characters) lets a Manager tell tokens apart.
/// </summary>
public class ApiToken : Accounts.IAccountOwned<ApiToken>
{
    public static Accounts.OwnedNames Names { get; } = new("token", "API token", "API tokens");

    public int Id { get; set; }
    public int AdvertiserAccountId { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required string SecretHash { get; set; }
    public ApiTokenScope Scope { get; set; }
    public required string CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }

    /// <summary>The minute the rate limit is counting (<see cref="ApiRateLimiter"/>); null before the first request.</summary>
    public DateTime? RateWindowStart { get; set; }

    /// <summary>Requests made in <see cref="RateWindowStart"/>'s minute.</summary>
    public int RateWindowRequests { get; set; }
}

namespace SponsoredInMail.Core.Api;

/// <summary>Configuration section "Api": the REST API's limits.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Requests one token may make per minute (a fixed window); more get 429 with Retry-After.</summary>
    public int RequestsPerMinute { get; set; } = 120;
}

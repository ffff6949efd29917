namespace SponsoredInMail.Core.Webhooks;

/// <summary>Configuration section "Webhooks": what endpoints may be, and how deliveries are retried.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Allows http:// endpoints and targets on loopback or private networks (local testing only). Off, an endpoint is
    /// https:// and every address its host resolves to must be public, checked again at each connection.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>How long one request may take before it counts as failed.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>A delivery is retried with exponential back-off for this long after its event, then marked Failed.</summary>
    public int RetryHours { get; set; } = 24;

    /// <summary>The sender looks for due deliveries at least this often (it is also woken when new ones are queued).</summary>
    public int PollSeconds { get; set; } = 5;
}

using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Webhooks;

/// <summary>What an endpoint may be, the event names, the retry schedule and the signature: the rules, without I/O.</summary>
public static class WebhookRules
{
    public const int UrlMax = 2048;
    public const int MaxEndpointsPerAccount = 10;
    public const string SecretPrefix = "whsec_";

    public const string LeadCreated = "lead.created";
    public const string CampaignStatusChanged = "campaign.status_changed";
    public const string ConversionAttributed = "conversion.attributed";

    public const WebhookEvents AllEvents = WebhookEvents.LeadCreated | WebhookEvents.CampaignStatusChanged | WebhookEvents.ConversionAttributed;

    /// <summary>The first retry waits this long; each later one twice as long as the one before, up to <see cref="MaxBackOff"/>.</summary>
    public static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MaxBackOff = TimeSpan.FromHours(1);

    /// <summary>The events in the order the page lists them, with their wire names and labels.</summary>
    public static readonly IReadOnlyList<(WebhookEvents Flag, string Type, string Label)> Events =
    [
        (WebhookEvents.LeadCreated, LeadCreated, "Lead created"),
        (WebhookEvents.CampaignStatusChanged, CampaignStatusChanged, "Campaign status changed"),
        (WebhookEvents.ConversionAttributed, ConversionAttributed, "Conversion attributed"),
    ];

    public static string TypeOf(WebhookEvents flag) => Events.Single(e => e.Flag == flag).Type;

    public static string LabelOf(string type) => Events.FirstOrDefault(e => e.Type == type).Label ?? type;

    /// <summary>
    /// Checks an endpoint's URL and events: an absolute https:// URL (http:// only when private targets are allowed) of at
    /// most 2,048 characters without a user name or password, whose host is not a loopback, private or otherwise
    /// non-public IP literal or "localhost"; at least one known event.
    /// </summary>
    public static void Validate(List<FieldError> errors, string? url, WebhookEvents events, bool allowPrivateTargets)
    {
        ValidateUrl(errors, url, allowPrivateTargets);
        if (events == WebhookEvents.None)
        {
            errors.Add(new FieldError("events", "Choose at least one event."));
        }
        else if ((events & ~AllEvents) != 0)
        {
            errors.Add(new FieldError("events", "Choose among lead created, campaign status changed and conversion attributed."));
        }
    }

    public static void ValidateUrl(List<FieldError> errors, string? url, bool allowPrivateTargets)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            errors.Add(new FieldError("url", "The endpoint URL is required."));
            return;
        }
        if (url.Length > UrlMax)
        {
            errors.Add(new FieldError("url", $"The endpoint URL can be at most {UrlMax:N0} characters; it has {url.Length:N0}."));
            return;
        }
        if (url != url.Trim() || url.Any(char.IsControl)
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add(new FieldError("url", allowPrivateTargets
                ? "The endpoint URL must be an absolute https:// (or, here, http://) address."
                : "The endpoint URL must be an absolute https:// address."));
            return;
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !allowPrivateTargets)
        {
            errors.Add(new FieldError("url", "The endpoint URL must use https://; plain http:// would send your leads unencrypted."));
            return;
        }
        if (uri.UserInfo.Length > 0)
        {
            errors.Add(new FieldError("url", "The endpoint URL cannot contain a user name or password; the signature authenticates each request."));
            return;
        }
        if (!allowPrivateTargets && RefusedHost(uri) is { } reason)
        {
            errors.Add(new FieldError("url", $"The endpoint URL points to {reason}; webhooks are only sent to public internet addresses."));
        }
    }

    /// <summary>Why a URL's host is refused without looking it up (an IP literal that is not public, or localhost); null otherwise.</summary>
    public static string? RefusedHost(Uri uri)
    {
        var host = uri.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return "this machine (localhost)";
        }
        return IPAddress.TryParse(host, out var address) ? NetworkAddressRules.NonPublicReason(address) : null;
    }

    /// <summary>
    /// How long to wait after the <paramref name="failedAttempts"/>-th failed attempt: 30 s, 1 min, 2 min … capped at
    /// 1 h, plus up to 10% jitter (<paramref name="jitter"/> in [0, 1)) so that many deliveries do not retry in step.
    /// </summary>
    public static TimeSpan BackOff(int failedAttempts, double jitter)
    {
        var doublings = Math.Clamp(failedAttempts - 1, 0, 20);
        var wait = TimeSpan.FromTicks(Math.Min(FirstBackOff.Ticks * (1L << doublings), MaxBackOff.Ticks));
        return wait + TimeSpan.FromTicks((long)(wait.Ticks * 0.1 * Math.Clamp(jitter, 0, 1)));
    }

    /// <summary>
    /// The next attempt after a failure at <paramref name="now"/>, or null when the delivery gives up (it is past
    /// <paramref name="giveUpAt"/>). The last attempt falls exactly on <paramref name="giveUpAt"/>.
    /// </summary>
    public static DateTime? NextAttempt(DateTime now, int failedAttempts, DateTime giveUpAt, double jitter)
    {
        if (now >= giveUpAt)
        {
            return null;
        }
        var next = now + BackOff(failedAttempts, jitter);
        return next < giveUpAt ? next : giveUpAt;
    }

    /// <summary>
    /// The <c>Webhook-Signature</c> value: "v1=" and the lower-case hex HMAC-SHA256, keyed with the secret's UTF-8 bytes,
    /// of "{timestamp}.{body}" (timestamp in Unix seconds, the body exactly as sent).
    /// </summary>
    public static string Sign(string secret, long timestamp, string body)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body);
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    public static string NewSecret()
    {
        var random = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return SecretPrefix + random;
    }

    /// <summary>What a Viewer sees instead of the secret.</summary>
    public const string MaskedSecret = SecretPrefix + "••••••••••••";
}

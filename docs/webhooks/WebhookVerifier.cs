// Verifying a SponsoredInMail webhook: a self-contained example (no dependencies beyond .NET itself). Copy it into
// your receiver. SponsoredInMail's own tests compile and run this very file against real deliveries.
//
// Usage, in an ASP.NET Core minimal API:
//
//   app.MapPost("/webhooks/sponsoredinmail", async (HttpRequest request) =>
//   {
//       using var reader = new StreamReader(request.Body);
//       var body = await reader.ReadToEndAsync();          // the raw body: verify before parsing
//       if (!WebhookVerifier.Verify(secret, request.Headers["Webhook-Timestamp"], request.Headers["Webhook-Signature"],
//               body, DateTimeOffset.UtcNow))
//       {
//           return Results.Unauthorized();
//       }
//       var id = request.Headers["Webhook-Id"].ToString();  // the idempotency key: drop it if you have seen it already
//       ...
//       return Results.NoContent();                         // any 2xx; anything else is retried
//   });
#nullable enable
using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SponsoredInMail.Webhooks.Example;

public static class WebhookVerifier
{
    /// <summary>Requests older (or further in the future) than this are refused by default, so a captured request cannot be replayed later.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// True when <paramref name="signatureHeader"/> (<c>Webhook-Signature</c>: "v1=" and hex, several separated by spaces
    /// while a secret is being rotated) holds HMAC-SHA256(secret, "{timestamp}.{body}") and <paramref name="timestampHeader"/>
    /// (<c>Webhook-Timestamp</c>, Unix seconds) is within <paramref name="tolerance"/> of <paramref name="now"/>.
    /// </summary>
    /// <param name="secret">The endpoint's signing secret, whole ("whsec_…"), as shown on the Webhooks page.</param>
    /// <param name="body">The request body exactly as received (before any JSON parsing or re-formatting).</param>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, string body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(signatureHeader)
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return false;
        }
        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253_402_300_799));
        if (age.Duration() > (tolerance ?? DefaultTolerance))
        {
            return false; // stale (or from the future): a replayed or delayed request
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body));
        foreach (var candidate in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!candidate.StartsWith("v1=", StringComparison.Ordinal))
            {
                continue;
            }
            byte[] given;
            try
            {
                given = Convert.FromHexString(candidate.AsSpan(3));
            }
            catch (FormatException)
            {
                continue;
            }
            if (CryptographicOperations.FixedTimeEquals(given, expected)) // constant time: no timing hints to a forger
            {
                return true;
            }
        }
        return false;
    }
}

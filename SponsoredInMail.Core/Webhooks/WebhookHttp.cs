using System.Net;
using System.Net.Sockets;

namespace SponsoredInMail.Core.Webhooks;

/// <summary>A webhook target refused by the request forgery guard (it resolved to a non-public address).</summary>
public sealed class WebhookTargetRefusedException(string message) : IOException(message);

/// <summary>
/// The HTTP handler webhooks are sent with. Its connect callback resolves the host itself and refuses to connect when
/// ANY address it resolves to is not public (<see cref="NetworkAddressRules"/>), so a name that resolves, or later
/// re-resolves (DNS rebinding), to an internal address is never reached; it then connects to one of the checked
/// addresses. No proxy (it would connect for us, unchecked), no redirects (a 3xx is an answer, not a new target),
/// no cookies.
/// </summary>
public static class WebhookHttp
{
    public static SocketsHttpHandler CreateHandler(bool allowPrivateTargets, TimeSpan connectTimeout) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = connectTimeout,
        // A pooled connection stays on the address checked when it opened; new ones are checked again.
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, allowPrivateTargets, ct),
    };

    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint target, bool allowPrivateTargets, CancellationToken ct)
    {
        var host = target.Host.TrimStart('[').TrimEnd(']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
        if (!allowPrivateTargets)
        {
            foreach (var address in addresses)
            {
                if (NetworkAddressRules.NonPublicReason(address) is { } reason)
                {
                    throw new WebhookTargetRefusedException($"Refused: {host} resolves to {address}, {reason}; webhooks are only sent to public addresses.");
                }
            }
        }
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, target.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException error)
            {
                socket.Dispose();
                last = error;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}

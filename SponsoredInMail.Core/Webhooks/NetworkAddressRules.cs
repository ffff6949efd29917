using System.Net;
using System.Net.Sockets;

namespace SponsoredInMail.Core.Webhooks;

/// <summary>
/// Which IP addresses a webhook may reach (the server-side request forgery guard): only public ones. Loopback,
/// private, link-local, shared (CGNAT), unspecified, multicast, broadcast, documentation and reserved ranges are
/// refused, in IPv4 and IPv6; an IPv6 address that carries an IPv4 address (mapped, compatible, NAT64, 6to4) is
/// judged by the IPv4 address it carries. Pure: no DNS, no configuration.
/// </summary>
public static class NetworkAddressRules
{
    /// <summary>Why <paramref name="address"/> may not be reached ("a loopback address"), or null when it is public.</summary>
    public static string? NonPublicReason(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return V4Reason(address.GetAddressBytes());
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "not an IP address";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return V4Reason(address.MapToIPv4().GetAddressBytes());
        }
        var b = address.GetAddressBytes();
        if (b.All(x => x == 0))
        {
            return "an unspecified address";
        }
        if (b.Take(15).All(x => x == 0) && b[15] == 1)
        {
            return "a loopback address";
        }
        if (b.Take(12).All(x => x == 0))
        {
            return V4Reason(b[12..]); // IPv4-compatible (::a.b.c.d, deprecated)
        }
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.Skip(4).Take(8).All(x => x == 0))
        {
            return V4Reason(b[12..]); // NAT64 (64:ff9b::/96) reaches the IPv4 address it carries
        }
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return V4Reason(b[2..6]); // 6to4 (2002::/16)
        }
        if (b[0] == 0xff)
        {
            return "a multicast address";
        }
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        {
            return "a link-local address";
        }
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        {
            return "a private (site-local) address";
        }
        if ((b[0] & 0xfe) == 0xfc)
        {
            return "a private (unique local) address";
        }
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
        {
            return "a documentation address";
        }
        if (b[0] == 0x01 && b[1] == 0x00 && b.Skip(2).Take(6).All(x => x == 0))
        {
            return "a discard address";
        }
        return null;
    }

    public static bool IsPublic(IPAddress address) => NonPublicReason(address) is null;

    private static string? V4Reason(byte[] b) => (b[0], b[1], b[2]) switch
    {
        (0, _, _) => "an unspecified address",
        (10, _, _) => "a private address",
        (100, >= 64 and <= 127, _) => "a shared (carrier-grade NAT) address",
        (127, _, _) => "a loopback address",
        (169, 254, _) => "a link-local address",
        (172, >= 16 and <= 31, _) => "a private address",
        (192, 0, 0) => "a reserved address",
        (192, 0, 2) or (198, 51, 100) or (203, 0, 113) => "a documentation address",
        (192, 168, _) => "a private address",
        (198, 18 or 19, _) => "a benchmarking address",
        (>= 224 and <= 239, _, _) => "a multicast address",
        (>= 240, _, _) => b.All(x => x == 255) ? "the broadcast address" : "a reserved address",
        _ => null,
    };
}

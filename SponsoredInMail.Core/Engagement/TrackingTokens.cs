using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Engagement;

/// <summary>Configuration section "Tracking".</summary>
public sealed class TrackingOptions
{
    public const string Section = "Tracking";

    /// <summary>Base64 HMAC key (at least 32 bytes). When empty, one is generated on first run and kept in the database.</summary>
    public string? SigningKey { get; set; }

    /// <summary>How long a tracking link in a message keeps working.</summary>
    public int TokenLifetimeDays { get; set; } = 180;

    /// <summary>Most events written in one group commit.</summary>
    public int MaxBatch { get; set; } = 512;

    /// <summary>
    /// How long a group commit that has fewer than <see cref="LingerBelow"/> events waits for more before it writes
    /// (0: never waits). Each commit costs the database and this process a fixed amount of work; with several instances
    /// sharing the clicks, each one's batches are small and that fixed work, not the clicks, fills the CPU.
    /// Unset: the store's own <see cref="IEngagementStore.LingerMilliseconds"/> (PostgreSQL lingers, SQLite does not).
    /// </summary>
    public int? LingerMilliseconds { get; set; }

    /// <summary>A batch this large is written at once, without lingering.</summary>
    public int LingerBelow { get; set; } = 32;
}

/// <summary>
/// Signs and checks tracking tokens: (delivery, stored link, expiry) with an HMAC-SHA256 tag. The token names
/// a stored link, never a URL, so a valid token can only ever lead where the ad's link was stored.
/// </summary>
public sealed class TrackingTokens(IDbContextFactory<AppDbContext> factory, IOptions<TrackingOptions> options, TimeProvider clock)
{
    public const string KeyName = "tracking-signing-key";
    private const int PayloadBytes = 8 + 4 + 8, TagBytes = 16;
    private byte[]? _key;
    private readonly SemaphoreSlim _loading = new(1, 1);

    public async Task<string> IssueAsync(long deliveryId, int linkId, CancellationToken ct = default)
    {
        var key = await KeyAsync(ct);
        return Issue(key, deliveryId, linkId, clock.GetUtcNow().AddDays(options.Value.TokenLifetimeDays).ToUnixTimeSeconds());
    }

    /// <summary>The delivery and link a genuine, unexpired token names; null for anything else.</summary>
    public async Task<(long DeliveryId, int LinkId)?> ReadAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64)
        {
            return null;
        }
        return Read(await KeyAsync(ct), token, clock.GetUtcNow().ToUnixTimeSeconds());
    }

    /// <summary>
    /// A click id for the landing URL (<see cref="ClickIds"/>): the delivery clicked and when, signed with the same key
    /// (a leading type byte keeps it from ever reading as a tracking token). Conversions quote it back.
    /// </summary>
    public async Task<string> IssueClickIdAsync(long deliveryId, DateTime clickedAt, CancellationToken ct = default) =>
        IssueClickId(await KeyAsync(ct), deliveryId, new DateTimeOffset(clickedAt, TimeSpan.Zero).ToUnixTimeSeconds());

    /// <summary>The delivery and click time a genuine click id names; null for anything else.</summary>
    public async Task<(long DeliveryId, DateTime ClickedAt)?> ReadClickIdAsync(string? clickId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(clickId) || clickId.Length > 64)
        {
            return null;
        }
        var key = await KeyAsync(ct);
        Span<byte> bytes = stackalloc byte[64];
        if (!TryBase64UrlDecode(clickId, bytes, out var length) || length != ClickPayloadBytes + TagBytes || bytes[0] != ClickIdType)
        {
            return null;
        }
        Span<byte> expected = stackalloc byte[TagBytes];
        Tag(key, bytes[..ClickPayloadBytes], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.Slice(ClickPayloadBytes, TagBytes)))
        {
            return null;
        }
        var at = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(bytes[9..])).UtcDateTime;
        return (BinaryPrimitives.ReadInt64BigEndian(bytes[1..]), at);
    }

    private const byte ClickIdType = (byte)'C';
    private const int ClickPayloadBytes = 1 + 8 + 8;

    internal static string IssueClickId(byte[] key, long deliveryId, long clickedUnixSeconds)
    {
        Span<byte> id = stackalloc byte[ClickPayloadBytes + TagBytes];
        id[0] = ClickIdType;
        BinaryPrimitives.WriteInt64BigEndian(id[1..], deliveryId);
        BinaryPrimitives.WriteInt64BigEndian(id[9..], clickedUnixSeconds);
        Tag(key, id[..ClickPayloadBytes], id[ClickPayloadBytes..]);
        return Base64UrlEncode(id);
    }

    internal static string Issue(byte[] key, long deliveryId, int linkId, long expiresUnixSeconds)
    {
        Span<byte> token = stackalloc byte[PayloadBytes + TagBytes];
        BinaryPrimitives.WriteInt64BigEndian(token, deliveryId);
        BinaryPrimitives.WriteInt32BigEndian(token[8..], linkId);
        BinaryPrimitives.WriteInt64BigEndian(token[12..], expiresUnixSeconds);
        Tag(key, token[..PayloadBytes], token[PayloadBytes..]);
        return Base64UrlEncode(token);
    }

    private static (long, int)? Read(byte[] key, string token, long nowUnixSeconds)
    {
        Span<byte> bytes = stackalloc byte[64];
        if (!TryBase64UrlDecode(token, bytes, out var length) || length != PayloadBytes + TagBytes)
        {
            return null;
        }
        Span<byte> expected = stackalloc byte[TagBytes];
        Tag(key, bytes[..PayloadBytes], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.Slice(PayloadBytes, TagBytes)))
        {
            return null;
        }
        if (nowUnixSeconds > BinaryPrimitives.ReadInt64BigEndian(bytes[12..]))
        {
            return null;
        }
        return (BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt32BigEndian(bytes[8..]));
    }

    /// <summary>The key from configuration, else the one stored on first run, else a new one stored now.</summary>
    public async Task<byte[]> KeyAsync(CancellationToken ct = default)
    {
        if (_key is { } known)
        {
            return known;
        }
        await _loading.WaitAsync(ct);
        try
        {
            if (_key is null)
            {
                _key = options.Value.SigningKey is { Length: > 0 } configured ? Convert.FromBase64String(configured) : await StoredKeyAsync(ct);
                if (_key.Length < 32)
                {
                    throw new InvalidOperationException("Tracking:SigningKey must be at least 32 bytes (base64).");
                }
            }
            return _key;
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<byte[]> StoredKeyAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var stored = await db.AppSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.Name == KeyName, ct);
        if (stored is not null)
        {
            return Convert.FromBase64String(stored.Value);
        }
        var key = RandomNumberGenerator.GetBytes(32);
        db.AppSecrets.Add(new AppSecret { Name = KeyName, Value = Convert.ToBase64String(key), CreatedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
            return key;
        }
        catch (DbUpdateException)
        {
            // Another process stored one first: use theirs.
            await using var again = await factory.CreateDbContextAsync(ct);
            return Convert.FromBase64String((await again.AppSecrets.AsNoTracking().SingleAsync(s => s.Name == KeyName, ct)).Value);
        }
    }

    private static void Tag(byte[] key, ReadOnlySpan<byte> payload, Span<byte> tag)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(key, payload, full);
        full[..TagBytes].CopyTo(tag);
    }

    private static string Base64UrlEncode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryBase64UrlDecode(string text, Span<byte> into, out int written)
    {
        written = 0;
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        return Convert.TryFromBase64String(padded, into, out written);
    }
}

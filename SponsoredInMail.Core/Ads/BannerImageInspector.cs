using System.Buffers.Binary;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Ads;

/// <summary>Checks a banner upload (SPEC §2: 300×250, JPG or PNG, at most 2 MB) from its bytes, not its name.</summary>
public static class BannerImageInspector
{
    public sealed record ImageInfo(string ContentType, int Width, int Height);

    public static Result<ImageInfo> Inspect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            return Result.Fail("banner", "The banner file is empty.");
        }
        if (bytes.Length > AdLimits.BannerBytesMax)
        {
            return Result.Fail("banner", $"The banner can be at most 2 MB; this file is {bytes.Length / 1024.0 / 1024.0:F1} MB.");
        }
        var info = ReadPng(bytes) ?? ReadJpeg(bytes);
        if (info is null)
        {
            return Result.Fail("banner", "The banner must be a JPG or PNG image.");
        }
        if (info.Width != AdLimits.BannerWidth || info.Height != AdLimits.BannerHeight)
        {
            return Result.Fail("banner", $"The banner must be exactly {AdLimits.BannerWidth}×{AdLimits.BannerHeight} pixels; this image is {info.Width}×{info.Height}.");
        }
        return Result<ImageInfo>.Ok(info);
    }

    private static ImageInfo? ReadPng(ReadOnlySpan<byte> b)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (b.Length < 24 || !b[..8].SequenceEqual(signature) || !b.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }
        return new ImageInfo("image/png", BinaryPrimitives.ReadInt32BigEndian(b.Slice(16, 4)), BinaryPrimitives.ReadInt32BigEndian(b.Slice(20, 4)));
    }

    private static ImageInfo? ReadJpeg(ReadOnlySpan<byte> b)
    {
        if (b.Length < 4 || b[0] != 0xFF || b[1] != 0xD8)
        {
            return null;
        }
        var i = 2;
        while (i + 9 < b.Length)
        {
            if (b[i] != 0xFF)
            {
                return null;
            }
            var marker = b[i + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 2, 2));
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return new ImageInfo("image/jpeg", BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 7, 2)), BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 5, 2)));
            }
            i += 2 + length;
        }
        return null;
    }
}

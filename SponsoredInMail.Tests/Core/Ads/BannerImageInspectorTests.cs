using System.Buffers.Binary;
using SponsoredInMail.Core.Ads;

namespace SponsoredInMail.Tests.Core.Ads;

public class BannerImageInspectorTests
{
    internal static byte[] Png(int width, int height, int totalBytes = 64)
    {
        var bytes = new byte[totalBytes];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        return bytes;
    }

    private static byte[] Jpeg(int width, int height)
    {
        // SOI, an APP0 segment, then SOF0 with the frame size.
        var bytes = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08 };
        bytes.AddRange([(byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width]);
        bytes.AddRange(new byte[20]);
        return [.. bytes];
    }

    [Fact]
    public void APngOfExactly300By250Passes() =>
        BannerImageInspector.Inspect(Png(300, 250)).Value.ShouldBe(new BannerImageInspector.ImageInfo("image/png", 300, 250));

    [Fact]
    public void AJpegOfExactly300By250Passes() =>
        BannerImageInspector.Inspect(Jpeg(300, 250)).Value!.ContentType.ShouldBe("image/jpeg");

    [Theory]
    [InlineData(301, 250)]
    [InlineData(300, 249)]
    [InlineData(600, 500)]
    public void OtherSizesAreRefusedNamingBoth(int width, int height) =>
        BannerImageInspector.Inspect(Png(width, height)).Outcome.ErrorFor("banner").ShouldBe($"The banner must be exactly 300×250 pixels; this image is {width}×{height}.");

    [Fact]
    public void OtherFormatsAreRefused() =>
        BannerImageInspector.Inspect("GIF89a......"u8.ToArray()).Outcome.ErrorFor("banner").ShouldBe("The banner must be a JPG or PNG image.");

    [Fact]
    public void TwoMegabytesPassOneByteMoreDoesNot()
    {
        BannerImageInspector.Inspect(Png(300, 250, 2 * 1024 * 1024)).Succeeded.ShouldBeTrue();
        BannerImageInspector.Inspect(Png(300, 250, 2 * 1024 * 1024 + 1)).Outcome.ErrorFor("banner").ShouldNotBeNull().ShouldStartWith("The banner can be at most 2 MB");
    }

    [Fact]
    public void AnEmptyFileIsRefused() => BannerImageInspector.Inspect([]).Succeeded.ShouldBeFalse();
}

using System.Runtime.InteropServices;
using AlexVis.Model.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace AlexVis.Model.Visualization;

/// <summary>PNG encoding of figures (ImageSharp's encoder; nothing untrusted is decoded here).</summary>
public static class Png
{
    static readonly PngEncoder rgbEncoder = new() { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8, CompressionLevel = PngCompressionLevel.BestCompression };
    static readonly PngEncoder greyEncoder = new() { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8, CompressionLevel = PngCompressionLevel.DefaultCompression };

    /// <summary>An RGB image as PNG bytes.</summary>
    public static byte[] Encode(RgbImage image)
    {
        using var img = Image.LoadPixelData<Rgb24>(MemoryMarshal.Cast<byte, Rgb24>(image.Pixels.AsSpan()), image.Width, image.Height);
        using var ms = new MemoryStream();
        img.Save(ms, rgbEncoder);
        return ms.ToArray();
    }

    /// <summary>8-bit levels as a greyscale PNG (the browser colours them with the chosen colormap).</summary>
    public static byte[] EncodeGrey(byte[] levels, int width, int height)
    {
        using var img = Image.LoadPixelData<L8>(MemoryMarshal.Cast<byte, L8>(levels.AsSpan()), width, height);
        using var ms = new MemoryStream();
        img.Save(ms, greyEncoder);
        return ms.ToArray();
    }
}

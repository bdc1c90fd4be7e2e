using AlexVis.Model.Imaging;
using AlexVis.Model.Visualization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace AlexVis.Model.Tests.Visualization;

public class IndexedPngTests
{
    [Fact]
    public void Indices_decode_to_their_palette_colours()
    {
        // 3 × 2 image over the grey montage palette: level l → l · 255 / 254, index 255 → the gap colour.
        var palette = IndexedPng.MontagePalette(Colormap.Grey, 254, (1, 2, 3));
        byte[] indices = [0, 127, 254, 255, 10, 200];
        var png = IndexedPng.Encode(indices, 3, 2, palette);
        using var image = Image.Load<Rgb24>(png);
        Assert.Equal((3, 2), (image.Width, image.Height));
        Assert.Equal(new Rgb24(0, 0, 0), image[0, 0]);
        Assert.Equal(new Rgb24(127, 127, 127), image[1, 0]);   // 127 · 255 / 254 = 127
        Assert.Equal(new Rgb24(255, 255, 255), image[2, 0]);
        Assert.Equal(new Rgb24(1, 2, 3), image[0, 1]);         // the gap
        Assert.Equal(3, ImageDecoder.Decode(png, new ImageLimits()).Width); // libpng checks every critical chunk's CRC
    }

    [Fact]
    public void Swapping_the_palette_recolours_without_touching_the_pixels()
    {
        var levels = Enumerable.Range(0, 64 * 40).Select(i => (byte)(i % 128)).ToArray();
        var grey = IndexedPng.Encode(levels, 64, 40, IndexedPng.MontagePalette(Colormap.Grey, 127, (0, 0, 0)));
        var viridis = IndexedPng.WithPalette(grey, IndexedPng.MontagePalette(Colormap.Viridis, 127, (0, 0, 0)));
        Assert.Equal(64, ImageDecoder.Decode(viridis, new ImageLimits()).Width); // the new PLTE's CRC is right
        Assert.Equal(grey.Length, viridis.Length);
        using var image = Image.Load<Rgb24>(viridis);
        Assert.Equal(new Rgb24(68, 1, 84), image[0, 0]);        // level 0 → viridis[0]
        Assert.Equal(new Rgb24(253, 231, 37), image[63, 1]);    // level 127 (row 1 holds 64–127) → viridis[255]
    }

    [Fact]
    public void Smooth_maps_compress_well()
    {
        var levels = new byte[256 * 256];
        for (int y = 0; y < 256; y++)
            for (int x = 0; x < 256; x++)
                levels[y * 256 + x] = (byte)((x + y) / 4);
        var png = IndexedPng.Encode(levels, 256, 256, IndexedPng.MontagePalette(Colormap.Viridis, 127, (0, 0, 0)));
        Assert.True(png.Length < 4000, $"{png.Length} bytes for a smooth ramp");
    }
}

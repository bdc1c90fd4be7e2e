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

    [Theory]
    [InlineData(1, 256)]
    [InlineData(15, 256)]
    [InlineData(16, 256)]
    [InlineData(17, 256)]
    [InlineData(447, 256)]
    [InlineData(447, 3)] // few values: ties between the neighbours everywhere, where the order of preference decides
    public void The_paeth_filter_is_pngs_for_every_byte(int width, int values)
    {
        var random = new Random(width * values);
        var row = new byte[width + 1];
        var above = new byte[width + 1];
        for (int x = 1; x <= width; x++) (row[x], above[x]) = ((byte)random.Next(values), (byte)random.Next(values));
        row[1] = 255; above[1] = 0; // the widest differences, where 8 bits would wrap
        var output = new byte[width];
        IndexedPng.PaethFilter(row, above, output);
        for (int x = 0; x < width; x++)
        {
            // The PNG specification's predictor, as written there.
            int a = row[x], b = above[x + 1], c = above[x];
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            int predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            Assert.Equal((byte)(row[x + 1] - predicted), output[x]);
        }
    }

    [Fact]
    public void Random_levels_come_back_from_libpng_exactly()
    {
        // Every index its own colour, so the decoded colours give the indices back.
        var palette = new byte[768];
        for (int i = 0; i < 256; i++) (palette[i * 3], palette[i * 3 + 1], palette[i * 3 + 2]) = ((byte)i, (byte)(255 - i), (byte)(i ^ 0x5A));
        var random = new Random(7);
        var indices = new byte[83 * 29];
        random.NextBytes(indices);
        var decoded = ImageDecoder.Decode(IndexedPng.Encode(indices, 83, 29, palette), new ImageLimits());
        Assert.Equal(indices, Enumerable.Range(0, indices.Length).Select(i => decoded.Pixels[i * 3]).ToArray());
        Assert.Equal(indices.Select(i => (byte)(i ^ 0x5A)), Enumerable.Range(0, indices.Length).Select(i => decoded.Pixels[i * 3 + 2]));
    }
}

using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;

namespace AlexVis.Model.Visualization;

/// <summary>A page of filters drawn as blocks of grey input-channel slices, with both grid layouts (the browser hit-tests with them).</summary>
/// <param name="FirstFilter">The first filter on the page.</param>
/// <param name="Filters">The block grid: one tile per filter.</param>
/// <param name="Slices">The grid inside a block: one tile per input channel.</param>
/// <param name="Levels">Grey levels 0–<paramref name="TopLevel"/> (255 = gap), row-major, <see cref="Filters"/>.Width × Height cells.</param>
/// <param name="TopLevel">The highest level used.</param>
/// <remarks>The page turns a pointed cell back into a weight in the browser (the kernels panel's module), the one place hovers happen.</remarks>
public sealed record KernelSlicePage(int FirstFilter, MontageLayout Filters, MontageLayout Slices, byte[] Levels, int TopLevel = QuantisedMontage.MaxTopLevel);

/// <summary>
/// The kernel figures teachers know from Krizhevsky et al. (2012), figure 3: conv1's filters as small colour images,
/// and every filter's per-input-channel slices in grey. Each filter is min–max normalised on its own, so weak and
/// strong filters are equally visible (the colour filters are not comparable in strength, as in the paper).
/// </summary>
public static class KernelFigures
{
    /// <summary>Every filter of a 3-input-channel layer (conv1) as an RGB tile, one pixel per weight, 1-cell gaps.</summary>
    public static (RgbImage Image, MontageLayout Layout) ColourFilters(ConvKernels kernels, (byte R, byte G, byte B)? background = null)
    {
        RequireColour(kernels);
        var bg = background ?? (255, 255, 255);
        var layout = MontageLayout.For(kernels.OutChannels, kernels.KernelWidth, kernels.KernelHeight);
        var px = Filled(layout.Width * layout.Height, bg);
        for (int f = 0; f < kernels.OutChannels; f++)
        {
            var (ox, oy) = layout.Origin(f);
            WriteColourFilter(kernels, f, px, layout.Width, ox, oy);
        }
        return (new RgbImage(layout.Width, layout.Height, px), layout);
    }

    /// <summary>One filter of a 3-input-channel layer (conv1) as an RGB image, one pixel per weight, normalised as in <see cref="ColourFilters"/>.</summary>
    public static RgbImage ColourFilter(ConvKernels kernels, int filter)
    {
        RequireColour(kernels);
        var px = new byte[kernels.KernelWidth * kernels.KernelHeight * 3];
        WriteColourFilter(kernels, filter, px, kernels.KernelWidth, 0, 0);
        return new RgbImage(kernels.KernelWidth, kernels.KernelHeight, px);
    }

    static void RequireColour(ConvKernels kernels)
    {
        if (kernels.InChannels != 3)
            throw new ArgumentException($"{kernels.Layer.Alias} filters span {kernels.InChannels} channels; only 3-channel filters have colours.");
    }

    static void WriteColourFilter(ConvKernels kernels, int filter, byte[] px, int width, int ox, int oy)
    {
        var w = kernels.Filter(filter);
        var (lo, hi) = MinMax(w);
        int plane = kernels.KernelHeight * kernels.KernelWidth;
        for (int y = 0; y < kernels.KernelHeight; y++)
            for (int x = 0; x < kernels.KernelWidth; x++)
            {
                int o = ((oy + y) * width + ox + x) * 3;
                for (int c = 0; c < 3; c++)
                    px[o + c] = Byte(w[c * plane + y * kernels.KernelWidth + x], lo, hi);
            }
    }

    /// <summary>
    /// The square of the crop at (<paramref name="top"/>, <paramref name="left"/>), <paramref name="size"/> on a side,
    /// black where it hangs over the edge (the padding a convolution reads as zero).
    /// </summary>
    public static RgbImage Window(RgbImage crop, int top, int left, int size)
    {
        var px = new byte[size * size * 3];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int sy = top + y, sx = left + x;
                if (sy < 0 || sy >= crop.Height || sx < 0 || sx >= crop.Width) continue;
                Array.Copy(crop.Pixels, (sy * crop.Width + sx) * 3, px, (y * size + x) * 3, 3);
            }
        return new RgbImage(size, size, px);
    }

    /// <summary>Filters [first, first + count) as blocks of grey slices, each filter normalised over all its slices.</summary>
    /// <param name="kernels">The layer's kernels.</param>
    /// <param name="first">First filter on the page.</param>
    /// <param name="count">Filters on the page.</param>
    /// <param name="topLevel">Highest grey level: 254 for figures; fewer levels make a smaller page for the browser.</param>
    public static KernelSlicePage Slices(ConvKernels kernels, int first, int count, int topLevel = QuantisedMontage.MaxTopLevel)
    {
        if (first < 0 || first >= kernels.OutChannels) throw new ArgumentOutOfRangeException(nameof(first));
        count = Math.Min(count, kernels.OutChannels - first);
        var inner = MontageLayout.For(kernels.InChannels, kernels.KernelWidth, kernels.KernelHeight);
        var outer = MontageLayout.For(count, inner.Width, inner.Height, gap: Math.Max(2, kernels.KernelWidth / 2));
        var levels = new byte[outer.Width * outer.Height];
        Array.Fill(levels, QuantisedMontage.GapLevel);
        for (int i = 0; i < count; i++)
        {
            var w = kernels.Filter(first + i);
            var (lo, hi) = MinMax(w);
            var (bx, by) = outer.Origin(i);
            for (int c = 0; c < kernels.InChannels; c++)
            {
                var (sx, sy) = inner.Origin(c);
                for (int y = 0; y < kernels.KernelHeight; y++)
                    for (int x = 0; x < kernels.KernelWidth; x++)
                        levels[(by + sy + y) * outer.Width + bx + sx + x] =
                            Montage.Level(w[(c * kernels.KernelHeight + y) * kernels.KernelWidth + x], lo, hi, topLevel);
            }
        }
        return new KernelSlicePage(first, outer, inner, levels, topLevel);
    }

    /// <summary>A slice page drawn in grey with the given background for gaps, each cell scale × scale pixels.</summary>
    public static RgbImage Draw(KernelSlicePage page, int scale = 1, (byte R, byte G, byte B)? background = null) =>
        Montage.Colourise(new QuantisedMontage(page.Filters, page.Levels, [], [], page.TopLevel), Colormap.Grey, scale, background);

    /// <summary>Enlarges an image by an integer factor with square pixels (kernels are only a few weights wide).</summary>
    public static RgbImage Enlarge(RgbImage image, int scale)
    {
        if (scale == 1) return image;
        int w = image.Width * scale, h = image.Height * scale;
        var px = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int s = ((y / scale) * image.Width + x / scale) * 3, o = (y * w + x) * 3;
                px[o] = image.Pixels[s]; px[o + 1] = image.Pixels[s + 1]; px[o + 2] = image.Pixels[s + 2];
            }
        return new RgbImage(w, h, px);
    }

    static (float Lo, float Hi) MinMax(ReadOnlySpan<float> values)
    {
        var s = ChannelStats.Of(values);
        return (s.Min, s.Max);
    }

    static byte Byte(float v, float lo, float hi) =>
        hi > lo ? (byte)Math.Clamp((int)Math.Round((v - lo) / (hi - lo) * 255.0), 0, 255) : (byte)128;

    static byte[] Filled(int pixels, (byte R, byte G, byte B) c)
    {
        var px = new byte[pixels * 3];
        for (int i = 0; i < pixels; i++) { px[i * 3] = c.R; px[i * 3 + 1] = c.G; px[i * 3 + 2] = c.B; }
        return px;
    }
}

using System.Buffers;

namespace AlexVis.Model.Imaging;

/// <summary>
/// Pillow's ImagingResample for 8-bit images with the bilinear filter (Pillow 9, libImaging/Resample.c): a separable
/// convolution whose support widens with the reduction factor (that is the antialiasing), coefficients in 22-bit
/// fixed point, horizontal pass first into an 8-bit buffer, then vertical. Matching it exactly makes our input
/// tensor bit-identical to torchvision's for lossless images.
/// </summary>
internal static class PilResize
{
    const int PrecisionBits = 32 - 8 - 2;

    /// <summary>One axis of the resize for output positions [first, first + count).</summary>
    sealed record Axis(int[] Min, int[] Taps, int[] Kernel, int KernelSize);

    /// <summary>The region [left, left + w) × [top, top + h) of <paramref name="src"/> resized to outWidth × outHeight.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static RgbImage BilinearRegion(RgbImage src, int outWidth, int outHeight, int left, int top, int w, int h)
    {
        bool horizontal = outWidth != src.Width;
        bool vertical = outHeight != src.Height;
        var xs = horizontal ? Coefficients(src.Width, outWidth, left, w) : Identity(left, w);
        var ys = vertical ? Coefficients(src.Height, outHeight, top, h) : Identity(top, h);

        // Rows of the source that the vertical pass will read.
        int firstRow = ys.Min[0];
        int lastRow = 0;
        for (int i = 0; i < h; i++) lastRow = Math.Max(lastRow, ys.Min[i] + ys.Taps[i]);
        int rows = lastRow - firstRow;

        // Horizontal pass into an 8-bit buffer, as Pillow does (it rounds and clips between passes). The buffer is
        // pooled: fresh memory faults page by page on a virtual machine, which cost more than this pass.
        var temp = ArrayPool<byte>.Shared.Rent(rows * w * 3);
        var s = src.Pixels;
        for (int r = 0; r < rows; r++)
        {
            int srcRow = (firstRow + r) * src.Width * 3;
            int dstRow = r * w * 3;
            for (int x = 0; x < w; x++)
            {
                int min = xs.Min[x], taps = xs.Taps[x], k = x * xs.KernelSize;
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (int t = 0; t < taps; t++)
                {
                    int p = srcRow + (min + t) * 3;
                    int c = xs.Kernel[k + t];
                    s0 += s[p] * c;
                    s1 += s[p + 1] * c;
                    s2 += s[p + 2] * c;
                }
                temp[dstRow + x * 3] = Clip8(s0);
                temp[dstRow + x * 3 + 1] = Clip8(s1);
                temp[dstRow + x * 3 + 2] = Clip8(s2);
            }
        }

        var dst = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        {
            int min = ys.Min[y] - firstRow, taps = ys.Taps[y], k = y * ys.KernelSize;
            for (int x = 0; x < w; x++)
            {
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (int t = 0; t < taps; t++)
                {
                    int p = ((min + t) * w + x) * 3;
                    int c = ys.Kernel[k + t];
                    s0 += temp[p] * c;
                    s1 += temp[p + 1] * c;
                    s2 += temp[p + 2] * c;
                }
                int o = (y * w + x) * 3;
                dst[o] = Clip8(s0);
                dst[o + 1] = Clip8(s1);
                dst[o + 2] = Clip8(s2);
            }
        }
        ArrayPool<byte>.Shared.Return(temp);
        return new RgbImage(w, h, dst);
    }

    static byte Clip8(int v)
    {
        int shifted = v >> PrecisionBits;
        return (byte)(shifted < 0 ? 0 : shifted > 255 ? 255 : shifted);
    }

    /// <summary>Pillow's precompute_coeffs followed by normalize_coeffs_8bpc, with box = the whole input.</summary>
    static Axis Coefficients(int inSize, int outSize, int first, int count)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = 1.0 * filterScale; // the bilinear filter's support is 1
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        var min = new int[count];
        var taps = new int[count];
        var kernel = new int[count * kernelSize];
        var weights = new double[kernelSize];
        for (int i = 0; i < count; i++)
        {
            int xx = first + i;
            double center = (xx + 0.5) * scale;
            double total = 0.0;
            double ss = 1.0 / filterScale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            for (int x = 0; x < xmax; x++)
            {
                double w = Bilinear((x + xmin - center + 0.5) * ss);
                weights[x] = w;
                total += w;
            }
            for (int x = 0; x < xmax; x++)
            {
                double k = total != 0.0 ? weights[x] / total : weights[x];
                kernel[i * kernelSize + x] = k < 0
                    ? (int)(-0.5 + k * (1 << PrecisionBits))
                    : (int)(0.5 + k * (1 << PrecisionBits));
            }
            min[i] = xmin;
            taps[i] = xmax;
        }
        return new Axis(min, taps, kernel, kernelSize);
    }

    static Axis Identity(int first, int count)
    {
        var min = new int[count];
        var taps = new int[count];
        var kernel = new int[count];
        for (int i = 0; i < count; i++)
        {
            min[i] = first + i;
            taps[i] = 1;
            kernel[i] = 1 << PrecisionBits;
        }
        return new Axis(min, taps, kernel, 1);
    }

    static double Bilinear(double x)
    {
        if (x < 0.0) x = -x;
        return x < 1.0 ? 1.0 - x : 0.0;
    }
}

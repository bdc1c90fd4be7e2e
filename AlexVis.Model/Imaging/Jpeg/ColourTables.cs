using System.Runtime.CompilerServices;

namespace AlexVis.Model.Imaging.Jpeg;

/// <summary>libjpeg's fixed-point colour conversion (jdcolor.c) and Pillow's CMYK→RGB (Convert.c, cmyk2rgb).</summary>
internal static class ColourTables
{
    const int ScaleBits = 16;
    const long OneHalf = 1L << (ScaleBits - 1);
    static long Fix(double x) => (long)(x * (1L << ScaleBits) + 0.5);

    static readonly int[] crR = new int[256], cbB = new int[256];
    static readonly long[] crG = new long[256], cbG = new long[256];

    static ColourTables()
    {
        for (int i = 0, x = -128; i < 256; i++, x++)
        {
            crR[i] = (int)((Fix(1.40200) * x + OneHalf) >> ScaleBits);
            cbB[i] = (int)((Fix(1.77200) * x + OneHalf) >> ScaleBits);
            crG[i] = -Fix(0.71414) * x;
            cbG[i] = -Fix(0.34414) * x + OneHalf;
        }
    }

    static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);

    /// <summary>ycc_rgb_convert of one pixel into <paramref name="rgb"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void YccToRgb(byte y, byte cb, byte cr, Span<byte> rgb)
    {
        rgb[0] = Clamp(y + crR[cr]);
        rgb[1] = Clamp(y + (int)((cbG[cb] + crG[cr]) >> ScaleBits));
        rgb[2] = Clamp(y + cbB[cb]);
    }

    /// <summary>ycck_cmyk_convert without K (K passes through).</summary>
    public static (byte C, byte M, byte Y) YcckToCmy(byte y, byte cb, byte cr) =>
        (Clamp(255 - (y + crR[cr])), Clamp(255 - (y + (int)((cbG[cb] + crG[cr]) >> ScaleBits))), Clamp(255 - (y + cbB[cb])));

    /// <summary>Pillow's cmyk2rgb: each channel is (255 − K) − C·(255 − K)/255 with its MULDIV255 rounding.</summary>
    public static (byte R, byte G, byte B) PilCmykToRgb(byte c, byte m, byte y, byte k)
    {
        int nk = 255 - k;
        return (Clamp(nk - MulDiv255(c, nk)), Clamp(nk - MulDiv255(m, nk)), Clamp(nk - MulDiv255(y, nk)));
    }

    static int MulDiv255(int a, int b)
    {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }
}

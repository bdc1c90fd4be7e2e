using System.Runtime.CompilerServices;

namespace AlexVis.Model.Imaging.Jpeg;

/// <summary>
/// libjpeg's accurate integer inverse DCT (jidctint.c, jpeg_idct_islow, the Loeffler–Ligtenberg–Moschytz
/// algorithm with 13-bit constants), including its range-limit table, so samples match libjpeg-turbo's exactly.
/// </summary>
internal static class Islow
{
    const int ConstBits = 13, Pass1Bits = 2;
    const int Fix0298631336 = 2446, Fix0390180644 = 3196, Fix0541196100 = 4433, Fix0765366865 = 6270,
        Fix0899976223 = 7373, Fix1175875602 = 9633, Fix1501321110 = 12299, Fix1847759065 = 15137,
        Fix1961570560 = 16069, Fix2053119869 = 16819, Fix2562915447 = 20995, Fix3072711026 = 25172;
    const int RangeMask = 1023;

    /// <summary>libjpeg's IDCT_range_limit table: index (x &amp; 1023) for a centred value x gives clamp(x + 128).</summary>
    static readonly byte[] rangeLimit = BuildRangeLimit();

    static byte[] BuildRangeLimit()
    {
        var t = new byte[1024];
        for (int i = 0; i < 1024; i++)
        {
            // The masked value read back as signed: like libjpeg, values beyond ±512 wrap rather than clamp.
            int x = i < 512 ? i : i - 1024;
            t[i] = (byte)Math.Clamp(x + 128, 0, 255);
        }
        return t;
    }

    static int Descale(long x, int n) => (int)((x + (1L << (n - 1))) >> n);

    /// <summary>Transforms one block of quantised coefficients (natural order) into 8×8 samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transform(ReadOnlySpan<short> coef, int[] quant, Span<int> ws, Span<byte> output, int stride)
    {
        // Pass 1: columns from input into the workspace.
        for (int c = 0; c < 8; c++)
        {
            if (coef[8 + c] == 0 && coef[16 + c] == 0 && coef[24 + c] == 0 && coef[32 + c] == 0 &&
                coef[40 + c] == 0 && coef[48 + c] == 0 && coef[56 + c] == 0)
            {
                int dc = coef[c] * quant[c] << Pass1Bits;
                for (int r = 0; r < 8; r++) ws[r * 8 + c] = dc;
                continue;
            }
            long z2 = coef[16 + c] * quant[16 + c];
            long z3 = coef[48 + c] * quant[48 + c];
            long z1 = (z2 + z3) * Fix0541196100;
            long tmp2 = z1 + z3 * -Fix1847759065;
            long tmp3 = z1 + z2 * Fix0765366865;
            z2 = coef[c] * quant[c];
            z3 = coef[32 + c] * quant[32 + c];
            long tmp0 = (z2 + z3) << ConstBits;
            long tmp1 = (z2 - z3) << ConstBits;
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;

            tmp0 = coef[56 + c] * quant[56 + c];
            tmp1 = coef[40 + c] * quant[40 + c];
            tmp2 = coef[24 + c] * quant[24 + c];
            tmp3 = coef[8 + c] * quant[8 + c];
            Odd(ref tmp0, ref tmp1, ref tmp2, ref tmp3);

            const int shift = ConstBits - Pass1Bits;
            ws[0 * 8 + c] = Descale(tmp10 + tmp3, shift);
            ws[7 * 8 + c] = Descale(tmp10 - tmp3, shift);
            ws[1 * 8 + c] = Descale(tmp11 + tmp2, shift);
            ws[6 * 8 + c] = Descale(tmp11 - tmp2, shift);
            ws[2 * 8 + c] = Descale(tmp12 + tmp1, shift);
            ws[5 * 8 + c] = Descale(tmp12 - tmp1, shift);
            ws[3 * 8 + c] = Descale(tmp13 + tmp0, shift);
            ws[4 * 8 + c] = Descale(tmp13 - tmp0, shift);
        }

        // Pass 2: rows from the workspace into samples.
        for (int r = 0; r < 8; r++)
        {
            var w = ws.Slice(r * 8, 8);
            var o = output.Slice(r * stride, 8);
            const int shift = ConstBits + Pass1Bits + 3;
            if (w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0)
            {
                byte dc = rangeLimit[Descale(w[0], Pass1Bits + 3) & RangeMask];
                o.Fill(dc);
                continue;
            }
            long z2 = w[2], z3 = w[6];
            long z1 = (z2 + z3) * Fix0541196100;
            long tmp2 = z1 + z3 * -Fix1847759065;
            long tmp3 = z1 + z2 * Fix0765366865;
            long tmp0 = ((long)w[0] + w[4]) << ConstBits;
            long tmp1 = ((long)w[0] - w[4]) << ConstBits;
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;

            tmp0 = w[7]; tmp1 = w[5]; tmp2 = w[3]; tmp3 = w[1];
            Odd(ref tmp0, ref tmp1, ref tmp2, ref tmp3);

            o[0] = rangeLimit[Descale(tmp10 + tmp3, shift) & RangeMask];
            o[7] = rangeLimit[Descale(tmp10 - tmp3, shift) & RangeMask];
            o[1] = rangeLimit[Descale(tmp11 + tmp2, shift) & RangeMask];
            o[6] = rangeLimit[Descale(tmp11 - tmp2, shift) & RangeMask];
            o[2] = rangeLimit[Descale(tmp12 + tmp1, shift) & RangeMask];
            o[5] = rangeLimit[Descale(tmp12 - tmp1, shift) & RangeMask];
            o[3] = rangeLimit[Descale(tmp13 + tmp0, shift) & RangeMask];
            o[4] = rangeLimit[Descale(tmp13 - tmp0, shift) & RangeMask];
        }
    }

    /// <summary>The odd part shared by both passes; inputs are rows/columns 7, 5, 3, 1.</summary>
    static void Odd(ref long tmp0, ref long tmp1, ref long tmp2, ref long tmp3)
    {
        long z1 = tmp0 + tmp3, z2 = tmp1 + tmp2, z3 = tmp0 + tmp2, z4 = tmp1 + tmp3;
        long z5 = (z3 + z4) * Fix1175875602;
        tmp0 *= Fix0298631336;
        tmp1 *= Fix2053119869;
        tmp2 *= Fix3072711026;
        tmp3 *= Fix1501321110;
        z1 *= -Fix0899976223;
        z2 *= -Fix2562915447;
        z3 *= -Fix1961570560;
        z4 *= -Fix0390180644;
        z3 += z5;
        z4 += z5;
        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;
    }
}

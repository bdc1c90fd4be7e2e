using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace AlexVis.Model.Imaging.Jpeg;

/// <summary>A JPEG that cannot be decoded; the message says why in plain words.</summary>
internal sealed class JpegException(ImageProblem problem, string message) : Exception(message)
{
    public ImageProblem Problem { get; } = problem;
}

/// <summary>
/// A baseline and progressive Huffman JPEG decoder that reproduces libjpeg-turbo's output as PIL uses it
/// (ISLOW integer IDCT, "fancy" triangle chroma upsampling, fixed-point YCbCr→RGB, Adobe CMYK/YCCK), so that our
/// input tensor for a JPEG is torchvision's, byte for byte (ITU T.81; libjpeg's jidctint.c, jdsample.c, jdcolor.c).
/// Managed code with bounds-checked arrays; limits are checked by the caller from <see cref="ReadSize"/> before
/// anything is allocated.
/// </summary>
internal static class JpegDecoder
{
    /// <summary>Image width and height from the frame header, without decoding.</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> data)
    {
        int pos = 2;
        while (pos + 4 <= data.Length)
        {
            if (data[pos] != 0xFF) break;
            byte marker = data[pos + 1];
            if (marker == 0xFF) { pos++; continue; }
            if (marker is >= 0xD0 and <= 0xD9 or 0x01) { pos += 2; continue; }
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (pos + 9 > data.Length) break;
                return (BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 5)..]));
            }
            if (marker == 0xDA) break;
            pos += 2 + length;
        }
        throw new JpegException(ImageProblem.Corrupt, "it has no frame header");
    }

    /// <summary>Decodes to 8-bit RGB exactly as PIL's <c>Image.open(f).convert("RGB")</c> does with libjpeg-turbo.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> data) => new Decoder(data.ToArray()).Run();

    sealed class Component
    {
        public int Id, H, V, QuantTable, Index;
        public int BlocksPerLine, BlocksPerColumn;          // blocks covering the component's own samples
        public int BlocksPerLineMcu, BlocksPerColumnMcu;    // padded to whole MCUs
        public int Width, Height;                          // libjpeg's downsampled_width/height
        public short[] Coefficients = [];
        public int[]? Quant;                              // latched at the first scan, natural order
        public int DcTable, AcTable, Pred;
    }

    sealed class Huffman
    {
        // Canonical code tables in libjpeg's form: maxcode[l] is the largest code of length l (−1 if none),
        // valptr[l] the index of its first symbol.
        public readonly int[] MaxCode = new int[18];
        public readonly int[] ValOffset = new int[17];
        public readonly byte[] Symbols;
        public readonly short[] Fast = new short[1 << FastBits]; // (length << 8) | symbol, or −1
        public const int FastBits = 9;

        public Huffman(ReadOnlySpan<byte> counts, byte[] symbols)
        {
            Symbols = symbols;
            Array.Fill(Fast, (short)-1);
            int code = 0, k = 0;
            for (int length = 1; length <= 16; length++)
            {
                ValOffset[length] = k - code;
                int n = counts[length - 1];
                for (int i = 0; i < n; i++, k++, code++)
                {
                    if (length <= FastBits)
                    {
                        int shift = FastBits - length;
                        for (int fill = 0; fill < 1 << shift; fill++)
                            Fast[(code << shift) | fill] = (short)((length << 8) | symbols[k]);
                    }
                }
                MaxCode[length] = n > 0 ? code - 1 : -1;
                if (code > 1 << length) throw new JpegException(ImageProblem.Corrupt, "a Huffman table is invalid");
                code <<= 1;
            }
            MaxCode[17] = int.MaxValue;
        }
    }

    sealed class Decoder(byte[] data)
    {
        static readonly int[] ZigZag =
        [
            0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
            28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
            54, 47, 55, 62, 63,
            // libjpeg's safety padding: out-of-range indices land on 63 rather than outside the block
            63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
        ];

        readonly int[]?[] quant = new int[]?[4];
        readonly Huffman?[] dcTables = new Huffman?[4];
        readonly Huffman?[] acTables = new Huffman?[4];
        Component[] components = [];
        int width, height, maxH, maxV, mcusPerLine, mcusPerColumn, restartInterval;
        bool progressive, frameSeen, jfif, adobe;
        int adobeTransform = -1;
        int pos;

        // Bit reader state
        int bitBuffer, bitCount;
        bool hitMarker;
        int eobRun;

        public RgbImage Run()
        {
            if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
                throw new JpegException(ImageProblem.Corrupt, "it does not start like a JPEG file");
            pos = 2;
            bool sawScan = false;
            while (true)
            {
                int marker = NextMarker();
                switch (marker)
                {
                    case 0xD9: // EOI
                        if (!sawScan) throw new JpegException(ImageProblem.Corrupt, "it ends before any image data");
                        return Output();
                    case 0xC0 or 0xC1 or 0xC2:
                        ReadFrame(marker == 0xC2);
                        break;
                    case 0xC3 or >= 0xC5 and <= 0xC7 or >= 0xC9 and <= 0xCB or >= 0xCD and <= 0xCF:
                        throw new JpegException(ImageProblem.UnsupportedFormat,
                            marker >= 0xC9 ? "it uses arithmetic coding, which AlexVis does not support" : "it uses a lossless or hierarchical JPEG mode, which AlexVis does not support");
                    case 0xC4: ReadHuffmanTables(); break;
                    case 0xDB: ReadQuantTables(); break;
                    case 0xDD: ReadRestartInterval(); break;
                    case 0xDA:
                        ReadScan();
                        sawScan = true;
                        break;
                    case 0xE0: ReadApp0(); break;
                    case 0xEE: ReadApp14(); break;
                    case 0xDC: throw new JpegException(ImageProblem.UnsupportedFormat, "it sets its height with a DNL marker, which AlexVis does not support");
                    case >= 0xD0 and <= 0xD7: break; // stray restart marker
                    default: SkipSegment(); break;
                }
            }
        }

        int NextMarker()
        {
            // Tolerate garbage between segments as libjpeg does (it warns and resynchronises).
            while (pos < data.Length && data[pos] != 0xFF) pos++;
            while (pos < data.Length && data[pos] == 0xFF) pos++;
            if (pos >= data.Length) throw new JpegException(ImageProblem.Truncated, "the file ends before the image does");
            return data[pos++];
        }

        int SegmentLength()
        {
            if (pos + 2 > data.Length) throw new JpegException(ImageProblem.Truncated, "the file ends before the image does");
            int length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(pos));
            if (length < 2 || pos + length > data.Length)
                throw new JpegException(ImageProblem.Truncated, "the file ends before the image does");
            return length;
        }

        void SkipSegment() => pos += SegmentLength();

        void ReadApp0()
        {
            int length = SegmentLength();
            if (length >= 7 && data.AsSpan(pos + 2, 5).SequenceEqual("JFIF\0"u8)) jfif = true;
            pos += length;
        }

        void ReadApp14()
        {
            int length = SegmentLength();
            if (length >= 14 && data.AsSpan(pos + 2, 5).SequenceEqual("Adobe"u8))
            {
                adobe = true;
                adobeTransform = data[pos + 13];
            }
            pos += length;
        }

        void ReadRestartInterval()
        {
            int length = SegmentLength();
            if (length != 4) throw new JpegException(ImageProblem.Corrupt, "its restart interval segment is malformed");
            restartInterval = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(pos + 2));
            pos += length;
        }

        void ReadQuantTables()
        {
            int end = pos + SegmentLength();
            int p = pos + 2;
            while (p < end)
            {
                int pq = data[p] >> 4, tq = data[p] & 15;
                p++;
                if (tq > 3 || pq > 1) throw new JpegException(ImageProblem.Corrupt, "a quantisation table is invalid");
                var table = new int[64];
                for (int i = 0; i < 64; i++)
                {
                    if (p + (pq == 0 ? 1 : 2) > end) throw new JpegException(ImageProblem.Corrupt, "a quantisation table is cut short");
                    table[ZigZag[i]] = pq == 0 ? data[p++] : BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan((p += 2) - 2));
                }
                quant[tq] = table;
            }
            pos = end;
        }

        void ReadHuffmanTables()
        {
            int end = pos + SegmentLength();
            int p = pos + 2;
            while (p < end)
            {
                if (p + 17 > end) throw new JpegException(ImageProblem.Corrupt, "a Huffman table is cut short");
                int tc = data[p] >> 4, th = data[p] & 15;
                var counts = data.AsSpan(p + 1, 16);
                int total = 0;
                foreach (var c in counts) total += c;
                p += 17;
                if (tc > 1 || th > 3 || total > 256 || p + total > end) throw new JpegException(ImageProblem.Corrupt, "a Huffman table is invalid");
                var table = new Huffman(counts, data.AsSpan(p, total).ToArray());
                p += total;
                (tc == 0 ? dcTables : acTables)[th] = table;
            }
            pos = end;
        }

        void ReadFrame(bool isProgressive)
        {
            if (frameSeen) throw new JpegException(ImageProblem.UnsupportedFormat, "it holds more than one frame");
            int length = SegmentLength();
            int p = pos + 2;
            if (length < 8) throw new JpegException(ImageProblem.Corrupt, "its frame header is malformed");
            if (data[p] != 8) throw new JpegException(ImageProblem.UnsupportedFormat, $"it has {data[p]}-bit samples; AlexVis reads 8-bit JPEGs");
            height = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(p + 1));
            width = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(p + 3));
            int count = data[p + 5];
            if (width == 0 || height == 0) throw new JpegException(ImageProblem.Corrupt, "it has no valid image size");
            if (count is not (1 or 3 or 4) || length != 8 + 3 * count)
                throw new JpegException(ImageProblem.UnsupportedFormat, $"it has {count} colour components; AlexVis reads grey, colour and CMYK JPEGs");
            components = new Component[count];
            for (int i = 0; i < count; i++)
            {
                int q = p + 6 + i * 3;
                var c = new Component { Id = data[q], H = data[q + 1] >> 4, V = data[q + 1] & 15, QuantTable = data[q + 2], Index = i };
                if (c.H is < 1 or > 4 || c.V is < 1 or > 4 || c.QuantTable > 3)
                    throw new JpegException(ImageProblem.Corrupt, "its frame header has invalid sampling factors");
                components[i] = c;
            }
            maxH = components.Max(c => c.H);
            maxV = components.Max(c => c.V);
            foreach (var c in components)
                if (maxH % c.H != 0 || maxV % c.V != 0)
                    throw new JpegException(ImageProblem.UnsupportedFormat, "it uses fractional chroma sampling, which libjpeg does not support either");
            mcusPerLine = DivUp(width, 8 * maxH);
            mcusPerColumn = DivUp(height, 8 * maxV);
            foreach (var c in components)
            {
                c.Width = DivUp(width * c.H, maxH);
                c.Height = DivUp(height * c.V, maxV);
                c.BlocksPerLine = DivUp(c.Width, 8);
                c.BlocksPerColumn = DivUp(c.Height, 8);
                c.BlocksPerLineMcu = mcusPerLine * c.H;
                c.BlocksPerColumnMcu = mcusPerColumn * c.V;
                c.Coefficients = new short[c.BlocksPerLineMcu * c.BlocksPerColumnMcu * 64];
            }
            progressive = isProgressive;
            frameSeen = true;
            pos += length;
        }

        void ReadScan()
        {
            if (!frameSeen) throw new JpegException(ImageProblem.Corrupt, "image data comes before the frame header");
            int length = SegmentLength();
            int p = pos + 2;
            int count = data[p++];
            if (count < 1 || count > 4 || length != 6 + 2 * count) throw new JpegException(ImageProblem.Corrupt, "a scan header is malformed");
            var scan = new Component[count];
            for (int i = 0; i < count; i++)
            {
                int id = data[p++], tables = data[p++];
                var c = components.FirstOrDefault(x => x.Id == id) ?? throw new JpegException(ImageProblem.Corrupt, "a scan names an unknown component");
                c.DcTable = tables >> 4;
                c.AcTable = tables & 15;
                if (c.DcTable > 3 || c.AcTable > 3) throw new JpegException(ImageProblem.Corrupt, "a scan names an invalid Huffman table");
                // libjpeg latches each component's quantisation table when it first appears in a scan.
                c.Quant ??= (int[]?)quant[c.QuantTable]?.Clone() ?? throw new JpegException(ImageProblem.Corrupt, "a quantisation table is missing");
                scan[i] = c;
            }
            int ss = data[p], se = data[p + 1], ah = data[p + 2] >> 4, al = data[p + 2] & 15;
            pos += length;
            if (progressive)
            {
                if (ss > se || se > 63 || (ss == 0 && se != 0) || (ss > 0 && count != 1) || ah > 13 || al > 13)
                    throw new JpegException(ImageProblem.Corrupt, "a progressive scan has invalid parameters");
            }
            else
            {
                ss = 0; se = 63; ah = 0; al = 0;
            }
            DecodeScan(scan, ss, se, ah, al);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void DecodeScan(Component[] scan, int ss, int se, int ah, int al)
        {
            ResetBits();
            eobRun = 0;
            foreach (var c in scan) c.Pred = 0;
            bool single = scan.Length == 1;
            int totalUnits = single ? scan[0].BlocksPerLine * scan[0].BlocksPerColumn : mcusPerLine * mcusPerColumn;
            int sinceRestart = 0;

            for (int unit = 0; unit < totalUnits; unit++)
            {
                if (restartInterval > 0 && sinceRestart == restartInterval)
                {
                    ProcessRestart();
                    foreach (var c in scan) c.Pred = 0;
                    eobRun = 0;
                    sinceRestart = 0;
                }
                if (single)
                {
                    var c = scan[0];
                    int row = unit / c.BlocksPerLine, col = unit % c.BlocksPerLine;
                    DecodeBlock(c, (row * c.BlocksPerLineMcu + col) * 64, ss, se, ah, al);
                }
                else
                {
                    int mcuRow = unit / mcusPerLine, mcuCol = unit % mcusPerLine;
                    foreach (var c in scan)
                        for (int v = 0; v < c.V; v++)
                            for (int h = 0; h < c.H; h++)
                            {
                                int row = mcuRow * c.V + v, col = mcuCol * c.H + h;
                                DecodeBlock(c, (row * c.BlocksPerLineMcu + col) * 64, ss, se, ah, al);
                            }
                }
                sinceRestart++;
            }
            // Skip to the next marker; the outer loop reads it.
            if (hitMarker) pos -= 2;
            while (pos < data.Length)
            {
                if (data[pos] == 0xFF && pos + 1 < data.Length && data[pos + 1] != 0 && data[pos + 1] is < 0xD0 or > 0xD7)
                    break;
                pos++;
            }
            if (pos >= data.Length) throw new JpegException(ImageProblem.Truncated, "the file ends before the image does");
        }

        void ProcessRestart()
        {
            if (hitMarker) pos -= 2; // the marker the bit reader stopped at
            ResetBits();
            while (pos + 1 < data.Length && !(data[pos] == 0xFF && data[pos + 1] is >= 0xD0 and <= 0xD7))
            {
                if (data[pos] == 0xFF && data[pos + 1] != 0 && data[pos + 1] != 0xFF)
                    throw new JpegException(ImageProblem.Corrupt, "a restart marker is missing");
                pos++;
            }
            if (pos + 1 >= data.Length) throw new JpegException(ImageProblem.Truncated, "the file ends before the image does");
            pos += 2;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void DecodeBlock(Component c, int offset, int ss, int se, int ah, int al)
        {
            var block = c.Coefficients.AsSpan(offset, 64);
            if (!progressive)
            {
                DecodeBaseline(c, block);
                return;
            }
            if (ss == 0)
            {
                if (ah == 0)
                {
                    int s = DecodeHuffman(dcTables[c.DcTable]);
                    int diff = s == 0 ? 0 : Extend(ReadBits(s), s);
                    c.Pred += diff;
                    block[0] = (short)(c.Pred << al);
                }
                else if (ReadBit() != 0)
                {
                    block[0] |= (short)(1 << al);
                }
                return;
            }
            if (ah == 0) DecodeAcFirst(c, block, ss, se, al);
            else DecodeAcRefine(c, block, ss, se, al);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void DecodeBaseline(Component c, Span<short> block)
        {
            var dc = dcTables[c.DcTable] ?? throw new JpegException(ImageProblem.Corrupt, "a Huffman table is missing");
            var ac = acTables[c.AcTable] ?? throw new JpegException(ImageProblem.Corrupt, "a Huffman table is missing");
            int s = DecodeHuffman(dc);
            int diff = s == 0 ? 0 : Extend(ReadBits(s), s);
            c.Pred += diff;
            block[0] = (short)c.Pred;
            for (int k = 1; k < 64;)
            {
                int rs = DecodeHuffman(ac);
                int r = rs >> 4;
                s = rs & 15;
                if (s == 0)
                {
                    if (r != 15) break;
                    k += 16;
                    continue;
                }
                k += r;
                block[ZigZag[k]] = (short)Extend(ReadBits(s), s);
                k++;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void DecodeAcFirst(Component c, Span<short> block, int ss, int se, int al)
        {
            if (eobRun > 0) { eobRun--; return; }
            var ac = acTables[c.AcTable] ?? throw new JpegException(ImageProblem.Corrupt, "a Huffman table is missing");
            for (int k = ss; k <= se;)
            {
                int rs = DecodeHuffman(ac);
                int r = rs >> 4, s = rs & 15;
                if (s == 0)
                {
                    if (r < 15)
                    {
                        eobRun = (1 << r) - 1;
                        if (r > 0) eobRun += ReadBits(r);
                        break;
                    }
                    k += 16;
                    continue;
                }
                k += r;
                block[ZigZag[k]] = (short)(Extend(ReadBits(s), s) * (1 << al));
                k++;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void DecodeAcRefine(Component c, Span<short> block, int ss, int se, int al)
        {
            int p1 = 1 << al, m1 = -1 << al;
            int k = ss;
            if (eobRun == 0)
            {
                var ac = acTables[c.AcTable] ?? throw new JpegException(ImageProblem.Corrupt, "a Huffman table is missing");
                for (; k <= se;)
                {
                    int rs = DecodeHuffman(ac);
                    int r = rs >> 4, s = rs & 15;
                    int value = 0;
                    if (s == 0)
                    {
                        if (r < 15)
                        {
                            eobRun = 1 << r;
                            if (r > 0) eobRun += ReadBits(r);
                            break;
                        }
                    }
                    else
                    {
                        if (s != 1) throw new JpegException(ImageProblem.Corrupt, "a progressive refinement scan is invalid");
                        value = ReadBit() != 0 ? p1 : m1;
                    }
                    // Advance over already-nonzero coefficients (refining each) and r zero ones.
                    while (k <= se)
                    {
                        int z = ZigZag[k];
                        if (block[z] != 0)
                        {
                            if (ReadBit() != 0 && (block[z] & p1) == 0)
                                block[z] = (short)(block[z] >= 0 ? block[z] + p1 : block[z] + m1);
                        }
                        else
                        {
                            if (r == 0)
                            {
                                if (value != 0) block[z] = (short)value;
                                k++;
                                break;
                            }
                            r--;
                        }
                        k++;
                    }
                }
            }
            if (eobRun > 0)
            {
                for (; k <= se; k++)
                {
                    int z = ZigZag[k];
                    if (block[z] != 0 && ReadBit() != 0 && (block[z] & p1) == 0)
                        block[z] = (short)(block[z] >= 0 ? block[z] + p1 : block[z] + m1);
                }
                eobRun--;
            }
        }

        void ResetBits()
        {
            bitBuffer = 0;
            bitCount = 0;
            hitMarker = false;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Fill()
        {
            while (bitCount <= 24)
            {
                int b = 0;
                if (!hitMarker && pos < data.Length)
                {
                    b = data[pos];
                    if (b == 0xFF)
                    {
                        int next = pos + 1 < data.Length ? data[pos + 1] : -1;
                        if (next == 0x00) pos += 2;
                        else if (next == 0xFF) { pos++; continue; } // fill byte
                        else { hitMarker = true; pos += 2; b = 0; }
                    }
                    else pos++;
                }
                else if (!hitMarker)
                {
                    throw new JpegException(ImageProblem.Truncated, "the file ends before the image does");
                }
                // After a marker libjpeg feeds zero bits (and warns); so do we.
                bitBuffer |= b << (24 - bitCount);
                bitCount += 8;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        int ReadBit()
        {
            if (bitCount == 0) Fill();
            int bit = (bitBuffer >> 31) & 1;
            bitBuffer <<= 1;
            bitCount--;
            return bit;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        int ReadBits(int n)
        {
            if (n == 0) return 0;
            if (bitCount < n) Fill();
            int v = (int)((uint)bitBuffer >> (32 - n));
            bitBuffer <<= n;
            bitCount -= n;
            return v;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        int DecodeHuffman(Huffman? table)
        {
            if (table is null) throw new JpegException(ImageProblem.Corrupt, "a Huffman table is missing");
            if (bitCount < 16) Fill();
            int look = (int)((uint)bitBuffer >> (32 - Huffman.FastBits));
            int fast = table.Fast[look];
            if (fast >= 0)
            {
                int len = fast >> 8;
                bitBuffer <<= len;
                bitCount -= len;
                return fast & 0xFF;
            }
            int code = 0;
            for (int length = 1; length <= 16; length++)
            {
                code = (code << 1) | ReadBit();
                if (code <= table.MaxCode[length])
                {
                    int index = table.ValOffset[length] + code;
                    if ((uint)index >= (uint)table.Symbols.Length) break;
                    return table.Symbols[index];
                }
            }
            throw new JpegException(ImageProblem.Corrupt, "its compressed data is damaged (invalid Huffman code)");
        }

        static int Extend(int v, int t) => v < 1 << (t - 1) ? v - (1 << t) + 1 : v;

        static int DivUp(int a, int b) => (a + b - 1) / b;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        RgbImage Output()
        {
            // Rows are independent from here on: IDCT, upsampling and colour conversion run in bands on all cores.
            var planes = new byte[components.Length][];
            foreach (var c in components)
                planes[c.Index] = Upsample(c, Idct(c));

            var rgb = GC.AllocateUninitializedArray<byte>(width * height * 3);
            bool isRgb = components.Length == 3 && (adobe ? adobeTransform == 0 : !jfif && components[0].Id == 'R' && components[1].Id == 'G' && components[2].Id == 'B');
            bool ycck = components.Length == 4 && adobe && adobeTransform == 2;
            int w = width;
            Bands(height, (y0, y1) =>
            {
                for (int i = y0 * w; i < y1 * w; i++)
                {
                    int o = i * 3;
                    switch (components.Length)
                    {
                        case 1:
                            rgb[o] = rgb[o + 1] = rgb[o + 2] = planes[0][i];
                            break;
                        case 3 when isRgb:
                            rgb[o] = planes[0][i]; rgb[o + 1] = planes[1][i]; rgb[o + 2] = planes[2][i];
                            break;
                        case 3:
                            ColourTables.YccToRgb(planes[0][i], planes[1][i], planes[2][i], rgb.AsSpan(o, 3));
                            break;
                        default:
                            // libjpeg gives CMYK (converting YCCK when the Adobe transform is 2); PIL reads it as inverted Adobe CMYK.
                            byte c0 = planes[0][i], c1 = planes[1][i], c2 = planes[2][i], k = planes[3][i];
                            if (ycck) (c0, c1, c2) = ColourTables.YcckToCmy(c0, c1, c2);
                            var (r, g, b) = ColourTables.PilCmykToRgb((byte)(255 - c0), (byte)(255 - c1), (byte)(255 - c2), (byte)(255 - k));
                            rgb[o] = r; rgb[o + 1] = g; rgb[o + 2] = b;
                            break;
                    }
                }
            });
            return new RgbImage(width, height, rgb);
        }

        /// <summary>Runs <paramref name="body"/> over [0, rows) in bands of rows, in parallel.</summary>
        static void Bands(int rows, Action<int, int> body)
        {
            const int band = 32;
            int bands = (rows + band - 1) / band;
            if (bands == 1) body(0, rows);
            else Parallel.For(0, bands, b => body(b * band, Math.Min(rows, (b + 1) * band)));
        }

        /// <summary>Dequantises and inverse-transforms every block; returns the padded sample plane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static byte[] Idct(Component c)
        {
            int stride = c.BlocksPerLineMcu * 8;
            var plane = GC.AllocateUninitializedArray<byte>(stride * c.BlocksPerColumnMcu * 8);
            var q = c.Quant ?? throw new JpegException(ImageProblem.Corrupt, "a component never appears in any scan");
            // Only the blocks libjpeg outputs matter; the padding blocks beyond the component's own rows are not read.
            Bands(c.BlocksPerColumn, (r0, r1) =>
            {
                Span<int> workspace = stackalloc int[64];
                for (int row = r0; row < r1; row++)
                    for (int col = 0; col < c.BlocksPerLineMcu; col++)
                        Islow.Transform(c.Coefficients.AsSpan((row * c.BlocksPerLineMcu + col) * 64, 64), q, workspace,
                            plane.AsSpan(row * 8 * stride + col * 8), stride);
            });
            return plane;
        }

        /// <summary>Upsamples a component to the full image size as libjpeg-turbo's jdsample.c does with fancy upsampling.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        byte[] Upsample(Component c, byte[] plane)
        {
            int stride = c.BlocksPerLineMcu * 8;
            int hx = maxH / c.H, vx = maxV / c.V;
            int w = width;
            var output = GC.AllocateUninitializedArray<byte>(width * height);
            int lastRow = c.Height - 1, cw = c.Width;

            if (hx == 1 && vx == 1)
            {
                Bands(height, (y0, y1) =>
                {
                    for (int y = y0; y < y1; y++) plane.AsSpan(y * stride, w).CopyTo(output.AsSpan(y * w));
                });
            }
            else if (hx == 2 && vx == 1 && cw > 2)
            {
                Bands(height, (y0, y1) =>
                {
                    var row = new byte[cw * 2];
                    for (int y = y0; y < y1; y++)
                    {
                        H2Fancy(plane.AsSpan(y * stride, cw), row);
                        row.AsSpan(0, w).CopyTo(output.AsSpan(y * w));
                    }
                });
            }
            else if (hx == 2 && vx == 2 && cw > 2)
            {
                Bands(height, (y0, y1) =>
                {
                    var row = new byte[cw * 2];
                    for (int y = y0; y < y1; y++)
                    {
                        int inRow = y >> 1;
                        bool upper = (y & 1) == 0;
                        // The row above the first is the first; rows past the last are the last (libjpeg's context rows).
                        int far = upper ? Math.Max(inRow - 1, 0) : Math.Min(inRow + 1, lastRow);
                        int near = Math.Min(inRow, lastRow);
                        H2V2Fancy(plane.AsSpan(near * stride, cw), plane.AsSpan(far * stride, cw), row);
                        row.AsSpan(0, w).CopyTo(output.AsSpan(y * w));
                    }
                });
            }
            else if (hx == 1 && vx == 2)
            {
                Bands(height, (y0, y1) =>
                {
                    for (int y = y0; y < y1; y++)
                    {
                        int inRow = y >> 1;
                        bool upper = (y & 1) == 0;
                        int far = upper ? Math.Max(inRow - 1, 0) : Math.Min(inRow + 1, lastRow);
                        int near = Math.Min(inRow, lastRow);
                        int bias = upper ? 1 : 2;
                        for (int x = 0; x < w; x++)
                            output[y * w + x] = (byte)((plane[near * stride + x] * 3 + plane[far * stride + x] + bias) >> 2);
                    }
                });
            }
            else
            {
                // Plain replication (libjpeg's int_upsample and the narrow-image cases).
                Bands(height, (y0, y1) =>
                {
                    for (int y = y0; y < y1; y++)
                        for (int x = 0; x < w; x++)
                            output[y * w + x] = plane[(y / vx) * stride + x / hx];
                });
            }
            return output;
        }

        /// <summary>libjpeg-turbo's h2v2_fancy_upsample for one output row: 3:1 with the nearer input row, then 3:1 across.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void H2V2Fancy(ReadOnlySpan<byte> near, ReadOnlySpan<byte> far, Span<byte> output)
        {
            int n = near.Length;
            int thisSum = near[0] * 3 + far[0];
            int nextSum = near[1] * 3 + far[1];
            output[0] = (byte)((thisSum * 4 + 8) >> 4);
            output[1] = (byte)((thisSum * 3 + nextSum + 7) >> 4);
            int lastSum = thisSum;
            thisSum = nextSum;
            for (int x = 2; x < n; x++)
            {
                nextSum = near[x] * 3 + far[x];
                output[2 * x - 2] = (byte)((thisSum * 3 + lastSum + 8) >> 4);
                output[2 * x - 1] = (byte)((thisSum * 3 + nextSum + 7) >> 4);
                lastSum = thisSum;
                thisSum = nextSum;
            }
            output[2 * n - 2] = (byte)((thisSum * 3 + lastSum + 8) >> 4);
            output[2 * n - 1] = (byte)((thisSum * 4 + 7) >> 4);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void H2Fancy(ReadOnlySpan<byte> input, Span<byte> output)
        {
            int n = input.Length;
            int v = input[0];
            output[0] = (byte)v;
            output[1] = (byte)((v * 3 + input[1] + 2) >> 2);
            for (int x = 1; x < n - 1; x++)
            {
                v = input[x] * 3;
                output[2 * x] = (byte)((v + input[x - 1] + 1) >> 2);
                output[2 * x + 1] = (byte)((v + input[x + 1] + 2) >> 2);
            }
            v = input[n - 1];
            output[2 * n - 2] = (byte)((v * 3 + input[n - 2] + 1) >> 2);
            output[2 * n - 1] = (byte)v;
        }
    }
}

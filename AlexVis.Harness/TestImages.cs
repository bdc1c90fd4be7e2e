using System.Buffers.Binary;
using System.IO.Compression;
using AlexVis.Model.Visualization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace AlexVis.Harness;

/// <summary>A PNG made by <see cref="TestImages.Png"/> and the 8-bit RGB pixels PIL's <c>convert("RGB")</c> gives for it.</summary>
/// <param name="File">The file's bytes.</param>
/// <param name="Rgb">Width × height × 3 bytes: what a decoder must return.</param>
public sealed record MadePng(byte[] File, byte[] Rgb);

/// <summary>
/// Good and hostile JPEG and PNG files made in code, for the decoder tests, the seeded fuzz test, the browser tests
/// and the soak benchmark: each kind of file that once crashed, hung or ballooned the server, and valid files of
/// every PNG colour type, bit depth and interlacing with the pixels PIL gives for them.
/// </summary>
public static class TestImages
{
    static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A smooth, deterministic RGB picture (gradients with a pattern), width × height × 3 bytes.</summary>
    public static byte[] Picture(int width, int height, int seed = 0)
    {
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                rgb[i] = (byte)(x * 255 / Math.Max(1, width - 1));
                rgb[i + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                rgb[i + 2] = (byte)((x * 7 + y * 13 + seed * 31 + (x * y >> 3)) & 0xFF);
            }
        return rgb;
    }

    /// <summary>A baseline 4:2:0 JPEG of <see cref="Picture"/> (ImageSharp's encoder, standard Huffman tables).</summary>
    public static byte[] Jpeg(int width, int height, int quality = 85, int seed = 0)
    {
        using var image = Image.LoadPixelData<Rgb24>(Picture(width, height, seed), width, height);
        using var ms = new MemoryStream();
        image.Save(ms, new JpegEncoder { Quality = quality, ColorType = JpegColorType.YCbCrRatio420 });
        return ms.ToArray();
    }

    /// <summary>
    /// A valid PNG of colour type <paramref name="colourType"/> (0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA) at
    /// <paramref name="bitDepth"/>, optionally Adam7-interlaced, its zlib stream cut into IDAT chunks of
    /// <paramref name="idatChunk"/> bytes (0: one chunk). Sub-byte grey is scaled to 0–255 and 16-bit reduced to the
    /// high byte, as PIL and libpng do; alpha is dropped.
    /// </summary>
    public static MadePng Png(int width, int height, int colourType, int bitDepth, bool interlaced = false, int idatChunk = 0, int seed = 0)
    {
        int channels = colourType switch { 0 or 3 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new ArgumentException($"colour type {colourType}") };
        int max = (1 << bitDepth) - 1;
        var palette = Enumerable.Range(0, 256).Select(i => ((byte)(i * 37 + 11), (byte)(i * 91 + 3), (byte)(255 - i * 5))).ToArray();
        var random = new Random(seed * 7919 + colourType * 131 + bitDepth);
        var samples = new int[width * height * channels];
        for (int i = 0; i < samples.Length; i++) samples[i] = random.Next(max + 1);
        var rgb = new byte[width * height * 3];
        for (int p = 0; p < width * height; p++)
        {
            int s0 = samples[p * channels];
            (byte R, byte G, byte B) colour = colourType switch
            {
                3 => palette[s0],
                0 or 4 => Grey(Eight(s0, bitDepth)),
                _ => (Eight(s0, bitDepth), Eight(samples[p * channels + 1], bitDepth), Eight(samples[p * channels + 2], bitDepth)),
            };
            (rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2]) = colour;
        }

        using var raw = new MemoryStream();
        foreach (var (x0, y0, dx, dy) in interlaced ? Adam7 : [(0, 0, 1, 1)])
        {
            int passWidth = (width - x0 + dx - 1) / dx, passHeight = (height - y0 + dy - 1) / dy;
            if (passWidth <= 0 || passHeight <= 0) continue;
            for (int y = y0; y < height; y += dy)
            {
                raw.WriteByte(0); // filter: none
                var bits = new BitWriter(raw);
                for (int x = x0; x < width; x += dx)
                    for (int c = 0; c < channels; c++)
                        bits.Write(samples[(y * width + x) * channels + c], bitDepth);
                bits.Flush();
            }
        }
        using var png = new MemoryStream();
        png.Write(PngSignature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colourType;
        ihdr[12] = (byte)(interlaced ? 1 : 0);
        PngChunk.Write(png, "IHDR", ihdr);
        if (colourType == 3) PngChunk.Write(png, "PLTE", palette.Take(1 << bitDepth).SelectMany(c => new[] { c.Item1, c.Item2, c.Item3 }).ToArray());
        var data = Deflate(raw.ToArray());
        int step = idatChunk > 0 ? idatChunk : data.Length;
        for (int i = 0; i < data.Length; i += step) PngChunk.Write(png, "IDAT", data.AsSpan(i, Math.Min(step, data.Length - i)));
        PngChunk.Write(png, "IEND", []);
        return new MadePng(png.ToArray(), rgb);

        static (byte, byte, byte) Grey(byte v) => (v, v, v);
    }

    /// <summary>A sample of <paramref name="bitDepth"/> bits as PIL shows it in 8 bits.</summary>
    static byte Eight(int sample, int bitDepth) => bitDepth switch
    {
        16 => (byte)(sample >> 8),
        8 => (byte)sample,
        _ => (byte)(sample * 255 / ((1 << bitDepth) - 1)),
    };

    static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>Every valid bit depth of each PNG colour type.</summary>
    public static IEnumerable<(int ColourType, int BitDepth)> PngKinds() =>
    [
        (0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16),
    ];

    static byte[] Deflate(byte[] raw, bool presetDictionary = false)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
        var data = ms.ToArray();
        if (!presetDictionary) return data;
        // FDICT set (and FCHECK kept valid): a dictionary id follows the header; PNG forbids it.
        int cmf = data[0], flg = (data[1] | 0x20) & 0xE0;
        flg |= 31 - ((cmf << 8 | flg) % 31);
        return [(byte)cmf, (byte)flg, 0, 0, 0, 1, .. data[2..]];
    }

    sealed class BitWriter(Stream s)
    {
        int buffer, count;

        public void Write(int value, int bits)
        {
            if (bits == 16) { s.WriteByte((byte)(value >> 8)); s.WriteByte((byte)value); return; }
            buffer = buffer << bits | value;
            count += bits;
            if (count == 8) Flush();
        }

        public void Flush()
        {
            if (count == 0) return;
            s.WriteByte((byte)(buffer << (8 - count)));
            buffer = count = 0;
        }
    }

    // ---- Hostile files: each once stopped the server (crash, hang or memory) or is made to. ----

    /// <summary>
    /// A JPEG whose first DC Huffman table is over-subscribed: three codes of length 1 (only two exist), or with
    /// <paramref name="longCodes"/> four codes of length 2 (the whole code space) and one more of length 16.
    /// libjpeg refuses both; the old managed decoder crashed the server on the first.
    /// </summary>
    public static byte[] OversubscribedHuffman(bool longCodes)
    {
        var jpeg = Jpeg(48, 32);
        var (offset, length, _) = JpegSegments(jpeg).First(s => s.Marker == 0xC4);
        int tableStart = offset + 4;
        var counts = new byte[16];
        int symbols;
        if (longCodes) { counts[1] = 4; counts[15] = 1; symbols = 5; }
        else { counts[0] = 3; symbols = 3; }
        byte[] table = [0x00, .. counts, .. Enumerable.Range(0, symbols).Select(i => (byte)i)];
        // Replace the segment's first table (class/id byte, 16 counts, its symbols) with ours.
        int oldSymbols = jpeg.Skip(tableStart + 1).Take(16).Sum(b => b);
        int oldEnd = tableStart + 17 + oldSymbols;
        var rest = jpeg[oldEnd..(offset + 2 + length)];
        byte[] segment = [0xFF, 0xC4, .. BigEndian16(2 + table.Length + rest.Length), .. table, .. rest];
        return [.. jpeg[..offset], .. segment, .. jpeg[(offset + 2 + length)..]];
    }

    /// <summary>
    /// A JPEG that declares a <paramref name="width"/> × <paramref name="height"/> frame behind a second SOI, a TEM
    /// marker or a decoy 1 × 1 frame (<paramref name="trick"/> = "soi", "tem" or "decoy"); once, three marker walkers
    /// disagreed on such files and the decoder decoded 144 MP that the size check never saw.
    /// </summary>
    public static byte[] HiddenFrame(string trick, int width = 12000, int height = 12000)
    {
        var big = JpegClaiming(Jpeg(16, 16), width, height);
        return trick switch
        {
            "soi" => [0xFF, 0xD8, .. big],
            "tem" => [0xFF, 0xD8, 0xFF, 0x01, .. big[2..]],
            "decoy" => DecoyThenBig(big),
            _ => throw new ArgumentException(trick),
        };

        static byte[] DecoyThenBig(byte[] big)
        {
            var (offset, length, _) = JpegSegments(big).First(s => s.Marker == 0xC0);
            var decoy = big[offset..(offset + 2 + length)];
            BinaryPrimitives.WriteUInt16BigEndian(decoy.AsSpan(5), 1);
            BinaryPrimitives.WriteUInt16BigEndian(decoy.AsSpan(7), 1);
            return [.. big[..offset], .. decoy, .. big[offset..]];
        }
    }

    /// <summary><paramref name="jpeg"/> with its frame header saying <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static byte[] JpegClaiming(byte[] jpeg, int width, int height)
    {
        var copy = (byte[])jpeg.Clone();
        var (offset, _, _) = JpegSegments(copy).First(s => s.Marker is 0xC0 or 0xC1 or 0xC2);
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(offset + 5), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(offset + 7), (ushort)width);
        return copy;
    }

    /// <summary>A complete, valid RGB PNG that claims <paramref name="width"/> × <paramref name="height"/> pixels but holds a few bytes of data.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write(PngSignature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        PngChunk.Write(png, "IHDR", ihdr);
        PngChunk.Write(png, "IDAT", Deflate(new byte[16]));
        PngChunk.Write(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A PNG whose IHDR holds <paramref name="length"/> bytes instead of 13 (0 and 12 once crashed the server).</summary>
    public static byte[] PngWithIhdrLength(int length)
    {
        var good = Png(16, 16, 2, 8).File;
        using var png = new MemoryStream();
        png.Write(PngSignature);
        PngChunk.Write(png, "IHDR", good.AsSpan(16, Math.Min(13, length)).ToArray().Concat(new byte[Math.Max(0, length - 13)]).ToArray());
        png.Write(good.AsSpan(8 + 25));
        return png.ToArray();
    }

    /// <summary>A valid RGB PNG with an empty pHYs chunk before its data (once crashed the server).</summary>
    public static byte[] PngWithEmptyPhys()
    {
        var good = Png(16, 16, 2, 8).File;
        using var png = new MemoryStream();
        png.Write(good.AsSpan(0, 8 + 25));
        PngChunk.Write(png, "pHYs", []);
        png.Write(good.AsSpan(8 + 25));
        return png.ToArray();
    }

    /// <summary>An RGB PNG whose zlib stream sets the preset-dictionary flag, which PNG forbids (once crashed the server).</summary>
    public static byte[] PngWithPresetDictionary()
    {
        using var raw = new MemoryStream();
        var pixels = Picture(16, 16);
        for (int y = 0; y < 16; y++) { raw.WriteByte(0); raw.Write(pixels, y * 48, 48); }
        var good = Png(16, 16, 2, 8).File;
        using var png = new MemoryStream();
        png.Write(good.AsSpan(0, 8 + 25));
        PngChunk.Write(png, "IDAT", Deflate(raw.ToArray(), presetDictionary: true));
        PngChunk.Write(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>The JPEG's marker segments up to its first scan: (offset of the FF, segment length without the marker, marker).</summary>
    public static IEnumerable<(int Offset, int Length, byte Marker)> JpegSegments(byte[] jpeg)
    {
        int pos = 2;
        while (pos + 4 <= jpeg.Length && jpeg[pos] == 0xFF)
        {
            byte marker = jpeg[pos + 1];
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
            yield return (pos, length, marker);
            if (marker == 0xDA) yield break;
            pos += 2 + length;
        }
    }

    /// <summary>Where each chunk of a PNG starts, and the end of the file.</summary>
    public static IEnumerable<int> PngChunkOffsets(byte[] png)
    {
        int pos = 8;
        while (pos + 8 <= png.Length)
        {
            yield return pos;
            long next = pos + 12L + BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            if (next > png.Length) yield break;
            pos = (int)next;
        }
        yield return png.Length;
    }

    static byte[] BigEndian16(int value) => [(byte)(value >> 8), (byte)value];

    /// <summary>
    /// A seeded corpus of <paramref name="count"/> damaged files made from good JPEGs and PNGs of every kind: byte
    /// flips, truncation at every segment or chunk boundary and at random, duplicated and removed segments, bogus
    /// Huffman tables, hidden huge frames, huge dimensions, split IDATs, bad IHDR lengths, zlib dictionaries.
    /// Each comes with the name of the mutation, for messages.
    /// </summary>
    public static IEnumerable<(string Name, byte[] File)> Mutations(int seed, int count)
    {
        var random = new Random(seed);
        var bases = new List<(string, byte[])>
        {
            ("jpeg", Jpeg(64, 48, 90)), ("jpeg-small", Jpeg(17, 9, 50, 1)), ("jpeg-q100", Jpeg(40, 40, 100, 2)),
        };
        bases.AddRange(PngKinds().SelectMany(k => new[]
        {
            ($"png{k.ColourType}-{k.BitDepth}", Png(23, 17, k.ColourType, k.BitDepth, seed: 1).File),
            ($"png{k.ColourType}-{k.BitDepth}-adam7", Png(11, 9, k.ColourType, k.BitDepth, interlaced: true, seed: 2).File),
        }));
        bases.Add(("png-split", Png(20, 20, 2, 8, idatChunk: 7).File));
        var fixedCases = new List<(string, byte[])>
        {
            ("huffman-oversubscribed", OversubscribedHuffman(false)), ("huffman-oversubscribed-long", OversubscribedHuffman(true)),
            ("hidden-soi", HiddenFrame("soi")), ("hidden-tem", HiddenFrame("tem")), ("hidden-decoy", HiddenFrame("decoy")),
            ("jpeg-65535", JpegClaiming(Jpeg(16, 16), 65535, 65535)), ("ihdr-0", PngWithIhdrLength(0)), ("ihdr-12", PngWithIhdrLength(12)),
            ("phys-empty", PngWithEmptyPhys()), ("zlib-dictionary", PngWithPresetDictionary()),
        };
        foreach (var (name, file) in bases)
        {
            bool jpeg = file[0] == 0xFF;
            var boundaries = jpeg ? JpegSegments(file).Select(s => s.Offset).Append(file.Length - 2) : PngChunkOffsets(file);
            foreach (var cut in boundaries.Where(b => b > 2 && b < file.Length)) fixedCases.Add(($"{name}-cut@{cut}", file[..cut]));
        }
        foreach (var c in fixedCases.Take(count)) yield return c;

        for (int made = fixedCases.Count; made < count; made++)
        {
            var (name, source) = bases[random.Next(bases.Count)];
            var file = (byte[])source.Clone();
            bool jpeg = file[0] == 0xFF;
            string how;
            switch (random.Next(8))
            {
                case 0 or 1:
                    int flips = 1 + random.Next(4);
                    for (int i = 0; i < flips; i++) file[random.Next(file.Length)] ^= (byte)(1 << random.Next(8));
                    how = $"flip{flips}";
                    break;
                case 2:
                    int at = 1 + random.Next(file.Length - 1);
                    file = file[..at];
                    how = $"cut@{at}";
                    break;
                case 3:
                    file[random.Next(file.Length)] = (byte)random.Next(256);
                    how = "byte";
                    break;
                case 4 when jpeg:
                    var segs = JpegSegments(file).ToList();
                    var seg = segs[random.Next(segs.Count)];
                    var bytes = file[seg.Offset..Math.Min(file.Length, seg.Offset + 2 + seg.Length)];
                    file = random.Next(2) == 0
                        ? [.. file[..seg.Offset], .. bytes, .. file[seg.Offset..]]
                        : [.. file[..seg.Offset], .. file[Math.Min(file.Length, seg.Offset + 2 + seg.Length)..]];
                    how = $"segment-{seg.Marker:X2}";
                    break;
                case 4:
                    var chunks = PngChunkOffsets(file).ToList();
                    int k = random.Next(chunks.Count - 1);
                    var chunk = file[chunks[k]..chunks[k + 1]];
                    file = random.Next(2) == 0
                        ? [.. file[..chunks[k]], .. chunk, .. file[chunks[k]..]]
                        : [.. file[..chunks[k]], .. file[chunks[k + 1]..]];
                    how = $"chunk{k}";
                    break;
                case 5 when jpeg:
                    file = JpegClaiming(file, random.Next(1, 65536), random.Next(1, 65536));
                    how = "dimensions";
                    break;
                case 5:
                    // A random IHDR field with a valid CRC, so the decoder, not the checksum, meets it.
                    file[16 + random.Next(13)] = (byte)random.Next(256);
                    PngChunk.Reseal(file, 12, 13);
                    how = "ihdr";
                    break;
                case 6:
                    int start = random.Next(file.Length);
                    int run = Math.Min(file.Length - start, 1 + random.Next(64));
                    random.NextBytes(file.AsSpan(start, run));
                    how = $"noise{run}";
                    break;
                default:
                    file = [.. file, .. file[2..Math.Min(file.Length, 2 + random.Next(200))]];
                    how = "appended";
                    break;
            }
            yield return ($"{name}-{how}-{made}", file);
        }
    }
}

using System.Buffers.Binary;

namespace AlexVis.Model.Imaging;

/// <summary>
/// Walks the structure of a JPEG or PNG file to find truncation and damage before decoding. ImageSharp 2.1
/// decodes a file cut in half without complaint (the missing rows come back black); PIL refuses such files,
/// so AlexVis must too.
/// </summary>
internal static class ContainerCheck
{
    /// <summary>Null when the JPEG's segments and entropy-coded data run complete to an EOI marker; else the problem.</summary>
    public static (ImageProblem Problem, string Detail)? Jpeg(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
            return (ImageProblem.Corrupt, "it does not start like a JPEG file");
        int pos = 2;
        bool sawFrame = false, sawScan = false;
        while (true)
        {
            // Markers may be preceded by any number of 0xFF fill bytes.
            if (pos >= data.Length) return Truncated();
            if (data[pos] != 0xFF)
                return (ImageProblem.Corrupt, $"a marker was expected at byte {pos}");
            while (pos < data.Length && data[pos] == 0xFF) pos++;
            if (pos >= data.Length) return Truncated();
            byte marker = data[pos++];
            if (marker == 0xD9) // EOI
                return sawFrame && sawScan ? null : (ImageProblem.Corrupt, "it ends before any image data");
            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
                continue; // standalone markers
            if (marker == 0x00)
                return (ImageProblem.Corrupt, $"an invalid marker was found at byte {pos - 1}");
            if (pos + 2 > data.Length) return Truncated();
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2) return (ImageProblem.Corrupt, $"a segment at byte {pos} has an invalid length");
            if (pos + length > data.Length) return Truncated();
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC) sawFrame = true;
            pos += length;
            if (marker != 0xDA) continue; // not SOS

            sawScan = true;
            // Entropy-coded data: runs until a 0xFF that is neither stuffing (FF 00), a restart marker nor fill.
            while (true)
            {
                int ff = data[pos..].IndexOf((byte)0xFF);
                if (ff < 0) return Truncated();
                pos += ff;
                int next = pos + 1;
                while (next < data.Length && data[next] == 0xFF) next++;
                if (next >= data.Length) return Truncated();
                byte b = data[next];
                if (b == 0x00 || b is >= 0xD0 and <= 0xD7)
                {
                    pos = next + 1;
                    continue;
                }
                pos = next - 1; // back onto the 0xFF that introduces the marker
                break;
            }
        }

        static (ImageProblem, string) Truncated() => (ImageProblem.Truncated, "the file ends before the image does");
    }

    /// <summary>Null when every PNG chunk is complete with a correct CRC and the file reaches IEND; else the problem.</summary>
    public static (ImageProblem Problem, string Detail)? Png(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!data.StartsWith(signature))
            return (ImageProblem.Corrupt, "it does not start like a PNG file");
        int pos = 8;
        bool first = true, sawData = false;
        while (true)
        {
            if (pos + 8 > data.Length) return (ImageProblem.Truncated, "the file ends before the image does");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var type = data.Slice(pos + 4, 4);
            if (length > int.MaxValue || pos + 12L + length > data.Length)
                return (ImageProblem.Truncated, "the file ends before the image does");
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)length)..]);
            if (Crc32.Compute(data.Slice(pos + 4, 4 + (int)length)) != crc)
                return (ImageProblem.Corrupt, $"the {System.Text.Encoding.ASCII.GetString(type)} chunk at byte {pos} is damaged (checksum mismatch)");
            if (first && !type.SequenceEqual("IHDR"u8))
                return (ImageProblem.Corrupt, "the header chunk is missing");
            first = false;
            if (type.SequenceEqual("IDAT"u8)) sawData = true;
            pos += 12 + (int)length;
            if (type.SequenceEqual("IEND"u8))
                return sawData ? null : (ImageProblem.Corrupt, "it has no image data");
        }
    }

    /// <summary>CRC-32 as PNG (and zlib) define it.</summary>
    internal static class Crc32
    {
        static readonly uint[] table = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint Compute(ReadOnlySpan<byte> bytes)
        {
            uint c = 0xFFFFFFFFu;
            foreach (var b in bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
            return c ^ 0xFFFFFFFFu;
        }
    }
}

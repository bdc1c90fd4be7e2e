using System.Buffers.Binary;
using System.IO.Hashing;

namespace AlexVis.Model.Visualization;

/// <summary>PNG chunks: length, type, data and the CRC-32 of type and data (System.IO.Hashing's CRC-32 is PNG's).</summary>
public static class PngChunk
{
    /// <summary>Writes one chunk.</summary>
    public static void Write(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        type.CopyTo(head[4..]);
        s.Write(head);
        s.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        Span<byte> sum = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sum, crc.GetCurrentHashAsUInt32());
        s.Write(sum);
    }

    /// <summary>Writes one chunk whose type is given as text ("IHDR").</summary>
    public static void Write(Stream s, string type, ReadOnlySpan<byte> data) => Write(s, System.Text.Encoding.ASCII.GetBytes(type), data);

    /// <summary>Rewrites the CRC of the chunk whose type starts at <paramref name="typeOffset"/> and holds <paramref name="length"/> data bytes.</summary>
    public static void Reseal(Span<byte> png, int typeOffset, int length) =>
        BinaryPrimitives.WriteUInt32BigEndian(png[(typeOffset + 4 + length)..], Crc32.HashToUInt32(png.Slice(typeOffset, 4 + length)));
}

using System.Buffers.Binary;
using System.Text;

namespace AlexVis.Model.Imaging.Isolation;

/// <summary>
/// What a decoder worker and the server say to each other over the worker's stdin and stdout, little-endian:
/// the worker first writes <see cref="Ready"/>; then, per file, the server writes its length and bytes and the worker
/// answers with either the crop (kind 0, original width and height, 224 × 224 × 3 bytes) or a refusal (kind 1,
/// problem, reason in UTF-8).
/// </summary>
static class WorkerProtocol
{
    /// <summary>The four bytes a worker writes once it has loaded its decoders.</summary>
    public static ReadOnlySpan<byte> Ready => "AVDW"u8;

    const byte ImageKind = 0, RefusalKind = 1;
    const int MaxReasonBytes = 4096;

    public static async Task WriteRequestAsync(Stream s, byte[] data)
    {
        var head = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(head, data.Length);
        await s.WriteAsync(head);
        await s.WriteAsync(data);
        await s.FlushAsync();
    }

    /// <summary>
    /// Reads the next request into <paramref name="buffer"/>, replaced by a larger one when it is too small, and returns
    /// its length, or -1 when the server closed the pipe. The worker keeps one buffer: a new array per file would be
    /// fresh memory each time, and on a virtual machine every page of it faults on first touch (about 10 ms for a
    /// 2.4 MB photo on the machine the benches ran on, a third of its decode).
    /// </summary>
    public static int ReadRequest(Stream s, long maxBytes, ref byte[] buffer)
    {
        Span<byte> head = stackalloc byte[4];
        if (s.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4) return -1;
        int length = BinaryPrimitives.ReadInt32LittleEndian(head);
        if (length < 0 || length > maxBytes) throw new InvalidDataException($"a request of {length} bytes");
        if (buffer.Length < length) buffer = new byte[length];
        s.ReadExactly(buffer, 0, length);
        return length;
    }

    public static void WriteImage(Stream s, int width, int height, RgbImage crop)
    {
        var head = new byte[9];
        head[0] = ImageKind;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(1), width);
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(5), height);
        s.Write(head);
        s.Write(crop.Pixels);
        s.Flush();
    }

    public static void WriteRefusal(Stream s, ImageProblem problem, string reason)
    {
        var text = Encoding.UTF8.GetBytes(reason);
        if (text.Length > MaxReasonBytes) text = text[..MaxReasonBytes];
        var head = new byte[6];
        head[0] = RefusalKind;
        head[1] = (byte)problem;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(2), text.Length);
        s.Write(head);
        s.Write(text);
        s.Flush();
    }

    /// <summary>The worker's answer to one file.</summary>
    public static async Task<WorkerAnswer> ReadAnswerAsync(Stream s)
    {
        var kind = new byte[1];
        await s.ReadExactlyAsync(kind);
        if (kind[0] == ImageKind)
        {
            var size = new byte[8];
            await s.ReadExactlyAsync(size);
            var pixels = new byte[Preprocessing.CropSize * Preprocessing.CropSize * 3];
            await s.ReadExactlyAsync(pixels);
            return new WorkerAnswer(BinaryPrimitives.ReadInt32LittleEndian(size), BinaryPrimitives.ReadInt32LittleEndian(size.AsSpan(4)),
                new RgbImage(Preprocessing.CropSize, Preprocessing.CropSize, pixels), default, null);
        }
        if (kind[0] != RefusalKind) throw new InvalidDataException($"unknown answer kind {kind[0]}");
        var head = new byte[5];
        await s.ReadExactlyAsync(head);
        int length = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(1));
        if (length is < 0 or > MaxReasonBytes || !Enum.IsDefined((ImageProblem)head[0])) throw new InvalidDataException("a malformed refusal");
        var text = new byte[length];
        await s.ReadExactlyAsync(text);
        return new WorkerAnswer(0, 0, null, (ImageProblem)head[0], Encoding.UTF8.GetString(text));
    }
}

/// <summary>A worker's answer: the decoded image's size and its 224 × 224 crop, or, when Crop is null, the refusal's problem and reason.</summary>
record WorkerAnswer(int Width, int Height, RgbImage? Crop, ImageProblem Problem, string? Reason);

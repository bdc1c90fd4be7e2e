using System.Buffers;
using System.Globalization;
using SkiaSharp;

namespace AlexVis.Model.Imaging.Isolation;

/// <summary>
/// The decoder worker: a process that decodes untrusted JPEG and PNG bytes, one file at a time, and answers with
/// the 224 × 224 crop the network needs. It limits itself (memory, CPU time, death with its parent) before reading
/// anything; whatever a file does to it, crash, hang or balloon, costs this process only: the server's
/// <see cref="DecoderPool"/> kills and replaces it.
/// </summary>
public static class DecodeWorker
{
    /// <summary>The first command-line argument that makes an AlexVis program a decoder worker.</summary>
    public const string Argument = "--decode-worker";

    /// <summary>True when <paramref name="args"/> ask for a decoder worker.</summary>
    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Argument;

    /// <summary>Serves requests on stdin/stdout until stdin closes; the exit code of the worker process.</summary>
    /// <param name="args"><see cref="Argument"/> followed by the settings the pool passes (key=value).</param>
    public static int Run(string[] args)
    {
        var settings = args.Skip(1).Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        long Setting(string key, long fallback) => settings.TryGetValue(key, out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var limits = new ImageLimits { MaxBytes = Setting("max-bytes", 20L << 20), MaxPixels = Setting("max-pixels", 40_000_000) };
        bool draft = Setting("draft", 1) == 1;
        ProcessLimits.Apply(Setting("memory-mb", 1024) << 20, (int)Setting("cpu-seconds", 300));

        using var input = Console.OpenStandardInput();
        using var output = Console.OpenStandardOutput();
        // Nothing else may write to stdout: it carries the answers.
        Console.SetOut(TextWriter.Null);
        WarmUp();
        output.Write(WorkerProtocol.Ready);
        output.Flush();

        var buffer = Array.Empty<byte>();
        for (int length; (length = WorkerProtocol.ReadRequest(input, limits.MaxBytes, ref buffer)) >= 0;)
        {
            long pixels = 0;
            try
            {
                var (width, height, crop) = Answer(buffer.AsSpan(0, length), limits, draft, out pixels);
                WorkerProtocol.WriteImage(output, width, height, crop);
            }
            catch (ImageRejectedException e)
            {
                WorkerProtocol.WriteRefusal(output, e.Problem, e.Reason);
            }
            catch (OutOfMemoryException)
            {
                WorkerProtocol.WriteRefusal(output, ImageProblem.TooMuchMemory, TooMuchMemoryReason);
            }
            if (pixels > LargeImagePixels)
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true); // give a large photo's memory back
        }
        return 0;
    }

    /// <summary>
    /// One file's answer: its decoded size and its 224 × 224 crop. <paramref name="pixels"/> is the decoded image's
    /// pixel count as soon as it is known, also when making the crop then fails.
    /// </summary>
    static (int Width, int Height, RgbImage Crop) Answer(ReadOnlySpan<byte> data, ImageLimits limits, bool draft, out long pixels)
    {
        pixels = 0;
        // Pixels in pooled arrays, as the request is in one kept buffer (see WorkerProtocol.ReadRequest); a large
        // image's are left to the collector after the file instead, so that one huge file is not kept for the rest.
        var image = ImageDecoder.Decode(data, limits, draftForNetwork: draft, allocate: ArrayPool<byte>.Shared.Rent);
        pixels = (long)image.Width * image.Height;
        var crop = Preprocessing.Crop(image);
        if (pixels <= LargeImagePixels) ArrayPool<byte>.Shared.Return(image.Pixels);
        return (image.Width, image.Height, crop);
    }

    /// <summary>Decoded pixels above which a worker gives the memory back after the file rather than keeping it for the next.</summary>
    const long LargeImagePixels = 4_000_000;

    /// <summary>The reason given when decoding needs more memory than a worker may have.</summary>
    internal const string TooMuchMemoryReason = "needed more memory to decode than AlexVis allows; it may be damaged, or too large a photo.";

    /// <summary>
    /// Loads the native decoders and compiles the decode, draft and resize paths, as a file goes through them, before
    /// the first real file, so that the first students of a class wait no longer than the rest.
    /// </summary>
    static void WarmUp()
    {
        // A 1 × 1 grey PNG.
        byte[] png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==");
        Answer(png, new ImageLimits(), draft: true, out _);
        // A JPEG large enough to be drafted (halved), made here rather than shipped.
        using var bitmap = new SKBitmap(new SKImageInfo(1100, 1030, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(90, 140, 200));
        using var image = SKImage.FromBitmap(bitmap);
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 80);
        Answer(jpeg.AsSpan(), new ImageLimits(), draft: true, out _);
    }
}

using SkiaSharp;

namespace AlexVis.Model.Imaging;

/// <summary>
/// Turns JPEG or PNG bytes into an 8-bit RGB image the way PIL's <c>Image.open(f).convert("RGB")</c> does (grey and
/// palette expanded, alpha dropped, CMYK converted). JPEGs are decoded by libjpeg-turbo, the library PIL itself
/// decodes with, so PIL's pixels and PIL's edge cases (restart markers, arithmetic coding, missing Huffman tables,
/// a scan cut short before EOI) are reproduced by construction: through <see cref="TurboJpeg"/> when the system has
/// it (faster), else, and for CMYK, through Skia's copy; PNGs by Skia's libpng. Either way one decoder instance reads
/// the header, has its size checked against the limits, and then decodes: nothing else parses the file, so no
/// separate walker can disagree with the decoder about which frame is decoded.
/// 16-bit samples are reduced to their high byte (as PIL does for 16-bit colour; PIL clips 16-bit grey to 255).
/// A large JPEG may be decoded reduced, in libjpeg's inverse DCT, exactly as PIL's <c>Image.draft</c> does.
/// This runs untrusted bytes through native code: the server calls it only inside a decoder worker process
/// (see <see cref="Isolation.DecoderPool"/>).
/// </summary>
public static class ImageDecoder
{
    static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Decodes and converts to RGB, or throws <see cref="ImageRejectedException"/> with a message for the teacher.</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="limits">Byte and pixel limits.</param>
    /// <param name="fileName">The name shown in messages; null for "The file".</param>
    /// <param name="draftForNetwork">
    /// For a JPEG, decode at the smallest scale of 1/8, 1/4 or 1/2 that stays at least
    /// <see cref="Preprocessing.DraftSize"/>: PIL's <c>Image.draft("RGB", Preprocessing.DraftSize(w, h))</c>, pixel
    /// for pixel. A 12 MP photo then decodes about 4× faster; torchvision's answer is that of the drafted image.
    /// </param>
    /// <param name="allocate">
    /// Where the RGB pixels go: given a length, an array at least that long (a decoder worker passes pooled arrays,
    /// returned once the crop is made, because fresh memory faults page by page on a virtual machine); by default a
    /// new array of exactly that length.
    /// </param>
    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageLimits limits, string? fileName = null, bool draftForNetwork = false,
        Func<int, byte[]>? allocate = null) =>
        Decode(data, limits, fileName, draftForNetwork, TurboJpeg.IsAvailable, allocate);

    /// <summary>As <see cref="Decode(ReadOnlySpan{byte}, ImageLimits, string?, bool, Func{int, byte[]})"/>, choosing whether JPEGs may go to <see cref="TurboJpeg"/> (tests compare the two).</summary>
    internal static RgbImage Decode(ReadOnlySpan<byte> data, ImageLimits limits, string? fileName, bool draftForNetwork, bool turboJpeg,
        Func<int, byte[]>? allocate = null)
    {
        allocate ??= static length => new byte[length];
        CheckBytes(data, limits, fileName);
        bool isJpeg = IsJpeg(data);
        if (isJpeg && turboJpeg && TurboJpeg.Decode(data, limits, fileName, draftForNetwork ? DraftScale : static (_, _) => 1, allocate) is { } decoded)
            return decoded;
        string format = isJpeg ? "JPEG" : "PNG";

        using var bytes = SKData.CreateCopy(data); // Skia reads from its own copy, as it would from a byte array
        using var stream = new SKMemoryStream(bytes);
        using var codec = SKCodec.Create(stream, out var created);
        if (codec is null || codec.EncodedFormat != (isJpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png))
            throw created == SKCodecResult.IncompleteInput
                ? Truncated(fileName, isJpeg)
                : Damaged(fileName, format, header: true);

        var size = codec.Info;
        CheckPixels(size.Width, size.Height, limits, fileName);
        bool grey = size.ColorType == SKColorType.Gray8;
        int scale = isJpeg && draftForNetwork ? DraftScale(size.Width, size.Height) : 1;
        // libjpeg's scaled size (jdiv_round_up), which is also what PIL's draft reports.
        int width = (size.Width + scale - 1) / scale, height = (size.Height + scale - 1) / scale;
        var target = new SKImageInfo(width, height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888,
            grey ? SKAlphaType.Opaque : SKAlphaType.Unpremul); // unpremultiplied: PIL drops alpha without touching colour
        var result = codec.GetPixels(target, out byte[] pixels);
        return result switch
        {
            SKCodecResult.Success => grey ? FromGrey(width, height, pixels, allocate) : FromRgba(width, height, pixels, allocate),
            SKCodecResult.IncompleteInput => throw Truncated(fileName, isJpeg),
            SKCodecResult.Unimplemented or SKCodecResult.InvalidConversion => throw Unsupported(fileName, format),
            _ => throw Damaged(fileName, format, header: false),
        };
    }

    /// <summary>PIL's <c>JpegImageFile.draft</c> choice of scale for <see cref="Preprocessing.DraftSize"/>.</summary>
    internal static int DraftScale(int width, int height)
    {
        var (w, h) = Preprocessing.DraftSize(width, height);
        int fits = Math.Min(width / w, height / h);
        return fits >= 8 ? 8 : fits >= 4 ? 4 : fits >= 2 ? 2 : 1;
    }

    /// <summary>
    /// The checks that need no decoder: empty, over the byte limit, or not a JPEG or PNG (naming what it is when it
    /// is a common other format). The server runs them before handing bytes to a worker.
    /// </summary>
    public static void CheckBytes(ReadOnlySpan<byte> data, ImageLimits limits, string? fileName)
    {
        if (data.IsEmpty) throw Empty(fileName);
        if (data.Length > limits.MaxBytes) throw TooLarge(data.Length, limits, fileName);
        if (IsJpeg(data) || data.StartsWith(PngSignature)) return;
        var other = Sniff(data);
        throw new ImageRejectedException(ImageProblem.UnsupportedFormat, other is null
            ? "is not a JPEG or PNG image. AlexVis accepts JPEG and PNG photos."
            : $"is {other}, not a JPEG or PNG. AlexVis accepts JPEG and PNG photos: save it as one of those and try again.", fileName);
    }

    // libpng reports a failed zlib checksum as it reports missing data, so a PNG's message names both.
    static bool IsJpeg(ReadOnlySpan<byte> data) => data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);

    /// <summary>The refusal of a file whose header, or image data, its decoder cannot read.</summary>
    internal static ImageRejectedException Damaged(string? fileName, string format, bool header) => new(ImageProblem.Corrupt,
        header ? $"is damaged: its {format} header cannot be read." : $"is damaged: its {format} image data cannot be decoded.", fileName);

    /// <summary>The refusal of a file that uses a feature of its format the decoders lack (12-bit or lossless JPEG, say).</summary>
    internal static ImageRejectedException Unsupported(string? fileName, string format) => new(ImageProblem.UnsupportedFormat,
        $"cannot be read: it uses a {format} feature AlexVis does not support. Save it again as an ordinary JPEG or PNG.", fileName);

    /// <summary>The refusal of a file that ends before its image does.</summary>
    internal static ImageRejectedException Truncated(string? fileName, bool jpeg) => new(ImageProblem.Truncated, jpeg
        ? "is incomplete: the file ends before the image does. It was probably cut off while copying or uploading; try the original file."
        : "is incomplete or damaged: its image data ends early or fails its checksum. If it was cut off while copying or uploading, try the original file.", fileName);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // runs once per file, in a fresh worker
    static RgbImage FromRgba(int width, int height, byte[] rgba, Func<int, byte[]> allocate)
    {
        var rgb = allocate(width * height * 3);
        for (int i = 0, j = 0; j < width * height * 3; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        return new RgbImage(width, height, rgb);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // runs once per file, in a fresh worker
    static RgbImage FromGrey(int width, int height, byte[] grey, Func<int, byte[]> allocate)
    {
        var rgb = allocate(width * height * 3);
        for (int i = 0, j = 0; i < width * height; i++, j += 3) rgb[j] = rgb[j + 1] = rgb[j + 2] = grey[i];
        return new RgbImage(width, height, rgb);
    }

    /// <summary>Refuses a header's size that is not an image or is over the pixel limit.</summary>
    internal static void CheckPixels(int width, int height, ImageLimits limits, string? fileName)
    {
        long pixels = (long)width * height;
        if (width <= 0 || height <= 0)
            throw new ImageRejectedException(ImageProblem.Corrupt, "is damaged: it has no valid image size.", fileName);
        if (pixels > limits.MaxPixels)
            throw new ImageRejectedException(ImageProblem.TooManyPixels, FormattableString.Invariant(
                $"is {width} × {height} pixels ({pixels / 1e6:0.#} MP); the limit is {limits.MaxPixels / 1e6:0.#} MP. Use a smaller image."), fileName);
    }

    /// <summary>Names common formats AlexVis refuses, so the message can say what the file really is.</summary>
    internal static string? Sniff(ReadOnlySpan<byte> d)
    {
        if (d.StartsWith("GIF87a"u8) || d.StartsWith("GIF89a"u8)) return "a GIF image";
        if (d.StartsWith("II*\0"u8) || d.StartsWith("MM\0*"u8)) return "a TIFF image";
        if (d.StartsWith("BM"u8) && d.Length > 14) return "a BMP image";
        if (d.Length > 12 && d.StartsWith("RIFF"u8) && d[8..12].SequenceEqual("WEBP"u8)) return "a WebP image";
        if (d.Length > 12 && d[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = d[8..12];
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8)) return "an AVIF image";
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8)) return "a HEIC photo (the iPhone format)";
            return "a video or MP4-family file";
        }
        if (d.StartsWith("%PDF"u8)) return "a PDF document";
        if (d.StartsWith("8BPS"u8)) return "a Photoshop document";
        if (d.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0x00])) return "an icon (.ico) file";
        if (d.StartsWith("PK\x03\x04"u8)) return "a zip archive (or an Office document)";
        var head = d[..Math.Min(d.Length, 256)];
        int start = 0;
        while (start < head.Length && head[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF) start++;
        if (start < head.Length && head[start] == '<')
            return head.IndexOf("svg"u8) >= 0 ? "an SVG drawing" : "a web page or XML file";
        return null;
    }

    /// <summary>The refusal of a file of <paramref name="bytes"/> over the byte limit (checked before reading when the size is known).</summary>
    public static ImageRejectedException TooLarge(long bytes, ImageLimits limits, string? fileName) => new(ImageProblem.TooLarge,
        $"is {Megabytes(bytes)}; the limit is {Megabytes(limits.MaxBytes)}. Save a smaller JPEG or PNG and try again.", fileName);

    /// <summary>The refusal of an empty file.</summary>
    public static ImageRejectedException Empty(string? fileName) => new(ImageProblem.Empty, "is empty.", fileName);

    /// <summary>A file size for people: "4.2 MB", or "730 KB" below a megabyte.</summary>
    public static string Megabytes(long bytes) => bytes >= 1024 * 1024
        ? FormattableString.Invariant($"{bytes / (1024.0 * 1024):0.#} MB")
        : FormattableString.Invariant($"{bytes / 1024.0:0.#} KB");
}

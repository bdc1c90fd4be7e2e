using System.Runtime.InteropServices;

namespace AlexVis.Model.Imaging;

/// <summary>
/// JPEG decoding through libjpeg-turbo's TurboJPEG API (Debian's <c>libturbojpeg0</c>): the same libjpeg-turbo, with
/// the same defaults, that PIL decodes with, built with its SIMD code, which the copy inside Skia is not. A 12 MP phone
/// photo reduced to a quarter decodes in about 25 ms here against Skia's 38, and decoding is most of what a class's
/// burst of uploads costs. Linux only; elsewhere, or without the library, <see cref="ImageDecoder"/> uses Skia.
/// One handle reads the header (whose size is checked against the limits) and decodes the same frame.
/// </summary>
internal static partial class TurboJpeg
{
    /// <summary>The library's file name.</summary>
    public const string Library = "libturbojpeg.so.0";

    /// <summary>True when the library is present (looked for once).</summary>
    public static bool IsAvailable => available.Value;

    static readonly Lazy<bool> available = new(() => OperatingSystem.IsLinux() && NativeLibrary.TryLoad(Library, out _));

    const int PixelFormatRgb = 0;
    const int ColourSpaceCmyk = 3, ColourSpaceYcck = 4;
    const int ErrorWarning = 0;
    // A progressive JPEG may hold thousands of scans, each a pass over every coefficient (a known way to stall a
    // decoder): past 500 the file is refused at once rather than at the worker's deadline.
    const int FlagLimitScans = 32768;

    // The message libjpeg gives (JWRN_JPEG_EOF) when its source runs out of bytes and it inserts an end of image.
    const string EndedEarly = "Premature end of JPEG file";

    /// <summary>
    /// Decodes a JPEG to 8-bit RGB, reduced in the inverse DCT by the scale (1, 2, 4 or 8) <paramref name="scaleFor"/>
    /// chooses; null for a CMYK or YCCK JPEG, which TurboJPEG cannot convert to RGB (Skia converts those as PIL does).
    /// Throws <see cref="ImageRejectedException"/> as <see cref="ImageDecoder.Decode(ReadOnlySpan{byte}, ImageLimits, string?, bool, Func{int, byte[]})"/> does.
    /// </summary>
    /// <param name="data">A JPEG's bytes.</param>
    /// <param name="limits">The pixel limit, checked on the header before anything is decoded.</param>
    /// <param name="fileName">The name shown in messages.</param>
    /// <param name="scaleFor">Chooses the reduction from the full width and height.</param>
    /// <param name="allocate">Gives an array at least as long as asked for, for the pixels.</param>
    public static RgbImage? Decode(ReadOnlySpan<byte> data, ImageLimits limits, string? fileName, Func<int, int, int> scaleFor, Func<int, byte[]> allocate)
    {
        nint handle = tjInitDecompress();
        if (handle == 0) throw new OutOfMemoryException("TurboJPEG could not allocate a decompressor");
        try
        {
            if (tjDecompressHeader3(handle, data, (nuint)data.Length, out int fullWidth, out int fullHeight, out _, out int colourSpace) != 0)
                throw Refusal(handle, fileName, header: true);
            // Only tables and no frame: libjpeg's source inserts an end of image when the bytes run out, so a file cut
            // inside its header reads like this; one that really ends there has no image.
            if (fullWidth <= 0 || fullHeight <= 0)
                throw data.EndsWith((ReadOnlySpan<byte>)[0xFF, 0xD9])
                    ? new ImageRejectedException(ImageProblem.Corrupt, "is damaged: its JPEG header describes no image.", fileName)
                    : ImageDecoder.Truncated(fileName, jpeg: true);
            ImageDecoder.CheckPixels(fullWidth, fullHeight, limits, fileName);
            if (colourSpace is ColourSpaceCmyk or ColourSpaceYcck) return null;

            int scale = scaleFor(fullWidth, fullHeight);
            // libjpeg's scaled size (jdiv_round_up), as PIL's draft reports it; TurboJPEG picks the factor that fits.
            int width = (fullWidth + scale - 1) / scale, height = (fullHeight + scale - 1) / scale;
            var rgb = allocate(checked(width * height * 3));
            if (tjDecompress2(handle, data, (nuint)data.Length, rgb, width, 0, height, PixelFormatRgb, FlagLimitScans) != 0
                && !AcceptedWarning(handle))
                throw Refusal(handle, fileName, header: false);
            return new RgbImage(width, height, rgb);
        }
        finally
        {
            tjDestroy(handle);
        }
    }

    /// <summary>
    /// libjpeg's warnings (damaged entropy data it fills in, extra bytes before a marker) leave a whole image, which
    /// PIL accepts too; running out of bytes does not: PIL calls that file truncated. libjpeg reports only its first
    /// warning, so a file damaged both ways is taken as the first damage says.
    /// </summary>
    static bool AcceptedWarning(nint handle) => tjGetErrorCode(handle) == ErrorWarning && Message(handle) != EndedEarly;

    static ImageRejectedException Refusal(nint handle, string? fileName, bool header) => Message(handle) switch
    {
        EndedEarly => ImageDecoder.Truncated(fileName, jpeg: true),
        // "Unsupported JPEG process: SOF type …" (lossless, hierarchical), "Unsupported JPEG data precision 12".
        var m when m.StartsWith("Unsupported", StringComparison.Ordinal) => ImageDecoder.Unsupported(fileName, "JPEG"),
        _ => ImageDecoder.Damaged(fileName, "JPEG", header),
    };

    static string Message(nint handle) => Marshal.PtrToStringUTF8(tjGetErrorStr2(handle)) ?? "";

    [LibraryImport(Library)]
    private static partial nint tjInitDecompress();

    [LibraryImport(Library)]
    private static partial int tjDecompressHeader3(nint handle, ReadOnlySpan<byte> jpeg, nuint size, out int width, out int height,
        out int subsampling, out int colourSpace);

    [LibraryImport(Library)]
    private static partial int tjDecompress2(nint handle, ReadOnlySpan<byte> jpeg, nuint size, Span<byte> destination, int width,
        int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Library)]
    private static partial nint tjGetErrorStr2(nint handle);

    [LibraryImport(Library)]
    private static partial int tjGetErrorCode(nint handle);

    [LibraryImport(Library)]
    private static partial int tjDestroy(nint handle);
}

using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using AlexVis.Model.Imaging.Jpeg;

namespace AlexVis.Model.Imaging;

/// <summary>
/// Turns uploaded bytes into an 8-bit RGB image the way PIL's <c>Image.open(f).convert("RGB")</c> does (grey and
/// palette expanded, alpha dropped, CMYK converted), except that 16-bit images are scaled to 8 bits where PIL would
/// clip them. JPEGs go through our libjpeg-exact decoder (so the pixels are PIL's); PNGs through ImageSharp with a
/// configuration that holds only the PNG codec and ignores metadata: ImageSharp 2.1 has open advisories in codecs
/// and metadata parsers AlexVis therefore never runs. Sizes are checked from the header before decoding.
/// </summary>
public static class ImageDecoder
{
    static readonly Configuration configuration = CreateConfiguration();

    static Configuration CreateConfiguration()
    {
        var config = new Configuration(new PngConfigurationModule());
        config.ImageFormatsManager.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        return config;
    }

    /// <summary>Decodes and converts to RGB, or throws <see cref="ImageRejectedException"/> with a message for the teacher.</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="limits">Byte and pixel limits.</param>
    /// <param name="fileName">The name shown in messages; null for "The file".</param>
    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageLimits limits, string? fileName = null)
    {
        string who = Who(fileName);
        if (data.IsEmpty) throw Empty(fileName);
        if (data.Length > limits.MaxBytes) throw TooLarge(data.Length, limits, fileName);

        // Our own signature check first: ImageSharp needs more header bytes than a broken file may have.
        bool isJpeg = data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
        bool isPng = data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        if (!isJpeg && !isPng)
        {
            var other = Sniff(data);
            throw new ImageRejectedException(ImageProblem.UnsupportedFormat, other is null
                ? $"{who} is not a JPEG or PNG image. AlexVis accepts JPEG and PNG photos."
                : $"{who} is {other}, not a JPEG or PNG. AlexVis accepts JPEG and PNG photos: save it as one of those and try again.");
        }

        var structure = isJpeg ? ContainerCheck.Jpeg(data) : ContainerCheck.Png(data);
        if (structure is { } problem)
            throw new ImageRejectedException(problem.Problem, problem.Problem == ImageProblem.Truncated
                ? $"{who} is incomplete: {problem.Detail}. It was probably cut off while copying or uploading; try the original file."
                : $"{who} is damaged: {problem.Detail}.");

        if (isJpeg)
        {
            try
            {
                var (width, height) = JpegDecoder.ReadSize(data);
                CheckPixels(width, height, limits, who);
                return JpegDecoder.Decode(data);
            }
            catch (JpegException e)
            {
                throw new ImageRejectedException(e.Problem, e.Problem == ImageProblem.Truncated
                    ? $"{who} is incomplete: {e.Message}. It was probably cut off while copying or uploading; try the original file."
                    : e.Problem == ImageProblem.UnsupportedFormat ? $"{who} cannot be read: {e.Message}. Save it again as an ordinary JPEG or PNG."
                    : $"{who} is damaged: {e.Message}.", e);
            }
        }
        return DecodePng(data, limits, who);
    }

    static RgbImage DecodePng(ReadOnlySpan<byte> data, ImageLimits limits, string who)
    {
        IImageInfo? info;
        try
        {
            using var stream = new MemoryStream(data.ToArray(), writable: false);
            info = Image.Identify(configuration, stream);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new ImageRejectedException(ImageProblem.Corrupt, $"{who} is damaged: its header cannot be read ({e.Message}).", e);
        }
        if (info is null || info.Width <= 0 || info.Height <= 0)
            throw new ImageRejectedException(ImageProblem.Corrupt, $"{who} is damaged: it has no valid image size.");
        CheckPixels(info.Width, info.Height, limits, who);

        try
        {
            using var image = Image.Load<Rgb24>(configuration, data);
            var pixelsRgb = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(MemoryMarshal.Cast<byte, Rgb24>(pixelsRgb.AsSpan()));
            return new RgbImage(image.Width, image.Height, pixelsRgb);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException or NotSupportedException or UnknownImageFormatException)
        {
            throw new ImageRejectedException(ImageProblem.Corrupt, $"{who} is damaged and cannot be decoded ({e.Message}).", e);
        }
    }

    static void CheckPixels(int width, int height, ImageLimits limits, string who)
    {
        long pixels = (long)width * height;
        if (pixels > limits.MaxPixels)
            throw new ImageRejectedException(ImageProblem.TooManyPixels,
                $"{who} is {width} × {height} pixels ({pixels / 1e6:0.#} MP); the limit is {limits.MaxPixels / 1e6:0.#} MP. Use a smaller image.");
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
        $"{Who(fileName)} is {Megabytes(bytes)}; the limit is {Megabytes(limits.MaxBytes)}. Save a smaller JPEG or PNG and try again.");

    /// <summary>The refusal of an empty file.</summary>
    public static ImageRejectedException Empty(string? fileName) => new(ImageProblem.Empty, $"{Who(fileName)} is empty.");

    static string Who(string? fileName) => fileName is null ? "The file" : $"'{fileName}'";

    /// <summary>A file size for people: "4.2 MB", or "730 KB" below a megabyte.</summary>
    public static string Megabytes(long bytes) => bytes >= 1024 * 1024
        ? FormattableString.Invariant($"{bytes / (1024.0 * 1024):0.#} MB")
        : FormattableString.Invariant($"{bytes / 1024.0:0.#} KB");
}

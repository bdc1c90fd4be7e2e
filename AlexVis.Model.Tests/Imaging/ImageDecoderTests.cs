using AlexVis.Harness;
using AlexVis.Model.Imaging;
using AlexVis.Model.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace AlexVis.Model.Tests.Imaging;

public class ImageDecoderTests
{
    static readonly ImageLimits limits = new();
    static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(Repo.Samples, name));

    [Fact]
    public void Decodes_a_sample_photo_at_full_size()
    {
        var img = ImageDecoder.Decode(Sample("chelsea.png"), limits);
        Assert.Equal((451, 300), (img.Width, img.Height));
        Assert.Equal(451 * 300 * 3, img.Pixels.Length);
    }

    [Fact]
    public void Empty_files_are_refused() =>
        Assert.Equal(ImageProblem.Empty, Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode([], limits)).Problem);

    [Fact]
    public void Files_over_the_byte_limit_are_refused_before_anything_is_parsed()
    {
        var e = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(Sample("rocket.jpg"), new ImageLimits { MaxBytes = 100_000 }, "rocket.jpg"));
        Assert.Equal(ImageProblem.TooLarge, e.Problem);
        Assert.Equal("'rocket.jpg' is 109.9 KB; the limit is 97.7 KB. Save a smaller JPEG or PNG and try again.", e.Message);
    }

    [Fact]
    public void Too_many_pixels_are_refused_from_the_header_without_decoding()
    {
        // A valid, complete PNG that claims 50000 × 50000 pixels but holds only a few bytes of data.
        var png = TestImages.PngClaiming(50_000, 50_000);
        var e = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(png, limits, "huge.png"));
        Assert.Equal(ImageProblem.TooManyPixels, e.Problem);
        Assert.Equal("'huge.png' is 50000 × 50000 pixels (2500 MP); the limit is 40 MP. Use a smaller image.", e.Message);
    }

    public static TheoryData<string, string> OtherFormats() => new()
    {
        { "gif", "a GIF image" }, { "tiff", "a TIFF image" }, { "bmp", "a BMP image" }, { "webp", "a WebP image" },
    };

    [Theory, MemberData(nameof(OtherFormats))]
    public void Real_files_in_other_formats_are_named_even_when_called_jpg(string format, string description)
    {
        using var image = new Image<Rgb24>(64, 48, new Rgb24(200, 30, 30));
        using var stream = new MemoryStream();
        switch (format)
        {
            case "gif": image.Save(stream, new GifEncoder()); break;
            case "tiff": image.Save(stream, new TiffEncoder()); break;
            case "bmp": image.Save(stream, new BmpEncoder()); break;
            case "webp": image.Save(stream, new WebpEncoder()); break;
        }
        var e = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(stream.ToArray(), limits, "photo.jpg"));
        Assert.Equal(ImageProblem.UnsupportedFormat, e.Problem);
        Assert.Equal($"'photo.jpg' is {description}, not a JPEG or PNG. AlexVis accepts JPEG and PNG photos: save it as one of those and try again.", e.Message);
    }

    [Theory]
    [InlineData("%PDF-1.7\n%âãÏÓ\n1 0 obj", "a PDF document")]
    [InlineData("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>", "an SVG drawing")]
    [InlineData("<!doctype html><html><body>404</body></html>", "a web page or XML file")]
    public void Documents_are_named(string content, string description) =>
        Assert.Contains(description, Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(System.Text.Encoding.UTF8.GetBytes(content), limits)).Message);

    [Fact]
    public void Unknown_bytes_get_the_general_message() =>
        Assert.Equal("The file is not a JPEG or PNG image. AlexVis accepts JPEG and PNG photos.",
            Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode([1, 2, 3, 4, 5, 6, 7, 8, 9], limits)).Message);

    [Theory]
    [InlineData("rocket.jpg", 0.5)]
    [InlineData("rocket.jpg", 0.98)]
    [InlineData("chelsea.png", 0.5)]
    [InlineData("chelsea.png", 0.999)]
    public void Truncated_files_are_refused_although_imagesharp_would_decode_them(string name, double keep)
    {
        var whole = Sample(name);
        var cut = whole[..(int)(whole.Length * keep)];
        using (var lenient = Image.Load<Rgb24>(cut)) Assert.True(lenient.Width > 0); // ImageSharp alone fills the gap with black
        var e = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(cut, limits, name));
        Assert.Equal(ImageProblem.Truncated, e.Problem);
        Assert.StartsWith(name.EndsWith(".jpg") ? $"'{name}' is incomplete: the file ends before the image does." : $"'{name}' is incomplete or damaged:", e.Message);
    }

    [Fact]
    public void A_damaged_png_chunk_is_refused()
    {
        var bytes = Sample("chelsea.png");
        bytes[bytes.Length / 2] ^= 0x40;
        var e = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bytes, limits, "chelsea.png"));
        Assert.Equal(ImageProblem.Corrupt, e.Problem); // libpng checks every critical chunk's CRC
        Assert.Equal("'chelsea.png' is damaged: its PNG image data cannot be decoded.", e.Message);
    }

    [Fact]
    public void Bytes_after_the_end_of_a_jpeg_are_tolerated_as_pil_does()
    {
        var bytes = Sample("rocket.jpg").Concat(new byte[] { 0, 0, 0, 0, 1, 2, 3 }).ToArray();
        Assert.Equal(640, ImageDecoder.Decode(bytes, limits).Width);
    }

    [Fact]
    public void A_jpeg_without_image_data_is_refused() =>
        Assert.Equal(ImageProblem.Corrupt, Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode([0xFF, 0xD8, 0xFF, 0xD9], limits)).Problem);
}

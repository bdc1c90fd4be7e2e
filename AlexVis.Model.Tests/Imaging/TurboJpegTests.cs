using AlexVis.Harness;
using AlexVis.Model.Imaging;
using AlexVis.Model.Tests.Support;

namespace AlexVis.Model.Tests.Imaging;

/// <summary>
/// TurboJPEG (the system's libjpeg-turbo) and Skia's copy of libjpeg-turbo decode every JPEG the oracle makes to the
/// same pixels, whole and reduced, and refuse the same files for the same reasons; the PIL equivalence tests then hold
/// for both. TurboJPEG is what the server uses where it is installed.
/// </summary>
public class TurboJpegTests
{
    static readonly ImageLimits limits = new();

    [Fact]
    public void Turbojpeg_is_installed_where_the_tests_run() =>
        Assert.True(TurboJpeg.IsAvailable, $"{TurboJpeg.Library} was not found: install Debian's libturbojpeg0 (.ci/setup does), or the JPEG tests below test Skia twice.");

    public static TheoryData<string, bool> Jpegs()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in OracleImage.Names.Where(n => OracleImage.Load(n).SourcePath.EndsWith(".jpg")))
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    [Theory, MemberData(nameof(Jpegs))]
    public void Both_decoders_give_the_same_pixels(string name, bool draft)
    {
        var bytes = File.ReadAllBytes(OracleImage.Load(name).SourcePath);
        var turbo = ImageDecoder.Decode(bytes, limits, name, draft, turboJpeg: true);
        var skia = ImageDecoder.Decode(bytes, limits, name, draft, turboJpeg: false);
        Assert.Equal((skia.Width, skia.Height), (turbo.Width, turbo.Height));
        Assert.Equal(skia.Pixels, turbo.Pixels);
    }

    public static TheoryData<string> RefusedJpegs()
    {
        var data = new TheoryData<string>();
        foreach (var r in OracleImage.Refused.Where(r => r.Path.EndsWith(".jpg"))) data.Add(r.Name);
        return data;
    }

    [Theory, MemberData(nameof(RefusedJpegs))]
    public void Both_decoders_refuse_what_pil_refuses_for_the_same_reason(string name)
    {
        var path = OracleImage.Refused.Single(r => r.Name == name).Path;
        var bytes = File.ReadAllBytes(path);
        var turbo = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bytes, limits, "f.jpg", false, turboJpeg: true));
        var skia = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bytes, limits, "f.jpg", false, turboJpeg: false));
        Assert.Equal(skia.Problem, turbo.Problem);
        Assert.Equal(skia.Message, turbo.Message);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(400)]
    public void A_file_cut_inside_its_header_is_called_incomplete(int keep)
    {
        var cut = File.ReadAllBytes(Path.Combine(Repo.Samples, "rocket.jpg"))[..keep];
        var e = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(cut, limits, "rocket.jpg", false, turboJpeg: true));
        Assert.Equal(ImageProblem.Truncated, e.Problem);
        Assert.Equal(ImageProblem.Truncated, Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(cut, limits, "rocket.jpg", false, turboJpeg: false)).Problem);
    }

    [Fact]
    public void A_header_over_the_pixel_limit_is_refused_before_decoding()
    {
        var bytes = File.ReadAllBytes(OracleImage.Load("draft8_grey").SourcePath); // 4401 × 4100
        var e = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bytes, new ImageLimits { MaxPixels = 18_000_000 }, "big.jpg", true, turboJpeg: true));
        Assert.Equal(ImageProblem.TooManyPixels, e.Problem);
        Assert.Equal("'big.jpg' is 4401 × 4100 pixels (18 MP); the limit is 18 MP. Use a smaller image.", e.Message);
    }

    [Fact]
    public void A_progressive_jpeg_with_hundreds_of_scans_is_refused_at_once()
    {
        // The oracle's progressive JPEG with its first scan repeated 600 times: libjpeg warns about each repeat and
        // would pass over the image 600 times more (PIL does); TurboJPEG stops at its 500-scan limit.
        var bytes = File.ReadAllBytes(OracleImage.Load("progressive").SourcePath);
        var (start, end) = FirstScan(bytes);
        var many = bytes[..end].Concat(Enumerable.Repeat(bytes[start..end], 600).SelectMany(s => s)).Concat(bytes[end..]).ToArray();
        Assert.Equal(301, ImageDecoder.Decode([.. bytes[..end], .. bytes[start..end], .. bytes[end..]], limits, "twice.jpg", false, turboJpeg: true).Width);
        var e = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(many, limits, "scans.jpg", false, turboJpeg: true));
        Assert.Equal("'scans.jpg' is damaged: its JPEG image data cannot be decoded.", e.Message);
    }

    /// <summary>Where the first SOS segment starts and where its entropy-coded data ends (at the next marker).</summary>
    static (int Start, int End) FirstScan(byte[] jpeg)
    {
        var (start, length, _) = TestImages.JpegSegments(jpeg).First(s => s.Marker == 0xDA);
        int data = start + 2 + length;
        // In entropy-coded data 0xFF is followed by 0x00 (a stuffed byte) or a restart marker; anything else is a marker.
        while (!(jpeg[data] == 0xFF && jpeg[data + 1] != 0x00 && jpeg[data + 1] is < 0xD0 or > 0xD7)) data++;
        return (start, data);
    }
}

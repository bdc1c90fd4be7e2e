using AlexVis.Model.Imaging;
using AlexVis.Model.Tests.Support;
using Xunit.Abstractions;

namespace AlexVis.Model.Tests.Imaging;

public class PreprocessingTests(ITestOutputHelper output)
{
    public static TheoryData<string> Images() => OracleImage.All();

    [Theory, MemberData(nameof(Images))]
    public void Input_tensor_matches_torchvision(string name)
    {
        var oracle = OracleImage.Load(name);
        var bytes = File.ReadAllBytes(oracle.SourcePath);
        // Decoding reproduces libjpeg/PIL, the resize is Pillow's own arithmetic: the tensor must be bit-identical,
        // both for the drafted decode (the upload default) and for every pixel.
        AssertSame($"{name} drafted", oracle.Input(), Preprocessing.Prepare(ImageDecoder.Decode(bytes, new ImageLimits(), draftForNetwork: true)));
        AssertSame($"{name} full", oracle.FullDecodeInput(), Preprocessing.Prepare(ImageDecoder.Decode(bytes, new ImageLimits())));
    }

    void AssertSame(string what, ModelInput expected, ModelInput ours)
    {
        double meanAbs = expected.Tensor.Select((v, i) => Math.Abs(v - ours.Tensor[i])).Average();
        int differentPixels = expected.Crop.Pixels.Where((b, i) => b != ours.Crop.Pixels[i]).Count();
        output.WriteLine($"{what}: mean |Δ| {meanAbs:g3}, {differentPixels} of {expected.Crop.Pixels.Length} crop bytes differ");
        Assert.True(meanAbs <= 0.01, $"{what}: mean absolute difference {meanAbs}");
        Assert.Equal(expected.Crop.Pixels, ours.Crop.Pixels);
        Assert.Equal(expected.Tensor, ours.Tensor);
    }

    [Theory]
    [InlineData(4000, 3000, 4)]  // a 12 MP phone photo: 1000 × 750, at least 682 × 512
    [InlineData(4032, 3024, 4)]
    [InlineData(2000, 1500, 2)]
    [InlineData(1023, 2000, 1)]  // the shorter side must be at least 1024 to halve
    [InlineData(1024, 2000, 2)]
    [InlineData(4096, 4096, 8)]
    [InlineData(8192, 8192, 8)]  // libjpeg reduces no further than 1/8
    [InlineData(301, 203, 1)]
    public void A_jpeg_is_drafted_at_the_scale_pil_picks(int w, int h, int scale) =>
        Assert.Equal(scale, ImageDecoder.DraftScale(w, h));

    [Theory]
    [InlineData(451, 300, 384, 256)]   // 256 * 451 / 300 = 384.85, truncated like int() in Python
    [InlineData(300, 451, 256, 384)]
    [InlineData(256, 256, 256, 256)]
    [InlineData(150, 100, 384, 256)]
    [InlineData(4000, 3000, 341, 256)]
    public void Shorter_side_becomes_256_and_the_longer_side_is_truncated(int w, int h, int ew, int eh) =>
        Assert.Equal((ew, eh), Preprocessing.ResizedSize(w, h));

    [Fact]
    public void Normalise_uses_torchvisions_float32_order_of_operations()
    {
        var crop = new RgbImage(1, 1, [255, 0, 128]);
        var t = Preprocessing.Normalise(crop);
        Assert.Equal((1f - 0.485f) / 0.229f, t[0]);
        Assert.Equal((0f - 0.456f) / 0.224f, t[1]);
        Assert.Equal((128 / 255f - 0.406f) / 0.225f, t[2]);
    }

    [Fact]
    public void A_uniform_image_stays_uniform_through_the_resize()
    {
        var pixels = Enumerable.Repeat(new byte[] { 10, 200, 77 }, 500 * 300).SelectMany(p => p).ToArray();
        var input = Preprocessing.Prepare(new RgbImage(500, 300, pixels));
        Assert.Equal(224, input.Crop.Width);
        Assert.All(Enumerable.Range(0, 224 * 224), i => Assert.Equal((10, 200, 77), (input.Crop.Pixels[i * 3], input.Crop.Pixels[i * 3 + 1], input.Crop.Pixels[i * 3 + 2])));
    }

    [Fact]
    public void Two_to_one_reduction_uses_a_tent_twice_as_wide()
    {
        // 4 → 2 columns: scale 2, so the tent filter's support is 2 and weights are taken at half distance.
        // Output 0 (centre 1.0) reads x = 0, 1, 2 with weights 0.75, 0.75, 0.25 (÷ 1.75): (0·.75 + 70·.75 + 140·.25) / 1.75 = 50.
        // Output 1 (centre 3.0) reads x = 1, 2, 3 with weights 0.25, 0.75, 0.75: (70·.25 + 140·.75 + 210·.75) / 1.75 = 160.
        var src = new RgbImage(4, 1, [0, 0, 0, 70, 70, 70, 140, 140, 140, 210, 210, 210]);
        var dst = PilResize.BilinearRegion(src, 2, 1, 0, 0, 2, 1);
        Assert.Equal(new byte[] { 50, 50, 50, 160, 160, 160 }, dst.Pixels);
    }
}

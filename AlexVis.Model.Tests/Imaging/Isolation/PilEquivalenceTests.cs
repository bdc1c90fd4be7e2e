using AlexVis.Model.Imaging;
using AlexVis.Model.Tests.Support;

namespace AlexVis.Model.Tests.Imaging.Isolation;

/// <summary>
/// Through the upload path (a decoder worker), AlexVis accepts exactly the files PIL accepts among those the oracle
/// makes, and then gives torchvision's input bit for bit; the files PIL refuses are refused.
/// </summary>
public sealed class PilEquivalenceTests(DecoderPoolFixture fixture) : IClassFixture<DecoderPoolFixture>
{
    public static TheoryData<string> Accepted() => OracleImage.All();

    public static TheoryData<string> Refused()
    {
        var data = new TheoryData<string>();
        foreach (var r in OracleImage.Refused) data.Add(r.Name);
        return data;
    }

    [Theory, MemberData(nameof(Accepted))]
    public async Task Files_pil_reads_give_torchvisions_input_tensor(string name)
    {
        var oracle = OracleImage.Load(name);
        var decoded = await fixture.Pool.DecodeAsync(await File.ReadAllBytesAsync(oracle.SourcePath), Path.GetFileName(oracle.SourcePath));
        var expected = oracle.Input();
        Assert.Equal(expected.Crop.Pixels, decoded.Input.Crop.Pixels);
        Assert.Equal(expected.Tensor, decoded.Input.Tensor);
        int scale = oracle.DraftScale;
        Assert.Equal(((oracle.Size[0] + scale - 1) / scale, (oracle.Size[1] + scale - 1) / scale), (decoded.Width, decoded.Height));
    }

    public static TheoryData<string> Drafted()
    {
        var data = new TheoryData<string>();
        foreach (var n in OracleImage.Names.Where(n => OracleImage.Load(n).DraftScale > 1)) data.Add(n);
        return data;
    }

    [Theory, MemberData(nameof(Drafted))]
    public async Task With_reduction_off_a_large_jpeg_gives_torchvisions_input_for_every_pixel(string name)
    {
        var oracle = OracleImage.Load(name);
        await using var pool = await Decoders.StartAsync(workers: 1, reduceLargeJpegs: false);
        var decoded = await pool.DecodeAsync(await File.ReadAllBytesAsync(oracle.SourcePath), Path.GetFileName(oracle.SourcePath));
        var expected = oracle.FullDecodeInput();
        Assert.Equal(expected.Crop.Pixels, decoded.Input.Crop.Pixels);
        Assert.NotEqual(oracle.Input().Crop.Pixels, decoded.Input.Crop.Pixels); // so the two references do differ
        var (width, height) = (oracle.Size[0], oracle.Size[1]);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
    }

    [Theory, MemberData(nameof(Refused))]
    public async Task Files_pil_refuses_are_refused(string name)
    {
        var (_, path, pilError) = OracleImage.Refused.Single(r => r.Name == name);
        var e = await Assert.ThrowsAsync<ImageRejectedException>(() => fixture.Pool.DecodeAsync(File.ReadAllBytes(path), Path.GetFileName(path)));
        Assert.True(e.Problem is ImageProblem.Corrupt or ImageProblem.Truncated, $"{name}: {e.Problem} (PIL: {pilError})");
        Assert.StartsWith($"'{Path.GetFileName(path)}' is ", e.Message);
    }
}

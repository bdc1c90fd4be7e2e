using AlexVis.Model.Imaging;
using AlexVis.Model.Tests.Support;
using Xunit.Abstractions;

namespace AlexVis.Model.Tests.Inference;

/// <summary>Our AlexNet against PyTorch's (torch 1.13 / torchvision 0.14, seed 0), layer by layer.</summary>
[Collection(ModelCollection.Name)]
public class OracleTests(UntrainedModel fixture, ITestOutputHelper output)
{
    public static TheoryData<string> Images() => OracleImage.All();

    [Theory, MemberData(nameof(Images))]
    public void Every_layer_matches_pytorch_on_pytorchs_own_input(string name)
    {
        var oracle = OracleImage.Load(name);
        var trace = fixture.Model.Trace(oracle.Input());
        double worst = 0;
        foreach (var reference in oracle.Layers)
        {
            var ours = trace[reference.Name];
            Assert.Equal(reference.Shape, ours.Layer.Shape);
            double tolerance = 1e-5 * reference.MaxAbs;
            if (reference.Full is { } full)
                for (int i = 0; i < full.Length; i++)
                    worst = Math.Max(worst, Check(reference.Name, i, full[i], ours.Data[i], tolerance, reference.MaxAbs));
            if (reference.Samples is { } samples)
                for (int k = 0; k < samples.Length; k++)
                {
                    long i = reference.SampleIndex(k);
                    worst = Math.Max(worst, Check(reference.Name, i, samples[k], ours.Data[i], tolerance, reference.MaxAbs));
                }
            if (reference.ChannelSum is { } sums)
                for (int c = 0; c < sums.Length; c++)
                {
                    double sum = 0;
                    foreach (var v in ours.Channel(c)) sum += v;
                    Assert.True(Math.Abs(sum - sums[c]) <= 1e-5 * reference.ChannelAbsSum![c] + 1e-12,
                        $"{reference.Name} channel {c}: sum {sum} vs PyTorch {sums[c]}");
                }
        }
        var logits = oracle.Logits;
        double maxLogit = logits.Max(Math.Abs);
        double logitError = logits.Select((v, i) => Math.Abs(v - trace.Logits[i])).Max();
        Assert.True(logitError <= 1e-6 * maxLogit, $"logits differ by {logitError:g3} (max |logit| {maxLogit:g3})");
        Assert.Equal(oracle.Top5, trace.Top.Select(p => p.ClassIndex).ToArray());
        output.WriteLine($"{name}: worst layer deviation {worst:g3} of max|x|, logits {logitError / maxLogit:g3} of max|logit|");
    }

    [Fact]
    public void Conv1_matches_pytorch_everywhere_for_the_cat()
    {
        var oracle = OracleImage.Load("chelsea");
        var reference = OracleImage.FullConv1("chelsea");
        var ours = fixture.Model.Trace(oracle.Input())["features.0"].Data;
        Assert.Equal(64 * 55 * 55, reference.Length);
        double maxAbs = reference.Max(Math.Abs);
        int identical = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            Check("features.0", i, reference[i], ours[i], 1e-5 * maxAbs, maxAbs);
            if (BitConverter.SingleToInt32Bits(reference[i]) == BitConverter.SingleToInt32Bits(ours[i])) identical++;
        }
        output.WriteLine($"conv1: {identical} of {reference.Length} values bit-identical to PyTorch");
    }

    [Theory, MemberData(nameof(Images))]
    public void From_the_file_the_top5_is_pytorchs_and_logits_agree(string name)
    {
        var oracle = OracleImage.Load(name);
        // As an upload is decoded by default (a large JPEG drafted as PIL's Image.draft does; the references too).
        var input = Preprocessing.Prepare(ImageDecoder.Decode(File.ReadAllBytes(oracle.SourcePath), new ImageLimits(), draftForNetwork: true));
        var trace = fixture.Model.Trace(input);
        var logits = oracle.Logits;
        double maxLogit = logits.Max(Math.Abs);
        double error = logits.Select((v, i) => Math.Abs(v - trace.Logits[i])).Max() / maxLogit;
        output.WriteLine($"{name}: logits differ by {error:g3} of max|logit|");
        Assert.True(error <= 1e-4, $"{name}: logits differ by {error:g3} of max|logit|");
        Assert.Equal(oracle.Top5, trace.Top.Select(p => p.ClassIndex).ToArray());
    }

    static double Check(string layer, long index, float expected, float actual, double tolerance, double scale)
    {
        double diff = Math.Abs((double)expected - actual);
        Assert.True(diff <= tolerance, $"{layer}[{index}]: ours {actual:R}, PyTorch {expected:R} (tolerance {tolerance:g3})");
        return scale > 0 ? diff / scale : 0;
    }
}

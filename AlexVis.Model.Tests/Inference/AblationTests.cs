using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Tests.Support;
using Xunit.Abstractions;

namespace AlexVis.Model.Tests.Inference;

/// <summary>Switching channels off, against PyTorch with the same channels zeroed by forward hooks.</summary>
[Collection(ModelCollection.Name)]
public class AblationTests(UntrainedModel fixture, ITestOutputHelper output)
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var name in new[] { "astronaut", "chelsea", "coffee", "rocket" }) data.Add(name);
        return data;
    }

    [Theory, MemberData(nameof(Samples))]
    public void Ablated_logits_and_pool5_match_pytorch_both_by_a_full_forward_and_by_a_retrace(string name)
    {
        var oracle = OracleImage.Load(name);
        var baseline = fixture.Model.Trace(oracle.Input());
        var cases = oracle.Ablations();
        Assert.True(cases.Count >= 5);
        foreach (var reference in cases)
        {
            var ablation = Ablation.Parse(reference.Ablate);
            Assert.Equal(reference.Ablate, ablation.Key);
            foreach (var (how, trace) in new[] { ("full", fixture.Model.Trace(oracle.Input(), ablation: ablation)), ("retrace", fixture.Model.Retrace(baseline, ablation)) })
            {
                double maxLogit = reference.Logits.Max(Math.Abs), maxPool = reference.Pool5.Max(Math.Abs);
                double logitError = reference.Logits.Select((v, i) => Math.Abs(v - trace.Logits[i])).Max();
                double poolError = reference.Pool5.Select((v, i) => Math.Abs(v - trace["pool5"].Data[i])).Max();
                Assert.True(logitError <= 1e-5 * maxLogit, $"{name} {reference.Ablate} ({how}): logits off by {logitError:g3} of max {maxLogit:g3}");
                Assert.True(poolError <= 1e-5 * maxPool, $"{name} {reference.Ablate} ({how}): pool5 off by {poolError:g3} of max {maxPool:g3}");
                Assert.Equal(reference.Top5, trace.Top.Select(p => p.ClassIndex).ToArray());
                Assert.Equal(ablation, trace.Ablation);
                output.WriteLine($"{name} {reference.Ablate} {how}: logits {logitError / maxLogit:g3}, pool5 {poolError / maxPool:g3} of max");
            }
        }
    }

    [Fact]
    public void A_retrace_shares_the_layers_before_the_first_ablated_one_and_zeroes_the_channels_after_it()
    {
        var baseline = fixture.Model.Trace(OracleImage.Load("chelsea").Input());
        var ablation = Ablation.Parse("conv3:5,17", "conv5:3");
        var after = fixture.Model.Retrace(baseline, ablation);
        var conv3 = AlexNetLayers.Get("conv3");
        for (int i = 0; i < conv3.Index; i++)
            Assert.Same(baseline.Layers[i].Data, after.Layers[i].Data);
        foreach (var alias in new[] { "conv3", "relu3" })
            foreach (var c in new[] { 5, 17 })
                Assert.All(after[alias].Channel(c).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(after["pool5"].Channel(3).ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(baseline["conv3"].Channel(5).ToArray(), v => v != 0);
        Assert.True(ablation.Silences(AlexNetLayers.Get("pool5"), 3));
        Assert.False(ablation.Silences(AlexNetLayers.Get("conv4"), 3));
        Assert.Same(baseline, fixture.Model.Retrace(baseline, Ablation.None));
        var twice = Assert.Throws<ArgumentException>(() => fixture.Model.Retrace(after, ablation));
        Assert.Contains("conv3:5,17;conv5:3", twice.Message);
    }

    [Fact]
    public void Toggling_restoring_and_parsing_keep_one_canonical_key()
    {
        var conv3 = AlexNetLayers.Get("conv3");
        var a = Ablation.None.Toggle(conv3, 200).Toggle(conv3, 5).Toggle(AlexNetLayers.Get("conv1"), 9);
        Assert.Equal("conv1:9;conv3:5,200", a.Key);
        Assert.Equal(a, Ablation.Parse("conv3: 200, 5; features.0:9"));
        Assert.Equal(3, a.Count);
        Assert.Equal("conv1", a.First!.Alias);
        Assert.Equal("conv1:9;conv3:200", a.Toggle(conv3, 5).Key);
        Assert.Equal("conv3:5,200", a.Restore(AlexNetLayers.Get("conv1")).Key);
        Assert.True(a.Toggle(conv3, 5).Toggle(conv3, 200).Toggle(AlexNetLayers.Get("conv1"), 9).IsEmpty);
    }

    [Theory]
    [InlineData("relu3:5", "not a convolution")]
    [InlineData("conv3:384", "channels 0–383")]
    [InlineData("conv3:x", "'x' in 'conv3:x' is not a channel number")]
    [InlineData("conv3", "is not LAYER:CHANNELS")]
    [InlineData("conv9:1", "AlexNet has no layer 'conv9'")]
    public void A_wrong_ablation_says_what_is_wrong(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Ablation.Parse(text));
        Assert.Contains(message, e.Message);
    }
}

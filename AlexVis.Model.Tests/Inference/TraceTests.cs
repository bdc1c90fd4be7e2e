using AlexVis.Harness;
using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Tests.Support;
using Xunit.Abstractions;

namespace AlexVis.Model.Tests.Inference;

[Collection(ModelCollection.Name)]
public class TraceTests(UntrainedModel fixture)
{
    [Fact]
    public void Every_layer_is_captured_with_its_catalogue_shape()
    {
        var trace = fixture.Model.Trace(OracleImage.Load("coffee").Input());
        Assert.Equal(AlexNetLayers.All.Count, trace.Layers.Count);
        foreach (var maps in trace.Layers)
            Assert.Equal(maps.Layer.Count, maps.Data.Length);
        Assert.Equal(["features.0", "features.1", "features.2", "features.3", "features.4", "features.5", "features.6",
            "features.7", "features.8", "features.9", "features.10", "features.11", "features.12", "avgpool",
            "classifier.0", "classifier.1", "classifier.2", "classifier.3", "classifier.4", "classifier.5", "classifier.6"],
            trace.Layers.Select(l => l.Layer.Name));
        Assert.Equal(trace.Logits, trace["fc8"].Data);
    }

    [Fact]
    public void Relu_is_not_in_place_so_conv_outputs_keep_their_negative_values()
    {
        var trace = fixture.Model.Trace(OracleImage.Load("coffee").Input());
        var conv = trace["conv1"].Data;
        var relu = trace["relu1"].Data;
        Assert.Contains(conv, v => v < 0);
        Assert.Equal(conv.Select(v => Math.Max(v, 0f)), relu);
    }

    [Fact]
    public void A_batch_gives_the_same_numbers_as_one_at_a_time()
    {
        var inputs = new[] { "chelsea", "rocket", "grey" }.Select(n => OracleImage.Load(n).Input()).ToArray();
        var batch = fixture.Model.Trace(inputs);
        for (int i = 0; i < inputs.Length; i++)
        {
            var single = fixture.Model.Trace(inputs[i]);
            Assert.Equal(single.Top.Select(p => p.ClassIndex), batch[i].Top.Select(p => p.ClassIndex));
            for (int l = 0; l < single.Layers.Count; l++)
            {
                var a = single.Layers[l].Data;
                var b = batch[i].Layers[l].Data;
                double scale = a.Max(Math.Abs) + 1e-30;
                Assert.True(a.Select((v, j) => Math.Abs(v - b[j])).Max() <= 1e-5 * scale, $"layer {single.Layers[l].Layer.Name} of image {i}");
            }
        }
    }

    [Fact]
    public void Probabilities_sum_to_one_and_the_top5_is_sorted()
    {
        var trace = fixture.Model.Trace(OracleImage.Load("chelsea").Input());
        Assert.Equal(1.0, trace.Probabilities.Sum(p => (double)p), 5);
        Assert.Equal(5, trace.Top.Count);
        Assert.Equal([1, 2, 3, 4, 5], trace.Top.Select(p => p.Rank));
        Assert.True(trace.Top.Zip(trace.Top.Skip(1)).All(p => p.First.Probability >= p.Second.Probability));
        Assert.Equal("magpie", trace.Top[0].Label); // seed-0 AlexNet's favourite for the cat, as in PyTorch
    }

    [Fact]
    public void Kernels_come_back_as_plain_arrays_in_torchvision_layout()
    {
        var k = fixture.Model.Kernels("conv2");
        Assert.Equal((192, 64, 5, 5), (k.OutChannels, k.InChannels, k.KernelHeight, k.KernelWidth));
        Assert.Equal(192 * 64 * 25, k.Weights.Length);
        Assert.Equal(192, k.Bias.Length);
        Assert.Throws<ArgumentException>(() => fixture.Model.Kernels("relu1"));
    }

}

[Collection(MeasuringCollection.Name)]
public class TraceMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Traces_do_not_leak_native_memory()
    {
        TorchRuntime.Initialise(2);
        using var model = AlexNetModel.Untrained("test", DeviceChoice.Cpu);
        var input = OracleImage.Load("chelsea").Input();
        for (int i = 0; i < 30; i++) model.Trace(input);

        const int count = 300;
        long tensorsBefore = LiveTensors();
        long heapBefore = ProcessMemory.NativeHeapInUse();
        for (int i = 0; i < count; i++) model.Trace(input);
        long heapGrowth = ProcessMemory.NativeHeapInUse() - heapBefore;
        long tensorsLeft = LiveTensors() - tensorsBefore;
        output.WriteLine($"over {count} traces: {tensorsLeft:+0;-0;0} live tensors, native heap {heapGrowth / 1048576.0:+0.00;-0.00} MB");

        // Exact: TorchSharp counts live tensors process-wide, and this collection runs alone.
        Assert.True(tensorsLeft <= 0, $"{tensorsLeft} tensors outlived {count} traces");
        // Memory held outside tensors (malloc in use, not the resident size: glibc's arenas made RSS swing by
        // ±30 MB per 100 traces here, while the heap in use moved by under 4 MB and came back). 4 MB over 300
        // traces is 14 KB a trace; one trace's maps are about 3 MB.
        Assert.True(heapGrowth < 4L * 1024 * 1024, $"the native heap grew by {heapGrowth / 1048576.0:0.0} MB over {count} traces");
    }

    static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return TorchSharp.torch.Tensor.TotalCount;
    }
}

public class LayerCatalogueTests
{
    [Theory]
    [InlineData("conv1", "conv1")]
    [InlineData("relu1", "conv1")]
    [InlineData("pool1", "conv1")]
    [InlineData("conv3", "conv3")]
    [InlineData("relu4", "conv4")]
    [InlineData("pool5", "conv5")]
    [InlineData("avgpool", "conv5")]
    [InlineData("fc6", null)]
    [InlineData("fc8", null)]
    public void Each_spatial_layer_knows_the_convolution_behind_its_channels(string layer, string? conv) =>
        Assert.Equal(conv, AlexNetLayers.KernelSource(AlexNetLayers.Get(layer))?.Alias);

    [Fact]
    public void Slider_labels_carry_torchvision_name_alias_and_shape()
    {
        Assert.Equal("features.0 · conv1 · 64×55×55", AlexNetLayers.Get("conv1").Label);
        Assert.Equal("classifier.6 · fc8 · 1000", AlexNetLayers.Get("fc8").Label);
        Assert.Equal(19, AlexNetLayers.Visible.Count);
        Assert.DoesNotContain(AlexNetLayers.Visible, l => l.Kind == LayerKind.Dropout);
    }
}

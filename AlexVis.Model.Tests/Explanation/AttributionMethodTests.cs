using System.Text.Json;
using AlexVis.Model.Explanation;
using AlexVis.Model.Network;
using AlexVis.Model.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AlexVis.Model.Tests.Explanation;

/// <summary>
/// Every attribution method against PyTorch autograd with Captum's ReLU rules as backward hooks (the oracle's own
/// code, not ours), for several layers, channels, cells and classes on every bundled photo. Each case is picked up
/// from the references, so a method the oracle gains is tested here without a new test.
/// </summary>
[Collection(ModelCollection.Name)]
public class AttributionMethodTests(UntrainedModel fixture, ITestOutputHelper output)
{
    static IReadOnlyDictionary<string, ExplainMethod> methods => ExplainMethodNames.All;

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in OracleImage.Names.Where(n => File.Exists(ExplainJson(n))))
            for (int i = 0; i < Load(name).GetProperty("cases").GetArrayLength(); i++) data.Add(name, i);
        return data;
    }

    static string ExplainJson(string name) => Path.Combine(Repo.Oracle, name, "explain.json");

    static JsonElement Load(string name) => JsonDocument.Parse(File.ReadAllBytes(ExplainJson(name))).RootElement;

    [Theory, MemberData(nameof(Cases))]
    public void Each_method_matches_pytorch_autograd_within_1e_5_of_the_maximum(string image, int index)
    {
        var c = Load(image).GetProperty("cases")[index];
        int? Int(string p) => c.GetProperty(p).ValueKind == JsonValueKind.Null ? null : c.GetProperty(p).GetInt32();
        var cell = c.GetProperty("cell").ValueKind == JsonValueKind.Null ? (MapCell?)null
            : new MapCell(c.GetProperty("cell")[0].GetInt32(), c.GetProperty("cell")[1].GetInt32());
        var layer = c.GetProperty("layer").GetString() is { } alias ? AlexNetLayers.Get(alias) : null;
        var request = new ExplainRequest(methods[c.GetProperty("method").GetString()!], layer, Int("channel"), cell, Int("class"),
            Int("patch") ?? 32, Int("stride") ?? 16);

        var ours = fixture.Model.Explain(OracleImage.Load(image).Input(), request);

        Assert.Equal(c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), ours.Shape);
        Assert.Equal(Int("class"), request.Class is null ? null : ours.Class);
        double maxAbs = c.GetProperty("max_abs").GetDouble(), tolerance = 1e-5 * maxAbs;
        // Occlusion subtracts two float32 probabilities: on the untrained network they are about 0.001 and differ by
        // about 1e-6, below what float32 resolves to 1e-5 of that difference (PyTorch against itself on another
        // thread count differs as much). Its floor is a few units in the last place of the probability.
        if (c.TryGetProperty("probability", out var p))
            tolerance = Math.Max(tolerance, 4 * Ulp((float)p.GetDouble()));
        var values = Floats(image, c.GetProperty("offset").GetInt32(), c.GetProperty("count").GetInt32());
        double worst = 0;
        for (int k = 0; k < values.Length; k++)
        {
            long i = c.GetProperty("full").GetBoolean() ? k : (long)k * ours.Map.Length / values.Length;
            double error = Math.Abs(values[k] - ours.Map[i]);
            worst = Math.Max(worst, error);
            Assert.True(error <= tolerance, $"{request.Method} value {i}: {ours.Map[i]} vs PyTorch {values[k]} (max |x| {maxAbs:g3})");
        }
        Assert.Equal(maxAbs, ours.Map.Max(MathF.Abs), tolerance);
        Assert.Equal(c.GetProperty("sum").GetDouble(), ours.Map.Sum(v => (double)v), Math.Max(1e-5 * ours.Map.Sum(v => Math.Abs((double)v)), tolerance * ours.Map.Length));
        // The heat a figure draws: one value per crop pixel; for a pixel map its magnitude summed over the colours.
        Assert.Equal(224 * 224, ours.Heat.Length);
        if (ours.Shape.Length == 3 && request.Method != ExplainMethod.Occlusion)
            for (int i = 0; i < ours.Heat.Length; i += 997)
                Assert.Equal(Math.Abs(ours.Map[i]) + Math.Abs(ours.Map[224 * 224 + i]) + Math.Abs(ours.Map[2 * 224 * 224 + i]), ours.Heat[i], 1e-6 * maxAbs);
        output.WriteLine($"{image} {request.Method} {layer?.Alias} ch {request.Channel} cell {cell} class {ours.Class}: worst {worst / maxAbs:g3} of max|x| ({maxAbs:g3})");
    }

    static double Ulp(float value) => MathF.BitIncrement(value) - value;

    static float[] Floats(string image, int offset, int count)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Repo.Oracle, image, "explain.bin"));
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset, count * 4)).ToArray();
    }

    [Fact]
    public void Every_method_has_an_oracle_case()
    {
        var covered = OracleImage.Names.Where(n => File.Exists(ExplainJson(n)))
            .SelectMany(n => Load(n).GetProperty("cases").EnumerateArray().Select(c => methods[c.GetProperty("method").GetString()!]))
            .ToHashSet();
        Assert.Equal(Enum.GetValues<ExplainMethod>().ToHashSet(), covered);
    }

    [Theory]
    [InlineData(ReluRule.Plain, new float[] { 0, -1, 2, 0 })]      // ReLU's derivative: the gradient where x > 0
    [InlineData(ReluRule.Deconvnet, new float[] { 1, 0, 2, 3 })]   // relu(grad_out), whatever x was
    [InlineData(ReluRule.Guided, new float[] { 0, 0, 2, 0 })]      // relu(grad_out) where x > 0
    internal void A_relu_passes_the_gradient_by_its_rule(ReluRule rule, float[] expected)
    {
        // x = [-1, 2, 3, -4]; the upstream gradient g = [1, -1, 2, 3], given as d(Σ g·y)/dy.
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { -1, 2, 3, -4 }).requires_grad_(true);
        var y = ModifiedRelu.Apply(x, rule);
        Assert.Equal(new float[] { 0, 2, 3, 0 }, y.detach().data<float>().ToArray()); // the forward is ReLU's
        var grad = autograd.grad([(y * tensor(new float[] { 1, -1, 2, 3 })).sum()], [x])[0];
        Assert.Equal(expected, grad.data<float>().ToArray());
    }

    [Fact]
    internal void One_forward_serves_two_backward_passes_with_the_rule_read_when_the_gradient_comes_back()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { -1, 2, 3, -4 }).requires_grad_(true);
        var rule = new ReluRuleBox(ReluRule.Plain);
        var target = (ModifiedRelu.Apply(x, rule) * tensor(new float[] { 1, -1, 2, 3 })).sum();
        Assert.Equal(new float[] { 0, -1, 2, 0 }, autograd.grad([target], [x], retain_graph: true)[0].data<float>().ToArray());
        rule.Rule = ReluRule.Guided;
        Assert.Equal(new float[] { 0, 0, 2, 0 }, autograd.grad([target], [x])[0].data<float>().ToArray());
    }

    [Theory]
    [InlineData(32, 16, new[] { 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192 })]
    [InlineData(56, 56, new[] { 0, 56, 112, 168 })]
    [InlineData(100, 100, new[] { 0, 100 })] // the last 24 pixels no square reaches: their drop is 0
    public void Occlusion_squares_step_by_the_stride_and_stay_inside_the_crop(int patch, int stride, int[] offsets) =>
        Assert.Equal(offsets, Occlusion.Offsets(patch, stride));

    [Fact]
    public void Hiding_a_square_zeroes_the_tensor_there_paints_the_mean_colour_and_keeps_it_inside()
    {
        var input = OracleImage.Load("chelsea").Input();
        var hidden = Patches.Hide(input, row: 220, column: -5, patch: 10); // clamped to rows 214–223, columns 0–9
        const int plane = 224 * 224;
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(0f, hidden.Tensor[c * plane + 214 * 224 + 0]);
            Assert.Equal(0f, hidden.Tensor[c * plane + 223 * 224 + 9]);
            Assert.Equal(input.Tensor[c * plane + 213 * 224 + 0], hidden.Tensor[c * plane + 213 * 224 + 0]); // just above: untouched
            Assert.Equal(input.Tensor[c * plane + 214 * 224 + 10], hidden.Tensor[c * plane + 214 * 224 + 10]); // just right: untouched
        }
        Assert.Equal(((byte)124, (byte)116, (byte)104), hidden.Crop[5, 218]); // 0.485, 0.456, 0.406 of 255: the colour the zeros stand for
        Assert.Equal(input.Crop[5, 213], hidden.Crop[5, 213]);
        Assert.Equal(3 * 10 * 10, input.Tensor.Zip(hidden.Tensor).Count(p => p.First != p.Second)); // that square, nothing else
    }

    [Theory]
    [InlineData(ExplainMethod.Deconvnet, "fc6", 0, "--layer fc6 has no channels to project; choose conv1 … pool5")]
    [InlineData(ExplainMethod.GuidedBackprop, "conv5", 256, "--channel must be 0–255 for conv5, not 256")]
    [InlineData(ExplainMethod.Deconvnet, "conv5", null, "--channel is needed with --layer conv5")]
    [InlineData(ExplainMethod.GradCam, "fc7", null, "--layer fc7 has no maps to weigh; Grad-CAM needs conv1 … pool5")]
    public void A_request_that_does_not_fit_the_network_names_the_argument(ExplainMethod method, string layer, int? channel, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => fixture.Model.Explain(OracleImage.Load("chelsea").Input(),
            new ExplainRequest(method, AlexNetLayers.Get(layer), channel)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Cells_outside_the_map_classes_past_999_and_bad_squares_are_refused()
    {
        var input = OracleImage.Load("chelsea").Input();
        Assert.Equal("--cell 13,0 is outside conv5's 13×13 maps", Assert.Throws<ArgumentException>(() =>
            fixture.Model.Explain(input, new ExplainRequest(ExplainMethod.Deconvnet, AlexNetLayers.Get("conv5"), 3, new MapCell(13, 0)))).Message);
        Assert.Equal("--class must be 0–999, not 1000", Assert.Throws<ArgumentException>(() =>
            fixture.Model.Explain(input, new ExplainRequest(ExplainMethod.Saliency, Class: 1000))).Message);
        Assert.Equal("--patch must be 1–224, not 0", Assert.Throws<ArgumentException>(() =>
            fixture.Model.Explain(input, new ExplainRequest(ExplainMethod.Occlusion, Patch: 0))).Message);
    }
}

using AlexVis.Model.Imaging;
using AlexVis.Model.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace AlexVis.Model.Explanation;

/// <summary>
/// What every attribution method shares, as pytorch-grad-cam's BaseCAM and Captum's gradient attributions do: the
/// checked target, the forward pass (with the method's ReLU rule, capturing a layer), the target's value (a channel's
/// map or cell, or a class's logit), the gradient back to the input or the layer, and the upsampling to the crop.
/// A method is a small subclass saying only what is its own.
/// </summary>
/// <remarks>
/// Every request is checked before any tensor is made: an error inside libtorch's autograd.grad ends the process and
/// cannot be caught. The network's parameters need no gradient; each run makes a fresh leaf for the input.
/// </remarks>
internal abstract class AttributionMethod
{
    /// <summary>The method, as requests name it.</summary>
    public abstract ExplainMethod Kind { get; }

    /// <summary>How the backward pass goes through the ReLUs.</summary>
    protected virtual ReluRule Rule => ReluRule.Plain;

    /// <summary>Every method, by kind.</summary>
    public static IReadOnlyDictionary<ExplainMethod, AttributionMethod> All { get; } =
        new AttributionMethod[] { new Deconvnet(), new GuidedBackprop(), new Saliency(), new GradCam(), new GuidedGradCam(), new Occlusion() }
            .ToDictionary(m => m.Kind);

    /// <summary>Checks <paramref name="request"/> (an <see cref="ArgumentException"/> names the bad argument), then explains <paramref name="input"/>.</summary>
    public Attribution Explain(AlexNet net, Device device, ModelInput input, ExplainRequest request, IProgress<double>? progress = null)
    {
        var checkedRequest = Check(request);
        using var scope = NewDisposeScope();
        var x = tensor(input.Tensor, [1, 3, AlexNetLayers.InputSize, AlexNetLayers.InputSize]).to(device).requires_grad_(true);
        return Compute(net, x, checkedRequest, progress);
    }

    /// <summary>The method's own part: the map for the checked request, from the input leaf <paramref name="x"/> (a long method reports its progress, 0 to 1).</summary>
    protected abstract Attribution Compute(AlexNet net, Tensor x, ExplainRequest request, IProgress<double>? progress);

    /// <summary>Checks what every method may be given; a method needing more overrides this and calls it.</summary>
    protected virtual ExplainRequest Check(ExplainRequest request)
    {
        if (request.Class is int k && (k < 0 || k >= AlexNetLayers.ClassCount))
            throw new ArgumentException($"--class must be 0–{AlexNetLayers.ClassCount - 1}, not {k}");
        if (request.Layer is { } layer)
        {
            if (request.Channel is int c && (c < 0 || c >= layer.Channels))
                throw new ArgumentException($"--channel must be 0–{layer.Channels - 1} for {layer.Alias}, not {c}");
            if (request.Cell is { } cell && (cell.Row < 0 || cell.Row >= layer.Height || cell.Column < 0 || cell.Column >= layer.Width))
                throw new ArgumentException($"--cell {cell} is outside {layer.Alias}'s {layer.Height}×{layer.Width} maps");
        }
        return request;
    }

    /// <summary>Checks a layer whose channel is projected: a spatial layer of the features (conv, ReLU or pool), with a channel.</summary>
    protected static void CheckChannelTarget(ExplainRequest request)
    {
        if (request.Layer is not { } layer) return;
        if (!layer.IsSpatial || layer.Kind == LayerKind.AdaptiveAvgPool)
            throw new ArgumentException($"--layer {layer.Alias} has no channels to project; choose conv1 … pool5");
        if (request.Channel is null) throw new ArgumentException($"--channel is needed with --layer {layer.Alias}");
    }

    /// <summary>The forward pass with this method's ReLUs, up to <paramref name="last"/>; <paramref name="captured"/> gets the output of the layer at <paramref name="captureIndex"/>.</summary>
    protected Tensor Forward(AlexNet net, Tensor x, int? captureIndex, out Tensor? captured, int last = int.MaxValue, ReluRule? rule = null)
    {
        Tensor? kept = null;
        var r = rule ?? Rule;
        var output = net.ForwardLayers(x, captureIndex is int ci ? (i, t) => { if (i == ci) kept = t; } : null,
            r == ReluRule.Plain ? null : t => ModifiedRelu.Apply(t, r), last);
        captured = kept;
        return output;
    }

    /// <summary>The class a request names, or the top-1 of <paramref name="logits"/>.</summary>
    protected static int ClassOf(ExplainRequest request, Tensor logits) => request.Class ?? (int)logits[0].argmax().item<long>();

    /// <summary>A channel's value as the target: the sum of its map, or its one cell.</summary>
    protected static Tensor ChannelValue(Tensor activation, int channel, MapCell? cell) =>
        cell is { } c ? activation[0, channel, c.Row, c.Column] : activation[0, channel].sum();

    /// <summary>d <paramref name="target"/> / d <paramref name="of"/>; both are checked to be in one graph first (autograd's errors cannot be caught); <paramref name="keepGraph"/> keeps the graph for another backward pass.</summary>
    protected static Tensor Gradient(Tensor target, Tensor of, bool keepGraph = false)
    {
        if (!target.requires_grad || !of.requires_grad)
            throw new InvalidOperationException("The attribution's target is not connected to its input.");
        return autograd.grad([target], [of], retain_graph: keepGraph)[0];
    }

    /// <summary>A [1, 1, h, w] map resized to the crop, bilinearly with align_corners=False (PyTorch's interpolate, as Captum upsamples).</summary>
    protected static Tensor ToCrop(Tensor map) =>
        nn.functional.interpolate(map, size: [AlexNetLayers.InputSize, AlexNetLayers.InputSize], mode: InterpolationMode.Bilinear, align_corners: false);

    /// <summary>The plain record the caller gets (tensors stay here), with its heat over the crop.</summary>
    protected Attribution Result(Tensor map, ExplainRequest request, int? classIndex) =>
        new(Kind, request.Layer, request.Channel, request.Cell, classIndex, map.shape.Select(d => (int)d).ToArray(),
            AlexNetModel.ToArray(map.detach()), AlexNetModel.ToArray(Heat(map).detach()));

    /// <summary>The map as a [224, 224] non-negative heat over the crop; by default its magnitude summed over the colours.</summary>
    protected virtual Tensor Heat(Tensor map) => map.abs().sum(dim: 0, keepdim: false); // a bare sum(0) would bind to sum(ScalarType)
}

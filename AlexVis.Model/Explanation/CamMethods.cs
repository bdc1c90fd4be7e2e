using AlexVis.Model.Network;
using static TorchSharp.torch;

namespace AlexVis.Model.Explanation;

/// <summary>
/// Grad-CAM: Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization"
/// (ICCV 2017, arXiv 1610.02391): relu(Σ_c mean(d logit_k / d A_c) · A_c) at the layer's own resolution, A being the
/// layer's output (for conv5 the convolution's, before its ReLU).
/// </summary>
internal class GradCam : AttributionMethod
{
    /// <inheritdoc />
    public override ExplainMethod Kind => ExplainMethod.GradCam;

    /// <inheritdoc />
    protected override ExplainRequest Check(ExplainRequest request)
    {
        var layer = request.Layer ?? ExplainRequest.DefaultCamLayer;
        if (!layer.IsSpatial || layer.Kind == LayerKind.AdaptiveAvgPool)
            throw new ArgumentException($"--layer {layer.Alias} has no maps to weigh; Grad-CAM needs conv1 … pool5");
        return base.Check(request with { Layer = layer, Channel = null, Cell = null });
    }

    /// <inheritdoc />
    protected override Attribution Compute(AlexNet net, Tensor x, ExplainRequest request, IProgress<double>? progress)
    {
        var (cam, k) = Cam(net, x, request);
        return Result(cam[0, 0], request with { Class = k }, k);
    }

    /// <inheritdoc />
    protected override Tensor Heat(Tensor map) => map.dim() == 2 ? ToCrop(map.unsqueeze(0).unsqueeze(0))[0, 0] : base.Heat(map);

    /// <summary>The map as [1, 1, H, W], and the class it is for.</summary>
    protected (Tensor Map, int Class) Cam(AlexNet net, Tensor x, ExplainRequest request)
    {
        var logits = Forward(net, x, request.Layer!.Index, out var a, rule: ReluRule.Plain);
        int k = ClassOf(request, logits);
        var weights = Gradient(logits[0, k], a!).mean([2, 3], keepdim: true);
        return (nn.functional.relu((weights * a!).sum(1, keepdim: true)).detach(), k);
    }
}

/// <summary>
/// Guided Grad-CAM (Selvaraju et al. 2017, §3.1): guided backpropagation for class k times the Grad-CAM map for k,
/// upsampled bilinearly to the crop.
/// </summary>
internal sealed class GuidedGradCam : GradCam
{
    /// <inheritdoc />
    public override ExplainMethod Kind => ExplainMethod.GuidedGradCam;

    /// <inheritdoc />
    /// <remarks>
    /// One forward serves both backward passes: its ReLUs read their rule when the gradient comes back, plain for
    /// Grad-CAM's gradient at the layer, then guided for guided backprop's to the pixels (the graph is kept between).
    /// </remarks>
    protected override Attribution Compute(AlexNet net, Tensor x, ExplainRequest request, IProgress<double>? progress)
    {
        var rule = new ReluRuleBox(ReluRule.Plain);
        Tensor? a = null;
        int at = request.Layer!.Index;
        var logits = net.ForwardLayers(x, (i, t) => { if (i == at) a = t; }, t => ModifiedRelu.Apply(t, rule));
        int k = ClassOf(request, logits);
        var target = logits[0, k];
        var weights = Gradient(target, a!, keepGraph: true).mean([2, 3], keepdim: true);
        var cam = nn.functional.relu((weights * a!).sum(1, keepdim: true)).detach();
        rule.Rule = ReluRule.Guided;
        var guided = Gradient(target, x)[0];
        return Result(guided * ToCrop(cam)[0], request with { Class = k }, k);
    }
}

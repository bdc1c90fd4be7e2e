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
    protected override Attribution Compute(AlexNet net, Tensor x, ExplainRequest request, IProgress<double>? progress)
    {
        var (cam, k) = Cam(net, x, request);
        var logits = Forward(net, x, null, out _, rule: ReluRule.Guided);
        var guided = Gradient(logits[0, k], x)[0];
        return Result(guided * ToCrop(cam)[0], request with { Class = k }, k);
    }
}

using AlexVis.Model.Network;
using static TorchSharp.torch;

namespace AlexVis.Model.Explanation;

/// <summary>
/// The gradient of one target back to the pixels, through ReLUs with this method's rule: a layer's channel (its whole
/// map or one cell), or without a layer the class's logit. Deconvnet and guided backprop differ only in the rule.
/// </summary>
internal abstract class ProjectionMethod : AttributionMethod
{
    /// <inheritdoc />
    protected override ExplainRequest Check(ExplainRequest request)
    {
        CheckChannelTarget(request);
        return base.Check(request);
    }

    /// <inheritdoc />
    protected override Attribution Compute(AlexNet net, Tensor x, ExplainRequest request, IProgress<double>? progress)
    {
        if (request.Layer is { } layer)
        {
            // Only the layers up to the target take part.
            Forward(net, x, layer.Index, out var activation, last: layer.Index);
            return Result(Gradient(ChannelValue(activation!, request.Channel!.Value, request.Cell), x)[0], request, null);
        }
        var logits = Forward(net, x, null, out _);
        int k = ClassOf(request, logits);
        return Result(Gradient(logits[0, k], x)[0], request with { Class = k }, k);
    }
}

/// <summary>
/// Deconvnet: Zeiler and Fergus, "Visualizing and Understanding Convolutional Networks" (ECCV 2014, arXiv 1311.2901).
/// Unpooling with the forward pass's switches and transposed convolution with the same filters are the max-pool's and
/// the convolution's own gradients; the ReLU is applied to the signal going down (Captum's Deconvolution).
/// </summary>
internal sealed class Deconvnet : ProjectionMethod
{
    /// <inheritdoc />
    public override ExplainMethod Kind => ExplainMethod.Deconvnet;

    /// <inheritdoc />
    protected override ReluRule Rule => ReluRule.Deconvnet;
}

/// <summary>
/// Guided backpropagation: Springenberg, Dosovitskiy, Brox and Riedmiller, "Striving for Simplicity: The All
/// Convolutional Net" (ICLR 2015 workshop, arXiv 1412.6806): the gradient, with negative gradients cut at each ReLU.
/// </summary>
internal sealed class GuidedBackprop : ProjectionMethod
{
    /// <inheritdoc />
    public override ExplainMethod Kind => ExplainMethod.GuidedBackprop;

    /// <inheritdoc />
    protected override ReluRule Rule => ReluRule.Guided;
}

/// <summary>
/// Saliency: Simonyan, Vedaldi and Zisserman, "Deep Inside Convolutional Networks" (ICLR 2014 workshop, arXiv
/// 1312.6034): |d logit_k / d input| for each pixel and colour (Captum's Saliency with abs=True).
/// </summary>
internal sealed class Saliency : AttributionMethod
{
    /// <inheritdoc />
    public override ExplainMethod Kind => ExplainMethod.Saliency;

    /// <inheritdoc />
    protected override ExplainRequest Check(ExplainRequest request) => base.Check(request with { Layer = null, Channel = null, Cell = null });

    /// <inheritdoc />
    protected override Attribution Compute(AlexNet net, Tensor x, ExplainRequest request, IProgress<double>? progress)
    {
        var logits = Forward(net, x, null, out _);
        int k = ClassOf(request, logits);
        return Result(Gradient(logits[0, k], x)[0].abs(), request with { Class = k }, k);
    }
}

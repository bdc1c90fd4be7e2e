using AlexVis.Model.Imaging;
using AlexVis.Model.Network;

namespace AlexVis.Model.Inference;

/// <summary>Everything one forward of one image produced: every layer's output, logits, probabilities, top-k and the crop the model saw.</summary>
/// <param name="Layers">Every layer in forward order (<see cref="AlexNetLayers.All"/>).</param>
/// <param name="Logits">The 1000 fc8 outputs.</param>
/// <param name="Probabilities">Softmax of the logits.</param>
/// <param name="Top">The top-k predictions.</param>
/// <param name="Input">The 224×224 RGB crop that was fed to the network.</param>
/// <param name="Weights">The weights that produced it.</param>
public sealed record ActivationTrace(IReadOnlyList<FeatureMaps> Layers, float[] Logits, float[] Probabilities,
    IReadOnlyList<Prediction> Top, RgbImage Input, WeightsInfo Weights)
{
    /// <summary>The channels that were switched off for this forward (<see cref="Inference.Ablation.None"/> for the network as trained).</summary>
    public Ablation Ablation { get; init; } = Ablation.None;

    /// <summary>A layer's output by torchvision name or alias.</summary>
    public FeatureMaps this[string nameOrAlias] => Layers[AlexNetLayers.Get(nameOrAlias).Index];

    /// <summary>A layer's output.</summary>
    public FeatureMaps this[LayerInfo layer] => Layers[layer.Index];
}

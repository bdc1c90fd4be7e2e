using AlexVis.Model.Network;

namespace AlexVis.Model.Explanation;

/// <summary>The "why" methods: each answers which pixels (or which places) made a unit or a class respond.</summary>
public enum ExplainMethod
{
    /// <summary>Zeiler and Fergus's deconvnet: a unit's activation projected back to pixels.</summary>
    Deconvnet,
    /// <summary>Springenberg et al.'s guided backpropagation.</summary>
    GuidedBackprop,
    /// <summary>Simonyan et al.'s saliency: the gradient's magnitude.</summary>
    Saliency,
    /// <summary>Selvaraju et al.'s Grad-CAM at a layer.</summary>
    GradCam,
    /// <summary>Guided backpropagation times the upsampled Grad-CAM.</summary>
    GuidedGradCam,
    /// <summary>Zeiler and Fergus's occlusion: how much the class's probability drops with each patch hidden.</summary>
    Occlusion,
}

/// <summary>The methods' names on the command line, in the oracle's references and in the explorer's page.</summary>
public static class ExplainMethodNames
{
    /// <summary>Every method by its name.</summary>
    public static IReadOnlyDictionary<string, ExplainMethod> All { get; } = new Dictionary<string, ExplainMethod>
    {
        ["deconvnet"] = ExplainMethod.Deconvnet, ["guided"] = ExplainMethod.GuidedBackprop, ["saliency"] = ExplainMethod.Saliency,
        ["gradcam"] = ExplainMethod.GradCam, ["guided-gradcam"] = ExplainMethod.GuidedGradCam, ["occlusion"] = ExplainMethod.Occlusion,
    };

    /// <summary>A method's name.</summary>
    public static string Of(ExplainMethod method) => All.First(m => m.Value == method).Key;
}

/// <summary>A cell of a feature map.</summary>
/// <param name="Row">Row, from the top.</param>
/// <param name="Column">Column, from the left.</param>
public readonly record struct MapCell(int Row, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{Row},{Column}";
}

/// <summary>What to explain.</summary>
/// <param name="Method">The method.</param>
/// <param name="Layer">Deconvnet and guided backprop: the layer whose channel is projected (null: the class's logit); Grad-CAM: the layer whose maps are weighed.</param>
/// <param name="Channel">The channel of <paramref name="Layer"/> (deconvnet and guided backprop).</param>
/// <param name="Cell">One cell of that channel; null for the whole map (the sum of its cells).</param>
/// <param name="Class">The class (saliency, Grad-CAM, occlusion, and guided backprop without a layer); null for the top-1.</param>
/// <param name="Patch">Occlusion: the side of the hidden square, in pixels of the 224 crop.</param>
/// <param name="Stride">Occlusion: how far the square moves each step.</param>
public sealed record ExplainRequest(ExplainMethod Method, LayerInfo? Layer = null, int? Channel = null, MapCell? Cell = null, int? Class = null,
    int Patch = 32, int Stride = 16)
{
    /// <summary>The layer Grad-CAM uses when none is given: conv5, whose output the literature's Grad-CAM weighs.</summary>
    public static LayerInfo DefaultCamLayer => AlexNetLayers.Get("conv5");
}

/// <summary>
/// An attribution: the raw map (before any normalisation or colours), flattened in C order, and what it answers.
/// Shape [3, 224, 224] for the pixel methods, [H, W] at the layer's resolution for Grad-CAM.
/// </summary>
/// <param name="Method">The method.</param>
/// <param name="Layer">The layer used, if any.</param>
/// <param name="Channel">The channel projected, if any.</param>
/// <param name="Cell">The cell projected, if one was.</param>
/// <param name="Class">The class explained, if any.</param>
/// <param name="Shape">The map's shape.</param>
/// <param name="Map">The values.</param>
/// <param name="Heat">
/// What a figure shows over the 224×224 crop (non-negative, row-major): the map's magnitude summed over the three
/// colours for the pixel methods, Grad-CAM upsampled bilinearly, occlusion's probability drop where it is positive.
/// </param>
public sealed record Attribution(ExplainMethod Method, LayerInfo? Layer, int? Channel, MapCell? Cell, int? Class, int[] Shape, float[] Map,
    float[] Heat);

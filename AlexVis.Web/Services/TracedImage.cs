using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;

namespace AlexVis.Web.Services;

/// <summary>The image a student is looking at and everything traced from it.</summary>
/// <param name="Version">Increases with every new image in this session.</param>
/// <param name="Name">File name as uploaded, or the sample's file name.</param>
/// <param name="ContentKey">Hash of the bytes; keys the shared caches.</param>
/// <param name="SampleName">The bundled sample's name, when it is one.</param>
/// <param name="CropUrl">Where the browser gets the 224×224 crop the model saw.</param>
/// <param name="Trace">Every layer's output, logits and predictions.</param>
/// <param name="Compute">Server time for decode, preprocessing and the forward (zero when shared).</param>
/// <param name="Signed">The values are differences of two photos: drawn on a scale centred on zero, in a diverging colormap.</param>
public sealed record TracedImage(long Version, string Name, string ContentKey, string? SampleName, string CropUrl, ActivationTrace Trace, TimeSpan Compute,
    bool Signed = false)
{
    /// <summary>A copy of one channel's exact values (row by row); null for a channel the layer does not have.</summary>
    public float[]? ChannelValues(LayerInfo layer, int channel) =>
        channel >= 0 && channel < layer.Channels ? Trace[layer].Channel(channel).ToArray() : null;

    /// <summary>One channel's statistics; null for a channel the layer does not have.</summary>
    public ChannelStats? Stats(LayerInfo layer, int channel) =>
        channel >= 0 && channel < layer.Channels ? Trace[layer].Stats(channel) : null;

    /// <summary>Every value of a layer (for fully connected layers, one per unit).</summary>
    public float[] LayerValues(LayerInfo layer) => Trace[layer].Data;
}

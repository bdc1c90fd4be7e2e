using AlexVis.Model.Explanation;
using AlexVis.Model.Imaging;
using AlexVis.Model.Labels;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.Options;
using AlexVis.Web.State;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Services;

/// <summary>An explanation as the page shows it.</summary>
/// <param name="Key">Its key (image content, method, target): the same for everyone asking the same.</param>
/// <param name="OverlayPng">The heat drawn fully over the crop; the page fades it over the crop with the opacity slider.</param>
/// <param name="Attribution">The raw attribution (for the PNG export at any opacity).</param>
/// <param name="Crop">The crop it explains.</param>
public sealed record ExplainFigure(string Key, byte[] OverlayPng, Attribution Attribution, RgbImage Crop)
{
    /// <summary>The figure at <paramref name="opacity"/> (0–1) over the crop, as a PNG to save.</summary>
    public byte[] Png(double opacity) => Model.Visualization.Png.Encode(AttributionFigure.Overlay(Attribution, Crop, opacity));
}

/// <summary>The network's answer with a square of the photo hidden (live occlusion).</summary>
/// <param name="Row">The square's top row in the crop.</param>
/// <param name="Column">Its left column.</param>
/// <param name="Top">The top-5 then.</param>
/// <param name="ChannelMean">The open channel's mean activation then, if a channel is open.</param>
public sealed record OcclusionProbe(int Row, int Column, IReadOnlyList<AlexVis.Model.Inference.Prediction> Top, double? ChannelMean);

/// <summary>
/// The "why" figures, computed once for everyone and kept (the same photo, method and target give the same map). One
/// at a time, off the circuits' threads: an explanation costs one to three forwards (occlusion a grid of them), and
/// uploads' forwards go first through the inference queue's own workers.
/// </summary>
public sealed class Explanations(ModelHost host, IOptions<AlexVisOptions> options)
{
    readonly DisplayOptions display = options.Value.Display;
    readonly LruCache<string, ExplainFigure> figures = new(options.Value.Display.ExplanationCache);
    readonly SemaphoreSlim one = new(1, 1);

    /// <summary>
    /// What the page's selection asks to explain: deconvnet and guided backprop project the open channel of a conv,
    /// ReLU or pool layer (the class when none is open); Grad-CAM weighs the layer shown (conv5 for the others);
    /// saliency and occlusion explain the class. Null when no method is chosen.
    /// </summary>
    public ExplainRequest? RequestFor(Selection selection)
    {
        if (selection.Why is not { } method) return null;
        var layer = selection.Layer;
        bool maps = layer.IsSpatial && layer.Kind != LayerKind.AdaptiveAvgPool;
        return method switch
        {
            ExplainMethod.Deconvnet or ExplainMethod.GuidedBackprop when maps && selection.Channel is int c => new(method, layer, c),
            ExplainMethod.GradCam or ExplainMethod.GuidedGradCam => new(method, maps ? layer : ExplainRequest.DefaultCamLayer, Class: selection.Class),
            ExplainMethod.Occlusion => new(method, Class: selection.Class, Patch: display.OcclusionPatch, Stride: display.OcclusionStride),
            _ => new(method, Class: selection.Class),
        };
    }

    /// <summary>A figure's key: the image's content and everything the request says.</summary>
    public static string KeyOf(string contentKey, ExplainRequest r) =>
        $"{contentKey}_{(int)r.Method}_{r.Layer?.Index ?? -1}_{r.Channel ?? -1}_{r.Class ?? -1}_{r.Patch}_{r.Stride}";

    /// <summary>A figure if one is kept (for the PNG export).</summary>
    public ExplainFigure? Known(string key) => figures.TryGet(key, out var figure) ? figure : null;

    /// <summary>The figure for an image and a request, computed once (off the caller's thread) and kept.</summary>
    public Task<ExplainFigure> GetAsync(TracedImage image, ExplainRequest request)
    {
        var key = KeyOf(image.ContentKey, request);
        return figures.GetOrAdd(key, () => Task.Run(async () =>
        {
            var model = await host.Ready;
            var crop = image.Trace.Input;
            await one.WaitAsync();
            try
            {
                // The crop's normalisation is exact: the network is given the very tensor the trace was made from.
                var attribution = model.Explain(ModelInput.FromCrop(crop), request);
                return new ExplainFigure(key, Model.Visualization.Png.Encode(AttributionFigure.Overlay(attribution, crop, 1)), attribution, crop);
            }
            finally
            {
                one.Release();
            }
        }));
    }

    /// <summary>
    /// Live occlusion: the network's answer for the image with a square hidden at (<paramref name="row"/>,
    /// <paramref name="column"/>) (the explorer's patch size): its top-5, and the mean of a channel's map when one is
    /// open. One forward, off the caller's thread.
    /// </summary>
    public async Task<OcclusionProbe> ProbeAsync(TracedImage image, int row, int column, LayerInfo layer, int? channel)
    {
        var model = await host.Ready;
        return await Task.Run(() =>
        {
            var crop = image.Trace.Input;
            var (top, left) = Patches.Place(row, column, display.OcclusionPatch);
            var trace = model.Trace(Patches.Hide(ModelInput.FromCrop(crop), top, left, display.OcclusionPatch));
            double? mean = layer.IsSpatial && channel is int c && c < layer.Channels ? trace[layer].Stats(c).Mean : null;
            return new OcclusionProbe(top, left, trace.Top, mean);
        });
    }

    /// <summary>The hidden square's side in the explorer.</summary>
    public int OcclusionPatch => display.OcclusionPatch;
}

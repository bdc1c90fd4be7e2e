using AlexVis.Model.Imaging;
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
public sealed record ImageView(long Version, string Name, string ContentKey, string? SampleName, string CropUrl, Trace Trace, TimeSpan Compute);

/// <summary>
/// One student's view of the network (one per Blazor circuit): the image, its trace and the selection. Components
/// render from it and forward user intent to it; it asks the shared queue for forwards and cancels them when the
/// student leaves. Nothing here holds a tensor.
/// </summary>
public interface IVisualizationSession
{
    /// <summary>Raised when anything shown may have changed; may be raised on any thread.</summary>
    event Action? Changed;

    /// <summary>The shared model's start-up state.</summary>
    ModelStatus ModelStatus { get; }

    /// <summary>The bundled sample photos.</summary>
    IReadOnlyList<SampleInfo> Samples { get; }

    /// <summary>Upload limits, for the drop zone's hints.</summary>
    ImageLimits Limits { get; }

    /// <summary>The current image, or null before the first one.</summary>
    ImageView? Image { get; }

    /// <summary>The selected layer.</summary>
    LayerInfo Layer { get; }

    /// <summary>The selected channel of <see cref="Layer"/>, if any.</summary>
    int? Channel { get; }

    /// <summary>Colour scale of the montage.</summary>
    ScaleMode Scale { get; }

    /// <summary>Colormap of montage and channel heatmaps.</summary>
    Colormap Colormap { get; }

    /// <summary>What the session is busy with, for a progress line; null when idle.</summary>
    string? Busy { get; }

    /// <summary>Traces a bundled sample; returns a message for the student when it fails (the current image stays).</summary>
    Task<string?> LoadSampleAsync(string name);

    /// <summary>Reads, checks and traces an uploaded file; returns a message for the student when it fails (the current image stays).</summary>
    Task<string?> UploadAsync(Stream content, long size, string name);

    /// <summary>The token with which this session's page posts files to <c>/api/uploads</c>.</summary>
    string UploadToken { get; }

    /// <summary>Raised (on any thread) with a message for the student about an upload that failed.</summary>
    event Action<string>? UploadFailed;

    /// <summary>Selects a layer (keeping the channel when the new layer has it).</summary>
    void SelectLayer(LayerInfo layer);

    /// <summary>Selects a channel of the current layer, or none.</summary>
    void SelectChannel(int? channel);

    /// <summary>Changes the montage's colour scale.</summary>
    void SetScale(ScaleMode scale);

    /// <summary>Changes the colormap.</summary>
    void SetColormap(Colormap colormap);

    /// <summary>The montage of the current layer in the current scale (null without an image or for non-spatial layers), drawn off the caller's thread.</summary>
    Task<MontageView?> MontageAsync();

    /// <summary>Exact values of one channel of the image with <paramref name="version"/>; null when that image is gone.</summary>
    float[]? ChannelValues(LayerInfo layer, int channel, long version);

    /// <summary>All values of a layer (for fully connected layers).</summary>
    float[]? LayerValues(LayerInfo layer);

    /// <summary>Statistics of one channel of the current image.</summary>
    ChannelStats? Stats(LayerInfo layer, int channel);

    /// <summary>A page of a convolution layer's kernels (null while the model loads).</summary>
    /// <param name="layer">The convolution layer.</param>
    /// <param name="page">0-based page.</param>
    /// <param name="channels">For conv1: each filter's three input channels in grey rather than the filter in colour.</param>
    KernelView? Kernels(LayerInfo layer, int page, bool channels = false);

    /// <summary>One filter's weights: in × kh × kw.</summary>
    float[]? FilterWeights(LayerInfo layer, int filter);
}

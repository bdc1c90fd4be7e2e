using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.State;

namespace AlexVis.Web.Services;

/// <summary>
/// The per-circuit session (see <see cref="IVisualizationSession"/>): the student's <see cref="ImageLoader"/> and
/// <see cref="SelectionState"/> seen together, and the figures the panels are drawn from.
/// </summary>
public sealed class VisualizationSession : IVisualizationSession, IDisposable
{
    readonly ModelHost host;
    readonly InferenceQueue queue;
    readonly Views views;
    readonly SampleLibrary samples;
    readonly ImageLoader loader;
    readonly SelectionState selection;
    LayerInfo lastLayer;
    int disposed;

    /// <summary>Creates the session over the student's state pieces.</summary>
    public VisualizationSession(ModelHost host, InferenceQueue queue, Views views, SampleLibrary samples, ImageLoader loader,
        SelectionState selection)
    {
        this.host = host;
        this.queue = queue;
        this.views = views;
        this.samples = samples;
        this.loader = loader;
        this.selection = selection;
        lastLayer = selection.Current.Layer;
        selection.Changed += OnSelectionChanged;
        loader.Changed += OnLoaderChanged;
        host.StatusChanged += OnModelStatus;
    }

    /// <inheritdoc />
    public event Action? Changed;

    /// <inheritdoc />
    public event Action<string>? UploadFailed
    {
        add => loader.UploadFailed += value;
        remove => loader.UploadFailed -= value;
    }

    /// <inheritdoc />
    public string UploadToken => loader.UploadToken;

    /// <inheritdoc />
    public ModelStatus ModelStatus => host.Status;

    /// <inheritdoc />
    public IReadOnlyList<SampleInfo> Samples => samples.All;

    /// <inheritdoc />
    public ImageLimits Limits => loader.Limits;

    /// <inheritdoc />
    public ImageView? Image => loader.Image;

    /// <inheritdoc />
    public LayerInfo Layer => selection.Current.Layer;

    /// <inheritdoc />
    public int? Channel => selection.Current.Channel;

    /// <inheritdoc />
    public ScaleMode Scale => selection.Current.Scale;

    /// <inheritdoc />
    public Colormap Colormap => selection.Current.Colormap;

    /// <inheritdoc />
    public string? Busy => loader.Busy;

    /// <inheritdoc />
    public Task<string?> LoadSampleAsync(string name) => loader.LoadSampleAsync(name);

    /// <inheritdoc />
    public Task<string?> UploadAsync(Stream content, long size, string name) => loader.UploadAsync(content, size, name);

    /// <inheritdoc />
    public void SelectLayer(LayerInfo layer) => selection.SelectLayer(layer);

    /// <inheritdoc />
    public void SelectChannel(int? channel) => selection.SelectChannel(channel);

    /// <inheritdoc />
    public void SetScale(ScaleMode scale) => selection.SetScale(scale);

    /// <inheritdoc />
    public void SetColormap(Colormap colormap) => selection.SetColormap(colormap);

    void OnSelectionChanged()
    {
        // A new layer: draw its neighbours' montages in the background, so the next step finds them ready.
        if (!Layer.Equals(lastLayer) && Image is { } image)
            views.Prefetch(image.ContentKey, image.Trace, Layer, Scale, queue.Length);
        lastLayer = Layer;
        Changed?.Invoke();
    }

    /// <inheritdoc />
    public async Task<MontageView?> MontageAsync() =>
        Image is { } image && Layer.IsSpatial ? await views.MontageAsync(image.ContentKey, image.Trace, Layer, Scale) : null;

    /// <inheritdoc />
    public float[]? ChannelValues(LayerInfo layer, int channel, long version)
    {
        if (Image is not { } image || image.Version != version || channel < 0 || channel >= layer.Channels) return null;
        return image.Trace[layer].Channel(channel).ToArray();
    }

    /// <inheritdoc />
    public float[]? LayerValues(LayerInfo layer) => Image?.Trace[layer].Data;

    /// <inheritdoc />
    public ChannelStats? Stats(LayerInfo layer, int channel) =>
        Image is { } image && channel >= 0 && channel < layer.Channels ? image.Trace[layer].Stats(channel) : null;

    /// <inheritdoc />
    public KernelView? Kernels(LayerInfo layer, int page, bool channels = false) =>
        host.Status.IsReady && layer.Kind == LayerKind.Convolution ? views.Kernels(layer, page, channels) : null;

    /// <inheritdoc />
    public float[]? FilterWeights(LayerInfo layer, int filter)
    {
        if (!host.Status.IsReady || layer.Kind != LayerKind.Convolution) return null;
        var k = host.Kernels(layer.Name);
        return filter >= 0 && filter < k.OutChannels ? k.Filter(filter).ToArray() : null;
    }

    void OnModelStatus(ModelStatus status) => Changed?.Invoke();

    void OnLoaderChanged() => Changed?.Invoke();

    /// <summary>Ends the student's image loading (queued work, upload token) and stops listening.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        loader.Dispose();
        host.StatusChanged -= OnModelStatus;
        selection.Changed -= OnSelectionChanged;
        loader.Changed -= OnLoaderChanged;
    }
}

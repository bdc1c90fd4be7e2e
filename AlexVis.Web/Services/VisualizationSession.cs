using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.Options;
using AlexVis.Web.State;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Services;

/// <summary>The per-circuit session; see <see cref="IVisualizationSession"/>.</summary>
public sealed class VisualizationSession : IVisualizationSession, IDisposable
{
    readonly ModelHost host;
    readonly InferenceQueue queue;
    readonly Views views;
    readonly SampleLibrary samples;
    readonly UploadTokens tokens;
    readonly ILogger<VisualizationSession> logger;
    readonly CircuitThread circuit;
    readonly SelectionState selection;
    LayerInfo lastLayer;
    readonly CancellationTokenSource lifetime = new();
    long versions;
    long latestRequest;
    int disposed;

    /// <summary>Creates an empty session.</summary>
    public VisualizationSession(ModelHost host, InferenceQueue queue, Views views, SampleLibrary samples, UploadTokens tokens,
        CircuitThread circuit, SelectionState selection, IOptions<AlexVisOptions> options, ILogger<VisualizationSession> logger)
    {
        this.circuit = circuit;
        this.selection = selection;
        lastLayer = selection.Current.Layer;
        selection.Changed += OnSelectionChanged;
        this.tokens = tokens;
        UploadToken = tokens.Issue(this);
        this.host = host;
        this.queue = queue;
        this.views = views;
        this.samples = samples;
        this.logger = logger;
        Limits = options.Value.Upload;
        host.StatusChanged += OnModelStatus;
    }

    /// <inheritdoc />
    public event Action? Changed;

    /// <inheritdoc />
    public event Action<string>? UploadFailed;

    /// <inheritdoc />
    public string UploadToken { get; }

    /// <summary>
    /// Receives a file posted to /api/uploads and tells the page when it fails. The body is read on the request's
    /// thread; everything the page shows is changed on the circuit's (see <see cref="CircuitThread"/>).
    /// </summary>
    public async Task<string?> ReceiveUploadAsync(Stream content, long size, string name)
    {
        if (Refusal(size, name) is { } refused)
            return await circuit.RunAsync(() => Task.FromResult<string?>(Failed(Reject(refused))));
        await circuit.RunAsync(() => SetBusy($"Reading {name}…"));
        var (bytes, error) = await ReadAsync(content, size, name);
        return await circuit.RunAsync(async () => Failed(bytes is null ? Reject(error) : await TraceAsync(bytes, name, null)));
    }

    string? Failed(string? error)
    {
        if (error is not null) UploadFailed?.Invoke(error);
        return error;
    }

    /// <inheritdoc />
    public ModelStatus ModelStatus => host.Status;

    /// <inheritdoc />
    public IReadOnlyList<SampleInfo> Samples => samples.All;

    /// <inheritdoc />
    public ImageLimits Limits { get; }

    /// <inheritdoc />
    public ImageView? Image { get; private set; }

    /// <inheritdoc />
    public LayerInfo Layer => selection.Current.Layer;

    /// <inheritdoc />
    public int? Channel => selection.Current.Channel;

    /// <inheritdoc />
    public ScaleMode Scale => selection.Current.Scale;

    /// <inheritdoc />
    public Colormap Colormap => selection.Current.Colormap;

    /// <inheritdoc />
    public string? Busy { get; private set; }

    /// <inheritdoc />
    public Task<string?> LoadSampleAsync(string name)
    {
        var bytes = samples.Read(name);
        if (bytes is null) return Task.FromResult<string?>($"There is no sample called '{name}'.");
        return TraceAsync(bytes, samples.FileName(name)!, name);
    }

    /// <inheritdoc />
    public async Task<string?> UploadAsync(Stream content, long size, string name)
    {
        if (Refusal(size, name) is { } refused) return Reject(refused);
        SetBusy($"Reading {name}…");
        var (bytes, error) = await ReadAsync(content, size, name);
        return bytes is null ? Reject(error) : await TraceAsync(bytes, name, null);
    }

    /// <summary>The refusal of an announced size (size &lt; 0: not announced; the limit is then enforced while reading).</summary>
    ImageRejectedException? Refusal(long size, string name) =>
        size > Limits.MaxBytes ? ImageDecoder.TooLarge(size, Limits, name) : size == 0 ? ImageDecoder.Empty(name) : null;

    /// <summary>Reads an upload's body within the byte limit; changes no state, so it may run on any thread.</summary>
    async Task<(byte[]? Bytes, (ImageProblem? Problem, string Message) Error)> ReadAsync(Stream content, long size, string name)
    {
        var reading = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            using var buffer = new MemoryStream(size > 0 ? (int)size : 1 << 20);
            var chunk = new byte[1 << 16];
            int n;
            while ((n = await content.ReadAsync(chunk, lifetime.Token)) > 0)
            {
                if (buffer.Length + n > Limits.MaxBytes)
                    return (null, (ImageProblem.TooLarge, $"'{name}' is larger than the {ImageDecoder.Megabytes(Limits.MaxBytes)} limit. Save a smaller JPEG or PNG and try again."));
                buffer.Write(chunk, 0, n);
            }
            if (buffer.Length == 0)
                return (null, (ImageProblem.Empty, ImageDecoder.Empty(name).Message));
            logger.LogDebug("Received {Name} ({Bytes} bytes) in {Ms:0} ms", name, buffer.Length, System.Diagnostics.Stopwatch.GetElapsedTime(reading).TotalMilliseconds);
            return (buffer.ToArray(), default);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // A student who has left needs no message.
            return (null, (null, lifetime.IsCancellationRequested ? "" : $"'{name}' could not be received: {e.Message}"));
        }
    }

    string? Reject((ImageProblem? Problem, string Message) error)
    {
        if (error.Message.Length == 0)
        {
            SetBusy(null);
            return null;
        }
        return Reject(error.Problem, error.Message);
    }

    async Task<string?> TraceAsync(byte[] bytes, string name, string? sampleName)
    {
        long request = Interlocked.Increment(ref latestRequest);
        var key = ContentKey.Of(bytes);
        try
        {
            var result = views.KnownTrace(key);
            if (result is null)
            {
                SetBusy(host.Status.IsReady ? $"Analysing {name}…" : $"Waiting for the network to load, then analysing {name}…");
                result = await queue.TraceAsync(bytes, name, lifetime.Token);
                views.Remember(key, result);
            }
            if (request != Interlocked.Read(ref latestRequest)) return null; // a newer image was asked for meanwhile
            Image = new ImageView(Interlocked.Increment(ref versions), name, key, sampleName, $"api/crops/{key}.png", result.Trace, result.Compute);
            Busy = null;
            views.Prefetch(key, result.Trace, Layer, Scale, queue.Length);
            Changed?.Invoke();
            return null;
        }
        catch (ImageRejectedException e)
        {
            return Reject(e, request);
        }
        catch (ServerBusyException e)
        {
            return Reject(null, e.Message, request);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            return null; // the student has left
        }
        catch (Exception e)
        {
            logger.LogError(e, "Tracing {Name} failed", name);
            return Reject(null, $"'{name}' could not be analysed: {e.Message}", request);
        }
    }

    string Reject(ImageRejectedException e, long? request = null) => Reject(e.Problem, e.Message, request);

    string Reject(ImageProblem? problem, string message, long? request = null)
    {
        logger.LogInformation("Refused an image ({Problem}): {Message}", problem, message);
        if (request is null || request == Interlocked.Read(ref latestRequest)) SetBusy(null);
        return message;
    }

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
    public MontageView? Montage() =>
        Image is { } image && Layer.IsSpatial ? views.Montage(image.ContentKey, image.Trace, Layer, Scale) : null;

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

    void SetBusy(string? what)
    {
        Busy = what;
        Changed?.Invoke();
    }

    void OnModelStatus(ModelStatus status) => Changed?.Invoke();

    /// <summary>Cancels this student's queued work and stops listening to the model.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        tokens.Revoke(UploadToken);
        host.StatusChanged -= OnModelStatus;
        selection.Changed -= OnSelectionChanged;
        lifetime.Cancel();
        lifetime.Dispose();
    }
}

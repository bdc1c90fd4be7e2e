using System.Collections.Concurrent;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Web.Options;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Services;

/// <summary>Where the shared model is in its start-up.</summary>
public enum ModelStage
{
    /// <summary>Not started yet.</summary>
    Starting,
    /// <summary>Looking for a weights file.</summary>
    Searching,
    /// <summary>Downloading the pretrained weights.</summary>
    Downloading,
    /// <summary>Reading weights and building the network.</summary>
    Loading,
    /// <summary>Ready for forwards.</summary>
    Ready,
    /// <summary>libtorch itself could not start; nothing can run.</summary>
    Failed,
}

/// <summary>A snapshot of the model's start-up, for the page's status bar and banner.</summary>
/// <param name="Stage">Where it is.</param>
/// <param name="Message">One line for people.</param>
/// <param name="Download">Download progress while downloading.</param>
/// <param name="Weights">Where the weights came from, once ready.</param>
public sealed record ModelStatus(ModelStage Stage, string Message, DownloadProgress? Download = null, WeightsInfo? Weights = null)
{
    /// <summary>True once forwards can run.</summary>
    public bool IsReady => Stage == ModelStage.Ready;
}

/// <summary>
/// The process's one AlexNet: loaded once in the background after start (download, then load, reporting progress),
/// evaluation mode, no gradients. Everyone shares it through <see cref="InferenceQueue"/>.
/// </summary>
public sealed class ModelHost(IOptions<AlexVisOptions> options, ILogger<ModelHost> logger, IHttpClientFactory httpClients) : BackgroundService
{
    readonly TaskCompletionSource<AlexNetModel> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly ConcurrentDictionary<string, Lazy<ConvKernels>> kernels = new();
    volatile ModelStatus status = new(ModelStage.Starting, "Starting…");

    /// <summary>The current start-up state.</summary>
    public ModelStatus Status => status;

    /// <summary>Raised (on a background thread) whenever <see cref="Status"/> changes.</summary>
    public event Action<ModelStatus>? StatusChanged;

    /// <summary>Completes when the model is ready (faults if libtorch cannot start).</summary>
    public Task<AlexNetModel> Ready => ready.Task;

    /// <summary>The model, or null while loading.</summary>
    public AlexNetModel? Model => ready.Task.IsCompletedSuccessfully ? ready.Task.Result : null;

    /// <summary>A convolution layer's kernels, read from the network once and kept.</summary>
    public ConvKernels Kernels(string layer)
    {
        var model = Model ?? throw new InvalidOperationException("The model is still loading.");
        return kernels.GetOrAdd(layer, l => new Lazy<ConvKernels>(() => model.Kernels(l))).Value;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the web server listens while the weights download and load.
        await Task.Yield();
        var settings = options.Value;
        try
        {
            TorchRuntime.Initialise(settings.Inference.ThreadsPerJob);
            var progress = new Progress(this);
            using var http = httpClients.CreateClient("weights");
            var model = await ModelLoader.LoadAsync(settings.Model, progress, http, stoppingToken);
            foreach (var problem in model.Weights.Problems) logger.LogWarning("Weights: {Problem}", problem);
            logger.LogInformation("Model ready on {Device} with {Threads} threads: {Weights}", model.DeviceName, TorchRuntime.Threads, model.Weights.Describe());
            // libtorch prepares its kernels on the first forward; do that now rather than on a student's image.
            model.Trace(new AlexVis.Model.Imaging.ModelInput(new float[AlexVis.Model.Imaging.ModelInput.Length],
                new AlexVis.Model.Imaging.RgbImage(224, 224, new byte[224 * 224 * 3])));
            // What pages show names no path of this server's disk; the log line above has the path, or why untrained.
            Publish(new ModelStatus(ModelStage.Ready, model.Weights.IsPretrained
                ? $"Pretrained weights ({model.Weights.Origin})" : "Untrained network", null, model.Weights));
            ready.TrySetResult(model);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            ready.TrySetCanceled(stoppingToken);
        }
        catch (Exception e)
        {
            logger.LogError(e, "The network could not be started");
            Publish(new ModelStatus(ModelStage.Failed, "The network could not be started: " + e.Message));
            ready.TrySetException(e);
        }
    }

    void Publish(ModelStatus next)
    {
        status = next;
        StatusChanged?.Invoke(next);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        if (Model is { } model) model.Dispose();
        base.Dispose();
    }

    sealed class Progress(ModelHost host) : IProgress<LoadProgress>
    {
        long lastBytes = -1;

        public void Report(LoadProgress p)
        {
            var stage = p.Stage switch
            {
                LoadStage.Searching => ModelStage.Searching,
                LoadStage.Downloading => ModelStage.Downloading,
                _ => ModelStage.Loading,
            };
            // A status per megabyte is plenty for a progress bar.
            if (stage == ModelStage.Downloading && p.Download is { } d && d.Received - lastBytes < 1 << 20 && d.Received != d.Total) return;
            lastBytes = p.Download?.Received ?? lastBytes;
            if (p.Stage != LoadStage.Ready) host.Publish(new ModelStatus(stage, p.Message, p.Download));
        }
    }
}

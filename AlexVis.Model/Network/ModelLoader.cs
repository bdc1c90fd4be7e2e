namespace AlexVis.Model.Network;

/// <summary>Stages of getting a model ready.</summary>
public enum LoadStage
{
    /// <summary>Looking for a weights file.</summary>
    Searching,
    /// <summary>Downloading the pretrained weights.</summary>
    Downloading,
    /// <summary>Reading and checking a weights file, building the network.</summary>
    Loading,
    /// <summary>The model is ready.</summary>
    Ready,
}

/// <summary>A progress report while loading.</summary>
/// <param name="Stage">What is happening.</param>
/// <param name="Message">One line for a status bar.</param>
/// <param name="Download">Bytes so far while downloading.</param>
public sealed record LoadProgress(LoadStage Stage, string Message, DownloadProgress? Download = null);

/// <summary>
/// Finds weights in this order: the configured path; the torch hub cache; AlexVis's own cache; a download from
/// torchvision's URL into AlexVis's cache. A candidate that fails is recorded and the next is tried; when none
/// works the deterministic untrained network is returned with the reason, so the UI can say so.
/// </summary>
public static class ModelLoader
{
    /// <summary>Resolves and loads weights per <paramref name="options"/>; never throws for a missing or bad file.</summary>
    public static async Task<AlexNetModel> LoadAsync(WeightsOptions options, IProgress<LoadProgress>? progress = null,
        HttpClient? http = null, CancellationToken cancellationToken = default)
    {
        if (options.Untrained)
            return Untrained("untrained weights were asked for (Untrained = true)", [], options, progress);

        var problems = new List<string>();
        progress?.Report(new LoadProgress(LoadStage.Searching, "Looking for pretrained AlexNet weights…"));
        foreach (var (path, origin) in Candidates(options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!File.Exists(path))
            {
                if (origin == "configured") problems.Add($"The configured weights file '{path}' does not exist.");
                continue;
            }
            if (TryLoad(path, origin, options, problems, progress) is { } model)
                return model;
        }

        if (!options.AllowDownload)
            return Untrained(Reason("no weights file was found and downloading is switched off", problems, options), problems, options, progress);

        var ownHttp = http is null;
        http ??= new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            var url = new Uri(options.DownloadUrl);
            progress?.Report(new LoadProgress(LoadStage.Downloading, $"Downloading {options.FileName} from {url.Host}…", new DownloadProgress(0, null)));
            var downloadProgress = progress is null ? null : new SyncProgress<DownloadProgress>(p =>
                progress.Report(new LoadProgress(LoadStage.Downloading, DownloadLine(options.FileName, p), p)));
            var file = await WeightsDownloader.DownloadAsync(http, url, options.AlexVisCache(), options.StallTimeout,
                downloadProgress, cancellationToken).ConfigureAwait(false);
            if (TryLoad(file, "downloaded", options, problems, progress) is { } model)
                return model;
        }
        catch (WeightsDownloadException e)
        {
            problems.Add(e.Message);
        }
        finally
        {
            if (ownHttp) http.Dispose();
        }
        return Untrained(Reason("the pretrained weights could not be found or downloaded", problems, options), problems, options, progress);
    }

    /// <summary>The files to try, in order, with how each was found.</summary>
    public static IEnumerable<(string Path, string Origin)> Candidates(WeightsOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Path))
            yield return (options.Path, "configured");
        yield return (Path.Combine(options.TorchHubCheckpoints(), options.FileName), "torch hub cache");
        yield return (Path.Combine(options.AlexVisCache(), options.FileName), "AlexVis cache");
    }

    static AlexNetModel? TryLoad(string path, string origin, WeightsOptions options, List<string> problems, IProgress<LoadProgress>? progress)
    {
        progress?.Report(new LoadProgress(LoadStage.Loading, $"Loading weights from {System.IO.Path.GetFileName(path)}…")); // a status line names no folder of the server
        try
        {
            var model = AlexNetModel.FromFile(path, origin, options.Device, problems.ToArray());
            progress?.Report(new LoadProgress(LoadStage.Ready, $"Pretrained weights loaded from {path}."));
            return model;
        }
        catch (WeightsFileException e)
        {
            problems.Add(e.Message);
            return null;
        }
        catch (IOException e)
        {
            problems.Add($"Weights file '{path}' could not be read: {e.Message}");
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            problems.Add($"Weights file '{path}' could not be read: {e.Message}");
            return null;
        }
    }

    static AlexNetModel Untrained(string reason, List<string> problems, WeightsOptions options, IProgress<LoadProgress>? progress)
    {
        progress?.Report(new LoadProgress(LoadStage.Loading, "Building the untrained network…"));
        var model = AlexNetModel.Untrained(reason, options.Device, problems.ToArray());
        progress?.Report(new LoadProgress(LoadStage.Ready, "Untrained network ready: " + reason));
        return model;
    }

    static string Reason(string summary, List<string> problems, WeightsOptions options)
    {
        var last = problems.Count > 0 ? " Last problem: " + problems[^1] : "";
        return $"{summary}. Put {options.FileName} into {options.TorchHubCheckpoints()}, or give its path " +
               $"(AlexVis:Model:Path in appsettings.json, --weights on the command line).{last}";
    }

    static string DownloadLine(string file, DownloadProgress p) => p.Fraction is { } f
        ? $"Downloading {file}: {p.Received / 1048576.0:0.0} of {p.Total!.Value / 1048576.0:0.0} MB ({f:P0})"
        : $"Downloading {file}: {p.Received / 1048576.0:0.0} MB";

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to a captured context, out of order).</summary>
    sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

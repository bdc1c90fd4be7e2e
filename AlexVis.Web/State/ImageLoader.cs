using AlexVis.Model.Imaging;
using AlexVis.Web.Options;
using AlexVis.Web.Services;
using AlexVis.Web.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.State;

/// <summary>
/// One student's image: a sample or an upload turned into a traced <see cref="TracedImage"/>, what is being done
/// meanwhile (<see cref="Busy"/>), and a message naming the file when it fails, the image shown staying as it was.
/// State changes happen on the circuit's dispatcher: an upload posted to <c>/api/uploads</c> is read on the
/// request's thread and then handed to the circuit (<see cref="CircuitThread"/>).
/// </summary>
public sealed class ImageLoader : IDisposable
{
    readonly ModelHost host;
    readonly InferenceQueue queue;
    readonly Figures figures;
    readonly SampleLibrary samples;
    readonly UploadTokens tokens;
    readonly CircuitThread circuit;
    readonly SelectionState selection;
    readonly ILogger<ImageLoader> logger;
    readonly IStringLocalizer<ImageLoader> say;
    readonly CancellationTokenSource lifetime = new();
    long versions;
    long latestRequest;
    int disposed;

    /// <summary>Creates a loader with no image, and its upload token.</summary>
    public ImageLoader(ModelHost host, InferenceQueue queue, Figures figures, SampleLibrary samples, UploadTokens tokens,
        CircuitThread circuit, SelectionState selection, IOptions<AlexVisOptions> options, ILogger<ImageLoader> logger,
        IStringLocalizer<ImageLoader> say)
    {
        this.host = host;
        this.queue = queue;
        this.figures = figures;
        this.samples = samples;
        this.tokens = tokens;
        this.circuit = circuit;
        this.selection = selection;
        this.logger = logger;
        this.say = say;
        Limits = options.Value.Upload;
        UploadToken = tokens.Issue(this);
    }

    /// <summary>
    /// Numbers this loader's images from <paramref name="first"/> on (before its first image): a page with a second
    /// loader (the photo it compares with) keeps their versions apart, since the browser caches values by version.
    /// </summary>
    public void StartVersionsAt(long first)
    {
        if (Image is not null) throw new InvalidOperationException("The loader already has an image.");
        versions = first - 1;
    }

    /// <summary>Raised after <see cref="Image"/> or <see cref="Busy"/> changed.</summary>
    public event Action? Changed;

    /// <summary>Raised (on the circuit's dispatcher) with an uploaded photo's bytes once it is shown: a room keeps its teacher's photos and its gallery by them.</summary>
    public event Action<TracedImage, byte[]>? Uploaded;

    /// <summary>Raised with a message for the student about an upload posted over HTTP that failed.</summary>
    public event Action<string>? UploadFailed;

    /// <summary>The token with which this student's page posts files to <c>/api/uploads</c>.</summary>
    public string UploadToken { get; }

    /// <summary>Upload limits.</summary>
    public ImageLimits Limits { get; }

    /// <summary>The image shown, or null before the first one.</summary>
    public TracedImage? Image { get; private set; }

    /// <summary>What is being done, for a progress line; null when idle.</summary>
    public string? Busy { get; private set; }

    /// <summary>
    /// Receives a file posted to /api/uploads and tells the page when it fails. The body is read on the request's
    /// thread; everything the page shows is changed on the circuit's (see <see cref="CircuitThread"/>).
    /// </summary>
    public async Task<string?> ReceiveUploadAsync(Stream content, long size, string name)
    {
        if (Refusal(size, name) is { } refused)
            return await circuit.RunAsync(() => Task.FromResult<string?>(Failed(Reject(refused, name))));
        await circuit.RunAsync(() => SetBusy(say["Reading", name]));
        var (bytes, error) = await ReadAsync(content, size, name);
        return await circuit.RunAsync(async () => Failed(bytes is null ? Reject(error) : await TraceAsync(bytes, name, null)));
    }

    string? Failed(string? error)
    {
        if (error is not null) UploadFailed?.Invoke(error);
        return error;
    }

    /// <summary>Traces a bundled sample; returns a message for the student when it fails (the current image stays).</summary>
    public Task<string?> LoadSampleAsync(string name)
    {
        var bytes = samples.Read(name);
        if (bytes is null) return Task.FromResult<string?>(say["NoSample", name]);
        return TraceAsync(bytes, samples.FileName(name)!, name);
    }

    /// <summary>
    /// Shows an image traced on this server before (a room's image that is no sample), by content hash; false when its
    /// trace is no longer kept here (the current image stays).
    /// </summary>
    public bool TryShowKnown(string contentKey, string name)
    {
        if (figures.KnownTrace(contentKey) is not { } result) return false;
        Interlocked.Increment(ref latestRequest); // a load still on its way is older than this
        Image = new TracedImage(Interlocked.Increment(ref versions), name, contentKey, null, $"api/crops/{contentKey}.png", result.Trace, TimeSpan.Zero);
        Busy = null;
        Changed?.Invoke();
        return true;
    }

    /// <summary>Traces a photo the room kept (the teacher's, or one handed in), from its bytes; returns a message when it fails.</summary>
    public Task<string?> LoadKeptAsync(byte[] bytes, string name) => TraceAsync(bytes, name, null);

    /// <summary>Reads, checks and traces an uploaded file; returns a message for the student when it fails (the current image stays).</summary>
    public async Task<string?> UploadAsync(Stream content, long size, string name)
    {
        if (Refusal(size, name) is { } refused) return Reject(refused, name);
        SetBusy(say["Reading", name]);
        var (bytes, error) = await ReadAsync(content, size, name);
        return bytes is null ? Reject(error) : await TraceAsync(bytes, name, null);
    }

    /// <summary>The refusal of an announced size (size &lt; 0: not announced; the limit is then enforced while reading).</summary>
    ImageRejectedException? Refusal(long size, string name) =>
        size > Limits.MaxBytes ? ImageDecoder.TooLarge(size, Limits, name) : size == 0 ? ImageDecoder.Empty(name) : null;

    /// <summary>
    /// Reads an upload's body within the byte limit; changes no state, so it may run on any thread. Its messages are in
    /// the page's language: the request's may differ (another tab of the same browser may have changed the cookie since).
    /// </summary>
    async Task<(byte[]? Bytes, (ImageProblem? Problem, string Message) Error)> ReadAsync(Stream content, long size, string name)
    {
        circuit.SpeakInCircuitCulture();
        var reading = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // The announced size (a browser file's size, a Content-Length) is almost always exact: the body is read
            // straight into an array of that size, a 12 MP photo copied once. A body that runs past it grows the array,
            // within the limit; one that ends short is trimmed.
            var bytes = new byte[size > 0 ? size : Math.Min(1 << 16, Limits.MaxBytes + 1)];
            var probe = new byte[1];
            int length = 0;
            while (true)
            {
                if (length < bytes.Length)
                {
                    int n = await content.ReadAsync(bytes.AsMemory(length), lifetime.Token);
                    if (n == 0) break;
                    length += n;
                }
                else
                {
                    if (await content.ReadAsync(probe, lifetime.Token) == 0) break;
                    Array.Resize(ref bytes, (int)Math.Min(Limits.MaxBytes + 1, 2L * bytes.Length + 1));
                    bytes[length++] = probe[0];
                }
                if (length > Limits.MaxBytes)
                    return (null, (ImageProblem.TooLarge, Refused(ImageProblem.TooLarge, name,
                        $"'{name}' is larger than the {ImageDecoder.Megabytes(Limits.MaxBytes)} limit. Save a smaller JPEG or PNG and try again.")));
            }
            if (length == 0)
                return (null, (ImageProblem.Empty, Refused(ImageProblem.Empty, name, ImageDecoder.Empty(name).Message)));
            if (length < bytes.Length) Array.Resize(ref bytes, length);
            logger.LogDebug("Received {Name} ({Bytes} bytes) in {Ms:0} ms", name, length, System.Diagnostics.Stopwatch.GetElapsedTime(reading).TotalMilliseconds);
            return (bytes, default);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // A student who has left needs no message.
            return (null, (null, lifetime.IsCancellationRequested ? "" : say["NotReceived", name, e.Message]));
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
            var result = figures.KnownTrace(key);
            if (result is null)
            {
                SetBusy(host.Status.IsReady ? say["Analysing", name] : say["WaitingThenAnalysing", name]);
                result = await queue.TraceAsync(bytes, name, lifetime.Token);
                figures.Remember(key, result);
            }
            if (request != Interlocked.Read(ref latestRequest)) return null; // a newer image was asked for meanwhile
            Image = new TracedImage(Interlocked.Increment(ref versions), name, key, sampleName, $"api/crops/{key}.png", result.Trace, result.Compute);
            Busy = null;
            figures.Prefetch(key, result.Trace, selection.Current.Layer, selection.Current.Scale, queue.Pending);
            if (sampleName is null) Uploaded?.Invoke(Image, bytes);
            Changed?.Invoke();
            return null;
        }
        catch (ImageRejectedException e)
        {
            return Reject(e, name, request);
        }
        catch (ServerBusyException e)
        {
            return Reject((ImageProblem?)null, Wording.Prefer(e.Message, say["ServerBusy"]), request);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            return null; // the student has left
        }
        catch (Exception e)
        {
            logger.LogError(e, "Tracing {Name} failed", name);
            return Reject((ImageProblem?)null, say["NotAnalysed", name, e.Message], request);
        }
    }

    string Reject(ImageRejectedException e, string name, long? request = null) => Reject(e.Problem, Refused(e.Problem, name, e.Message), request);

    // A refusal in the student's language: in English the decoder's own message (which feature, how many pixels).
    string Refused(ImageProblem problem, string name, string english) => Wording.Prefer(english, problem switch
    {
        ImageProblem.Empty => say["RefusalEmpty", name],
        ImageProblem.TooLarge => say["RefusalTooLarge", name, ImageDecoder.Megabytes(Limits.MaxBytes)],
        ImageProblem.TooManyPixels => say["RefusalTooManyPixels", name, (Limits.MaxPixels / 1e6).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)],
        ImageProblem.UnsupportedFormat => say["RefusalUnsupportedFormat", name],
        ImageProblem.Corrupt => say["RefusalCorrupt", name],
        ImageProblem.Truncated => say["RefusalTruncated", name],
        ImageProblem.TimedOut => say["RefusalTimedOut", name],
        ImageProblem.TooMuchMemory => say["RefusalTooMuchMemory", name],
        _ => say["RefusalDecoderFailed", name],
    });

    string Reject(ImageProblem? problem, string message, long? request = null)
    {
        logger.LogInformation("Refused an image ({Problem}): {Message}", problem, message);
        if (request is null || request == Interlocked.Read(ref latestRequest)) SetBusy(null);
        return message;
    }

    void SetBusy(string? what)
    {
        Busy = what;
        Changed?.Invoke();
    }

    /// <summary>Cancels this student's queued work and revokes the upload token.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        tokens.Revoke(UploadToken);
        lifetime.Cancel();
        lifetime.Dispose();
    }
}

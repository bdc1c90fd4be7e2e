using System.Diagnostics;
using Trace = AlexVis.Model.Inference.Trace;
using System.Threading.Channels;
using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;
using AlexVis.Web.Options;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Services;

/// <summary>The server has more images waiting than it will queue; the message is for the student.</summary>
public sealed class ServerBusyException(string message) : Exception(message);

/// <summary>A finished job: the trace and where the time went.</summary>
/// <param name="Trace">Every layer of the image.</param>
/// <param name="Name">The image's name.</param>
/// <param name="Wait">Time spent waiting in the queue.</param>
/// <param name="Compute">Decode, preprocess and forward time of the batch it ran in.</param>
/// <param name="BatchSize">Images in that batch.</param>
public sealed record TraceResult(Trace Trace, string Name, TimeSpan Wait, TimeSpan Compute, int BatchSize);

/// <summary>
/// The one bounded queue every forward goes through. Workers decode, preprocess and trace; jobs that are waiting
/// when a worker becomes free are traced together in one batched forward (cheaper per image), so a class uploading
/// at once is served in a few forwards rather than forty. Work for a circuit that has gone away is skipped.
/// </summary>
public sealed class InferenceQueue : BackgroundService
{
    readonly Channel<Job> channel;
    readonly ModelHost host;
    readonly InferenceOptions options;
    readonly ImageLimits limits;
    readonly Telemetry telemetry;
    readonly ILogger<InferenceQueue> logger;

    /// <summary>Creates the queue; workers start with the host.</summary>
    public InferenceQueue(ModelHost host, IOptions<AlexVisOptions> options, Telemetry telemetry, ILogger<InferenceQueue> logger)
    {
        this.host = host;
        this.options = options.Value.Inference;
        limits = options.Value.Upload;
        this.telemetry = telemetry;
        this.logger = logger;
        channel = Channel.CreateBounded<Job>(new BoundedChannelOptions(this.options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = this.options.Workers == 1,
        });
        telemetry.QueueLength = () => channel.Reader.Count;
    }

    /// <summary>Jobs waiting now.</summary>
    public int Length => channel.Reader.Count;

    /// <summary>Decodes, preprocesses and traces an image. Throws <see cref="ImageRejectedException"/> for bad images.</summary>
    public async Task<TraceResult> TraceAsync(byte[] data, string name, CancellationToken cancellationToken)
    {
        var job = new Job(data, name, cancellationToken);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(options.QueueTimeout);
            try
            {
                await channel.Writer.WriteAsync(job, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ServerBusyException("The server is busy with the whole class's images. Try again in a moment.");
            }
        }
        using var registration = cancellationToken.Register(() => job.Completion.TrySetCanceled(cancellationToken));
        return await job.Completion.Task;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Dedicated threads: a forward is 10–30 ms of synchronous native work and must not hold pool threads.
        var workers = Enumerable.Range(0, options.Workers).Select(i =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try { Work(stoppingToken); }
                finally { done.TrySetResult(); }
            }) { IsBackground = true, Name = $"alexvis-inference-{i}" };
            thread.Start();
            return done.Task;
        }).ToArray();
        return Task.WhenAll(workers);
    }

    void Work(CancellationToken stop)
    {
        var reader = channel.Reader;
        var batch = new List<Job>(options.MaxBatch);
        while (!stop.IsCancellationRequested)
        {
            batch.Clear();
            try
            {
                if (!reader.TryRead(out var first))
                {
                    if (!reader.WaitToReadAsync(stop).AsTask().GetAwaiter().GetResult()) return;
                    continue;
                }
                batch.Add(first);
                if (options.BatchWindow > TimeSpan.Zero && reader.Count == 0 && options.MaxBatch > 1)
                    Thread.Sleep(options.BatchWindow);
                while (batch.Count < options.MaxBatch && reader.TryRead(out var more)) batch.Add(more);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Run(batch);
        }
    }

    void Run(List<Job> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var live = new List<(Job Job, ModelInput Input)>(batch.Count);
        foreach (var job in batch)
        {
            if (job.Cancellation.IsCancellationRequested || job.Completion.Task.IsCompleted)
            {
                job.Completion.TrySetCanceled(job.Cancellation);
                continue;
            }
            try
            {
                var decoding = Stopwatch.GetTimestamp();
                var image = ImageDecoder.Decode(job.Data, limits, job.Name);
                var decoded = Stopwatch.GetElapsedTime(decoding);
                live.Add((job, Preprocessing.Prepare(image)));
                logger.LogDebug("{Name}: {Width}×{Height} decoded in {Decode:0} ms, resized and cropped in {Prepare:0} ms",
                    job.Name, image.Width, image.Height, decoded.TotalMilliseconds, (Stopwatch.GetElapsedTime(decoding) - decoded).TotalMilliseconds);
            }
            catch (ImageRejectedException e)
            {
                telemetry.Rejected.Add(1);
                job.Completion.TrySetException(e);
            }
        }
        if (live.Count == 0) return;

        IReadOnlyList<Trace> traces;
        try
        {
            // Jobs submitted while the model loads wait here, in order.
            var model = host.Ready.GetAwaiter().GetResult();
            traces = model.Trace(live.Select(l => l.Input).ToList());
        }
        catch (Exception e)
        {
            logger.LogError(e, "A batch of {Count} images failed", live.Count);
            foreach (var (job, _) in live) job.Completion.TrySetException(e);
            return;
        }
        var compute = Stopwatch.GetElapsedTime(started);
        telemetry.Forward.Record(compute.TotalMilliseconds);
        telemetry.BatchSize.Record(live.Count);
        for (int i = 0; i < live.Count; i++)
        {
            var job = live[i].Job;
            var wait = TimeSpan.FromTicks(Math.Max(0, Stopwatch.GetElapsedTime(job.Enqueued).Ticks - compute.Ticks));
            telemetry.QueueWait.Record(wait.TotalMilliseconds);
            logger.LogDebug("Traced {Name}: waited {Wait:0.0} ms, batch of {Batch} took {Compute:0.0} ms", job.Name, wait.TotalMilliseconds, live.Count, compute.TotalMilliseconds);
            job.Completion.TrySetResult(new TraceResult(traces[i], job.Name, wait, compute, live.Count));
        }
    }

    sealed class Job(byte[] data, string name, CancellationToken cancellation)
    {
        public byte[] Data { get; } = data;
        public string Name { get; } = name;
        public CancellationToken Cancellation { get; } = cancellation;
        public long Enqueued { get; } = Stopwatch.GetTimestamp();
        public TaskCompletionSource<TraceResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using System.Diagnostics;

using System.Threading.Channels;
using AlexVis.Model.Imaging;
using AlexVis.Model.Imaging.Isolation;
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
/// <param name="Compute">Forward time of the batch it ran in.</param>
/// <param name="BatchSize">Images in that batch.</param>
public sealed record TraceResult(ActivationTrace Trace, string Name, TimeSpan Wait, TimeSpan Compute, int BatchSize);

/// <summary>
/// The one bounded queue every forward goes through. An image is first decoded, resized and cropped in a decoder
/// worker process (<see cref="DecoderPool"/>: a hostile file costs one refusal, never this process), then queued;
/// jobs that are waiting when an inference thread becomes free are traced together in one batched forward (cheaper
/// per image), so a class uploading at once is served in a few forwards rather than forty. Work for a circuit that
/// has gone away is skipped, a job that waited past its deadline is refused, and nothing a job does ends the thread.
/// </summary>
public sealed class InferenceQueue : BackgroundService
{
    readonly Channel<Job> channel;
    readonly ModelHost host;
    readonly DecoderPool decoders;
    readonly InferenceOptions options;
    readonly Telemetry telemetry;
    readonly ILogger<InferenceQueue> logger;

    /// <summary>Creates the queue; workers start with the host.</summary>
    public InferenceQueue(ModelHost host, DecoderPool decoders, IOptions<AlexVisOptions> options, Telemetry telemetry, ILogger<InferenceQueue> logger)
    {
        this.host = host;
        this.decoders = decoders;
        this.options = options.Value.Inference;
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

    /// <summary>
    /// Images accepted and not yet traced: waiting for a decoder, being decoded, queued or in a forward. Speculative
    /// work waits while any are (a class's burst waits on its decoders, so <see cref="Length"/> alone is often 0).
    /// </summary>
    public int Pending => Volatile.Read(ref pending);

    int pending;

    /// <summary>
    /// Decodes, preprocesses and traces an image. Throws <see cref="ImageRejectedException"/> for bad images and
    /// <see cref="ServerBusyException"/> when the image could not be served within <see cref="InferenceOptions.QueueTimeout"/>.
    /// </summary>
    public async Task<TraceResult> TraceAsync(byte[] data, string name, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref pending);
        try
        {
            return await DecodeAndTraceAsync(data, name, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref pending);
        }
    }

    async Task<TraceResult> DecodeAndTraceAsync(byte[] data, string name, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.QueueTimeout);
        Job job;
        try
        {
            var decoding = Stopwatch.GetTimestamp();
            var decoded = await decoders.DecodeAsync(data, name, timeout.Token);
            double ms = Stopwatch.GetElapsedTime(decoding).TotalMilliseconds;
            telemetry.Decode.Record(ms);
            logger.LogDebug("{Name}: decoded at {Width}×{Height}, resized and cropped in {Ms:0} ms", name, decoded.Width, decoded.Height, ms);
            job = new Job(decoded.Input, name, cancellationToken);
            await channel.Writer.WriteAsync(job, timeout.Token);
        }
        catch (ImageRejectedException)
        {
            telemetry.Rejected.Add(1);
            throw;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Busy();
        }
        using var registration = cancellationToken.Register(() => job.Completion.TrySetCanceled(cancellationToken));
        return await job.Completion.Task;
    }

    static ServerBusyException Busy() => new("The server is busy with the whole class's images. Try again in a moment.");

    /// <summary>The start of each inference thread's name (then its number), by which profilers and the benches find them.</summary>
    public const string ThreadNamePrefix = "alexvis-inference-";

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
            }) { IsBackground = true, Name = ThreadNamePrefix + i };
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
            try
            {
                Run(batch);
            }
            catch (Exception e)
            {
                // Whatever goes wrong, this thread serves the whole class: fail the batch, never the thread.
                logger.LogError(e, "A batch of {Count} images failed", batch.Count);
                foreach (var job in batch) job.Completion.TrySetException(e);
            }
        }
    }

    void Run(List<Job> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var live = new List<Job>(batch.Count);
        foreach (var job in batch)
        {
            if (job.Cancellation.IsCancellationRequested || job.Completion.Task.IsCompleted)
                job.Completion.TrySetCanceled(job.Cancellation);
            else if (Stopwatch.GetElapsedTime(job.Enqueued) > options.QueueTimeout)
                job.Completion.TrySetException(Busy()); // its student has been told to wait long enough
            else
                live.Add(job);
        }
        if (live.Count == 0) return;

        // Jobs submitted while the model loads wait here, in order. A failure fails the batch (see Work).
        var model = host.Ready.GetAwaiter().GetResult();
        var traces = model.Trace(live.Select(l => l.Input).ToList());
        var compute = Stopwatch.GetElapsedTime(started);
        telemetry.Forward.Record(compute.TotalMilliseconds);
        telemetry.BatchSize.Record(live.Count);
        for (int i = 0; i < live.Count; i++)
        {
            var job = live[i];
            var wait = TimeSpan.FromTicks(Math.Max(0, Stopwatch.GetElapsedTime(job.Enqueued).Ticks - compute.Ticks));
            telemetry.QueueWait.Record(wait.TotalMilliseconds);
            logger.LogDebug("Traced {Name}: waited {Wait:0.0} ms, batch of {Batch} took {Compute:0.0} ms", job.Name, wait.TotalMilliseconds, live.Count, compute.TotalMilliseconds);
            job.Completion.TrySetResult(new TraceResult(traces[i], job.Name, wait, compute, live.Count));
        }
    }

    sealed class Job(ModelInput input, string name, CancellationToken cancellation)
    {
        public ModelInput Input { get; } = input;
        public string Name { get; } = name;
        public CancellationToken Cancellation { get; } = cancellation;
        public long Enqueued { get; } = Stopwatch.GetTimestamp();
        public TaskCompletionSource<TraceResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

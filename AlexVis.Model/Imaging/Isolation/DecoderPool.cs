using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlexVis.Model.Imaging.Isolation;

/// <summary>A decoded upload: the original size and the network's input made from its 224 × 224 crop.</summary>
/// <param name="Width">The decoded image's width.</param>
/// <param name="Height">The decoded image's height.</param>
/// <param name="Input">The normalised tensor and the crop.</param>
public sealed record DecodedImage(int Width, int Height, ModelInput Input);

/// <summary>
/// A few warm decoder worker processes (<see cref="DecodeWorker"/>) that untrusted bytes are decoded in, as browsers
/// do. .NET cannot stop a thread spinning in native code, so a file is given to a process: one that passes its
/// deadline is killed, one that dies or runs out of memory is replaced, and the student gets one clear refusal
/// naming the file while the server and every other student carry on. At most <see cref="DecoderOptions.Workers"/>
/// files are decoded at once, which also keeps decoding from starving the forwards of the cores.
/// </summary>
public sealed class DecoderPool : IAsyncDisposable
{
    readonly DecoderOptions options;
    readonly ImageLimits limits;
    readonly ILogger logger;
    readonly (string FileName, string[] Arguments) command; // the program, its own arguments, then the worker's
    readonly Channel<Worker> idle = Channel.CreateUnbounded<Worker>();
    readonly CancellationTokenSource lifetime = new();
    readonly HashSet<Worker> all = [];
    int replaced;

    /// <summary>Creates the pool and starts its workers in the background.</summary>
    public DecoderPool(DecoderOptions options, ImageLimits limits, ILogger? logger = null)
    {
        this.options = options;
        this.limits = limits;
        this.logger = logger ?? NullLogger.Instance;
        var program = WorkerCommand(options.WorkerPath);
        command = (program.FileName, [.. program.Arguments, .. WorkerArguments(options, limits)]);
        for (int i = 0; i < options.Workers; i++) StartReplacement();
        // The workers are this program too, so what this process finds they find.
        if (!TurboJpeg.IsAvailable)
            this.logger.LogWarning("{Library} was not found: JPEGs are decoded by Skia's copy of libjpeg-turbo, about a third slower (Debian: apt install libturbojpeg0)", TurboJpeg.Library);
    }

    /// <summary>Workers killed or retired and replaced so far.</summary>
    public int Replaced => Volatile.Read(ref replaced);

    /// <summary>The process ids of the workers alive now.</summary>
    public IReadOnlyList<int> WorkerProcessIds
    {
        get { lock (all) return all.Select(w => w.Process.Id).ToList(); }
    }

    /// <summary>Waits until every worker has started (for start-up and tests; decoding does not need it).</summary>
    public async Task WaitUntilWarmAsync(CancellationToken cancellationToken = default)
    {
        while (idle.Reader.Count < options.Workers)
            await Task.Delay(20, cancellationToken);
    }

    /// <summary>
    /// Decodes, resizes and crops <paramref name="data"/> in a worker. Throws <see cref="ImageRejectedException"/>
    /// naming <paramref name="fileName"/> for a file that is refused, takes too long or stops its worker.
    /// <paramref name="cancellationToken"/> ends only the wait for a free worker: once started, a file runs to its
    /// answer or its deadline.
    /// </summary>
    public async Task<DecodedImage> DecodeAsync(byte[] data, string? fileName, CancellationToken cancellationToken = default)
    {
        ImageDecoder.CheckBytes(data, limits, fileName);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.Token);
        var worker = await idle.Reader.ReadAsync(linked.Token);
        var exchange = worker.ExchangeAsync(data);
        WorkerAnswer answer;
        try
        {
            answer = await exchange.WaitAsync(options.Deadline);
        }
        catch (TimeoutException)
        {
            Replace(worker, "passed its deadline");
            _ = exchange.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default); // the kill ends it; nothing to report
            throw new ImageRejectedException(ImageProblem.TimedOut, FormattableString.Invariant(
                $"took too long to decode (over {options.Deadline.TotalSeconds:0.#} s) and was stopped; it may be damaged or made to stall decoders."), fileName);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or ObjectDisposedException or InvalidOperationException)
        {
            Replace(worker, "stopped while decoding: " + e.Message);
            throw new ImageRejectedException(ImageProblem.DecoderFailed,
                "stopped the image decoder; it is probably damaged (or needs more memory than AlexVis allows).", fileName, e);
        }
        Return(worker);
        if (answer.Crop is null) throw new ImageRejectedException(answer.Problem, answer.Reason!, fileName);
        return new DecodedImage(answer.Width, answer.Height, ModelInput.FromCrop(answer.Crop));
    }

    void Return(Worker worker)
    {
        // Retire a worker before the kernel's CPU limit could end it in the middle of a file.
        if (worker.Process.TotalProcessorTime.TotalSeconds > options.CpuSecondsPerWorker / 2.0)
            Replace(worker, "retired after using half of its CPU time");
        else if (!idle.Writer.TryWrite(worker)) worker.Kill();
    }

    void Replace(Worker worker, string why)
    {
        Interlocked.Increment(ref replaced);
        logger.LogWarning("Decoder worker {Pid} {Why}; starting another", worker.Process.Id, why);
        lock (all) all.Remove(worker);
        worker.Kill();
        _ = worker.Process.WaitForExitAsync().ContinueWith(_ => worker.Process.Dispose(), TaskScheduler.Default);
        StartReplacement();
    }

    void StartReplacement() => _ = Task.Run(async () =>
    {
        for (int attempt = 0; !lifetime.IsCancellationRequested; attempt++)
        {
            try
            {
                var worker = await Worker.StartAsync(command, options.StartTimeout, logger, lifetime.Token);
                lock (all) all.Add(worker);
                if (!idle.Writer.TryWrite(worker)) worker.Kill();
                return;
            }
            catch (Exception e) when (!lifetime.IsCancellationRequested)
            {
                logger.LogError(e, "A decoder worker could not start ({Command}); trying again", command.FileName);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(attempt, 5))), CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    });

    static string[] WorkerArguments(DecoderOptions options, ImageLimits limits) =>
    [
        DecodeWorker.Argument,
        string.Create(CultureInfo.InvariantCulture, $"max-bytes={limits.MaxBytes}"),
        string.Create(CultureInfo.InvariantCulture, $"max-pixels={limits.MaxPixels}"),
        string.Create(CultureInfo.InvariantCulture, $"memory-mb={options.MemoryLimitMb}"),
        string.Create(CultureInfo.InvariantCulture, $"cpu-seconds={options.CpuSecondsPerWorker}"),
        $"draft={(options.ReduceLargeJpegs ? 1 : 0)}",
    ];

    /// <summary>How to start a worker: the configured .dll or executable, else this very program.</summary>
    internal static (string FileName, string[] Arguments) WorkerCommand(string? workerPath)
    {
        string processPath = Environment.ProcessPath ?? throw new InvalidOperationException("the process path is unknown");
        bool hostedByDotnet = Path.GetFileNameWithoutExtension(processPath) == "dotnet";
        string dotnet = hostedByDotnet ? processPath : DotnetHost();
        if (!string.IsNullOrEmpty(workerPath))
        {
            var full = Path.GetFullPath(workerPath);
            if (!File.Exists(full)) throw new FileNotFoundException($"The decoder worker '{full}' does not exist.", full);
            return full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? (dotnet, [full]) : (full, []);
        }
        if (!hostedByDotnet) return (processPath, []); // the app's own executable
        var entry = Assembly.GetEntryAssembly()?.Location;
        if (string.IsNullOrEmpty(entry)) throw new InvalidOperationException("the entry assembly is unknown; set the decoder's WorkerPath");
        return (processPath, [entry]);
    }

    /// <summary>The dotnet host that runs this process's framework: two folders above the shared framework.</summary>
    static string DotnetHost()
    {
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!; // <root>/shared/Microsoft.NETCore.App/<version>
        var candidate = Path.Combine(framework, "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? Path.GetFullPath(candidate) : "dotnet";
    }

    /// <summary>Stops every worker.</summary>
    public async ValueTask DisposeAsync()
    {
        if (lifetime.IsCancellationRequested) return;
        lifetime.Cancel();
        idle.Writer.TryComplete();
        Worker[] workers;
        lock (all) workers = [.. all];
        foreach (var w in workers) w.Kill();
        foreach (var w in workers) await w.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => w.Process.Dispose());
        lifetime.Dispose();
    }

    /// <summary>One worker process and its pipes.</summary>
    sealed class Worker(Process process)
    {
        public Process Process { get; } = process;

        public static async Task<Worker> StartAsync((string FileName, string[] Arguments) command, TimeSpan timeout,
            ILogger logger, CancellationToken cancellationToken)
        {
            var psi = new ProcessStartInfo(command.FileName)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in command.Arguments) psi.ArgumentList.Add(a);
            // A small workstation GC: a worker holds one file at a time.
            psi.Environment["DOTNET_gcServer"] = "0";
            var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {command.FileName}");
            var worker = new Worker(process);
            int errorLines = 0;
            process.ErrorDataReceived += (_, e) =>
            {
                // Native decoders may warn on stderr; keep the log bounded whatever a file makes them say.
                if (e.Data is { Length: > 0 } line && Interlocked.Increment(ref errorLines) <= 20)
                    logger.LogDebug("Decoder worker {Pid}: {Line}", process.Id, line.Length > 300 ? line[..300] : line);
            };
            process.BeginErrorReadLine();
            try
            {
                var ready = new byte[WorkerProtocol.Ready.Length];
                await process.StandardOutput.BaseStream.ReadExactlyAsync(ready, cancellationToken).AsTask().WaitAsync(timeout, cancellationToken);
                if (!ready.AsSpan().SequenceEqual(WorkerProtocol.Ready)) throw new InvalidDataException("the worker did not say it was ready");
            }
            catch
            {
                worker.Kill();
                throw;
            }
            return worker;
        }

        public async Task<WorkerAnswer> ExchangeAsync(byte[] data)
        {
            await WorkerProtocol.WriteRequestAsync(Process.StandardInput.BaseStream, data);
            return await WorkerProtocol.ReadAnswerAsync(Process.StandardOutput.BaseStream);
        }

        public void Kill()
        {
            try
            {
                Process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // already gone
            }
        }
    }
}

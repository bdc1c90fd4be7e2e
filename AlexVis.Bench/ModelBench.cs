using AlexVis.Harness;
using System.Diagnostics;
using System.Globalization;
using AlexVis.Model.Explanation;
using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using TorchSharp;

namespace AlexVis.Bench;

/// <summary>
/// Forward + capture time against PyTorch's plain forward on the same input, weights and thread count, in
/// alternating rounds (ours, PyTorch's, PyTorch's, ours, …) with PyTorch kept alive as a child process, so that
/// whatever else the machine does weighs on both sides, a pause after each half and the same time of unmeasured
/// forwards before each; the ratio is the median of the per-round ratios, with its spread. Also the forward against
/// the arithmetic floor (AlexNet's 1.43 GFLOP at the GEMM rate measured in this run) and the process's resident memory
/// growth over 1000 traces.
/// </summary>
static class ModelBench
{
    /// <summary>Multiply-adds of one AlexNet forward, counted twice (torchvision: 0.71 GMAC).</summary>
    const double AlexNetFlops = 1.43e9;

    public static int Run(string[] args)
    {
        int threads = (int)Stats.Option(args, "--threads", 2);
        int rounds = (int)Stats.Option(args, "--rounds", 15);
        int perRound = (int)Stats.Option(args, "--iterations", 10);
        // A pause after each half: both sides' OpenMP threads (libgomp in each) spin for a while after a forward (PyTorch's
        // process used 80 ms of CPU in the 50 ms after it answered), which would land on the other side's first forwards.
        int settle = (int)Stats.Option(args, "--settle-ms", 200);
        // Then, before each half's measured forwards, unmeasured ones for this long, on both sides. After the rest this
        // virtual machine runs slower for some 60 ms (our first two or three forwards took 21–31 ms, the rest 13–17;
        // spinning through the rest instead of sleeping showed no such start). That is a time, not a count of
        // forwards, so the faster side had more of its ten in it and its median pushed up by them.
        int warm = (int)Stats.Option(args, "--warm-ms", 100);
        var root = AppServer.RepositoryRoot();
        var crop = Path.Combine(root, "AlexVis.Model.Tests", "TestData", "oracle", "chelsea", "crop.png");
        Stats.Note($"load average before: {Stats.LoadAverage()}");
        TorchRuntime.Initialise(threads);
        using var model = AlexNetModel.Untrained("bench", DeviceChoice.Cpu);
        var image = ImageDecoder.Decode(File.ReadAllBytes(crop), new ImageLimits());
        var input = ModelInput.FromCrop(image);
        Stats.Print("threads", threads);
        Stats.RuntimeSettings();

        // Our forward alone (no copies out), for the cost of capturing.
        var plain = Measure(10, 50, () =>
        {
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            model.Network.forward(torch.tensor(input.Tensor, [1, 3, 224, 224]));
        });
        Stats.Print("forward_plain_ms_median", Stats.Median(plain));

        using var pytorch = PyTorch.Start(root, crop, threads);
        var ours = new List<double>();
        var theirs = new List<double>();
        var ratios = new List<double>();
        double Ours()
        {
            for (long until = Stopwatch.GetTimestamp() + warm * Stopwatch.Frequency / 1000; Stopwatch.GetTimestamp() < until;) model.Trace(input);
            var m = Stats.Median(Measure(0, perRound, () => model.Trace(input)));
            Thread.Sleep(settle);
            return m;
        }
        double Theirs() { var m = pytorch?.Run(perRound, warm) ?? double.NaN; Thread.Sleep(settle); return m; }
        Measure(10, 0, () => model.Trace(input));
        for (int r = 0; r < rounds; r++)
        {
            // Alternate who goes first, so a slow drift of the machine favours neither.
            double a, b;
            if (r % 2 == 0) { a = Ours(); b = Theirs(); }
            else { b = Theirs(); a = Ours(); }
            ours.Add(a);
            theirs.Add(b);
            ratios.Add(a / b);
        }
        Stats.Print("rounds", rounds);
        Stats.Print("round_warm_ms", warm);
        Stats.Print("forward_capture_ms_median", Stats.Median(ours));
        Stats.Print("forward_capture_ms_spread", Stats.Percentile(ours, 75) - Stats.Percentile(ours, 25));
        if (pytorch is null) Console.WriteLine("pytorch_forward_ms_median=unavailable (install python3-torch python3-torchvision)");
        else
        {
            Stats.Print("pytorch_forward_ms_median", Stats.Median(theirs));
            Stats.Print("forward_ratio_vs_pytorch", Stats.Median(ratios));
            Stats.Print("forward_ratio_vs_pytorch_spread", Stats.Percentile(ratios, 75) - Stats.Percentile(ratios, 25));
            Stats.Print("forward_ratio_vs_pytorch_min", ratios.Min());
            Stats.Print("forward_ratio_vs_pytorch_max", ratios.Max());
        }

        double gflops = GemmGflops();
        double floorMs = AlexNetFlops / (gflops * 1e9) * 1000;
        Stats.Print("gemm_gflops", gflops);
        Stats.Print("forward_floor_ms", floorMs);
        Stats.Print("forward_floor_ratio", Stats.Median(ours) / floorMs);

        Batches(model, input, threads);
        Decoding();
        Explanations(model, input);
        Ablation(model, input);
        Ranking(model, input);

        for (int i = 0; i < 50; i++) model.Trace(input);
        long heapBefore = ProcessMemory.NativeHeapInUse();
        double before = ProcessMemory.RssMb();
        for (int i = 0; i < 1000; i++) model.Trace(input);
        long heapAfter = ProcessMemory.NativeHeapInUse(); // collects first, so the RSS below is after the GC too
        double after = ProcessMemory.RssMb();
        Stats.Print("rss_mb", after);
        Stats.Print("rss_growth_mb_per_1000", after - before);
        // The resident size also moves with glibc's arenas; the heap in use is what a leak grows.
        Stats.Print("native_heap_growth_mb_per_1000", (heapAfter - heapBefore) / 1048576.0);
        Stats.Note($"load average after: {Stats.LoadAverage()}");
        return 0;
    }


    /// <summary>
    /// A class's burst as the server's inference workers run it (one libtorch thread each): the cost per image of a
    /// batched forward + capture against one image at a time, in the same run. The fully connected layers read their
    /// 234 MB of weights once per forward whatever the batch, so a batch shares that read.
    /// </summary>
    static void Batches(AlexNetModel model, ModelInput input, int threads)
    {
        torch.set_num_threads(1);
        foreach (int n in new[] { 1, 4, 8 })
        {
            var inputs = Enumerable.Repeat(input, n).ToList();
            var times = Measure(3, 20, () => model.Trace(inputs));
            Stats.Print($"forward_capture_1thread_batch{n}_ms_per_image", Stats.Median(times) / n);
        }
        torch.set_num_threads(threads);
    }

    /// <summary>
    /// Switching filters off: re-running the network from conv3 with ten of its channels zeroed, starting from the
    /// trace the student already has (what the explorer does on each toggle).
    /// </summary>
    static void Ablation(AlexNetModel model, ModelInput input)
    {
        var baseline = model.Trace(input);
        var off = Model.Inference.Ablation.Parse("conv3:0,13,42,77,101,150,199,256,300,383");
        var times = Measure(5, 40, () => model.Retrace(baseline, off));
        Stats.Print("ablation_ms", Stats.Median(times));
        Stats.Print("ablation_ms_iqr", Stats.Percentile(times, 75) - Stats.Percentile(times, 25));
    }

    /// <summary>
    /// Ranking a class's 40 photos for one channel (the ranked-photos panel on each channel change): each photo's
    /// peaks are computed once when it arrives (timed too), then every ranking reads them.
    /// </summary>
    static void Ranking(AlexNetModel model, ModelInput input)
    {
        var trace = model.Trace(input);
        var peaks = Measure(2, 20, () => ChannelPeaks.Of(trace));
        Stats.Print("photo_peaks_ms", Stats.Median(peaks));
        var one = ChannelPeaks.Of(trace);
        var forty = Enumerable.Range(0, 40).Select(i => ($"photo {i}", one)).ToArray();
        var conv3 = AlexNetLayers.Get("conv3");
        int channel = 0;
        var times = Measure(20, 200, () => PhotoRanking.Rank(forty, conv3, channel++ % conv3.Channels));
        Stats.Print("rank_40_photos_ms", Stats.Median(times));
        Stats.Print("rank_40_photos_ms_p95", Stats.Percentile(times, 95));
    }

    /// <summary>
    /// Each "why" method on the cat: single-pass methods from relu5's channel 40 (deconvnet, guided backprop) or the
    /// top-1 class (saliency, Grad-CAM at conv5), and occlusion with a 32-pixel square every 16 pixels (169 images).
    /// Medians with their interquartile spread, and a check that no native memory grows over 200 explanations.
    /// </summary>
    static void Explanations(AlexNetModel model, ModelInput input)
    {
        var relu5 = AlexNetLayers.Get("relu5");
        (string Name, ExplainRequest Request, int Iterations)[] cases =
        [
            ("deconvnet_ms", new(ExplainMethod.Deconvnet, relu5, 40), 30),
            ("guided_backprop_ms", new(ExplainMethod.GuidedBackprop, relu5, 40), 30),
            ("saliency_ms", new(ExplainMethod.Saliency), 30),
            ("gradcam_ms", new(ExplainMethod.GradCam, AlexNetLayers.Get("conv5")), 30),
            ("guided_gradcam_ms", new(ExplainMethod.GuidedGradCam, AlexNetLayers.Get("conv5")), 30),
            ("occlusion_map_ms", new(ExplainMethod.Occlusion, Patch: 32, Stride: 16), 5),
        ];
        foreach (var (name, request, iterations) in cases)
        {
            var times = Measure(3, iterations, () => model.Explain(input, request));
            Stats.Print($"{name}", Stats.Median(times));
            Stats.Print($"{name}_iqr", Stats.Percentile(times, 75) - Stats.Percentile(times, 25));
        }
        long heapBefore = ProcessMemory.NativeHeapInUse();
        for (int i = 0; i < 200; i++) model.Explain(input, cases[i % 4].Request);
        Stats.Print("explain_native_heap_growth_mb_per_200", (ProcessMemory.NativeHeapInUse() - heapBefore) / 1048576.0);
    }

    /// <summary>
    /// What a 12 MP phone photo costs before the forward: Skia's decode and Pillow's resize in this process, every
    /// pixel (torchvision on Image.open) and drafted (the upload default, as PIL's Image.draft), with the drafted
    /// decode's ratio to the full one in the same run; then one file through a warm decoder worker, and 44 at once
    /// through the server's default pool of two (a class's burst), both ways.
    /// </summary>
    static void Decoding()
    {
        var photo = Photos.TwelveMegapixelJpeg();
        foreach (var (label, draft) in new[] { ("", false), ("_drafted", true) })
        {
            var decode = Measure(2, 7, () => ImageDecoder.Decode(photo, new ImageLimits(), draftForNetwork: draft));
            var decoded = ImageDecoder.Decode(photo, new ImageLimits(), draftForNetwork: draft);
            var prepare = Measure(2, 7, () => Preprocessing.Prepare(decoded));
            Stats.Print($"decode_12mp{label}_ms_median", Stats.Median(decode));
            Stats.Print($"decode_12mp{label}_ms_iqr", Stats.Percentile(decode, 75) - Stats.Percentile(decode, 25));
            Stats.Print($"prepare_12mp{label}_ms_median", Stats.Median(prepare));
        }
        foreach (var (label, draft) in new[] { ("", false), ("_drafted", true) })
        {
            var pool = new AlexVis.Model.Imaging.Isolation.DecoderPool(new() { Workers = 2, ReduceLargeJpegs = draft }, new ImageLimits());
            pool.WaitUntilWarmAsync().GetAwaiter().GetResult();
            var one = Measure(2, 7, () => pool.DecodeAsync(photo, "phone.jpg").GetAwaiter().GetResult());
            Stats.Print($"worker_decode_12mp{label}_ms_median", Stats.Median(one));
            var burst = Stopwatch.StartNew();
            var times = Task.WhenAll(Enumerable.Range(0, 44).Select(async _ =>
            {
                long start = Stopwatch.GetTimestamp();
                await pool.DecodeAsync(photo, "phone.jpg");
                return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            })).GetAwaiter().GetResult();
            Stats.Print($"worker_burst_44{label}_wall_ms", burst.Elapsed.TotalMilliseconds);
            Stats.Print($"worker_burst_44{label}_median_ms", Stats.Median(times));
            pool.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    static List<double> Measure(int warmUp, int iterations, Action body)
    {
        for (int i = 0; i < warmUp; i++) body();
        var times = new List<double>(iterations);
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return times;
    }

    /// <summary>The best fp32 GEMM rate of this libtorch on this machine (2048² matrices), in GFLOP/s.</summary>
    static double GemmGflops()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.rand(2048, 2048);
        var b = torch.rand(2048, 2048);
        torch.mm(a, b);
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long start = Stopwatch.GetTimestamp();
            torch.mm(a, b);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return 2.0 * 2048 * 2048 * 2048 / best / 1e9;
    }

    /// <summary>Debian's PyTorch, alive for the whole run, answering "run N" with the median of N forwards.</summary>
    sealed class PyTorch : IDisposable
    {
        readonly Process process;

        PyTorch(Process process) => this.process = process;

        public static PyTorch? Start(string root, string crop, int threads)
        {
            const string python = "/usr/bin/python3";
            if (!File.Exists(python)) return null;
            var psi = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { Path.Combine(root, "tools", "oracle", "bench_forward.py"), crop, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--serve" })
                psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            p.ErrorDataReceived += (_, _) => { };
            p.BeginErrorReadLine();
            if (p.StandardOutput.ReadLine() != "ready")
            {
                p.Kill();
                return null;
            }
            return new PyTorch(p);
        }

        public double Run(int iterations, int warmMs)
        {
            process.StandardInput.WriteLine($"run {iterations} {warmMs}");
            process.StandardInput.Flush();
            var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("PyTorch's bench process ended");
            return double.Parse(line.Split('=')[1], CultureInfo.InvariantCulture);
        }

        public void Dispose()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000)) process.Kill();
            process.Dispose();
        }
    }

}

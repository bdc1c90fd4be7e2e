using System.Diagnostics;
using System.Globalization;
using AlexVis.Model.Imaging;
using AlexVis.Model.Network;
using TorchSharp;

namespace AlexVis.Bench;

/// <summary>
/// Forward + capture time against PyTorch's plain forward on the same input, weights and thread count, and the
/// process's resident memory growth over 1000 traces.
/// </summary>
static class ModelBench
{
    public static int Run(string[] args)
    {
        int threads = args.Length >= 2 && args[0] == "--threads" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var root = Repo.Root();
        var crop = Path.Combine(root, "AlexVis.Model.Tests", "TestData", "oracle", "chelsea", "crop.png");
        TorchRuntime.Initialise(threads);
        using var model = AlexNetModel.Untrained("bench", DeviceChoice.Cpu);
        var image = ImageDecoder.Decode(File.ReadAllBytes(crop), new ImageLimits());
        var input = new ModelInput(Preprocessing.Normalise(image), image);
        Stats.Print("threads", threads);

        // Our forward alone (no copies out), then forward + capture of all 21 layers into managed arrays.
        var plain = Measure(50, () =>
        {
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            model.Network.forward(torch.tensor(input.Tensor, [1, 3, 224, 224]));
        });
        var capture = Measure(50, () => model.Trace(input));
        Stats.Print("forward_plain_ms_median", plain);
        Stats.Print("forward_capture_ms_median", capture);

        var pytorch = PyTorchForward(root, crop, threads);
        if (pytorch is { } py)
        {
            Stats.Print("pytorch_forward_ms_median", py);
            Stats.Print("forward_ratio_vs_pytorch", capture / py);
        }
        else Console.WriteLine("pytorch_forward_ms_median=unavailable (install python3-torch python3-torchvision)");

        for (int i = 0; i < 50; i++) model.Trace(input);
        long before = Rss();
        for (int i = 0; i < 1000; i++) model.Trace(input);
        long after = Rss();
        Stats.Print("rss_mb", after / 1048576.0);
        Stats.Print("rss_growth_mb_per_1000", (after - before) / 1048576.0);
        return 0;
    }

    static double Measure(int iterations, Action body)
    {
        for (int i = 0; i < 10; i++) body();
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return Stats.Median(times);
    }

    static double? PyTorchForward(string root, string crop, int threads)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) return null;
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(root, "tools", "oracle", "bench_forward.py"), crop, "--threads", threads.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("pytorch_forward_ms_median=", StringComparison.Ordinal));
        return p.ExitCode == 0 && line is not null ? double.Parse(line.Split('=')[1], CultureInfo.InvariantCulture) : null;
    }

    static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }

}

static class Repo
{
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AlexVis.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("run from inside the AlexVis repository");
    }
}

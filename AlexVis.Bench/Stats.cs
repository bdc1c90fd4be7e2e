using System.Globalization;

namespace AlexVis.Bench;

/// <summary>Order statistics and the name=value output lines.</summary>
static class Stats
{
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        double rank = p / 100 * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 50);

    public static void Print(string name, double value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}"));

    /// <summary>
    /// The runtime settings this process measures with: the GC's large-object threshold as the GC has it (a DOTNET_
    /// variable overrides Directory.Build.props) and the thread pool's spin limit as the runtimeconfig gives it (-1: none).
    /// </summary>
    public static void RuntimeSettings()
    {
        Print("gc_loh_threshold_bytes", Convert.ToDouble(GC.GetConfigurationVariables()["LOHThreshold"], CultureInfo.InvariantCulture));
        Print("threadpool_spin_limit", AppContext.GetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit") is { } spin
            ? Convert.ToDouble(spin, CultureInfo.InvariantCulture) : -1);
    }

    public static void Note(string text) => Console.WriteLine("# " + text);

    /// <summary>The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>The number after <paramref name="name"/> on the command line, or <paramref name="fallback"/>.</summary>
    public static double Option(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

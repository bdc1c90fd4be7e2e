using System.Runtime.InteropServices;
using TorchSharp;

namespace AlexVis.Model.Network;

/// <summary>Where the network runs.</summary>
public enum DeviceChoice
{
    /// <summary>CUDA when TorchSharp sees a GPU, else CPU.</summary>
    Auto,
    /// <summary>Always the CPU.</summary>
    Cpu,
    /// <summary>CUDA; fails when no GPU or no CUDA build of libtorch is present.</summary>
    Cuda,
}

/// <summary>Process-wide libtorch setup: native loading, thread count, device choice.</summary>
public static partial class TorchRuntime
{
    /// <summary>
    /// Spins an idle libgomp thread makes before it sleeps, unless the user set <c>GOMP_SPINCOUNT</c> or
    /// <c>OMP_WAIT_POLICY</c>. libgomp's default (300,000) keeps a core busy for milliseconds after every parallel
    /// region; the one-image linear layers (<see cref="RowParallelLinear"/>) then shared that core with a spinning
    /// thread, and fc6 took 5.3–5.5 ms instead of 2.9. 3,000 left the convolutions' times as they were. Set only when
    /// the first initialisation asks for more than one thread.
    /// </summary>
    public const string OpenMpSpinCount = "3000";
    static readonly object gate = new();
    static int? threads;

    /// <summary>
    /// Held while seeding or drawing from libtorch's process-wide random generator, which building a module draws
    /// from too: a seeded construction (the seed-0 AlexNet) interleaved with another thread's seed or draw gets
    /// other weights.
    /// </summary>
    internal static readonly object GlobalGenerator = new();

    /// <summary>Loads libtorch and sets its intra-op thread count once per process (later calls with another count win).</summary>
    public static void Initialise(int intraOpThreads)
    {
        if (intraOpThreads < 1) throw new ArgumentOutOfRangeException(nameof(intraOpThreads), "at least one thread");
        lock (gate)
        {
            try
            {
                // libgomp reads its settings once, when libtorch loads it: before the first call into TorchSharp.
                // Only for more than one thread, where the split applies; the app's default (one per forward) keeps libgomp's own.
                if (threads is null && intraOpThreads > 1 && OperatingSystem.IsLinux()
                    && Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is null && Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
                    setenv("GOMP_SPINCOUNT", OpenMpSpinCount, 0);
                if (threads != intraOpThreads)
                {
                    torch.set_num_threads(intraOpThreads);
                    threads = intraOpThreads;
                }
            }
            catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
            {
                throw new InvalidOperationException(
                    "libtorch could not be loaded. On Linux, build with 'dotnet build' so libLibTorchSharp.so is patched " +
                    "for this libstdc++ (see README, 'Native libraries'). Details: " + Innermost(e).Message, e);
            }
        }
    }

    /// <summary>The intra-op thread count libtorch uses now.</summary>
    public static int Threads => torch.get_num_threads();

    /// <summary>Resolves a device choice against what TorchSharp can see.</summary>
    public static torch.Device Resolve(DeviceChoice choice) => choice switch
    {
        DeviceChoice.Cpu => torch.CPU,
        DeviceChoice.Cuda when torch.cuda.is_available() => torch.CUDA,
        DeviceChoice.Cuda => throw new InvalidOperationException(
            "Device 'cuda' was asked for, but TorchSharp sees no CUDA device. Build against a CUDA libtorch (README) or use 'auto'."),
        _ => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
    };

    // Environment.SetEnvironmentVariable changes .NET's own copy only; libgomp reads the C library's.
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}

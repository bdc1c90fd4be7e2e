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
public static class TorchRuntime
{
    static readonly object gate = new();
    static int? threads;

    /// <summary>Loads libtorch and sets its intra-op thread count once per process (later calls with another count win).</summary>
    public static void Initialise(int intraOpThreads)
    {
        if (intraOpThreads < 1) throw new ArgumentOutOfRangeException(nameof(intraOpThreads), "at least one thread");
        lock (gate)
        {
            try
            {
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

    static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}

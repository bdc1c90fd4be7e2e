using System.Runtime.InteropServices;

namespace AlexVis.Model.Imaging.Isolation;

/// <summary>Operating-system limits a decoder worker puts on itself before it reads any untrusted byte (Linux).</summary>
static partial class ProcessLimits
{
    const int RlimitCpu = 0, RlimitData = 2, PrSetPdeathsig = 1, SigKill = 9;

    [StructLayout(LayoutKind.Sequential)]
    struct RLimit
    {
        public ulong Current, Maximum;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, ref RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary>
    /// Caps the data segment (every heap and anonymous mapping: .NET's GC reports OutOfMemory, a native allocator
    /// fails) and the CPU time, and asks the kernel to kill this process when its parent dies, so a worker stuck in
    /// native code can never outlive the server. Address-space limits would not do: .NET reserves tens of GB at start.
    /// </summary>
    public static void Apply(long dataBytes, int cpuSeconds)
    {
        if (!OperatingSystem.IsLinux()) return; // elsewhere the parent's watchdog is the only guard
        var data = new RLimit { Current = (ulong)dataBytes, Maximum = (ulong)dataBytes };
        if (setrlimit(RlimitData, ref data) != 0) throw new InvalidOperationException($"setrlimit(RLIMIT_DATA) failed: errno {Marshal.GetLastPInvokeError()}");
        // Soft limit: SIGXCPU (fatal by default); the hard limit a little later: SIGKILL.
        var cpu = new RLimit { Current = (ulong)cpuSeconds, Maximum = (ulong)cpuSeconds + 5 };
        if (setrlimit(RlimitCpu, ref cpu) != 0) throw new InvalidOperationException($"setrlimit(RLIMIT_CPU) failed: errno {Marshal.GetLastPInvokeError()}");
        prctl(PrSetPdeathsig, SigKill, 0, 0, 0);
    }
}

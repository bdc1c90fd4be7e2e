using System.Runtime.InteropServices;

namespace AlexVis.Model.Imaging.Isolation;

/// <summary>Operating-system limits a decoder worker puts on itself before it reads any untrusted byte (Linux).</summary>
static partial class ProcessLimits
{
    const int RlimitCpu = 0, RlimitData = 2;

    [StructLayout(LayoutKind.Sequential)]
    struct RLimit
    {
        public ulong Current, Maximum;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, ref RLimit limit);

    [LibraryImport("libc")]
    private static partial int getppid();

    /// <summary>
    /// Caps the data segment (every heap and anonymous mapping: .NET's GC reports OutOfMemory, a native allocator
    /// fails) and the CPU time, and watches the parent: a worker stuck in native code never reads the closed pipe,
    /// so a watcher thread ends the process as soon as the server is gone. (PR_SET_PDEATHSIG would not do: it fires
    /// when the parent's starting thread ends, and the server starts workers from pool threads that come and go.)
    /// Address-space limits would not do either: .NET reserves tens of GB at start.
    /// </summary>
    public static void Apply(long dataBytes, int cpuSeconds)
    {
        if (!OperatingSystem.IsLinux()) return; // elsewhere the parent's watchdog is the only guard
        var data = new RLimit { Current = (ulong)dataBytes, Maximum = (ulong)dataBytes };
        if (setrlimit(RlimitData, ref data) != 0) throw new InvalidOperationException($"setrlimit(RLIMIT_DATA) failed: errno {Marshal.GetLastPInvokeError()}");
        // Soft limit: SIGXCPU (fatal by default); the hard limit a little later: SIGKILL.
        var cpu = new RLimit { Current = (ulong)cpuSeconds, Maximum = (ulong)cpuSeconds + 5 };
        if (setrlimit(RlimitCpu, ref cpu) != 0) throw new InvalidOperationException($"setrlimit(RLIMIT_CPU) failed: errno {Marshal.GetLastPInvokeError()}");
        int parent = getppid();
        new Thread(() =>
        {
            while (getppid() == parent) Thread.Sleep(500);
            Environment.FailFast("the AlexVis server that started this decoder worker has gone");
        }) { IsBackground = true, Name = "alexvis-parent-watch" }.Start();
    }
}

using System.Runtime.InteropServices;

namespace AlexVis.Harness;

/// <summary>Memory of a process: resident sizes from Linux's /proc, and this process's native heap from glibc.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident memory (VmHWM) in MB of a process id, or "self".</summary>
    public static double PeakRssMb(string process = "self") => Field(process, "VmHWM:");

    /// <summary>Resident memory now (VmRSS) in MB of a process id, or "self".</summary>
    public static double RssMb(string process = "self") => Field(process, "VmRSS:");

    /// <summary>
    /// Bytes this process holds from malloc now (all arenas plus mmapped blocks), after the GC has finalised what it
    /// can. Unlike the resident size it does not count memory glibc keeps after a free, so it is what a native leak
    /// grows and what allocator noise does not.
    /// </summary>
    public static long NativeHeapInUse()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var info = mallinfo2();
        return (long)(info.uordblks + info.hblkhd);
    }

    static double Field(string process, string name)
    {
        foreach (var line in File.ReadLines($"/proc/{process}/status"))
            if (line.StartsWith(name, StringComparison.Ordinal))
                return long.Parse(line[name.Length..].Trim().Split(' ')[0]) / 1024.0;
        return double.NaN;
    }

    // glibc 2.33+ (Debian 12 has 2.36); the fields are size_t, in this order.
    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc")]
    static extern MallInfo2 mallinfo2();
}

namespace AlexVis.Harness;

/// <summary>Resident memory of a process, from Linux's /proc.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident memory (VmHWM) in MB of a process id, or "self".</summary>
    public static double PeakRssMb(string process = "self")
    {
        foreach (var line in File.ReadLines($"/proc/{process}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) / 1024.0;
        return double.NaN;
    }
}

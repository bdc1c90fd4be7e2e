namespace AlexVis.Harness;

/// <summary>Resident memory of a process, from Linux's /proc.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident memory (VmHWM) in MB of a process id, or "self".</summary>
    public static double PeakRssMb(string process = "self") => Field(process, "VmHWM:");

    /// <summary>Resident memory now (VmRSS) in MB of a process id, or "self".</summary>
    public static double RssMb(string process = "self") => Field(process, "VmRSS:");

    static double Field(string process, string name)
    {
        foreach (var line in File.ReadLines($"/proc/{process}/status"))
            if (line.StartsWith(name, StringComparison.Ordinal))
                return long.Parse(line[name.Length..].Trim().Split(' ')[0]) / 1024.0;
        return double.NaN;
    }
}

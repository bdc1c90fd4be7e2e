using AlexVis.Model.Imaging.Isolation;

namespace AlexVis.Bench;

/// <summary>
/// Where the machine's CPU time went between two readings, from /proc, as fractions of all cores' time: this process
/// (the server, and the bench's own sessions driving it), its decoder workers, and the stand-in browsers (Playwright's
/// driver and every Chromium process under it). The rest is idle or other programs. The classroom bench's browsers
/// stand in for the students' own computers, yet here they share the server's cores: this says how much they took.
/// </summary>
sealed record CpuShares(double Server, double Decoders, double Browsers)
{
    /// <summary>The CPU ticks counted so far: all cores' (idle included), this process's, its decoders', its browsers'.</summary>
    public sealed record Reading(long All, long Server, long Decoders, long Browsers);

    /// <summary>Reads the counters now.</summary>
    public static Reading Read()
    {
        // The first line of /proc/stat: "cpu" and every core's ticks by kind, idle included.
        long all = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Sum(long.Parse);
        int self = Environment.ProcessId;
        var processes = new List<(int Pid, int Parent, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out int pid) && Stat(pid) is { } stat)
                processes.Add((pid, stat.Parent, stat.Ticks));
        long decoders = 0, browsers = 0;
        var children = processes.ToLookup(p => p.Parent);
        var pending = new Stack<(int Pid, bool Browser)>(children[self].Select(c => (c.Pid, false)));
        var ticks = processes.ToDictionary(p => p.Pid, p => p.Ticks);
        while (pending.TryPop(out var next))
        {
            // A decoder worker is this program started with the worker argument; any other child is the browser's side.
            bool decoder = !next.Browser && Arguments(next.Pid).Contains(DecodeWorker.Argument);
            if (decoder) decoders += ticks[next.Pid];
            else browsers += ticks[next.Pid];
            foreach (var child in children[next.Pid]) pending.Push((child.Pid, !decoder));
        }
        return new Reading(all, Stat(self)?.Ticks ?? 0, decoders, browsers);
    }

    /// <summary>The shares between two readings.</summary>
    public static CpuShares Between(Reading before, Reading after)
    {
        double all = Math.Max(1, after.All - before.All);
        return new CpuShares((after.Server - before.Server) / all, (after.Decoders - before.Decoders) / all, (after.Browsers - before.Browsers) / all);
    }

    /// <summary>Parent and user + system ticks of a process, or null once it has gone.</summary>
    static (int Parent, long Ticks)? Stat(int pid)
    {
        try
        {
            // After the command name (in parentheses, which may hold spaces): state, ppid, …; utime and stime are the 14th and 15th fields.
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(fields[1]), long.Parse(fields[11]) + long.Parse(fields[12]));
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    static string[] Arguments(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0'); }
        catch (IOException) { return []; }
    }
}

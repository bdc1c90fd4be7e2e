using AlexVis.Model.Imaging.Isolation;
using AlexVis.Web.Services;

namespace AlexVis.Bench;

/// <summary>
/// Where the machine's CPU time went between two readings, from /proc, as fractions of all cores' time: this process
/// (the server, and the bench's own sessions driving it), its decoder workers, and the stand-in browsers (Playwright's
/// driver and every Chromium process under it). The rest is idle or other programs. The classroom bench's browsers
/// stand in for the students' own computers, yet here they share the server's cores: this says how much they took.
/// <see cref="Inference"/> is the part of <see cref="Server"/> its inference threads took; <see cref="CoreSeconds"/>
/// is all cores' time between the readings, idle included, so a share times it is that part's CPU time;
/// <see cref="ServerFaults"/> the page faults this process took (minor faults: first touches of fresh memory).
/// </summary>
sealed record CpuShares(double Server, double Decoders, double Browsers, double Inference, double CoreSeconds, long ServerFaults)
{
    /// <summary>
    /// The CPU ticks counted so far: all cores' (idle included), this process's, its decoders', its browsers', its
    /// inference threads'; and this process's minor page faults.
    /// </summary>
    public sealed record Reading(long All, long Server, long Decoders, long Browsers, long Inference, long ServerFaults);

    /// <summary>Linux counts CPU time in /proc in USER_HZ ticks, 100 a second on every architecture .NET runs on.</summary>
    const double TicksPerSecond = 100;

    /// <summary>
    /// The kernel keeps 15 characters of a thread's name, so the inference threads are "alexvis-inferen" to /proc.
    /// </summary>
    static readonly string InferenceComm = InferenceQueue.ThreadNamePrefix[..Math.Min(15, InferenceQueue.ThreadNamePrefix.Length)];

    /// <summary>What each of <paramref name="uploads"/> cost a core, in milliseconds: its decoding, its inference, the rest of the server.</summary>
    public (double Decoding, double Inference, double RestOfServer) CoreMsPerUpload(int uploads) =>
        (CoreMs(Decoders) / uploads, CoreMs(Inference) / uploads, CoreMs(Server - Inference) / uploads);

    double CoreMs(double share) => share * CoreSeconds * 1000;

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
        long inference = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{self}/task"))
            if (ProcText(Path.Combine(task, "comm"))?.TrimEnd('\n') == InferenceComm && Stat(Path.Combine(task, "stat")) is { } thread)
                inference += thread.Ticks;
        var server = Stat(self);
        return new Reading(all, server?.Ticks ?? 0, decoders, browsers, inference, server?.MinorFaults ?? 0);
    }

    /// <summary>The shares between two readings.</summary>
    public static CpuShares Between(Reading before, Reading after)
    {
        double all = Math.Max(1, after.All - before.All);
        return new CpuShares((after.Server - before.Server) / all, (after.Decoders - before.Decoders) / all, (after.Browsers - before.Browsers) / all,
            (after.Inference - before.Inference) / all, all / TicksPerSecond, after.ServerFaults - before.ServerFaults);
    }

    /// <summary>Parent, user + system ticks and minor page faults of a process, or null once it has gone.</summary>
    static (int Parent, long Ticks, long MinorFaults)? Stat(int pid) => Stat($"/proc/{pid}/stat");

    /// <summary>Parent, user + system ticks and minor page faults from a process's or a thread's stat file, or null once it has gone.</summary>
    static (int Parent, long Ticks, long MinorFaults)? Stat(string path)
    {
        // After the command name (in parentheses, which may hold spaces): state, ppid, …; minflt, utime and stime are
        // the 10th, 14th and 15th fields.
        if (ProcText(path) is not { } text) return null;
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[1]), long.Parse(fields[11]) + long.Parse(fields[12]), long.Parse(fields[7]));
    }

    /// <summary>A /proc file's text, or null once its process or thread has gone.</summary>
    static string? ProcText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    static string[] Arguments(int pid) => ProcText($"/proc/{pid}/cmdline")?.Split('\0') ?? [];
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AlexVis.Harness;
using AlexVis.Model.Network;

namespace AlexVis.Bench;

/// <summary>
/// A class that comes and goes for many minutes: the Release app as its own process, and 40 students in Chromium,
/// each in a loop of joining (a new page, so a new circuit, through a proxy of its own), uploading a good or a
/// hostile file, stepping, and leaving, every other time by cutting the connection, then away for a while (on
/// average <c>--think</c> seconds; their browsers share this machine's two cores with the server, where a real
/// class brings its own). Prints the server's memory growth after warm-up, the unexpected errors, and the sessions
/// still alive once everyone has left and Blazor's circuit retention has passed.
/// </summary>
static class SoakBench
{
    static readonly TimeSpan retention = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        double minutes = Stats.Option(args, "--minutes", 10);
        int students = (int)Stats.Option(args, "--students", 40);
        double think = Stats.Option(args, "--think", 30);
        await using var server = await AppServer.StartAsync("Release", new Dictionary<string, string>
        {
            ["AlexVis:Circuits:DisconnectedCircuitRetentionPeriod"] = retention.ToString("c"),
        }, asDeployed: true);
        string pid = server.ProcessId.ToString(CultureInfo.InvariantCulture);
        Stats.Note($"load average before: {Stats.LoadAverage()}; {students} students for {minutes} min against {server.Url}");
        await using var chromium = await Chromium.LaunchAsync(800, 600);

        var files = Files();
        var end = DateTime.UtcNow + TimeSpan.FromMinutes(minutes);
        // Memory is sampled every 15 s after a warm-up (a fifth of the run, at most 2 minutes: caches and the GC's
        // heaps settle). The managed heap swings by 40-80 MB between collections (seen in the samples), so growth is
        // the floor of the last five samples (75 s) minus the floor of the first five: memory still held after the
        // collections, not where in its cycle the GC happened to be at either end.
        var warm = DateTime.UtcNow + TimeSpan.FromMinutes(Math.Min(2, minutes / 5));
        var samples = new List<double>();
        var managed = new List<(double Heap, double Committed)>();
        using var sampler = new HttpClient();
        int errors = 0, visits = 0, uploads = 0;
        var warmUp = Task.Run(async () =>
        {
            await Task.Delay(warm - DateTime.UtcNow);
            while (DateTime.UtcNow < end)
            {
                samples.Add(ProcessMemory.RssMb(pid));
                var h = JsonDocument.Parse(await sampler.GetStringAsync(new Uri(server.Url, "api/health"))).RootElement;
                managed.Add((h.GetProperty("managedHeapMb").GetDouble(), h.GetProperty("managedCommittedMb").GetDouble()));
                await Task.Delay(TimeSpan.FromSeconds(15));
            }
        });
        await Task.WhenAll(Enumerable.Range(0, students).Select(s => Task.Run(async () =>
        {
            var random = new Random(s);
            await Task.Delay(TimeSpan.FromSeconds(random.NextDouble() * think)); // a class trickles in
            for (int round = 0; DateTime.UtcNow < end; round++)
            {
                var file = files[(s + round * students) % files.Count];
                try
                {
                    await VisitAsync(chromium, server.Url, file, cut: (s + round) % 2 == 0);
                    Interlocked.Increment(ref uploads);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Stats.Note($"student {s}, {file.Name}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                }
                Interlocked.Increment(ref visits);
                await Task.Delay(TimeSpan.FromSeconds(think * (0.5 + random.NextDouble())));
            }
        })).Append(warmUp));

        // Everyone has left: wait out the circuits of those who cut their connection (the retention, plus SignalR's
        // 30 s client timeout for a connection that died without a word), then count what is left.
        using var http = new HttpClient();
        var left = Stopwatch.StartNew();
        JsonElement health;
        while (true)
        {
            health = JsonDocument.Parse(await http.GetStringAsync(new Uri(server.Url, "api/health"))).RootElement;
            if (health.GetProperty("sessions").GetInt32() == 0 || left.Elapsed > retention + TimeSpan.FromSeconds(60)) break;
            await Task.Delay(1000);
        }
        Stats.Print("soak_sessions_drain_seconds", left.Elapsed.TotalSeconds);
        var serverErrors = server.Output.Where(l => l.StartsWith("fail:") || l.StartsWith("crit:")).ToList();
        var output = server.Output.ToList();
        int firstFailure = output.FindIndex(l => l.StartsWith("fail:") || l.StartsWith("crit:"));
        if (firstFailure >= 0)
            foreach (var line in output.Skip(firstFailure).Take(25)) Stats.Note("server: " + line);
        for (int i = 0; i < output.Count; i++)
            if (output[i].StartsWith("warn:") && i + 1 < output.Count) Stats.Note("server warning: " + output[i + 1].Trim());
        Stats.Print("soak_minutes", minutes);
        Stats.Print("soak_students", students);
        Stats.Print("soak_think_seconds", think);
        Stats.Print("soak_visits", visits);
        Stats.Print("soak_uploads_answered", uploads);
        Stats.Print("soak_decoder_workers_replaced", health.GetProperty("decoderWorkersReplaced").GetInt32());
        double start = samples.Take(5).DefaultIfEmpty().Min(), finish = samples.TakeLast(5).DefaultIfEmpty().Min();
        Stats.Print("soak_rss_samples", samples.Count);
        Stats.Print("soak_rss_after_warmup_mb", start);
        Stats.Print("soak_rss_end_mb", finish);
        Stats.Print("soak_rss_growth_mb", finish - start);
        // The same floors for the managed heap and the GC's committed memory: RSS growing while they stay flat is
        // native memory (libtorch, the allocator's arenas), growth in them is the app's own objects.
        Stats.Print("soak_managed_heap_growth_mb", managed.TakeLast(5).Min(m => m.Heap) - managed.Take(5).Min(m => m.Heap));
        Stats.Print("soak_managed_committed_growth_mb", managed.TakeLast(5).Min(m => m.Committed) - managed.Take(5).Min(m => m.Committed));
        Stats.Note("rss / managed heap / committed MB every 15 s: " + string.Join(" ", samples.Zip(managed, (r, m) => $"{r:F0}/{m.Heap:F0}/{m.Committed:F0}")));
        Stats.Print("soak_server_peak_rss_mb", server.PeakRssMb());
        Stats.Print("soak_errors", errors + serverErrors.Count);
        Stats.Print("soak_sessions_left", health.GetProperty("sessions").GetInt32());
        Stats.Note($"load average after: {Stats.LoadAverage()}");
        return errors + serverErrors.Count == 0 && health.GetProperty("sessions").GetInt32() == 0 ? 0 : 1;
    }

    /// <summary>One visit: join through a proxy of its own, upload, step two layers, leave (closing, or cutting the line first).</summary>
    static async Task VisitAsync(Chromium chromium, Uri server, (string Name, byte[] Bytes, string? Refusal) file, bool cut)
    {
        await using var proxy = new TcpProxy(server);
        var page = new ExplorePage(await chromium.NewPageAsync());
        try
        {
            await page.OpenAsync(proxy.Url, "?sample=coffee");
            await page.UploadAsync(file.Name, file.Bytes, file.Name.EndsWith(".png") ? "image/png" : "image/jpeg");
            if (file.Refusal is null)
                await page.Page.Locator("[data-testid=image-name]", new() { HasTextString = file.Name }).WaitForAsync(new() { Timeout = 60_000 });
            else
                await page.SnackbarAsync(file.Refusal, 60_000);
            await page.FocusSliderAsync();
            foreach (var layer in AlexNetLayers.Visible.Skip(1).Take(2))
            {
                await page.Page.Keyboard.PressAsync("ArrowRight");
                await page.WaitForLayerAsync(layer.Index, layer.IsSpatial, 60_000);
            }
            if (cut) proxy.Cut(); // the circuit is left waiting for a reconnect that never comes
        }
        finally
        {
            await page.Page.CloseAsync();
        }
    }

    /// <summary>Good photos and hostile files, each with the start of the message its refusal must show.</summary>
    static List<(string Name, byte[] Bytes, string? Refusal)> Files()
    {
        var samples = Path.Combine(AppServer.RepositoryRoot(), "samples");
        return
        [
            ("rocket.jpg", File.ReadAllBytes(Path.Combine(samples, "rocket.jpg")), null),
            ("tables.jpg", TestImages.OversubscribedHuffman(false), "'tables.jpg' is damaged"),
            ("chelsea.png", File.ReadAllBytes(Path.Combine(samples, "chelsea.png")), null),
            ("hidden.jpg", TestImages.HiddenFrame("soi"), "'hidden.jpg' is "),
            ("dot.png", TestImages.Png(1, 1, 2, 8, interlaced: true).File, null),
            ("split.png", TestImages.Png(300, 200, 2, 8, idatChunk: 1).File, null),
            ("cut.jpg", TestImages.Jpeg(640, 480)[..5000], "'cut.jpg' is incomplete"),
            ("dictionary.png", TestImages.PngWithPresetDictionary(), "'dictionary.png' is "),
            ("photo.jpg", TestImages.Jpeg(1600, 1200, 90, 3), null),
            ("notes.jpg", "just some text"u8.ToArray(), "'notes.jpg' is not a JPEG or PNG image"),
        ];
    }


}

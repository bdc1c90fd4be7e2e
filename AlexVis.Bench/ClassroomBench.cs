using System.Collections.Concurrent;
using System.Diagnostics;
using AlexVis.Harness;
using AlexVis.Model.Network;
using AlexVis.Web;
using AlexVis.Web.Services;
using AlexVis.Web.State;
using Microsoft.Extensions.DependencyInjection;

namespace AlexVis.Bench;

/// <summary>
/// A class at once, in rounds: the app hosted in this process (Release, untrained model); in each round 44 sessions
/// driven through the same per-circuit service the page uses upload a 12 MP phone photo each at the same moment
/// ("everyone, take a photo and upload it now"), then step through every layer and open 3 channels, while 4 real
/// Chromium pages that are not uploading keep stepping through the layers; everyone steps at a brisk pace
/// (<c>--pace-ms</c>, default a step every 500 ms); the pages have stepped through every layer once, unmeasured,
/// before the first round. Prints the uploads' median and p95,
/// the bystanders' step p95, every step's p95, their spread over the rounds and the load average, and how the CPU was
/// shared during the bursts between the server, its decoder workers and the stand-in browsers (<see cref="CpuShares"/>),
/// what an upload's decoding and forward cost a core there, and the least p95 those costs allow beside the browsers.
/// </summary>
static class ClassroomBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int students = (int)Stats.Option(args, "--students", 44);
        int pages = (int)Stats.Option(args, "--pages", 4);
        int rounds = (int)Stats.Option(args, "--rounds", 3);
        // How often a student moves the slider: briskly for a lesson. The Chromium pages stand in for students'
        // own computers, but here they share the server's two cores; unpaced, their rendering alone took over a core.
        var pace = TimeSpan.FromMilliseconds(Stats.Option(args, "--pace-ms", 500));
        Stats.Note($"load average before: {Stats.LoadAverage()}");
        var (app, url) = await InProcessApp.StartAsync(args);
        Stats.Note($"app in this process at {url}; {students} sessions upload 12 MP photos at once while {pages} Chromium pages step; {rounds} rounds; a step every {pace.TotalMilliseconds:0} ms");

        var serverSteps = new ConcurrentBag<double>();
        var uploads = new ConcurrentBag<double>();
        var bystanderSteps = new ConcurrentBag<double>();
        var roundUploadMedians = new List<double>();
        var roundUploadP95s = new List<double>();
        var roundBystanderP95s = new List<double>();
        var roundStepP95s = new List<double>();
        var roundShares = new List<CpuShares>();
        int errors = 0;

        await using var chromium = await Chromium.LaunchAsync();
        var browserPages = new List<ExplorePage>();
        for (int p = 0; p < pages; p++)
        {
            var page = new ExplorePage(await chromium.NewPageAsync());
            await page.OpenAsync(new Uri(url + "/"), "?sample=chelsea");
            await page.Page.EvaluateAsync(PageTimers.Script);
            browserPages.Add(page);
        }
        // The class has had the page open before the teacher asks for photos: each page steps through every layer once,
        // unmeasured, as the browser bench's first sweep does. Without it the first round also carried these pages'
        // first paints of every layer (and the sample's montages drawn for the first time) on the server's two cores.
        await Task.WhenAll(browserPages.Select(SweepAsync));

        // The app's own metrics, as dotnet-counters would see them.
        var metrics = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == Telemetry.MeterName) l.EnableMeasurementEvents(instrument); },
        };
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => metrics.GetOrAdd(i.Name, _ => []).Add(v));
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => metrics.GetOrAdd(i.Name, _ => []).Add(v));
        listener.Start();

        var started = Stopwatch.GetTimestamp();
        for (int round = 0; round < rounds; round++)
        {
            var photos = Photos.PhoneBurst(students, round);
            var roundUploads = new ConcurrentBag<double>();
            var roundBystanders = new ConcurrentBag<double>();
            var roundServerSteps = new ConcurrentBag<double>();
            using var burstOver = new CancellationTokenSource();
            var bystanders = browserPages.Select(page => Task.Run(() => Bystander(page, pace, roundBystanders, burstOver.Token, () => Interlocked.Increment(ref errors)))).ToArray();
            // The CPU's shares over the burst: from the uploads' start until the last one is answered.
            var burstStart = CpuShares.Read();
            int unanswered = photos.Count;
            var burstEnd = new TaskCompletionSource<CpuShares.Reading>(TaskCreationOptions.RunContinuationsAsynchronously);
            void Answered() { if (Interlocked.Decrement(ref unanswered) == 0) burstEnd.TrySetResult(CpuShares.Read()); }
            await Task.WhenAll(photos.Select(photo => Task.Run(() => Student(app.Services, photo, pace, roundServerSteps, roundUploads, Answered, () => Interlocked.Increment(ref errors)))));
            var shares = CpuShares.Between(burstStart, await burstEnd.Task);
            roundShares.Add(shares);
            burstOver.Cancel();
            await Task.WhenAll(bystanders);
            foreach (var u in roundUploads) uploads.Add(u);
            foreach (var b in roundBystanders) bystanderSteps.Add(b);
            roundUploadMedians.Add(Stats.Median(roundUploads));
            roundUploadP95s.Add(Stats.Percentile(roundUploads, 95));
            roundBystanderP95s.Add(Stats.Percentile(roundBystanders, 95));
            foreach (var step in roundServerSteps) serverSteps.Add(step);
            roundStepP95s.Add(Stats.Percentile([.. roundServerSteps, .. roundBystanders], 95));
            var cost = shares.CoreMsPerUpload(students);
            Stats.Note($"round {round + 1}: uploads median {Stats.Median(roundUploads):0} ms, p95 {Stats.Percentile(roundUploads, 95):0} ms; " +
                $"bystander steps {roundBystanders.Count}, p95 {Stats.Percentile(roundBystanders, 95):0} ms; burst CPU: server {shares.Server:P0} " +
                $"(its inference threads {shares.Inference:P0}), decoders {shares.Decoders:P0}, browsers {shares.Browsers:P0}; an upload's CPU: decoding " +
                $"{cost.Decoding:0} ms, inference {cost.Inference:0} ms, the rest of the server {cost.RestOfServer:0} ms, its page faults {shares.ServerFaults / students}; " +
                $"load {Stats.LoadAverage()}");
        }
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;

        Stats.Print("classroom_sessions", students);
        Stats.Print("classroom_rounds", rounds);
        // Every step: the sessions' (server time) and the bystander pages' (key press to painted, in the page).
        var allSteps = serverSteps.Concat(bystanderSteps).ToList();
        Stats.Print("classroom_steps", allSteps.Count);
        Stats.Print("classroom_p95_ms", Stats.Percentile(allSteps, 95));
        Stats.Print("classroom_p95_ms_spread", roundStepP95s.Max() - roundStepP95s.Min());
        Stats.Print("classroom_median_ms", Stats.Median(allSteps));
        Stats.Print("session_service_step_ms_p95", Stats.Percentile(serverSteps, 95));
        Stats.Print("classroom_upload_median_ms", Stats.Median(uploads));
        Stats.Print("classroom_upload_median_ms_spread", roundUploadMedians.Max() - roundUploadMedians.Min());
        Stats.Print("classroom_upload_p95_ms", Stats.Percentile(uploads, 95));
        Stats.Print("classroom_upload_p95_ms_spread", roundUploadP95s.Max() - roundUploadP95s.Min());
        Stats.Print("browser_pages", pages);
        Stats.Print("bystander_steps", bystanderSteps.Count);
        Stats.Print("bystander_step_ms_median", Stats.Median(bystanderSteps));
        Stats.Print("bystander_step_ms_p95", Stats.Percentile(bystanderSteps, 95));
        Stats.Print("bystander_step_ms_p95_spread", roundBystanderP95s.Max() - roundBystanderP95s.Min());
        // Shares of all cores' time during the bursts (median over the rounds, then the spread): what the decoders got,
        // and what the stand-in browsers took that students' own computers would in a classroom.
        foreach (var (name, share) in new (string, Func<CpuShares, double>)[] { ("server", c => c.Server), ("decoders", c => c.Decoders), ("browsers", c => c.Browsers) })
            PrintOverRounds($"burst_cpu_share_{name}", roundShares.Select(share).ToList());
        // What each upload cost a core during the bursts: its decoding (in the workers) and its forward and capture (the
        // inference threads); then the least p95 the cores could give if they did nothing but that work beside the
        // stand-in browsers' share: by the p95's rank, that many uploads' work must be done, on what the browsers leave.
        var costs = roundShares.Select(c => c.CoreMsPerUpload(students)).ToList();
        PrintOverRounds("burst_decode_core_ms_per_upload", costs.Select(c => c.Decoding).ToList());
        PrintOverRounds("burst_inference_core_ms_per_upload", costs.Select(c => c.Inference).ToList());
        PrintOverRounds("burst_server_rest_core_ms_per_upload", costs.Select(c => c.RestOfServer).ToList());
        // Fresh memory is costly on a virtual machine (each first touch of a page is a fault): the first bursts after a
        // start grow the heap, later ones reuse what the garbage collector has freed.
        PrintOverRounds("burst_server_page_faults_per_upload", roundShares.Select(c => (double)c.ServerFaults / students).ToList());
        double rank = 0.95 * (students - 1) + 1;
        PrintOverRounds("classroom_upload_p95_bound_ms", roundShares.Zip(costs, (c, cost) =>
            rank * (cost.Decoding + cost.Inference) / (Environment.ProcessorCount * (1 - c.Browsers))).ToList());
        Stats.Print("wall_seconds", wall);
        foreach (var (name, values) in metrics.OrderBy(m => m.Key))
        {
            var label = name.Replace("alexvis.", "").Replace('.', '_');
            Stats.Print($"metric_{label}_count", values.Count);
            Stats.Print($"metric_{label}_median", Stats.Median(values));
            Stats.Print($"metric_{label}_p95", Stats.Percentile(values, 95));
            Stats.Print($"metric_{label}_sum", values.Sum());
        }
        Stats.Print("server_rss_mb", ProcessMemory.PeakRssMb());
        Stats.Print("errors", errors);
        Stats.Note($"load average after: {Stats.LoadAverage()}");
        await app.StopAsync();
        await app.DisposeAsync();
        return errors == 0 ? 0 : 1;
    }


    /// <summary>Prints the median of one figure per round and, as <c>_spread</c>, its range.</summary>
    static void PrintOverRounds(string name, IReadOnlyCollection<double> values)
    {
        Stats.Print(name, Stats.Median(values));
        Stats.Print(name + "_spread", values.Max() - values.Min());
    }

    /// <summary>Steps a page through every layer and back, unmeasured, ending on the first.</summary>
    static async Task SweepAsync(ExplorePage page)
    {
        var layers = AlexNetLayers.Visible;
        await ToFirstLayerAsync(page);
        for (int i = 1; i < layers.Count; i++) await PageTimers.StepAsync(page, "ArrowRight", layers[i]);
        for (int i = layers.Count - 2; i >= 0; i--) await PageTimers.StepAsync(page, "ArrowLeft", layers[i]);
    }

    static async Task ToFirstLayerAsync(ExplorePage page)
    {
        await page.Page.Locator(".av-layer-chip", new() { HasTextString = "conv1" }).First.ClickAsync();
        await page.WaitForLayerAsync(AlexNetLayers.Visible[0].Index, true, 120_000);
        await page.FocusSliderAsync();
    }

    /// <summary>A student who is not uploading: steps back and forth through the layers until the burst is over.</summary>
    static async Task Bystander(ExplorePage page, TimeSpan pace, ConcurrentBag<double> steps, CancellationToken over, Action error)
    {
        try
        {
            var layers = AlexNetLayers.Visible;
            await ToFirstLayerAsync(page);
            int at = 0, direction = 1;
            while (!over.IsCancellationRequested)
            {
                if (at + direction < 0 || at + direction >= layers.Count) direction = -direction;
                at += direction;
                var step = await PageTimers.StepAsync(page, direction > 0 ? "ArrowRight" : "ArrowLeft", layers[at]);
                steps.Add(step);
                await Rest(pace, step, over);
            }
        }
        catch (Exception e)
        {
            Stats.Note($"bystander: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            error();
        }
    }

    /// <summary>Waits out the rest of a step's pace.</summary>
    static async Task Rest(TimeSpan pace, double stepMs, CancellationToken cancel = default)
    {
        var rest = pace - TimeSpan.FromMilliseconds(stepMs);
        if (rest <= TimeSpan.Zero) return;
        try { await Task.Delay(rest, cancel); } catch (OperationCanceledException) { }
    }

    /// <summary>One student through the circuit's own state pieces and the shared figures, as the page calls them.</summary>
    static async Task Student(IServiceProvider services, (string Name, byte[] Bytes) photo, TimeSpan pace, ConcurrentBag<double> steps,
        ConcurrentBag<double> uploads, Action answered, Action error)
    {
        await using var scope = services.CreateAsyncScope();
        var loader = scope.ServiceProvider.GetRequiredService<ImageLoader>();
        var selection = scope.ServiceProvider.GetRequiredService<SelectionState>();
        var figures = scope.ServiceProvider.GetRequiredService<Figures>();
        try
        {
            var t = Stopwatch.GetTimestamp();
            string? message;
            try { message = await loader.UploadAsync(new MemoryStream(photo.Bytes), photo.Bytes.Length, photo.Name); }
            finally { answered(); }
            if (message is not null)
            {
                Stats.Note($"{photo.Name}: {message}");
                error();
                return;
            }
            uploads.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            foreach (var layer in AlexNetLayers.Visible)
            {
                t = Stopwatch.GetTimestamp();
                selection.SelectLayer(layer);
                var image = loader.Image!;
                if (layer.IsSpatial)
                {
                    if (await figures.MontageAsync(image.ContentKey, image.Trace, layer, selection.Current.Scale) is null) error();
                    if (AlexNetLayers.KernelSource(layer) is { } conv && figures.Kernels(conv, 0) is null) error();
                }
                else if (image.LayerValues(layer) is null) error();
                double ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                steps.Add(ms);
                await Rest(pace, ms);
            }
            selection.SelectLayer(AlexNetLayers.Get("relu2"));
            foreach (var channel in new[] { 5, 50, 150 })
            {
                t = Stopwatch.GetTimestamp();
                selection.SelectChannel(channel);
                var layer = selection.Current.Layer;
                if (loader.Image!.ChannelValues(layer, channel) is null || loader.Image.Stats(layer, channel) is null) error();
                double ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                steps.Add(ms);
                await Rest(pace, ms);
            }
        }
        catch (Exception e)
        {
            Stats.Note($"{photo.Name}: {e.GetType().Name}: {e.Message}");
            error();
        }
    }
}

using AlexVis.Harness;
using AlexVis.Model.Network;
using Microsoft.Playwright;

namespace AlexVis.Bench;

/// <summary>
/// The explorer in Debian's Chromium against the Release app (untrained model, loopback): slider steps, a 12 MP
/// upload, hovers, and the bytes the server sends per step, all timed inside the page.
/// </summary>
static class BrowserBench
{
    static bool Verbose;

    public static async Task<int> RunAsync(string[] args)
    {
        Verbose = args.Contains("--verbose");
        Stats.Note($"load average before: {Stats.LoadAverage()}");
        var photo = Photos.TwelveMegapixelJpeg();
        await using var server = await AppServer.StartAsync("Release", args.Contains("--verbose")
            ? new Dictionary<string, string> { ["Logging:LogLevel:AlexVis"] = "Debug" } : null, asDeployed: true);
        await using var chromium = await Chromium.LaunchAsync();
        var page = new ExplorePage(await chromium.NewPageAsync());
        long received = 0;
        page.Page.WebSocket += (_, ws) => ws.FrameReceived += (_, f) =>
            Interlocked.Add(ref received, f.Binary?.Length ?? System.Text.Encoding.UTF8.GetByteCount(f.Text ?? ""));
        await page.OpenAsync(server.Url, "?sample=chelsea");
        await page.Page.EvaluateAsync(PageTimers.Script);

        // Slider: every layer forward (first visits), then back (the browser already holds those montages), in
        // rounds, each on a fresh image; an unmeasured sweep first, so neither JIT nor first-paint costs count.
        int rounds = (int)Stats.Option(args, "--rounds", 3);
        var first = new List<double>();
        var again = new List<double>();
        var bytes = new List<double>();
        var roundMedians = new List<double>();
        var roundP95s = new List<double>();
        await page.FocusSliderAsync();
        var layers = AlexNetLayers.Visible;
        var fresh = Photos.Classroom(rounds + 1);
        var work = await PageWork.StartAsync(page.Page);
        for (int round = -1; round < rounds; round++)
        {
            await UploadTimedAsync(page, fresh[round + 1].Bytes, $"round-{round + 1}.jpg");
            await page.FocusSliderAsync();
            await Home(page);
            var steps = new List<double>();
            if (round >= 0) await work.ResumeAsync();
            for (int i = 1; i < layers.Count; i++)
            {
                var ms = await StepAsync(page, "ArrowRight", layers[i], () => received, bytes);
                steps.Add(ms);
                if (round >= 0) first.Add(ms);
            }
            for (int i = layers.Count - 2; i >= 0; i--)
            {
                var ms = await StepAsync(page, "ArrowLeft", layers[i], () => received, bytes);
                steps.Add(ms);
                if (round >= 0) again.Add(ms);
            }
            if (round < 0) { bytes.Clear(); continue; }
            await work.PauseAsync(steps.Count);
            roundMedians.Add(Stats.Median(steps));
            roundP95s.Add(Stats.Percentile(steps, 95));
            Stats.Note($"round {round + 1}: step median {Stats.Median(steps):0.0} ms, p95 {Stats.Percentile(steps, 95):0.0} ms; load {Stats.LoadAverage()}");
        }
        await CompareStepsAsync(page, server.Url, rounds);
        await page.OpenAsync(server.Url, "?sample=chelsea");
        await page.Page.EvaluateAsync(PageTimers.Script);

        var all = first.Concat(again).ToList();
        Stats.Print("slider_rounds", rounds);
        Stats.Print("slider_steps", all.Count);
        Stats.Print("slider_step_ms_median", Stats.Median(all));
        Stats.Print("slider_step_ms_median_spread", roundMedians.Max() - roundMedians.Min());
        Stats.Print("slider_step_ms_p95", Stats.Percentile(all, 95));
        Stats.Print("slider_step_ms_p95_spread", roundP95s.Max() - roundP95s.Min());
        Stats.Print("slider_step_first_visit_ms_median", Stats.Median(first));
        Stats.Print("slider_step_first_visit_ms_p95", Stats.Percentile(first, 95));
        Stats.Print("slider_step_revisit_ms_median", Stats.Median(again));
        // The page's own work per step, from Chromium's counters: on a class's own computers this is theirs; in the
        // room and classroom benches it shares the server's two cores.
        foreach (var (name, ms) in work.PerStep()) Stats.Print($"page_{name}_ms_per_step", ms);
        Stats.Print("bytes_per_step", bytes.Average());
        Stats.Print("bytes_per_step_max", bytes.Max());

        // Upload: a 12 MP JPEG, from the file input's change event until montage, crop and predictions are painted.
        var uploads = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            await Home(page);
            var variant = (byte[])photo.Clone();
            variant[^3] ^= (byte)(i + 1); // a different file each time (no shared trace), still a valid JPEG
            uploads.Add(await UploadTimedAsync(page, variant, $"phone-{i}.jpg"));
        }
        Stats.Print("upload_12mp_bytes", photo.Length);
        Stats.Print("upload_to_panels_ms", Stats.Median(uploads));
        Stats.Print("upload_to_panels_ms_spread", uploads.Max() - uploads.Min());
        Stats.Print("upload_to_panels_ms_max", uploads.Max());

        // Hover: zoomed onto a tile (as a teacher would), over cells of 6 channels; the first hover of a channel fetches its values.
        await Home(page);
        var hovers = new List<double>();
        var firstHovers = new List<double>();
        for (int channel = 3; channel < 63; channel += 10)
        {
            await page.ZoomToTileAsync(channel);
            for (int k = 0; k < 8; k++)
            {
                int row = 5 + k * 6, column = 50 - k * 5;
                var (x, y) = await page.CellPointAsync(channel, row, column);
                await page.Page.EvaluateAsync("cell => { window.__hover = window.__hoverTimer(cell); }", $"{channel}|{row}|{column}");
                await page.Page.Mouse.MoveAsync(x, y);
                var ms = await page.Page.EvaluateAsync<double>("() => window.__hover");
                (k == 0 ? firstHovers : hovers).Add(ms);
            }
        }
        Stats.Print("hover_ms_median", Stats.Median(hovers));
        Stats.Print("hover_ms_p95", Stats.Percentile(hovers, 95));
        Stats.Print("hover_first_of_channel_ms_median", Stats.Median(firstHovers));

        // Live occlusion: conv5's channel 3 open, the square moved 8 pixels by a key press, to the top-5 and the
        // channel's mean repainted for the new place (one forward on the server per step); 5 warm-up steps first.
        await page.OpenAsync(server.Url, "?sample=chelsea&layer=conv5&channel=3");
        await page.Page.EvaluateAsync(PageTimers.Script);
        var photoPanel = page.Page.Locator("[data-testid=occlusion-photo]");
        await photoPanel.ScrollIntoViewIfNeededAsync();
        await photoPanel.FocusAsync();
        var occlusion = new List<double>();
        int occlusionRow = 96, occlusionColumn = 96;
        for (int k = 0; k < 45; k++)
        {
            // Down the middle, across, and back: a student's drag in 8-pixel steps.
            var key = (k / 10 % 2 == 0) ? "ArrowRight" : "ArrowLeft";
            if (k % 10 == 9) key = "ArrowDown";
            (occlusionRow, occlusionColumn) = key switch
            {
                "ArrowRight" => (occlusionRow, occlusionColumn + 8),
                "ArrowLeft" => (occlusionRow, occlusionColumn - 8),
                _ => (occlusionRow + 8, occlusionColumn),
            };
            await page.Page.EvaluateAsync("at => { window.__occlusion = window.__occlusionTimer(at); }", $"{occlusionRow},{occlusionColumn}");
            await page.Page.Keyboard.PressAsync(key);
            var ms = await page.Page.EvaluateAsync<double>("() => window.__occlusion");
            if (k >= 5) occlusion.Add(ms);
        }
        Stats.Print("live_occlusion_step_ms_median", Stats.Median(occlusion));
        Stats.Print("live_occlusion_step_ms_p95", Stats.Percentile(occlusion, 95));
        Stats.Print("server_rss_mb", server.PeakRssMb());
        Stats.Note($"load average after: {Stats.LoadAverage()}");
        if (Verbose)
            foreach (var line in server.Output.Where(l => l.Contains("decoded") || l.Contains("Received") || l.Contains("Traced")))
                Stats.Note("server: " + line.Trim());
        return 0;
    }

    /// <summary>
    /// The slider in compare mode (A − B drawn, the hover ready with A and B): every spatial layer forward and back, in
    /// rounds, each on a new pair of samples (so each difference and its montages are made in the round), after an
    /// unmeasured round.
    /// </summary>
    static async Task CompareStepsAsync(ExplorePage page, Uri url, int rounds)
    {
        string[][] pairs = [["chelsea", "coffee"], ["astronaut", "rocket"], ["coffee", "astronaut"], ["rocket", "chelsea"], ["astronaut", "coffee"], ["chelsea", "rocket"]];
        var steps = new List<double>();
        var medians = new List<double>();
        var layers = AlexNetLayers.Visible;
        for (int round = -1; round < rounds; round++)
        {
            var (a, b) = (pairs[(round + 1) % pairs.Length][0], pairs[(round + 1) % pairs.Length][1]);
            await page.OpenAsync(url, $"?sample={a}&compare={b}&view=difference");
            await page.Page.WaitForFunctionAsync("() => (document.querySelector('[data-testid=montage]')?.dataset.montageKey || '').includes('~minus~')", null, new() { Timeout = 60_000 });
            await page.Page.EvaluateAsync(PageTimers.Script);
            await page.FocusSliderAsync();
            var round_ = new List<double>();
            for (int i = 1; i < layers.Count; i++) round_.Add(await PageTimers.StepAsync(page, "ArrowRight", layers[i]));
            for (int i = layers.Count - 2; i >= 0; i--) round_.Add(await PageTimers.StepAsync(page, "ArrowLeft", layers[i]));
            if (round < 0) continue;
            steps.AddRange(round_);
            medians.Add(Stats.Median(round_));
            Stats.Note($"compare round {round + 1} ({a} − {b}): step median {Stats.Median(round_):0.0} ms, p95 {Stats.Percentile(round_, 95):0.0} ms; load {Stats.LoadAverage()}");
        }
        Stats.Print("compare_step_ms_median", Stats.Median(steps));
        Stats.Print("compare_step_ms_median_spread", medians.Max() - medians.Min());
        Stats.Print("compare_step_ms_p95", Stats.Percentile(steps, 95));
    }

    static async Task<double> StepAsync(ExplorePage page, string key, LayerInfo layer, Func<long> received, List<double> bytes)
    {
        long before = received();
        var ms = await PageTimers.StepAsync(page, key, layer);
        await page.Page.WaitForTimeoutAsync(60); // let the step's last frames (render acknowledgements) arrive before counting
        bytes.Add(received() - before);
        if (Verbose) Stats.Note($"{key,-10} {layer.Alias,-8} {ms,7:0.0} ms {received() - before,8} bytes");
        return ms;
    }

    /// <summary>Chromium's main-thread time counters over chosen spans of a page's life, per step.</summary>
    sealed class PageWork(ICDPSession cdp)
    {
        static readonly (string Name, string[] Counters)[] Kinds =
        [
            ("main_thread", ["TaskDuration"]),
            ("script", ["ScriptDuration"]),
            ("style_layout", ["RecalcStyleDuration", "LayoutDuration"]),
        ];
        readonly double[] totals = new double[Kinds.Length];
        double[]? started;
        int steps;

        public static async Task<PageWork> StartAsync(IPage page)
        {
            var cdp = await page.Context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Performance.enable");
            return new PageWork(cdp);
        }

        public async Task ResumeAsync() => started = await ReadAsync();

        public async Task PauseAsync(int stepsDone)
        {
            var now = await ReadAsync();
            for (int k = 0; k < totals.Length; k++) totals[k] += now[k] - started![k];
            steps += stepsDone;
        }

        public IEnumerable<(string Name, double Ms)> PerStep() => Kinds.Select((kind, k) => (kind.Name, totals[k] * 1000 / Math.Max(1, steps)));

        async Task<double[]> ReadAsync()
        {
            var metrics = (await cdp.SendAsync("Performance.getMetrics"))!.Value.GetProperty("metrics").EnumerateArray()
                .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
            return Kinds.Select(kind => kind.Counters.Sum(c => metrics[c])).ToArray();
        }
    }

    static async Task<double> UploadTimedAsync(ExplorePage page, byte[] bytes, string name)
    {
        var oldKey = await page.MontageKeyAsync() ?? "";
        var oldCrop = await page.CropSourceAsync() ?? "";
        await page.Page.EvaluateAsync("([k, c]) => { window.__upload = window.__uploadTimer(k, c); }", new[] { oldKey, oldCrop });
        await page.UploadAsync(name, bytes);
        return await page.Page.EvaluateAsync<double>("() => window.__upload");
    }

    /// <summary>Back to conv1 (through the address, so no key timer is pending).</summary>
    static async Task Home(ExplorePage page)
    {
        await page.Page.Locator(".av-layer-chip", new() { HasTextString = "conv1" }).First.ClickAsync();
        await page.WaitForLayerAsync(0, true);
        await page.FocusSliderAsync();
    }
}

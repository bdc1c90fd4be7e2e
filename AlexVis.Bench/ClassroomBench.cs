using System.Collections.Concurrent;
using System.Diagnostics;
using AlexVis.Harness;
using AlexVis.Model.Network;
using AlexVis.Web;
using AlexVis.Web.Services;
using Microsoft.Extensions.DependencyInjection;

namespace AlexVis.Bench;

/// <summary>
/// A class at once: the app hosted in this process (Release, untrained model), 40 sessions driven through the same
/// per-circuit service the page uses (each uploads its own photo, steps through every layer, opens 3 channels),
/// and at the same time 4 real Chromium pages doing the same through the browser.
/// </summary>
static class ClassroomBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int students = args.Length > 0 ? int.Parse(args[0]) : 40;
        int pages = args.Length > 1 ? int.Parse(args[1]) : 4;
        var webOutput = Path.GetDirectoryName(AppServer.WebDll("Release"))!;
        var url = $"http://127.0.0.1:{AppServer.FreePort()}";
        var settings = new[]
        {
            "--urls", url,
            "--AlexVis:Model:Untrained=true",
            "--AlexVis:Samples:Directory=" + Path.Combine(AppServer.RepositoryRoot(), "samples"),
            "--Logging:LogLevel:Default=Warning",
        };
        var app = AlexVisApp.Build(settings, new Microsoft.AspNetCore.Builder.WebApplicationOptions
        {
            Args = settings,
            ApplicationName = "AlexVis.Web",
            ContentRootPath = webOutput,
            EnvironmentName = "Production",
        }, webOutput);
        await app.StartAsync();
        await app.Services.GetRequiredService<ModelHost>().Ready;
        Stats.Note($"app in this process at {url}; {students} sessions and {pages} Chromium pages at once");

        var photos = Photos.Classroom(students + pages);
        var serverSteps = new ConcurrentBag<double>();
        var uploads = new ConcurrentBag<double>();
        var browserSteps = new ConcurrentBag<double>();
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
        var work = Enumerable.Range(0, students)
            .Select(i => Task.Run(() => Student(app.Services, photos[i], serverSteps, uploads, () => Interlocked.Increment(ref errors))))
            .Concat(browserPages.Select((page, p) => Task.Run(() => Page(page, photos[students + p], browserSteps, () => Interlocked.Increment(ref errors)))))
            .ToArray();
        await Task.WhenAll(work);
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;

        Stats.Print("classroom_sessions", students);
        // Every step of every session: the 40 driven through the session service (server time) and the 4 real
        // pages (key press to painted, in the page), together.
        var allSteps = serverSteps.Concat(browserSteps).ToList();
        Stats.Print("classroom_steps", allSteps.Count);
        Stats.Print("classroom_p95_ms", Stats.Percentile(allSteps, 95));
        Stats.Print("classroom_median_ms", Stats.Median(allSteps));
        Stats.Print("session_service_step_ms_p95", Stats.Percentile(serverSteps, 95));
        Stats.Print("classroom_upload_p95_ms", Stats.Percentile(uploads, 95));
        Stats.Print("classroom_upload_median_ms", Stats.Median(uploads));
        Stats.Print("browser_pages", pages);
        Stats.Print("browser_step_ms_median", Stats.Median(browserSteps));
        Stats.Print("browser_step_ms_p95", Stats.Percentile(browserSteps, 95));
        Stats.Print("wall_seconds", wall);
        foreach (var (name, values) in metrics.OrderBy(m => m.Key))
        {
            var label = name.Replace("alexvis.", "").Replace('.', '_');
            Stats.Print($"metric_{label}_count", values.Count);
            Stats.Print($"metric_{label}_median", Stats.Median(values));
            Stats.Print($"metric_{label}_p95", Stats.Percentile(values, 95));
        }
        Stats.Print("server_rss_mb", ProcessMemory.PeakRssMb());
        Stats.Print("errors", errors);
        await app.StopAsync();
        await app.DisposeAsync();
        return errors == 0 ? 0 : 1;
    }

    /// <summary>One student through the session service, exactly as the page's components call it.</summary>
    static async Task Student(IServiceProvider services, (string Name, byte[] Bytes) photo, ConcurrentBag<double> steps,
        ConcurrentBag<double> uploads, Action error)
    {
        await using var scope = services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IVisualizationSession>();
        try
        {
            var t = Stopwatch.GetTimestamp();
            if (await session.UploadAsync(new MemoryStream(photo.Bytes), photo.Bytes.Length, photo.Name) is { } message)
            {
                Stats.Note($"{photo.Name}: {message}");
                error();
                return;
            }
            uploads.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            foreach (var layer in AlexNetLayers.Visible)
            {
                t = Stopwatch.GetTimestamp();
                session.SelectLayer(layer);
                if (layer.IsSpatial)
                {
                    if (session.Montage() is null) error();
                    if (AlexNetLayers.KernelSource(layer) is { } conv && session.Kernels(conv, 0) is null) error();
                }
                else if (session.LayerValues(layer) is null) error();
                steps.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                await Task.Yield();
            }
            session.SelectLayer(AlexNetLayers.Get("relu2"));
            foreach (var channel in new[] { 5, 50, 150 })
            {
                t = Stopwatch.GetTimestamp();
                session.SelectChannel(channel);
                if (session.ChannelValues(session.Layer, channel, session.Image!.Version) is null || session.Stats(session.Layer, channel) is null) error();
                steps.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                await Task.Yield();
            }
        }
        catch (Exception e)
        {
            Stats.Note($"{photo.Name}: {e.GetType().Name}: {e.Message}");
            error();
        }
    }

    /// <summary>One student in Chromium: upload, every layer with the arrow keys, three clicked channels.</summary>
    static async Task Page(ExplorePage page, (string Name, byte[] Bytes) photo, ConcurrentBag<double> steps, Action error)
    {
        try
        {
            var oldKey = await page.MontageKeyAsync() ?? "";
            await page.UploadAsync(photo.Name, photo.Bytes);
            await page.Page.WaitForFunctionAsync("old => (document.querySelector('[data-testid=montage]')?.dataset.montageKey ?? old) !== old", oldKey, new() { Timeout = 120_000 });
            await page.FocusSliderAsync();
            foreach (var layer in AlexNetLayers.Visible.Skip(1))
                steps.Add(await PageTimers.StepAsync(page, "ArrowRight", layer));
            await page.Page.Locator(".av-layer-chip", new() { HasTextString = "relu2" }).First.ClickAsync();
            await page.WaitForLayerAsync(AlexNetLayers.Get("relu2").Index, true, 120_000);
            foreach (var channel in new[] { 5, 50, 150 })
            {
                var (x, y) = await page.CellPointAsync(channel, 13, 13);
                await page.Page.Mouse.ClickAsync(x, y);
                await page.Page.Locator("[data-testid=channel-title]", new() { HasTextString = $"channel {channel} " }).WaitForAsync(new() { Timeout = 120_000 });
            }
        }
        catch (Exception e)
        {
            Stats.Note($"page {photo.Name}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            error();
        }
    }
}

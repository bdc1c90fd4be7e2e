using System.Collections.Concurrent;
using AlexVis.Harness;
using AlexVis.Model.Network;
using AlexVis.Web.Rooms;
using AlexVis.Web.Services;
using AlexVis.Web.State;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AlexVis.Bench;

/// <summary>
/// A class following its teacher: the app in this process; the teacher in Chromium starts a class and steps through
/// every layer and back (a key press every 700 ms, <c>--pace-ms</c>), 4 students in Chromium join by the link and 36
/// more join as server-side circuits (a scope each, with its own dispatcher, the page's state pieces and room
/// membership). For every step and student: the teacher's key press to that student's page painted the same layer
/// (a Chromium page: the montage or bars drawn; a server-side circuit: the state applied and the montage the page
/// would send drawn). Times are wall-clock milliseconds of this one machine (the pages' performance.timeOrigin + now).
/// </summary>
static class RoomBench
{
    const string PaintRecorder = """
        () => {
          window.__painted = [];
          document.addEventListener('alexvis:painted', e => {
            const key = e.detail.key;
            const layer = key.includes('|') ? key.split('|')[1] : key.split('.')[1];
            window.__painted.push({ layer: Number(layer), t: performance.timeOrigin + performance.now() });
          });
          window.__keys = [];
          document.addEventListener('keydown', () => window.__keys.push(performance.timeOrigin + performance.now()), { capture: true });
        }
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        int sessions = (int)Stats.Option(args, "--sessions", 36);
        int pages = (int)Stats.Option(args, "--pages", 4);
        int rounds = (int)Stats.Option(args, "--rounds", 3);
        var pace = TimeSpan.FromMilliseconds(Stats.Option(args, "--pace-ms", 700));
        Stats.Note($"load average before: {Stats.LoadAverage()}");
        var (app, url) = await InProcessApp.StartAsync(args);
        int errors = 0;

        await using var teacherBrowser = await Chromium.LaunchAsync();
        await using var studentBrowser = await Chromium.LaunchAsync();
        var (teacher, code, browserStudents) = await OpenClassAsync(teacherBrowser, new Uri(url + "/"), studentBrowser, new Uri(url + "/"), pages);
        var circuits = new List<Circuit>();
        for (int s = 0; s < sessions; s++) circuits.Add(await Circuit.JoinAsync(app.Services, code));
        Stats.Note($"class {code}: 1 teacher and {pages} students in Chromium, {sessions} students as server-side circuits; {rounds} rounds; a step every {pace.TotalMilliseconds:0} ms");

        var (follow, followBrowser, followCircuit, everyone, roundP95s) = await FollowAsync(teacher, browserStudents, circuits, rounds, pace, () => errors++);

        Stats.Print("room_students", pages + sessions);
        Stats.Print("follow_samples", follow.Count);
        Stats.Print("follow_ms_median", Stats.Median(follow));
        Stats.Print("follow_ms_p95", Stats.Percentile(follow, 95));
        Stats.Print("follow_ms_p95_spread", roundP95s.Max() - roundP95s.Min());
        Stats.Print("follow_browser_ms_median", Stats.Median(followBrowser));
        Stats.Print("follow_browser_ms_p95", Stats.Percentile(followBrowser, 95));
        Stats.Print("follow_circuit_ms_median", Stats.Median(followCircuit));
        Stats.Print("follow_circuit_ms_p95", Stats.Percentile(followCircuit, 95));
        Stats.Print("follow_everyone_ms_median", Stats.Median(everyone));
        Stats.Print("follow_everyone_ms_p95", Stats.Percentile(everyone, 95));
        Stats.Print("server_rss_mb", ProcessMemory.PeakRssMb());
        foreach (var circuit in circuits) await circuit.DisposeAsync();
        await app.StopAsync();
        await app.DisposeAsync();

        // Two servers sharing a Redis of the bench's own: the teacher on one, the Chromium students on the other.
        await using (var redis = await RedisServer.StartAsync())
        {
            var shared = new Dictionary<string, string> { ["AlexVis:Rooms:Redis"] = redis.Configuration, ["AlexVis:Rooms:JoinsPerMinute"] = "1000" };
            await using var one = await AppServer.StartAsync("Release", shared, asDeployed: true);
            await using var two = await AppServer.StartAsync("Release", shared, asDeployed: true);
            var (lead, _, across) = await OpenClassAsync(teacherBrowser, one.Url, studentBrowser, two.Url, pages);
            Stats.Note($"two servers sharing Redis: the teacher on {one.Url}, {pages} Chromium students on {two.Url}");
            var (twoServers, _, _, _, twoP95s) = await FollowAsync(lead, across, [], rounds, pace, () => errors++);
            Stats.Print("follow_ms_median_two_servers", Stats.Median(twoServers));
            Stats.Print("follow_ms_p95_two_servers", Stats.Percentile(twoServers, 95));
            Stats.Print("follow_ms_p95_two_servers_spread", twoP95s.Max() - twoP95s.Min());
            Stats.Print("server_rss_mb_two_servers", Math.Max(one.PeakRssMb(), two.PeakRssMb()));
        }
        Stats.Print("errors", errors);
        Stats.Note($"load average after: {Stats.LoadAverage()}");
        return errors == 0 ? 0 : 1;
    }

    /// <summary>A teacher's page on one server starts a class, and <paramref name="pages"/> students' pages join by the link on another (or the same).</summary>
    static async Task<(ExplorePage Teacher, string Code, List<ExplorePage> Students)> OpenClassAsync(
        Chromium teacherBrowser, Uri teacherServer, Chromium studentBrowser, Uri studentServer, int pages)
    {
        var teacher = new ExplorePage(await teacherBrowser.NewPageAsync());
        await teacher.OpenAsync(teacherServer, "?sample=chelsea");
        await teacher.Page.Locator("[data-testid=room-start]").ClickAsync();
        var code = (await teacher.Page.Locator("[data-testid=room-code]").InnerTextAsync()).Trim();
        await teacher.Page.EvaluateAsync(PaintRecorder);
        var students = new List<ExplorePage>();
        for (int p = 0; p < pages; p++)
        {
            var page = new ExplorePage(await studentBrowser.NewPageAsync());
            await page.OpenAsync(studentServer, $"room/{code}");
            await page.Page.EvaluateAsync(PaintRecorder);
            students.Add(page);
        }
        return (teacher, code, students);
    }

    /// <summary>The teacher steps through every layer and back, <paramref name="rounds"/> times; for every step and student, key press to painted.</summary>
    static async Task<(List<double> Follow, List<double> Browser, List<double> Circuit, List<double> Everyone, List<double> RoundP95s)> FollowAsync(
        ExplorePage teacher, List<ExplorePage> browserStudents, List<Circuit> circuits, int rounds, TimeSpan pace, Action error)
    {
        var follow = new List<double>();
        var followBrowser = new List<double>();
        var followCircuit = new List<double>();
        var everyone = new List<double>();
        var roundP95s = new List<double>();
        var layers = AlexNetLayers.Visible;
        await teacher.FocusSliderAsync();
        for (int round = 0; round < rounds; round++)
        {
            var roundFollow = new List<double>();
            // Forward through every layer, then back to conv1.
            var path = Enumerable.Range(1, layers.Count - 1).Concat(Enumerable.Range(0, layers.Count - 1).Reverse()).ToList();
            int at = 0;
            foreach (var next in path)
            {
                var layer = layers[next];
                await teacher.Page.Keyboard.PressAsync(next > at ? "ArrowRight" : "ArrowLeft");
                at = next;
                var pressed = (await teacher.Page.EvaluateAsync<double[]>("() => window.__keys")).Last();
                var latencies = new List<double>();
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
                foreach (var page in browserStudents)
                {
                    double? t = null;
                    while (t is null && DateTime.UtcNow < deadline)
                    {
                        t = await page.Page.EvaluateAsync<double?>("([i, after]) => window.__painted.find(p => p.layer === i && p.t >= after)?.t ?? null", new object[] { layer.Index, pressed });
                        if (t is null) await Task.Delay(5);
                    }
                    if (t is null) { error(); Stats.Note($"a Chromium student did not paint {layer.Alias}"); }
                    else { latencies.Add(t.Value - pressed); followBrowser.Add(t.Value - pressed); }
                }
                foreach (var circuit in circuits)
                {
                    var t = await circuit.PaintedAsync(layer, pressed, deadline);
                    if (t is null) { error(); Stats.Note($"a server-side student did not paint {layer.Alias}"); }
                    else { latencies.Add(t.Value - pressed); followCircuit.Add(t.Value - pressed); }
                }
                roundFollow.AddRange(latencies);
                if (latencies.Count > 0) everyone.Add(latencies.Max());
                var rest = pace - TimeSpan.FromMilliseconds(latencies.Count > 0 ? latencies.Max() : 0);
                if (rest > TimeSpan.Zero) await Task.Delay(rest);
            }
            follow.AddRange(roundFollow);
            roundP95s.Add(Stats.Percentile(roundFollow, 95));
            Stats.Note($"round {round + 1}: follow median {Stats.Median(roundFollow):0.0} ms, p95 {Stats.Percentile(roundFollow, 95):0.0} ms over {roundFollow.Count}; load {Stats.LoadAverage()}");
        }

        return (follow, followBrowser, followCircuit, everyone, roundP95s);
    }

    /// <summary>A student's circuit without a browser: its scope, its dispatcher, and what its page would draw.</summary>
    sealed class Circuit : IAsyncDisposable
    {
        readonly AsyncServiceScope scope;
        readonly Dispatcher dispatcher = Dispatcher.CreateDefault();
        readonly ConcurrentQueue<(int Layer, double At)> painted = new();

        Circuit(IServiceProvider services) => scope = services.CreateAsyncScope();

        public static async Task<Circuit> JoinAsync(IServiceProvider services, string code)
        {
            var circuit = new Circuit(services);
            var sp = circuit.scope.ServiceProvider;
            sp.GetRequiredService<CircuitThread>().Attach(work => circuit.dispatcher.InvokeAsync(work));
            var selection = sp.GetRequiredService<SelectionState>();
            var loader = sp.GetRequiredService<ImageLoader>();
            var figures = sp.GetRequiredService<Figures>();
            // What the page does on a change: take the selection, and fetch the montage it shows.
            selection.Changed += () =>
            {
                var layer = selection.Current.Layer;
                var scale = selection.Current.Scale;
                _ = Task.Run(async () =>
                {
                    if (layer.IsSpatial && loader.Image is { } image) await figures.MontageAsync(image.ContentKey, image.Trace, layer, scale);
                    circuit.painted.Enqueue((layer.Index, (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds));
                });
            };
            var error = await circuit.dispatcher.InvokeAsync(() => sp.GetRequiredService<RoomMembership>().JoinAsync(code));
            if (error is not null) throw new InvalidOperationException(error);
            return circuit;
        }

        /// <summary>When this circuit had the layer drawn, after <paramref name="after"/>; null if not by the deadline.</summary>
        public async Task<double?> PaintedAsync(LayerInfo layer, double after, DateTime deadline)
        {
            while (DateTime.UtcNow < deadline)
            {
                foreach (var (l, at) in painted)
                    if (l == layer.Index && at >= after) return at;
                await Task.Delay(2);
            }
            return null;
        }

        public ValueTask DisposeAsync() => scope.DisposeAsync();
    }
}

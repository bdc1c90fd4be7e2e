using System.Diagnostics;
using System.Text.RegularExpressions;
using AlexVis.Harness;
using AlexVis.Model.Network;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>
/// A district's setup: two app servers sharing one Redis (a redis-server of this class's own), the teacher's page on
/// one and a student's on the other, each in its own Chromium; and the README's nginx example in front of them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class TwoServerRoomTests(BrowserFixture app, ITestOutputHelper output) : IAsyncLifetime
{
    RedisServer redis = default!;
    AppServer one = default!, two = default!;

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string> { ["AlexVis:Rooms:Redis"] = redis.Configuration };
        one = await AppServer.StartAsync(settings: settings);
        two = await AppServer.StartAsync(settings: settings);
    }

    [Fact]
    public async Task A_teacher_on_one_server_leads_a_student_on_another_through_redis()
    {
        var teacher = new ExplorePage(await app.Browser.NewPageAsync());
        await teacher.OpenAsync(one.Url, "?sample=chelsea");
        var code = await RoomBrowserTests.StartClassAsync(teacher);
        await using var students = await Chromium.LaunchAsync();
        var student = await RoomBrowserTests.JoinAsync(students, two.Url, code);
        Assert.StartsWith("Following the teacher", await student.Page.Locator("[data-testid=room-status]").InnerTextAsync());

        for (int i = 1; i <= 3; i++)
        {
            var layer = AlexNetLayers.Visible[i];
            await teacher.Page.Locator("[data-testid=layer-next]").ClickAsync();
            await teacher.WaitForLayerAsync(layer.Index, layer.IsSpatial);
            await FollowsAsync(student, teacher);
        }

        // The teacher's own photo: the other server never received it; it traces the bytes kept in Redis and, with
        // the same libtorch, shows the same crop and the same predictions.
        var rocket = await File.ReadAllBytesAsync(Path.Combine(AppServer.RepositoryRoot(), "samples", "rocket.jpg"));
        await teacher.UploadAsync("launch.jpg", rocket);
        await teacher.Page.Locator("[data-testid=image-name]", new() { HasTextString = "launch.jpg" }).WaitForAsync(new() { Timeout = 30_000 });
        await student.Page.Locator("[data-testid=image-name]", new() { HasTextString = "launch.jpg" }).WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(await teacher.CropSourceAsync(), await student.CropSourceAsync());
        Assert.Equal(await teacher.PredictionsAsync(), await student.PredictionsAsync());

        // Both servers protect their circuits with the keys kept in Redis.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        Assert.True(await connection.GetDatabase().ListLengthAsync("alexvis:data-protection-keys") >= 1);
        output.WriteLine($"class {code}: teacher on {one.Url}, student on {two.Url}");
    }

    [Fact]
    public async Task The_teacher_counts_and_sees_the_photos_of_students_on_either_server()
    {
        var teacher = new ExplorePage(await app.Browser.NewPageAsync());
        await teacher.OpenAsync(one.Url, "?sample=coffee");
        var code = await RoomBrowserTests.StartClassAsync(teacher);
        await using var students = await Chromium.LaunchAsync();
        var there = await RoomBrowserTests.JoinAsync(students, two.Url, code);
        var here = await RoomBrowserTests.JoinAsync(students, one.Url, code);
        var census = teacher.Page.Locator("[data-testid=room-census]");
        await census.Filter(new() { HasTextString = "2 students · 2 following · 0 on their own" }).WaitForAsync(new() { Timeout = 10_000 });

        // The student on the other server hands in a photo of his own: the teacher's server lists it, traces it from
        // the bytes kept in Redis, and the student on the teacher's server sees it.
        var chelsea = await File.ReadAllBytesAsync(Path.Combine(AppServer.RepositoryRoot(), "samples", "chelsea.png"));
        await there.UploadAsync("my-cat.png", chelsea, "image/png");
        await there.Page.Locator("[data-testid=room-status]", new() { HasTextString = "Following paused" }).WaitForAsync(new() { Timeout = 30_000 });
        await there.Page.Locator("[data-testid=room-hand-in]").ClickAsync();
        await there.Page.Locator("[data-testid=room-handed-in]").WaitForAsync();
        await census.Filter(new() { HasTextString = "2 students · 1 following · 1 on their own" }).WaitForAsync(new() { Timeout = 10_000 });
        var photo = teacher.Page.Locator("[data-testid=gallery-photo]");
        await photo.WaitForAsync(new() { Timeout = 10_000 });
        Assert.Equal("my-cat.png, from student 1", await photo.GetAttributeAsync("title"));
        await photo.ClickAsync();
        await here.Page.Locator("[data-testid=image-name]", new() { HasTextString = "my-cat.png" }).WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(await there.CropSourceAsync(), await here.CropSourceAsync());

        await there.Page.CloseAsync(); // leaving on the other server: the teacher counts one fewer
        await census.Filter(new() { HasTextString = "1 student · 1 following · 0 on their own" }).WaitForAsync(new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task The_readmes_nginx_example_serves_a_class_in_front_of_the_two_servers()
    {
        await using var proxy = await Nginx.StartAsync(ReadmeNginxBlock(), one.Url, two.Url);
        var teacher = new ExplorePage(await app.Browser.NewPageAsync());
        await teacher.OpenAsync(proxy.Url, "?sample=coffee"); // circuits over WebSockets, through the proxy
        var code = await RoomBrowserTests.StartClassAsync(teacher);
        await using var students = await Chromium.LaunchAsync();
        var throughProxy = await RoomBrowserTests.JoinAsync(students, proxy.Url, code);
        var direct = await RoomBrowserTests.JoinAsync(students, two.Url, code);
        var layer = AlexNetLayers.Visible[1];
        await teacher.Page.Locator("[data-testid=layer-next]").ClickAsync();
        await teacher.WaitForLayerAsync(layer.Index, layer.IsSpatial);
        await throughProxy.WaitForLayerAsync(layer.Index, layer.IsSpatial, timeout: 10_000);
        await FollowsAsync(direct, teacher);
    }

    /// <summary>Waits until a page on the other server has painted the montage the teacher's page shows (same image, layer and scale).</summary>
    static async Task FollowsAsync(ExplorePage student, ExplorePage teacher) =>
        await student.Page.WaitForFunctionAsync("k => document.querySelector('[data-testid=montage]')?.dataset.montageKey === k",
            await teacher.MontageKeyAsync(), new() { Timeout = 10_000 });

    /// <summary>The nginx example as the README gives it.</summary>
    static string ReadmeNginxBlock()
    {
        var readme = File.ReadAllText(Path.Combine(AppServer.RepositoryRoot(), "README.md"));
        return NginxBlock().Match(readme) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("The README has no nginx example.");
    }

    [GeneratedRegex("```nginx\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex NginxBlock();

    public async Task DisposeAsync()
    {
        await two.DisposeAsync();
        await one.DisposeAsync();
        await redis.DisposeAsync();
    }

    /// <summary>Debian's nginx run as this user with the README's server block, its upstreams and port replaced.</summary>
    sealed class Nginx : IAsyncDisposable
    {
        readonly Process process;
        readonly string folder;

        Nginx(Process process, string folder, Uri url) => (this.process, this.folder, Url) = (process, folder, url);

        public Uri Url { get; }

        public static async Task<Nginx> StartAsync(string block, Uri first, Uri second)
        {
            const string binary = "/usr/sbin/nginx";
            if (!File.Exists(binary)) throw new InvalidOperationException($"{binary} is missing: install Debian's nginx package (.ci/setup does).");
            var port = AppServer.FreePort();
            var folder = Directory.CreateTempSubdirectory("alexvis-nginx-").FullName;
            var servers = new Queue<Uri>([first, second]);
            block = Regex.Replace(block, @"server \d+\.\d+\.\d+\.\d+:\d+;", _ => $"server {servers.Dequeue().Authority};");
            block = block.Replace("listen 80;", $"listen 127.0.0.1:{port};");
            await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), $$"""
                worker_processes 1;
                pid {{folder}}/nginx.pid;
                error_log {{folder}}/error.log;
                events {}
                http {
                    access_log off;
                    client_body_temp_path {{folder}}/body;
                    proxy_temp_path {{folder}}/proxy;
                    fastcgi_temp_path {{folder}}/fastcgi;
                    uwsgi_temp_path {{folder}}/uwsgi;
                    scgi_temp_path {{folder}}/scgi;
                    {{block}}
                }
                """);
            var process = Process.Start(new ProcessStartInfo(binary)
            {
                ArgumentList = { "-p", folder, "-c", Path.Combine(folder, "nginx.conf"), "-g", "daemon off;" },
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var url = new Uri($"http://127.0.0.1:{port}/");
            using var http = new HttpClient();
            for (var waited = Stopwatch.StartNew(); ; await Task.Delay(100))
            {
                try
                {
                    if ((await http.GetAsync(new Uri(url, "api/health"))).IsSuccessStatusCode) return new Nginx(process, folder, url);
                }
                catch (HttpRequestException) when (waited.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited) { }
            }
        }

        public async ValueTask DisposeAsync()
        {
            try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync();
            process.Dispose();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

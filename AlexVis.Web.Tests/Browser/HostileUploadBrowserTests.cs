using System.Diagnostics;
using AlexVis.Harness;
using AlexVis.Model.Network;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>
/// Files that once stopped the whole class, uploaded through the real page to the real server: each costs its
/// student one message (or, for a valid file, is shown), the next good photo paints as usual, another student keeps
/// stepping meanwhile, and the server neither dies nor balloons.
/// </summary>
[Collection(BrowserCollection.Name)]
public class HostileUploadBrowserTests(BrowserFixture app, ITestOutputHelper output)
{
    static readonly string samples = Path.Combine(AppServer.RepositoryRoot(), "samples");

    [Fact]
    public async Task Crash_hang_and_memory_files_cost_one_message_each_while_another_student_keeps_stepping()
    {
        var uploader = await app.OpenAsync("?sample=coffee");
        var other = await app.OpenAsync("?sample=chelsea");
        double rssBefore = ProcessMemory.RssMb(app.Server.ProcessId.ToString());

        // The second student steps through the layers, back and forth, until the first is done.
        using var done = new CancellationTokenSource();
        var stepping = Task.Run(async () =>
        {
            int steps = 0;
            await other.FocusSliderAsync();
            var layers = AlexNetLayers.Visible;
            int period = 2 * (layers.Count - 1);
            int Position(int i) => i % period < layers.Count ? i % period : period - i % period; // 0, 1, …, last, …, 1, 0, …
            for (int i = 1; !done.IsCancellationRequested; i++)
            {
                var layer = layers[Position(i)];
                await other.Page.Keyboard.PressAsync(Position(i) > Position(i - 1) ? "ArrowRight" : "ArrowLeft");
                await other.WaitForLayerAsync(layer.Index, layer.IsSpatial, timeout: 5000);
                steps++;
            }
            return steps;
        });

        var crashes = TestImages.OversubscribedHuffman(longCodes: false);
        await uploader.UploadAsync("tables.jpg", crashes);
        await uploader.SnackbarAsync("'tables.jpg' is damaged: its JPEG image data cannot be decoded.");
        Assert.Equal("coffee.png", await uploader.ImageNameAsync());

        // The valid 1 × 1 Adam7 PNG that once hung the decoder for ever: PIL reads it, so AlexVis shows it.
        var hung = TestImages.Png(1, 1, 2, 8, interlaced: true).File;
        await uploader.UploadAsync("dot.png", hung, "image/png");
        await uploader.Page.Locator("[data-testid=image-name]", new() { HasTextString = "dot.png" }).WaitForAsync(new() { Timeout = 15_000 });

        await uploader.UploadAsync("hidden.jpg", TestImages.HiddenFrame("soi"));
        var refused = await uploader.SnackbarAsync("'hidden.jpg' is ");
        output.WriteLine("memory file: " + refused);
        Assert.Equal("dot.png", await uploader.ImageNameAsync());

        var watch = Stopwatch.StartNew();
        await uploader.UploadAsync("rocket.jpg", File.ReadAllBytes(Path.Combine(samples, "rocket.jpg")));
        await uploader.Page.Locator("[data-testid=image-name]", new() { HasTextString = "rocket.jpg" }).WaitForAsync(new() { Timeout = 15_000 });
        output.WriteLine($"good photo painted {watch.ElapsedMilliseconds} ms after the upload");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the good photo took {watch.Elapsed}");

        done.Cancel();
        int steps = await stepping;
        output.WriteLine($"the other student stepped {steps} times meanwhile");
        Assert.True(steps >= 3, $"only {steps} steps");
        double rise = ProcessMemory.RssMb(app.Server.ProcessId.ToString()) - rssBefore;
        output.WriteLine($"server RSS rose by {rise:0} MB");
        Assert.True(rise <= 300, $"server RSS rose by {rise:0} MB");
    }

    [Fact]
    public async Task A_file_name_cannot_forge_log_lines()
    {
        var page = await app.OpenAsync("?sample=coffee");
        // The page percent-encodes the name; a hostile client sends CR/LF and a bidirectional override instead.
        await page.Page.RouteAsync("**/api/uploads", async route =>
        {
            var headers = new Dictionary<string, string>(route.Request.Headers) { ["x-file-name"] = "a%0D%0AFORGED%20log%20line%E2%80%AE.jpg" };
            await route.ContinueAsync(new() { Headers = headers });
        });
        await page.UploadAsync("notes.jpg", "just text"u8.ToArray());
        var shown = await page.SnackbarAsync("is not a JPEG or PNG image");
        Assert.Contains(@"'a\u000D\u000AFORGED log line\u202E.jpg'", shown);
        await WaitForLogAsync(@"a\u000D\u000AFORGED log line\u202E.jpg");
        Assert.DoesNotContain(app.Server.Output, line => line.TrimStart().StartsWith("FORGED", StringComparison.Ordinal));
    }

    async Task WaitForLogAsync(string text)
    {
        for (int i = 0; i < 100 && !app.Server.Output.Any(l => l.Contains(text)); i++) await Task.Delay(50);
        Assert.Contains(app.Server.Output, l => l.Contains(text));
    }
}

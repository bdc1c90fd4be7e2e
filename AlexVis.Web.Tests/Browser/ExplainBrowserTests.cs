using AlexVis.Harness;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>The "why" panel in Debian's Chromium: picking a method, retargeting it by clicking a prediction, saving it.</summary>
[Collection(BrowserCollection.Name)]
public class ExplainBrowserTests(BrowserFixture app, ITestOutputHelper output)
{
    [Fact]
    public async Task Grad_cam_appears_over_the_photo_a_clicked_prediction_becomes_its_class_and_it_saves_as_a_png()
    {
        var page = await app.OpenAsync("?sample=chelsea");
        var overlay = page.Page.Locator("[data-testid=why-overlay]");
        var predictions = page.Page.Locator("[data-testid=prediction]");
        await predictions.First.WaitForAsync();
        var top1 = await predictions.Nth(0).GetAttributeAsync("data-class");
        var second = await predictions.Nth(1).GetAttributeAsync("data-class");

        await page.Page.Locator("[data-testid=why-gradcam]").ClickAsync();
        await overlay.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(top1, await overlay.GetAttributeAsync("data-class")); // the top-1 by default
        Assert.Equal("true", await page.Page.Locator("[data-testid=why-gradcam]").GetAttributeAsync("aria-pressed"));
        Assert.StartsWith("Grad-CAM at conv1", await page.Page.Locator("[data-testid=why-title]").InnerTextAsync()); // the layer shown

        // A click on the second prediction makes it the class explained.
        await predictions.Nth(1).ClickAsync();
        await page.Page.WaitForFunctionAsync("c => document.querySelector('[data-testid=why-overlay]')?.dataset.class === c", second, new() { Timeout = 30_000 });
        Assert.Equal("true", await predictions.Nth(1).Locator("button").GetAttributeAsync("aria-pressed"));
        Assert.Contains($"(class {second})", await page.Page.Locator("[data-testid=why-title]").InnerTextAsync());

        // Saved at opacity 0 it is the crop itself, pixel for pixel; at 100 the heat covers it.
        var key = await overlay.GetAttributeAsync("data-key");
        var crop = await Pixels(page, (await page.CropSourceAsync())!);
        Assert.Equal(crop, await Pixels(page, $"api/explanations/{key}.png?opacity=0"));
        Assert.NotEqual(crop, await Pixels(page, $"api/explanations/{key}.png?opacity=100"));
        Assert.StartsWith("api/explanations/", await page.Page.Locator("[data-testid=why-save]").GetAttributeAsync("href"));
        output.WriteLine("screenshot: " + await BrowserFixture.ShotAsync(page, "20-why-gradcam"));
    }

    [Fact]
    public async Task The_deconvnet_projects_the_open_channel_and_off_hides_the_overlay()
    {
        var page = await app.OpenAsync("?sample=coffee&layer=relu2&channel=7");
        await page.Page.Locator("[data-testid=why-deconvnet]").ClickAsync();
        var title = page.Page.Locator("[data-testid=why-title], [data-testid=why-problem]");
        await title.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("Deconvnet: what in the photo drives relu2 channel 7", await title.InnerTextAsync());
        await page.Page.Locator("[data-testid=why-off]").ClickAsync();
        await page.Page.Locator("[data-testid=why-overlay]").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Detached });
    }

    [Fact]
    public async Task Dragging_a_grey_square_over_the_photo_updates_the_top5_and_the_open_channel_as_the_network_answers()
    {
        var page = await app.OpenAsync("?sample=chelsea&layer=conv5&channel=3");
        var photo = page.Page.Locator("[data-testid=occlusion-photo]");
        await photo.ScrollIntoViewIfNeededAsync();
        var box = (await photo.BoundingBoxAsync())!;
        var probe = page.Page.Locator("[data-testid=occlusion-probe]");
        // Press at the centre, drag 40 px right: the square's centre follows the pointer (32-pixel square, crop shown at 224).
        await page.Page.Mouse.MoveAsync(box.X + 112, box.Y + 112);
        await page.Page.Mouse.DownAsync();
        await page.Page.Mouse.MoveAsync(box.X + 152, box.Y + 112, new() { Steps = 4 });
        await page.Page.Mouse.UpAsync();
        // Where the square is drawn (the crop is shown at 224 pixels, so CSS pixels are crop pixels) is where the network was asked.
        var at = await page.Page.EvaluateAsync<string>("() => { const s = document.querySelector('[data-square]').style; return `${parseInt(s.top)},${parseInt(s.left)}`; }");
        await page.Page.WaitForFunctionAsync("a => document.querySelector('[data-testid=occlusion-probe]')?.dataset.at === a", at, new() { Timeout = 30_000 });
        var (row, column) = (int.Parse(at.Split(',')[0]), int.Parse(at.Split(',')[1]));
        Assert.Equal(136, column); // 40 px right of the centre, less half the square

        // The same network given the same crop with that square hidden, here in the test.
        var crop = AlexVis.Model.Imaging.ImageDecoder.Decode(await File.ReadAllBytesAsync(Path.Combine(Support.Oracle.Folder, "chelsea", "crop.png")), new AlexVis.Model.Imaging.ImageLimits());
        AlexVis.Model.Network.TorchRuntime.Initialise(2);
        using var model = AlexVis.Model.Network.AlexNetModel.Untrained("test", AlexVis.Model.Network.DeviceChoice.Cpu);
        var trace = model.Trace(AlexVis.Model.Explanation.Patches.Hide(
            new AlexVis.Model.Imaging.ModelInput(AlexVis.Model.Imaging.Preprocessing.Normalise(crop), crop), row, column, 32));
        var shown = await probe.Locator("li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.class)");
        Assert.Equal(trace.Top.Select(p => p.ClassIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)), shown);
        var conv5 = AlexVis.Model.Network.AlexNetLayers.Get("conv5");
        Assert.StartsWith($"conv5 channel 3 mean: {trace[conv5].Stats(3).Mean.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)} (",
            (await page.Page.Locator("[data-testid=occlusion-channel]").InnerTextAsync()).Trim());

        // The arrow keys move it too, 8 pixels a press.
        await photo.FocusAsync();
        await page.Page.Keyboard.PressAsync("ArrowDown");
        await page.Page.WaitForFunctionAsync("a => document.querySelector('[data-testid=occlusion-probe]')?.dataset.at === a", $"{row + 8},{column}", new() { Timeout = 30_000 });
        output.WriteLine("screenshot: " + await BrowserFixture.ShotAsync(page, "21-live-occlusion"));
    }

    static async Task<byte[]> Pixels(ExplorePage page, string path)
    {
        var response = await page.Page.APIRequest.GetAsync(new Uri(new Uri(page.Page.Url), path).ToString());
        Assert.True(response.Ok, $"{path}: {response.Status}");
        using var image = Image.Load<Rgb24>(await response.BodyAsync());
        Assert.Equal((224, 224), (image.Width, image.Height));
        var pixels = new byte[224 * 224 * 3];
        image.CopyPixelDataTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Rgb24>(pixels.AsSpan()));
        return pixels;
    }
}

using System.Globalization;
using AlexVis.Harness;
using AlexVis.Model.Network;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>The explorer in Debian's Chromium: real clicks, keys, hovers and uploads against the real server.</summary>
[Collection(BrowserCollection.Name)]
public class ExploreBrowserTests(BrowserFixture app, ITestOutputHelper output)
{
    static readonly string oracle = Support.Oracle.Folder;
    static readonly string samples = Path.Combine(AppServer.RepositoryRoot(), "samples");

    async Task Shot(ExplorePage page, string name) => output.WriteLine("screenshot: " + await BrowserFixture.ShotAsync(page, name));

    [Fact]
    public async Task Every_layer_is_reached_with_the_arrow_keys()
    {
        var page = await app.OpenAsync();
        Assert.Equal("features.0 · conv1 · 64×55×55", await page.LayerLabelAsync());
        await Shot(page, "01-conv1");
        await page.FocusSliderAsync();
        foreach (var layer in AlexNetLayers.Visible.Skip(1))
        {
            await page.Page.Keyboard.PressAsync("ArrowRight");
            await page.WaitForLayerAsync(layer.Index, layer.IsSpatial);
            Assert.Equal(layer.Label, await page.LayerLabelAsync());
            // The address follows once the state rests (Display:AddressRestMs).
            await page.Page.WaitForURLAsync(url => url.Contains($"layer={layer.Alias}"));
            if (layer.Alias is "conv5" or "fc8") await Shot(page, $"02-{layer.Alias}");
        }
        // And back down again.
        await page.Page.Keyboard.PressAsync("ArrowLeft");
        var previous = AlexNetLayers.Visible[^2];
        await page.WaitForLayerAsync(previous.Index, previous.IsSpatial);
        Assert.Equal(previous.Label, await page.LayerLabelAsync());
    }

    [Fact]
    public async Task A_layer_step_updates_the_figures_in_place_and_their_downloads_are_named_after_the_layer()
    {
        var page = await app.OpenAsync("?sample=chelsea");
        // Plotly purges a figure and plots it anew, a new SVG and all, when its config changes: a step must not.
        var montage = page.Page.Locator("[data-testid=montage]");
        var svg = await montage.Locator(".main-svg").First.ElementHandleAsync();
        var shown = await page.Page.EvaluateAsync<int>("() => window.alexvisMetrics.montagesShown");
        await page.FocusSliderAsync();
        await page.Page.Keyboard.PressAsync("ArrowRight");
        var conv2 = AlexNetLayers.Visible[1];
        await page.WaitForLayerAsync(conv2.Index, conv2.IsSpatial);
        Assert.True(await page.Page.EvaluateAsync<int>("() => window.alexvisMetrics.montagesShown") > shown);
        Assert.True(await svg.EvaluateAsync<bool>("s => s.isConnected"), "the montage was plotted anew");

        var button = montage.Locator($".modebar-btn[data-title='{Support.Words.In<AlexVis.Web.Services.PlotsInterop>("en", "PlotlyDownload")}']");
        await montage.HoverAsync();
        var download = await page.Page.RunAndWaitForDownloadAsync(() => button.ClickAsync());
        Assert.Equal($"alexvis-{conv2.Alias}.png", download.SuggestedFilename);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(12, 30, 17)]
    [InlineData(63, 54, 54)]
    [InlineData(41, 5, 49)]
    public async Task Hovering_a_cell_shows_pytorchs_exact_activation(int channel, int row, int column)
    {
        // The app runs torchvision's seed-0 AlexNet; the oracle holds PyTorch's conv1 output for this very sample.
        var expected = PyTorchConv1(channel, row, column);
        var page = await app.OpenAsync("?sample=chelsea");
        var hover = await page.HoverCellAsync(channel, row, column);
        Assert.Equal((channel, row, column), (hover.Channel, hover.Row, hover.Column));
        Assert.Equal(expected, float.Parse(hover.Exact, CultureInfo.InvariantCulture));
        AssertFourDigits(hover.Shown, expected, $"conv1[{channel},{row},{column}]");
        output.WriteLine($"conv1[{channel},{row},{column}]: shown {hover.Shown}, PyTorch {expected:R}");
        if (channel == 12) await Shot(page, "03-hover");
    }

    [Theory]
    [InlineData(18)]
    [InlineData(464)]
    [InlineData(999)]
    public async Task Hovering_fc8_near_a_class_shows_that_class_its_name_and_pytorchs_score(int near)
    {
        var logits = Support.Oracle.Values("chelsea", "logits");
        var page = await app.OpenAsync("?sample=chelsea&layer=fc8");
        var fc8 = AlexNetLayers.Get("fc8");
        await page.WaitForLayerAsync(fc8.Index, fc8.IsSpatial);
        var (x, y) = await page.UnitPointAsync(near);
        await page.Page.Mouse.MoveAsync(x, y);
        const string hoverLines = "[data-testid=units] .hoverlayer .hovertext tspan.line";
        await page.Page.WaitForFunctionAsync("s => document.querySelectorAll(s).length >= 2", hoverLines);
        var lines = await page.Page.EvaluateAsync<string[]>("s => [...document.querySelectorAll(s)].map(t => t.textContent)", hoverLines);
        // "class k: name" then the score: the class told, its name and its score must all be the same class's.
        var told = System.Text.RegularExpressions.Regex.Match(lines[0], @"^class (\d+): (.+)$");
        Assert.True(told.Success, $"hover: {string.Join(" / ", lines)}");
        int k = int.Parse(told.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(k, near - 2, near + 2);
        Assert.Equal(AlexVis.Model.Labels.ImageNetClasses.Names[k], told.Groups[2].Value);
        AssertFourDigits(lines[1], logits[k], $"class {k}");
        output.WriteLine($"near {near}: {string.Join(" / ", lines)} | PyTorch {logits[k]:R}");
    }

    [Fact]
    public async Task Moving_across_cells_of_a_known_channel_needs_no_server_round_trip()
    {
        var page = await app.OpenAsync("?sample=chelsea");
        await page.HoverCellAsync(7, 10, 10); // the first hover of channel 7 fetches its values once
        var frames = await page.Page.EvaluateAsync<int>("() => window.alexvisMetrics.montagesShown");
        for (int k = 0; k < 5; k++)
        {
            var hover = await page.HoverCellAsync(7, 20 + k, 30 - k, timeout: 2000);
            Assert.Equal(PyTorchConv1(7, 20 + k, 30 - k), float.Parse(hover.Exact, CultureInfo.InvariantCulture));
        }
        Assert.Equal(frames, await page.Page.EvaluateAsync<int>("() => window.alexvisMetrics.montagesShown"));
    }

    [Fact]
    public async Task Plotly_js_is_loaded_once_for_the_panels_and_the_predictions_chart()
    {
        var page = await app.OpenAsync("?sample=chelsea");
        await page.Page.Locator("[data-testid=predictions-chart] .main-svg").First.WaitForAsync();
        var scripts = await page.Page.EvaluateAsync<string[]>("() => [...document.scripts].map(s => s.src).filter(s => /plotly-[0-9.]+(\\.min)?\\.js/.test(s))");
        Assert.Single(scripts);
    }

    [Fact]
    public async Task Clicking_a_tile_opens_that_channel_and_puts_it_in_the_address()
    {
        var page = await app.OpenAsync("?sample=chelsea");
        var (x, y) = await page.CellPointAsync(19, 27, 27);
        await page.Page.Mouse.ClickAsync(x, y);
        await page.Page.Locator("[data-testid=channel-title]", new() { HasTextString = "channel 19" }).WaitForAsync();
        await page.Page.WaitForURLAsync(url => url.Contains("channel=19"));
        await page.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=channel-stats]')?.textContent.includes('max')");
        var stats = await page.Page.Locator("[data-testid=channel-stats]").InnerTextAsync();
        var values = Enumerable.Range(0, 55 * 55).Select(i => PyTorchConv1(19, i / 55, i % 55)).ToArray();
        Assert.Contains($"max {values.Max().ToString("G4", CultureInfo.InvariantCulture)}", stats);
        Assert.Contains($"min {values.Min().ToString("G4", CultureInfo.InvariantCulture)}", stats);
        await page.Page.WaitForFunctionAsync("() => !!document.querySelector('[data-testid=channel-heatmap] .hm, [data-testid=channel-heatmap] image')");
        await Shot(page, "04-channel");
    }

    [Fact]
    public async Task A_shared_link_opens_the_same_layer_channel_and_sample()
    {
        var page = await app.OpenAsync("?layer=conv3&channel=7&sample=coffee");
        await page.WaitForLayerAsync(AlexNetLayers.Get("conv3").Index, true);
        Assert.Equal("features.6 · conv3 · 384×13×13", await page.LayerLabelAsync());
        await page.Page.Locator("[data-testid=channel-title]", new() { HasTextString = "conv3 · channel 7" }).WaitForAsync();
        Assert.Equal("coffee.png", await page.ImageNameAsync());
    }

    public static TheoryData<string, string, string> BadFiles() => new()
    {
        { "empty", "empty.jpg", "'empty.jpg' is empty." },
        { "text", "notes.jpg", "'notes.jpg' is not a JPEG or PNG image." },
        { "oversize", "huge.jpg", "'huge.jpg' is 4 MB; the limit is 3 MB. Save a smaller JPEG or PNG and try again." },
        { "pixels", "wide.png", "'wide.png' is 50000 × 50000 pixels (2500 MP); the limit is 40 MP." },
        { "truncated", "rocket.jpg", "'rocket.jpg' is incomplete" },
        { "corrupt", "chelsea.png", "'chelsea.png' is damaged" },
        { "tiff", "holiday.jpg", "'holiday.jpg' is a TIFF image, not a JPEG or PNG." },
        { "gif", "cat.jpg", "'cat.jpg' is a GIF image, not a JPEG or PNG." },
    };

    [Theory, MemberData(nameof(BadFiles))]
    public async Task A_bad_upload_shows_a_message_and_keeps_the_image(string kind, string name, string message)
    {
        var page = await app.OpenAsync("?sample=coffee");
        var crop = await page.CropSourceAsync();
        var predictions = await page.PredictionsAsync();
        var montage = await page.MontageKeyAsync();

        await page.UploadAsync(name, BadFile(kind));
        var shown = await page.SnackbarAsync(message);
        output.WriteLine($"{kind}: {shown}");
        await page.Page.Locator("[data-testid=busy]").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Detached, Timeout = 5000 });
        Assert.True(await page.Page.Locator("[data-testid=choose-file]").IsEnabledAsync());

        Assert.Equal(crop, await page.CropSourceAsync());
        Assert.Equal("coffee.png", await page.ImageNameAsync());
        Assert.Equal(predictions, await page.PredictionsAsync());
        Assert.Equal(montage, await page.MontageKeyAsync());
        if (kind == "tiff") await Shot(page, "05-bad-upload");

        // The circuit is alive: the slider still works.
        await page.Page.Locator("[data-testid=layer-next]").ClickAsync();
        await page.WaitForLayerAsync(AlexNetLayers.Get("relu1").Index, true);
    }

    [Fact]
    public async Task A_new_upload_changes_the_image_and_the_predictions()
    {
        var page = await app.OpenAsync("?sample=chelsea");
        var before = await page.PredictionsAsync();
        var crop = await page.CropSourceAsync();
        var montage = await page.MontageKeyAsync();
        Assert.Equal(Support.Oracle.Top5("chelsea"), before);

        await page.UploadAsync("rocket.jpg", File.ReadAllBytes(Path.Combine(samples, "rocket.jpg")));
        await page.Page.Locator("[data-testid=image-name]", new() { HasTextString = "rocket.jpg" }).WaitForAsync(new() { Timeout = 30_000 });
        await page.Page.WaitForFunctionAsync("old => document.querySelector('[data-testid=crop]').getAttribute('src') !== old", crop);
        Assert.Equal(Support.Oracle.Top5("rocket"), await page.PredictionsAsync());
        await page.Page.WaitForURLAsync(url => !url.Contains("sample="));
        await page.Page.WaitForFunctionAsync("old => document.querySelector('[data-testid=montage]').dataset.montageKey !== old", montage);
        await Shot(page, "06-uploaded");
    }

    [Fact]
    public async Task A_photo_dropped_on_the_zone_is_analysed()
    {
        var page = await app.OpenAsync("?sample=chelsea");
        var crop = await page.CropSourceAsync();
        var bytes = File.ReadAllBytes(Path.Combine(samples, "coffee.png"));
        await page.Page.EvaluateAsync(@"bytes => {
            const zone = document.querySelector('[data-testid=upload-zone]');
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
            zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
            zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
        }", bytes.Select(b => (int)b).ToArray());
        await page.Page.Locator("[data-testid=image-name]", new() { HasTextString = "dropped.png" }).WaitForAsync(new() { Timeout = 30_000 });
        Assert.NotEqual(crop, await page.CropSourceAsync());
        Assert.Equal(Support.Oracle.Top5("coffee"), await page.PredictionsAsync());
    }

    [Fact]
    public async Task Colormap_scale_and_theme_switch_in_place()
    {
        var page = await app.OpenAsync("?sample=astronaut");
        var shown = await page.Page.EvaluateAsync<int>("() => window.alexvisMetrics.montagesShown");
        await page.Page.Locator("[data-testid=colormap-grey]").ClickAsync();
        await page.Page.WaitForFunctionAsync("n => window.alexvisMetrics.montagesShown > n", shown);
        await page.Page.Locator("[data-testid=scale-layer]").ClickAsync();
        await page.Page.WaitForFunctionAsync("() => (document.querySelector('[data-testid=montage]').dataset.montageKey || '').endsWith('.1')");
        Assert.Contains("Whole layer:", await page.Page.Locator("[data-testid=legend]").InnerTextAsync());
        var light = await page.Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        var painted = await page.Page.EvaluateAsync<int>("() => window.alexvisMetrics.montagesShown");
        await page.Page.Locator("[data-testid=theme-toggle]").ClickAsync();
        await page.Page.WaitForFunctionAsync("light => getComputedStyle(document.body).backgroundColor !== light", light);
        await page.Page.WaitForFunctionAsync("n => window.alexvisMetrics.montagesShown > n", painted); // redrawn with dark gaps
        await Shot(page, "07-dark-grey");
    }

    [Fact]
    public async Task A_lost_connection_shows_the_reconnect_dialog_and_resumes()
    {
        var page = await app.OpenAsync("?sample=chelsea&layer=pool2");
        await page.WaitForLayerAsync(AlexNetLayers.Get("pool2").Index, true);
        app.Proxy.Cut();
        try
        {
            await page.Page.Locator("#components-reconnect-modal").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Visible, Timeout = 20_000 });
            await Shot(page, "08-reconnecting");
        }
        finally
        {
            app.Proxy.Restore();
        }
        await page.Page.Locator("#components-reconnect-modal").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Hidden, Timeout = 60_000 });
        // The same circuit: the layer and image are as they were, and the page still answers.
        Assert.Equal("features.5 · pool2 · 192×13×13", await page.LayerLabelAsync());
        await page.Page.Locator("[data-testid=layer-next]").ClickAsync();
        await page.WaitForLayerAsync(AlexNetLayers.Get("conv3").Index, true);
        var hover = await page.HoverCellAsync(3, 4, 5);
        Assert.Equal((3, 4, 5), (hover.Channel, hover.Row, hover.Column));
    }

    internal static float PyTorchConv1(int channel, int row, int column)
    {
        using var f = File.OpenRead(Path.Combine(oracle, "conv1-chelsea.f32"));
        var bytes = new byte[4];
        f.Position = ((channel * 55L + row) * 55 + column) * 4;
        f.ReadExactly(bytes);
        return BitConverter.ToSingle(bytes);
    }

    /// <summary>Asserts that a shown number is <paramref name="expected"/> to four significant digits, as the figures round.</summary>
    static void AssertFourDigits(string shown, float expected, string what)
    {
        double unit = Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(expected))) - 3);
        Assert.True(Math.Abs(double.Parse(shown, CultureInfo.InvariantCulture) - expected) <= 0.5 * unit * (1 + 1e-9),
            $"{what}: shown {shown}, PyTorch {expected:R}");
    }

    static byte[] BadFile(string kind)
    {
        switch (kind)
        {
            case "empty": return [];
            case "text": return "These are my notes, not a photo."u8.ToArray();
            case "oversize": return new byte[4 * 1024 * 1024];
            case "pixels": return TestImages.PngClaiming(50_000, 50_000);
            case "truncated":
                var jpeg = File.ReadAllBytes(Path.Combine(samples, "rocket.jpg"));
                return jpeg[..(jpeg.Length / 2)];
            case "corrupt":
                var png = File.ReadAllBytes(Path.Combine(samples, "chelsea.png"));
                png[png.Length / 2] ^= 0x55;
                return png;
            default:
                using (var image = new Image<Rgb24>(80, 60, new Rgb24(10, 120, 200)))
                using (var ms = new MemoryStream())
                {
                    if (kind == "tiff") image.Save(ms, new TiffEncoder());
                    else image.Save(ms, new GifEncoder());
                    return ms.ToArray();
                }
        }
    }
}

[Collection(BrowserCollection.Name)]
public class KernelsBrowserTests(BrowserFixture app)
{
    static readonly string oracle = Support.Oracle.Folder;

    [Fact]
    public async Task Scrolled_into_view_conv1_filters_show_pytorchs_weights_and_open_their_map()
    {
        var page = await app.OpenAsync("?sample=chelsea");
        var kernels = page.Page.Locator("[data-testid=kernels]");
        Assert.Null(await kernels.GetAttributeAsync("data-kernels-key")); // below the fold: not loaded
        await kernels.ScrollIntoViewIfNeededAsync();
        await page.Page.WaitForFunctionAsync("() => !!document.querySelector('[data-testid=kernels]').dataset.kernelsKey");

        // Filter 21 sits in row 2, column 5 of the 8 × 8 grid of 11 × 11 tiles (1-cell gaps). Zoom on it, hover row 4, column 6.
        const int filter = 21, row = 4, column = 6;
        await page.Page.EvaluateAsync(@"async () => {
            const el = document.querySelector('[data-testid=kernels]');
            await window.Plotly.relayout(el, { 'xaxis.range': [5 * 12 - 0.5, 5 * 12 + 10.5], 'yaxis.range': [2 * 12 + 10.5, 2 * 12 - 0.5] });
        }");
        var point = await page.Page.EvaluateAsync<float[]>(@"([x, y]) => {
            const el = document.querySelector('[data-testid=kernels]');
            const drag = el.querySelector('.nsewdrag').getBoundingClientRect();
            return [drag.left + el._fullLayout.xaxis.c2p(x), drag.top + el._fullLayout.yaxis.c2p(y)];
        }", new[] { 5 * 12 + column, 2 * 12 + row });
        await page.Page.Mouse.MoveAsync(point[0], point[1]);
        await page.Page.WaitForFunctionAsync("() => (document.querySelector('[data-testid=kernels]').parentElement.querySelector('.av-tooltip')?.dataset.value || '').includes(',')");
        var shown = await page.Page.EvaluateAsync<string>("() => document.querySelector('[data-testid=kernels]').parentElement.querySelector('.av-tooltip').dataset.value");
        var expected = Enumerable.Range(0, 3).Select(c => Weight(filter, c, row, column)).ToArray();
        Assert.Equal(expected, shown.Split(',').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray());

        await page.Page.Mouse.ClickAsync(point[0], point[1]);
        await page.Page.Locator("[data-testid=channel-title]", new() { HasTextString = $"conv1 · channel {filter} " }).WaitForAsync();
    }

    [Fact]
    public async Task Conv1_filters_in_grey_show_each_channels_weight()
    {
        var page = await app.OpenAsync("?sample=chelsea");
        var kernels = page.Page.Locator("[data-testid=kernels]");
        await kernels.ScrollIntoViewIfNeededAsync();
        await page.Page.Locator("[data-testid=kernels-channels]").ClickAsync();
        await page.Page.WaitForFunctionAsync("() => (document.querySelector('[data-testid=kernels]').dataset.kernelsKey || '').endsWith('.grey')");
        await kernels.ScrollIntoViewIfNeededAsync(); // the grey figure is larger than the colour one

        // Filter 9, its blue channel (input 2), row 3, column 8: placed by the layouts the page itself uses.
        const int filter = 9, channel = 2, row = 3, column = 8;
        var point = await page.Page.EvaluateAsync<float[]>(@"async ([f, c, r, k]) => {
            const el = document.querySelector('[data-testid=kernels]');
            const { filters, slices } = JSON.parse(el.dataset.layout);
            const bx = (f % filters.columns) * (filters.tileWidth + filters.gap), by = Math.floor(f / filters.columns) * (filters.tileHeight + filters.gap);
            const x = bx + (c % slices.columns) * (slices.tileWidth + slices.gap) + k;
            const y = by + Math.floor(c / slices.columns) * (slices.tileHeight + slices.gap) + r;
            await window.Plotly.relayout(el, { 'xaxis.range': [bx - 0.5, bx + filters.tileWidth - 0.5], 'yaxis.range': [by + filters.tileHeight - 0.5, by - 0.5] });
            const drag = el.querySelector('.nsewdrag').getBoundingClientRect();
            return [drag.left + el._fullLayout.xaxis.c2p(x), drag.top + el._fullLayout.yaxis.c2p(y)];
        }", new[] { filter, channel, row, column });
        await page.Page.Mouse.MoveAsync(point[0], point[1]);
        await page.Page.WaitForFunctionAsync("() => !!document.querySelector('[data-testid=kernels]').parentElement.querySelector('.av-tooltip')?.dataset.value");
        var tip = page.Page.Locator("[data-testid=kernels] ~ .av-tooltip");
        Assert.Equal(Weight(filter, channel, row, column), float.Parse((await tip.GetAttributeAsync("data-value"))!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"filter {filter} · row {row} · col {column} · input {channel}", await tip.InnerTextAsync());
    }

    static float Weight(int filter, int channel, int row, int column)
    {
        using var f = File.OpenRead(Path.Combine(oracle, "conv1-weight.f32"));
        var bytes = new byte[4];
        f.Position = (((filter * 3L + channel) * 11 + row) * 11 + column) * 4;
        f.ReadExactly(bytes);
        return BitConverter.ToSingle(bytes);
    }
}

using System.Globalization;
using System.Text.Json;
using AlexVis.Harness;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>Receptive fields, the worked conv1 sum and switching filters off, in Debian's Chromium against the real server.</summary>
[Collection(BrowserCollection.Name)]
public class TeachingBrowserTests(BrowserFixture app, ITestOutputHelper output)
{
    static readonly string oracle = Support.Oracle.Folder;

    async Task Shot(ExplorePage page, string name) => output.WriteLine("screenshot: " + await BrowserFixture.ShotAsync(page, name));

    [Theory]
    [InlineData(7, 6, 4)]
    [InlineData(100, 0, 0)]
    [InlineData(383, 12, 11)]
    public async Task Hovering_a_conv3_cell_outlines_the_exact_pixels_it_sees_on_the_crop(int channel, int row, int column)
    {
        var conv3 = AlexNetLayers.Get("conv3");
        var expected = ReceptiveField.Of(conv3, row, column);
        var page = await app.OpenAsync("?sample=chelsea&layer=conv3");
        await page.ZoomToTileAsync(channel);
        var (x, y) = await page.CellPointAsync(channel, row, column);
        await page.Page.Mouse.MoveAsync(x, y);
        var outline = await page.ReceptiveFieldAsync(expected.Top);
        Assert.Equal((expected.Top, expected.Left, expected.Bottom, expected.Right), (outline.Top, outline.Left, outline.Bottom, outline.Right));
        // Drawn one CSS pixel per crop pixel: the box covers exactly those rows and columns.
        double[] box = [expected.Left, expected.Top, expected.Width, expected.Height];
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(outline.Drawn[i] - box[i]) <= 0.5, $"drawn {string.Join(", ", outline.Drawn)} vs {string.Join(", ", box)}");
        Assert.Contains($"rows {expected.Top}–{expected.Bottom}, columns {expected.Left}–{expected.Right}", await page.Page.Locator("[data-testid=region-text]").InnerTextAsync());
        output.WriteLine($"conv3 ({row}, {column}): {outline}");
        if (channel == 7) await Shot(page, "30-receptive-field-conv3");
    }

    [Fact]
    public async Task The_worked_conv1_sum_equals_the_activation_shown_and_pytorchs()
    {
        var page = await app.OpenAsync("?sample=chelsea&layer=conv1&channel=12");
        await page.Page.WaitForFunctionAsync("() => (document.querySelector('[data-testid=channel-heatmap]')?.dataset.channelKey || '').endsWith('|0|12')");
        foreach (var (row, column) in new[] { (30, 17), (0, 0), (54, 40) })
        {
            var (x, y) = await page.ChannelCellPointAsync(row, column);
            await page.Page.Mouse.MoveAsync(x, y);
            await page.Page.WaitForFunctionAsync("cell => (document.querySelector('[data-testid=sum-text]')?.textContent || '').startsWith(cell)", $"cell ({row}, {column})");
            var sum = page.Page.Locator("[data-testid=sum-text]");
            float value = float.Parse((await sum.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
            float pytorch = ExploreBrowserTests.PyTorchConv1(12, row, column);
            Assert.True(Math.Abs(value - pytorch) <= 1e-5, $"({row}, {column}): the sum gives {value:R}, PyTorch {pytorch:R}");
            // The number at the end of the sum is the very number plotly's hover shows for the cell.
            var text = await sum.InnerTextAsync();
            var hover = await page.Page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.hoverlayer .hovertext tspan.line')].map(t => t.textContent)");
            Assert.Equal($"row {row} · col {column}", hover[0]);
            Assert.EndsWith("= " + hover[^1], text);
            Assert.Contains("Σ of 363 products", text);
            Assert.True(await page.Page.Locator("[data-testid=sum-patch]").IsVisibleAsync());
            var outline = await page.ReceptiveFieldAsync(Math.Max(0, row * 4 - 2));
            Assert.Equal(ReceptiveField.Of(AlexNetLayers.Get("conv1"), row, column), new PixelRegion(outline.Top, outline.Left, outline.Bottom, outline.Right));
            output.WriteLine($"conv1 12 ({row}, {column}): {text} | PyTorch {pytorch:R}");
            if (row == 30) await Shot(page, "31-conv1-sum");
        }
    }

    [Fact]
    public async Task Hovering_the_crop_marks_the_cells_of_the_open_channel_that_see_that_pixel()
    {
        var page = await app.OpenAsync("?sample=chelsea&layer=pool2&channel=3");
        await page.Page.WaitForFunctionAsync("() => !!document.querySelector('[data-testid=channel-heatmap]')?.dataset.channelKey");
        var crop = await page.Page.Locator("[data-testid=crop]").BoundingBoxAsync();
        foreach (var (py, px) in new[] { (100, 50), (5, 220) })
        {
            await page.Page.Mouse.MoveAsync(crop!.X + px + 0.5f, crop.Y + py + 0.5f);
            var expected = ReceptiveField.Seeing(AlexNetLayers.Get("pool2"), py, px);
            var want = $"{expected.Left},{expected.Top},{expected.Right},{expected.Bottom}";
            await page.Page.WaitForFunctionAsync(@"want => {
                const r = JSON.parse(document.querySelector('[data-testid=channel-heatmap]').dataset.overlays || '[]')[0];
                return r && `${r.x0},${r.y0},${r.x1},${r.y1}` === want;
            }", want, new() { Timeout = 10_000 });
            output.WriteLine($"pixel ({py}, {px}) is seen by pool2 cells {expected}");
        }
        await Shot(page, "32-cells-seeing-a-pixel");
    }

    [Fact]
    public async Task Switching_conv3_filters_off_gives_pytorchs_ablated_top5_and_restore_all_brings_it_back()
    {
        var reference = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(oracle, "chelsea", "ablation.json"))).RootElement.GetProperty("cases")
            .EnumerateArray().Single(c => c.GetProperty("ablate").TryGetProperty("conv3", out var ch) && ch.GetArrayLength() == 3 && c.GetProperty("ablate").EnumerateObject().Count() == 1);
        var ablatedTop5 = reference.GetProperty("top5").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var normalTop5 = Support.Oracle.Top5("chelsea");
        Assert.NotEqual(normalTop5, ablatedTop5); // the case is worth testing: switching these three off changes the ranking

        var page = await app.OpenAsync("?sample=chelsea&layer=conv3&channel=200");
        Assert.Equal(normalTop5, await page.PredictionsAsync());
        // The open channel's toggle, then two Shift-clicks on montage tiles.
        await page.Page.Locator("[data-testid=switch-off]").ClickAsync();
        await page.Page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=off-chip]').length === 1");
        foreach (var tile in new[] { 5, 17 })
        {
            var (x, y) = await page.CellPointAsync(tile, 6, 6);
            await page.Page.Keyboard.DownAsync("Shift");
            await page.Page.Mouse.ClickAsync(x, y);
            await page.Page.Keyboard.UpAsync("Shift");
        }
        await page.Page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=off-chip]').length === 3");
        await page.Page.WaitForFunctionAsync("want => [...document.querySelectorAll('[data-testid=prediction]')].map(e => e.dataset.class).join(',') === want",
            string.Join(',', ablatedTop5), new() { Timeout = 30_000 });
        Assert.Equal(5, await page.Page.Locator("[data-testid=prediction-change]").CountAsync());
        Assert.Equal("true", await page.Page.Locator("[data-testid=switch-off]").GetAttributeAsync("aria-pressed"));
        // The montage greys the three switched-off maps; the open channel's map is all zero now.
        await page.Page.WaitForFunctionAsync("() => JSON.parse(document.querySelector('[data-testid=montage]').dataset.overlays || '[]').filter(r => r.kind === 'off').length === 3");
        // ... in the figure plotly draws, not only in the page's record of it.
        await page.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=montage]').layout?.shapes?.length === 3");
        await page.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=channel-stats]').textContent.includes('zeros 100.0 %')");
        // The kernels panel greys the switched-off filter on its page (conv3's 200 on the page of 192–207).
        await page.Page.Locator("[data-testid=kernels]").ScrollIntoViewIfNeededAsync();
        await page.Page.WaitForFunctionAsync("() => JSON.parse(document.querySelector('[data-testid=kernels]').dataset.overlays || '[]').filter(r => r.kind === 'off').length === 1",
            null, new() { Timeout = 10_000 });
        await Shot(page, "33-switched-off");

        await page.Page.Locator("[data-testid=restore-all]").ClickAsync();
        await page.Page.WaitForFunctionAsync("want => [...document.querySelectorAll('[data-testid=prediction]')].map(e => e.dataset.class).join(',') === want",
            string.Join(',', normalTop5), new() { Timeout = 10_000 });
        Assert.Equal(0, await page.Page.Locator("[data-testid=off-chip]").CountAsync());
        Assert.Equal(0, await page.Page.Locator("[data-testid=prediction-change]").CountAsync());
        await page.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=montage]').layout?.shapes?.length === 0");
    }

    [Fact]
    public async Task The_montage_and_the_channel_heatmap_say_in_words_what_they_show_with_pytorchs_largest_cell()
    {
        // PyTorch's conv1 on the cat, in full: the layer's largest cell, and channel 12's.
        var conv1 = Enumerable.Range(0, 64 * 55 * 55).Select(i => (i, v: ExploreBrowserTests.PyTorchConv1(i / 3025, i % 3025 / 55, i % 55))).ToArray();
        var layerMax = conv1.MaxBy(p => p.v);
        var channelMax = conv1.Where(p => p.i / 3025 == 12).MaxBy(p => p.v);
        var page = await app.OpenAsync("?sample=chelsea&layer=conv1&channel=12");
        await page.Page.WaitForFunctionAsync("() => (document.querySelector('[data-testid=channel-heatmap]')?.getAttribute('aria-label') || '').startsWith('conv1 channel 12')");
        var montage = (await page.Page.Locator("[data-testid=montage]").GetAttributeAsync("aria-label"))!;
        var channel = (await page.Page.Locator("[data-testid=channel-heatmap]").GetAttributeAsync("aria-label"))!;
        output.WriteLine(montage);
        output.WriteLine(channel);
        Assert.Equal("figure", await page.Page.Locator("[data-testid=montage]").GetAttributeAsync("role")); // plotly's controls are inside: no img
        Assert.StartsWith("conv1: 64 maps of 55 × 55; largest ", montage);
        Assert.Contains($"in channel {layerMax.i / 3025} at row {layerMax.i % 3025 / 55}, column {layerMax.i % 55}", montage);
        Assert.StartsWith("conv1 channel 12: 55 × 55 map from ", channel);
        Assert.EndsWith($"largest at row {channelMax.i % 3025 / 55}, column {channelMax.i % 55}.", channel);
        // Its range is the statistics line's, in the same number format.
        var stats = await page.Page.Locator("[data-testid=channel-stats]").InnerTextAsync();
        var max = System.Text.RegularExpressions.Regex.Match(stats, @"max\s+(\S+)").Groups[1].Value;
        Assert.Contains($" to {max}, largest", channel);
    }
}

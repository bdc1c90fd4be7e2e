using System.Globalization;
using AlexVis.Harness;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>The explorer without a mouse, in Debian's Chromium: Tab reaches each control, keys do what clicks do.</summary>
[Collection(BrowserCollection.Name)]
public class KeyboardBrowserTests(BrowserFixture app, ITestOutputHelper output)
{
    static Task<string?> FocusedTestIdAsync(ExplorePage page) =>
        page.Page.EvaluateAsync<string?>("() => document.activeElement?.closest('[data-testid]')?.dataset.testid ?? null");

    /// <summary>Presses Tab until the element with <paramref name="testId"/> has focus; fails after <paramref name="most"/> presses.</summary>
    static async Task<int> TabToAsync(ExplorePage page, string testId, int most = 60)
    {
        for (int presses = 1; presses <= most; presses++)
        {
            await page.Page.Keyboard.PressAsync("Tab");
            if (await FocusedTestIdAsync(page) == testId) return presses;
        }
        throw new Xunit.Sdk.XunitException($"{testId} was not reached in {most} presses of Tab");
    }

    [Fact]
    public async Task The_montage_is_walked_with_the_arrow_keys_each_cell_said_with_pytorchs_value_and_Enter_opens_its_map()
    {
        var page = await app.OpenAsync("?sample=chelsea&layer=conv1");
        await page.FocusSliderAsync();
        int presses = await TabToAsync(page, "montage");
        output.WriteLine($"the montage is {presses} presses of Tab after the layer slider");
        // Focused, it rings its first cell and says it; the focus itself is visible.
        var announce = page.Page.Locator("[data-testid=montage-announce]");
        await page.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=montage-announce]').dataset.cell === '0,0,0'");
        Assert.NotEqual("none", await page.Page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));

        foreach (var key in new[] { "ArrowRight", "ArrowRight", "ArrowRight", "ArrowDown", "ArrowDown", "ArrowLeft", "PageDown", "PageDown" })
            await page.Page.Keyboard.PressAsync(key);
        await page.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=montage-announce]').dataset.cell === '2,2,2'");
        float said = float.Parse((await announce.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
        Assert.Equal(ExploreBrowserTests.PyTorchConv1(2, 2, 2), said);
        var text = await announce.InnerTextAsync();
        Assert.StartsWith("channel 2 · row 2 · col 2: ", text);
        output.WriteLine($"said: {text}; PyTorch {said:R}");
        // The ringed cell is on the montage where its tile and cell are, and the crop outlines what it sees, as for the mouse.
        var layout = await page.Page.EvaluateAsync<int[]>("() => { const l = JSON.parse(document.querySelector('[data-testid=montage]').dataset.layout); return [l.columns, l.tileWidth, l.tileHeight, l.gap]; }");
        int x = 2 % layout[0] * (layout[1] + layout[3]) + 2, y = 2 / layout[0] * (layout[2] + layout[3]) + 2;
        Assert.Equal($"{x},{y}", await page.Page.Locator("[data-testid=montage]").GetAttributeAsync("data-focused"));
        var region = ReceptiveField.Of(AlexNetLayers.Get("conv1"), 2, 2);
        // The cursor's report is throttled like the mouse's: the outline of a cell passed on the way may show first.
        await page.Page.WaitForFunctionAsync("l => document.querySelector('[data-testid=receptive-field]')?.dataset.left === String(l)", region.Left);
        var outline = await page.ReceptiveFieldAsync(region.Top);
        Assert.Equal((region.Top, region.Left, region.Bottom, region.Right), (outline.Top, outline.Left, outline.Bottom, outline.Right));

        await page.Page.Keyboard.PressAsync("Enter");
        await page.Page.Locator("[data-testid=channel-title]", new() { HasTextString = "conv1 · channel 2 " }).WaitForAsync();
        await BrowserFixture.ShotAsync(page, "45-keyboard-montage");
    }

    [Fact]
    public async Task Tab_reaches_every_control_and_each_shows_its_focus()
    {
        var page = await app.OpenAsync("?sample=chelsea&layer=conv1&channel=3");
        await page.Page.Locator("[data-testid=channel-stats] b").First.WaitForAsync(new() { Timeout = 30_000 });
        var seen = new List<string>();
        var unseen = new List<string>();
        for (int press = 0; press < 400; press++)
        {
            await page.Page.Keyboard.PressAsync("Tab");
            // What has focus, and whether anything shows it: an outline, a box shadow, or MudBlazor's own focus overlay.
            var focus = await page.Page.EvaluateAsync<string[]>(@"() => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                const s = getComputedStyle(el);
                // An out-of-sight input shows its focus on the label that follows it.
                const shown = el.matches('.av-file-input') ? getComputedStyle(el.nextElementSibling) : s;
                const outline = shown.outlineStyle !== 'none' && parseFloat(shown.outlineWidth) > 0;
                const shadow = s.boxShadow && s.boxShadow !== 'none';
                const overlay = el.matches('.mud-button-root, .mud-icon-button, .mud-chip') && el.matches(':focus-visible');
                const name = (el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.textContent || el.tagName).trim().slice(0, 40);
                return [el.tagName + ':' + name, outline || shadow || overlay ? 'yes' : 'no'];
            }");
            if (focus is null) continue;
            if (seen.Count > 0 && focus[0] == seen[0]) break; // round the page once
            seen.Add(focus[0]);
            if (focus[1] == "no") unseen.Add(focus[0]);
        }
        output.WriteLine($"{seen.Count} stops:\n{string.Join("\n", seen.Select(s => s.ReplaceLineEndings(" ")))}");
        foreach (var stop in new[] { "language-switch", "theme-toggle", "room-start", "INPUT:upload", "layer-slider", "montage", "switch-off", "why-gradcam", "compare-open", "occlusion-photo" })
            Assert.Contains(seen, s => s.Contains(stop));
        Assert.True(unseen.Count == 0, "no visible focus on: " + string.Join(" | ", unseen));
    }

    [Fact]
    public async Task The_slider_the_channel_steps_and_the_kernel_pages_work_from_the_keyboard()
    {
        var page = await app.OpenAsync("?sample=chelsea&layer=conv2&channel=5");
        await page.FocusSliderAsync();
        await page.Page.Keyboard.PressAsync("ArrowRight");
        var relu2 = AlexNetLayers.Get("relu2");
        await page.WaitForLayerAsync(relu2.Index, relu2.IsSpatial);
        // The slider says the layer, not its position in the list.
        Assert.Equal(relu2.Label, await page.Page.Locator("input[data-testid=layer-slider]").GetAttributeAsync("aria-valuetext"));
        await page.Page.Keyboard.PressAsync("ArrowLeft");
        var conv2 = AlexNetLayers.Get("conv2");
        await page.WaitForLayerAsync(conv2.Index, conv2.IsSpatial);

        // The channel panel's "next channel" button, reached with Tab and pressed with Enter.
        await page.Page.Locator("[data-testid=channel-title]", new() { HasTextString = "conv2 · channel 5 " }).WaitForAsync();
        var next = page.Page.Locator("button[aria-label='Next channel']");
        await next.FocusAsync();
        Assert.True(await next.EvaluateAsync<bool>("b => b === document.activeElement"));
        await page.Page.Keyboard.PressAsync("Enter");
        await page.Page.Locator("[data-testid=channel-title]", new() { HasTextString = "conv2 · channel 6 " }).WaitForAsync();

        // The kernels' next page, by Tab from the pagination's first button and Enter.
        var kernels = page.Page.Locator("[data-testid=kernels]");
        await kernels.ScrollIntoViewIfNeededAsync();
        await page.Page.WaitForFunctionAsync("() => !!document.querySelector('[data-testid=kernels]')?.dataset.kernelsKey", null, new() { Timeout = 30_000 });
        var before = await kernels.GetAttributeAsync("data-kernels-key");
        var nextPage = page.Page.Locator("[data-testid=kernel-pages] button[aria-label='Next page']");
        await nextPage.FocusAsync();
        await page.Page.Keyboard.PressAsync("Enter");
        await page.Page.WaitForFunctionAsync("k => document.querySelector('[data-testid=kernels]').dataset.kernelsKey !== k", before, new() { Timeout = 30_000 });
    }
}

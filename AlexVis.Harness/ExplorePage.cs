using System.Text.Json;
using Microsoft.Playwright;

namespace AlexVis.Harness;

/// <summary>The explorer page as a user drives it: slider, hover, clicks, uploads; waits on what the page shows.</summary>
public sealed class ExplorePage(IPage page)
{
    /// <summary>The Playwright page.</summary>
    public IPage Page { get; } = page;

    /// <summary>Opens the explorer and waits for the first montage.</summary>
    public async Task OpenAsync(Uri url, string query = "")
    {
        await Page.GotoAsync(new Uri(url, query).ToString());
        await Page.WaitForFunctionAsync("() => !!document.querySelector('[data-testid=montage]')?.dataset.montageKey || !!document.querySelector('[data-testid=units]')?.dataset.unitsKey",
            null, new() { Timeout = 60_000 });
    }

    /// <summary>The slider's heading, e.g. "features.0 · conv1 · 64×55×55".</summary>
    public Task<string> LayerLabelAsync() => Page.Locator("[data-testid=layer-label]").InnerTextAsync();

    /// <summary>Puts keyboard focus on the layer slider.</summary>
    public Task FocusSliderAsync() => Page.Locator("input[data-testid=layer-slider]").FocusAsync();

    /// <summary>Waits until the montage of layer <paramref name="index"/> is on screen (or the unit bars, for fully connected layers).</summary>
    public Task WaitForLayerAsync(int index, bool spatial, int timeout = 30_000) => spatial
        ? Page.WaitForFunctionAsync("i => (document.querySelector('[data-testid=montage]')?.dataset.montageKey || '').split('.')[1] === String(i)", index, new() { Timeout = timeout })
        : Page.WaitForFunctionAsync("i => (document.querySelector('[data-testid=units]')?.dataset.unitsKey || '').split('|')[1] === String(i)", index, new() { Timeout = timeout });

    /// <summary>The montage's current payload key (content.layer.scale).</summary>
    public Task<string?> MontageKeyAsync() => Page.EvaluateAsync<string?>("() => document.querySelector('[data-testid=montage]')?.dataset.montageKey ?? null");

    /// <summary>Client coordinates of a montage cell's centre, through plotly's own axis mapping.</summary>
    public Task<(float X, float Y)> CellPointAsync(int channel, int row, int column) =>
        PointAsync("[data-testid=montage]", @"([c, r, k]) => {
            const el = document.querySelector('[data-testid=montage]');
            const layout = JSON.parse(el.dataset.layout);
            const fl = el._fullLayout;
            const drag = el.querySelector('.nsewdrag').getBoundingClientRect();
            const x = (c % layout.columns) * (layout.tileWidth + layout.gap) + k;
            const y = Math.floor(c / layout.columns) * (layout.tileHeight + layout.gap) + r;
            return JSON.stringify({ x: drag.left + fl.xaxis.c2p(x), y: drag.top + fl.yaxis.c2p(y) });
        }", new[] { channel, row, column });

    /// <summary>Client coordinates of a cell's centre in the open channel's heatmap, through plotly's own axis mapping.</summary>
    public Task<(float X, float Y)> ChannelCellPointAsync(int row, int column) =>
        PointAsync("[data-testid=channel-heatmap]", @"([r, k]) => {
            const el = document.querySelector('[data-testid=channel-heatmap]');
            const fl = el._fullLayout;
            const drag = el.querySelector('.nsewdrag').getBoundingClientRect();
            return JSON.stringify({ x: drag.left + fl.xaxis.c2p(k), y: drag.top + fl.yaxis.c2p(r) });
        }", new[] { row, column });

    /// <summary>
    /// Client coordinates of a unit (fc8: a class) in a fully connected layer's plot, halfway up its plot area, through
    /// plotly's own axis mapping; a unit is under a pixel wide, so the mouse lands within a unit or two of it.
    /// </summary>
    public Task<(float X, float Y)> UnitPointAsync(int unit) =>
        PointAsync("[data-testid=units]", @"k => {
            const el = document.querySelector('[data-testid=units]');
            const fl = el._fullLayout;
            const drag = el.querySelector('.nsewdrag').getBoundingClientRect();
            return JSON.stringify({ x: drag.left + fl.xaxis.c2p(k), y: drag.top + drag.height / 2 });
        }", unit);

    // Scrolls the figure into view and runs a script that returns a point as JSON { x, y }.
    async Task<(float X, float Y)> PointAsync(string figure, string script, object argument)
    {
        await Page.Locator(figure).ScrollIntoViewIfNeededAsync();
        var p = JsonDocument.Parse(await Page.EvaluateAsync<string>(script, argument)).RootElement;
        return ((float)p.GetProperty("x").GetDouble(), (float)p.GetProperty("y").GetDouble());
    }

    /// <summary>The outline of the hovered cell's receptive field on the crop, as its data says and as it is drawn.</summary>
    /// <param name="Top">First row, from the outline's data.</param>
    /// <param name="Left">First column.</param>
    /// <param name="Bottom">Last row.</param>
    /// <param name="Right">Last column.</param>
    /// <param name="Drawn">The outline's box relative to the crop image, in CSS pixels: x, y, width, height.</param>
    public sealed record Outline(int Top, int Left, int Bottom, int Right, double[] Drawn);

    /// <summary>Waits for the crop's outline to show rows <paramref name="top"/>… (any when null) and reads it.</summary>
    public async Task<Outline> ReceptiveFieldAsync(int? top = null, int timeout = 10_000)
    {
        await Page.WaitForFunctionAsync(@"t => { const o = document.querySelector('[data-testid=receptive-field]'); return o && (t === null || o.dataset.top === String(t)); }",
            top, new() { Timeout = timeout });
        var json = await Page.EvaluateAsync<string>(@"() => {
            const o = document.querySelector('[data-testid=receptive-field]');
            const crop = document.querySelector('[data-testid=crop]').getBoundingClientRect();
            const b = o.getBoundingClientRect();
            return JSON.stringify({ t: +o.dataset.top, l: +o.dataset.left, b: +o.dataset.bottom, r: +o.dataset.right,
                drawn: [b.left - crop.left, b.top - crop.top, b.width, b.height] });
        }");
        var e = JsonDocument.Parse(json).RootElement;
        return new Outline(e.GetProperty("t").GetInt32(), e.GetProperty("l").GetInt32(), e.GetProperty("b").GetInt32(), e.GetProperty("r").GetInt32(),
            e.GetProperty("drawn").EnumerateArray().Select(v => v.GetDouble()).ToArray());
    }

    /// <summary>What the tooltip shows once the value under the mouse has arrived.</summary>
    public sealed record Hover(int Channel, int Row, int Column, string Shown, string Exact);

    /// <summary>Zooms the montage onto one channel's tile (as a teacher does with a drag) so single cells can be pointed at.</summary>
    public async Task ZoomToTileAsync(int channel)
    {
        await Page.EvaluateAsync(@"async c => {
            const el = document.querySelector('[data-testid=montage]');
            const layout = JSON.parse(el.dataset.layout);
            const x0 = (c % layout.columns) * (layout.tileWidth + layout.gap), y0 = Math.floor(c / layout.columns) * (layout.tileHeight + layout.gap);
            await window.Plotly.relayout(el, { 'xaxis.range': [x0 - 0.5, x0 + layout.tileWidth - 0.5], 'yaxis.range': [y0 + layout.tileHeight - 0.5, y0 - 0.5] });
        }", channel);
    }

    /// <summary>Zooms onto the channel's tile, moves the mouse over a cell's centre and waits for its exact value.</summary>
    public async Task<Hover> HoverCellAsync(int channel, int row, int column, int timeout = 10_000)
    {
        await ZoomToTileAsync(channel);
        var (x, y) = await CellPointAsync(channel, row, column);
        await Page.Mouse.MoveAsync(x, y);
        return await ReadTooltipAsync($"{channel}|{row}|{column}", timeout);
    }

    /// <summary>Waits for the tooltip to show a value for the given "channel|row|column" and reads it.</summary>
    public async Task<Hover> ReadTooltipAsync(string cell, int timeout = 10_000)
    {
        try
        {
            await Page.WaitForFunctionAsync(@"cell => {
                const t = document.querySelector('.av-tooltip');
                return t && t.style.display !== 'none' && t.dataset.value && `${t.dataset.channel}|${t.dataset.row}|${t.dataset.column}` === cell;
            }", cell, new() { Timeout = timeout, PollingInterval = 1 });
        }
        catch (TimeoutException e)
        {
            var state = await Page.EvaluateAsync<string>("() => (document.querySelector('.av-tooltip')?.outerHTML ?? 'no tooltip') + ' scroll ' + window.scrollY");
            throw new TimeoutException($"No value for cell {cell} within {timeout} ms; tooltip: {state}", e);
        }
        var json = await Page.EvaluateAsync<string>(@"() => {
            const t = document.querySelector('.av-tooltip');
            return JSON.stringify({ c: +t.dataset.channel, r: +t.dataset.row, k: +t.dataset.column,
                shown: t.querySelector('.av-tooltip-value').textContent, exact: t.dataset.value });
        }");
        var h = JsonDocument.Parse(json).RootElement;
        return new Hover(h.GetProperty("c").GetInt32(), h.GetProperty("r").GetInt32(), h.GetProperty("k").GetInt32(),
            h.GetProperty("shown").GetString()!, h.GetProperty("exact").GetString()!);
    }

    /// <summary>Chooses a file in the upload input, as the file picker or a drop would.</summary>
    public Task UploadAsync(string name, byte[] content, string mimeType = "image/jpeg") =>
        Page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = name, MimeType = mimeType, Buffer = content });

    /// <summary>Waits for a snackbar whose text contains <paramref name="text"/> and returns its full text.</summary>
    public async Task<string> SnackbarAsync(string text, int timeout = 20_000)
    {
        var bar = Page.Locator(".mud-snackbar", new() { HasTextString = text }).Last;
        await bar.WaitForAsync(new() { Timeout = timeout });
        return await bar.InnerTextAsync();
    }

    /// <summary>Closes every snackbar on screen.</summary>
    public async Task DismissSnackbarsAsync()
    {
        foreach (var close in await Page.Locator(".mud-snackbar .mud-snackbar-content-action button, .mud-snackbar button").AllAsync())
            try { await close.ClickAsync(new() { Timeout = 1000 }); } catch (PlaywrightException) { }
        await Page.WaitForFunctionAsync("() => document.querySelectorAll('.mud-snackbar').length === 0", null, new() { Timeout = 10_000 });
    }

    /// <summary>The crop image's address (changes with every new image).</summary>
    public Task<string?> CropSourceAsync() => Page.Locator("[data-testid=crop]").GetAttributeAsync("src");

    /// <summary>The name of the image shown.</summary>
    public Task<string> ImageNameAsync() => Page.Locator("[data-testid=image-name]").InnerTextAsync();

    /// <summary>The top-5 class indices, best first.</summary>
    public async Task<int[]> PredictionsAsync()
    {
        var items = Page.Locator("[data-testid=prediction]");
        var classes = new List<int>();
        foreach (var item in await items.AllAsync())
            classes.Add(int.Parse((await item.GetAttributeAsync("data-class"))!));
        return classes.ToArray();
    }
}

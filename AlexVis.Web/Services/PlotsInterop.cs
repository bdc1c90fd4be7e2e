using Microsoft.Extensions.Localization;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.State;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace AlexVis.Web.Services;

/// <summary>
/// A page's link to its plots (one per circuit): loads each panel's own module (<c>Panel.razor.js</c>) over the shared
/// <c>js/plots.js</c>, which it first gives the colour tables and a bridge for exact values; sends binary payloads
/// as byte arrays (Blazor ships them as binary, not JSON) and remembers which figures this page already holds, so a
/// revisited layer costs nothing.
/// </summary>
public sealed class PlotsInterop(IJSRuntime js, IServiceProvider services, Figures figures, IStringLocalizer<PlotsInterop> words) : IAsyncDisposable
{
    /// <summary>A show whose reply does not come back within this time is given up (and retried by the panel).</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(8);

    /// <summary>The shared module's path.</summary>
    public const string SharedModule = "./js/plots.js";

    readonly HashSet<string> sent = [];
    readonly Dictionary<string, Task<IJSObjectReference>> modules = [];
    readonly List<IDisposable> references = [];
    Task<IJSObjectReference>? shared;
    (Colormap, bool) appearance = (Colormap.Viridis, false);

    /// <summary>The module beside a panel's markup (<c>Components/…/Panel.razor.js</c>), once the shared one is ready.</summary>
    public static string ModulePath(Type panel) =>
        "./" + panel.Namespace!.Replace("AlexVis.Web.", "").Replace('.', '/') + "/" + panel.Name + ".razor.js";

    /// <summary>A panel's own module.</summary>
    public Task<IJSObjectReference> ModuleAsync(Type panel)
    {
        var path = ModulePath(panel);
        if (!modules.TryGetValue(path, out var module))
            modules[path] = module = Load(path);
        return module;

        async Task<IJSObjectReference> Load(string p)
        {
            await Shared();
            return await js.InvokeAsync<IJSObjectReference>("import", p);
        }
    }

    Task<IJSObjectReference> Shared()
    {
        return shared ??= Load();

        async Task<IJSObjectReference> Load()
        {
            var m = await js.InvokeAsync<IJSObjectReference>("import", SharedModule);
            await m.InvokeVoidAsync("init", Keep(DotNetObjectReference.Create(new ValuesBridge(services, figures))), new
            {
                viridis = Colormaps.Lut(Colormap.Viridis).ToArray().Select(b => (int)b),
                grey = Colormaps.Lut(Colormap.Grey).ToArray().Select(b => (int)b),
                diverging = Colormaps.Lut(Colormap.Diverging).ToArray().Select(b => (int)b),
            }, // The most specific culture's word first (zh-CN, then the English fallback).
                words.GetAllStrings(includeParentCultures: true).DistinctBy(w => w.Name).ToDictionary(w => w.Name, w => w.Value));
            return m;
        }
    }

    /// <summary>Keeps a .NET reference handed to the page until the page goes.</summary>
    public T Keep<T>(T reference) where T : IDisposable
    {
        references.Add(reference);
        return reference;
    }

    /// <summary>
    /// Calls a panel module's show function whose payload carries <paramref name="bytes"/> only when this page has not
    /// had them; when the browser has dropped them from its cache it answers "need-bytes" and gets them again.
    /// </summary>
    /// <param name="module">The panel's module.</param>
    /// <param name="key">The figure's key.</param>
    /// <param name="bytes">The figure's bytes.</param>
    /// <param name="call">Calls the show function with the payload's bytes (null: the page has them).</param>
    public async Task SendOnceAsync(IJSObjectReference module, string key, byte[] bytes, Func<IJSObjectReference, byte[]?, ValueTask<string>> call)
    {
        if (await WithBytes(() => call(module, sent.Contains(key) ? null : bytes)) == "need-bytes")
            await WithBytes(() => call(module, bytes));
        sent.Add(key);
    }

    /// <summary>
    /// A call that sends byte arrays. ASP.NET Core's RemoteJSRuntime.SendByteArray does not check whether the circuit
    /// has gone for good (its client proxy is then null) and throws NullReferenceException where every other call
    /// throws JSDisconnectedException; the soak benchmark met it when a student left mid-step. Said as what it is.
    /// </summary>
    public static async Task<T> WithBytes<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return await call();
        }
        catch (NullReferenceException e) when (e.TargetSite?.DeclaringType?.FullName == "Microsoft.AspNetCore.Components.Server.Circuits.RemoteJSRuntime")
        {
            throw new JSDisconnectedException("The page has gone: " + e.Message);
        }
    }

    /// <summary>Recolours what is on screen (no server data needed); a no-op when nothing changed.</summary>
    public async Task SetAppearanceAsync(Colormap colormap, bool dark)
    {
        if (appearance == (colormap, dark)) return;
        var m = await Shared();
        await m.InvokeVoidAsync("setAppearance", CallTimeout, Figures.ColormapName(colormap), dark);
        appearance = (colormap, dark);
    }

    /// <summary>Calls <paramref name="onVisible"/> once, when the element first scrolls into view.</summary>
    public async Task WhenVisibleAsync(ElementReference element, Func<Task> onVisible)
    {
        var m = await Shared();
        await m.InvokeVoidAsync("whenVisible", element, Keep(DotNetObjectReference.Create(new JsCallback(onVisible))));
    }

    /// <summary>
    /// Draws rectangles over a plot (switched-off tiles, the cells that see a pixel) without redrawing it; each is
    /// <c>{ x0, y0, x1, y1, kind }</c> in the plot's cells, inclusive (see <see cref="Tiles"/>).
    /// </summary>
    public async Task SetOverlaysAsync(ElementReference element, IEnumerable<object> rects)
    {
        var m = await Shared();
        await m.InvokeVoidAsync("setOverlays", CallTimeout, element, rects.ToArray());
    }

    /// <summary>The tiles of <paramref name="indices"/> in a montage laid out from index <paramref name="first"/>, as overlay rectangles of <paramref name="kind"/>.</summary>
    public static IEnumerable<object> Tiles(MontageLayout layout, IEnumerable<int> indices, string kind, int first = 0) =>
        indices.Where(i => i >= first && i < first + layout.Channels)
            .Select(i => layout.Origin(i - first))
            .Select(o => new { x0 = o.X, y0 = o.Y, x1 = o.X + layout.TileWidth - 1, y1 = o.Y + layout.TileHeight - 1, kind });

    /// <summary>Frees a plot's browser resources.</summary>
    public async Task PurgeAsync(ElementReference element)
    {
        if (shared is null) return;
        try { await (await shared).InvokeVoidAsync("purge", element); }
        catch (JSDisconnectedException) { }
        catch (TaskCanceledException) { }
    }

    /// <summary>A layer as the modules know it.</summary>
    public static object Layer(LayerInfo l) => new { index = l.Index, name = l.Name, alias = l.Alias };

    /// <summary>A tile grid as the modules' hit-test reads it.</summary>
    public static object Layout(MontageLayout l) => new { channels = l.Channels, tileWidth = l.TileWidth, tileHeight = l.TileHeight, columns = l.Columns, gap = l.Gap, width = l.Width, height = l.Height };

    /// <summary>Float32 values, little-endian, as the modules read them.</summary>
    public static byte[] Bytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (shared is not null) await (await shared).InvokeVoidAsync("disposeBridge");
            foreach (var m in modules.Values.Append(shared).OfType<Task<IJSObjectReference>>())
                await (await m).DisposeAsync();
        }
        catch (JSDisconnectedException) { }
        catch (TaskCanceledException) { }
        catch (JSException) { }
        foreach (var r in references) r.Dispose();
    }
}

/// <summary>A call from the page with no arguments (an element came into view).</summary>
public sealed class JsCallback(Func<Task> callback)
{
    /// <summary>Called by plots.js.</summary>
    [JSInvokable]
    public Task Visible() => callback();
}

/// <summary>What a figure tells the page: a click that selects a channel (a montage tile or a filter), and the cell under a teacher's mouse.</summary>
public sealed class FigureCallbacks(Func<int, Task> select, Func<AlexVis.Web.Components.MapCell?, Task>? point = null, Func<int, Task>? toggle = null)
{
    /// <summary>Called by a panel's module with the channel clicked.</summary>
    [JSInvokable]
    public Task Select(int channel) => select(channel);

    /// <summary>Called by a panel's module with the channel Alt- or Shift-clicked: switch it off, or back on.</summary>
    [JSInvokable]
    public Task Toggle(int channel) => toggle?.Invoke(channel) ?? Task.CompletedTask;

    /// <summary>Called by a panel's module with the cell under the mouse (channel −1: none).</summary>
    [JSInvokable]
    public Task Point(int channel, int row, int column) =>
        point?.Invoke(channel < 0 ? null : new AlexVis.Web.Components.MapCell(channel, row, column)) ?? Task.CompletedTask;
}

/// <summary>What the page's plots may ask of the server: exact values, fetched once per channel or filter.</summary>
/// <param name="circuit">The circuit's services: the student's <see cref="ImageLoader"/> is looked up when the page
/// first asks, so a panel rendered on its own (a component test) does not start the decoder workers.</param>
/// <param name="figures">The shared figures.</param>
public sealed class ValuesBridge(IServiceProvider circuit, Figures figures)
{
    /// <summary>One channel's float32 values, little-endian; null when that image is no longer the one shown.</summary>
    [JSInvokable]
    public byte[]? ChannelValues(string layer, int channel, long version) =>
        AlexNetLayers.Find(layer) is { } l && Drawn(version) is { } image && image.ChannelValues(l, channel) is { } v
            ? PlotsInterop.Bytes(v) : null;

    // The image of that version: one the page shows (perhaps with channels off, or compared), or the loaded one.
    TracedImage? Drawn(long version) =>
        circuit.GetRequiredService<ShownImage>().Find(version)
        ?? (circuit.GetRequiredService<ImageLoader>().Image is { } loaded && loaded.Version == version ? loaded : null);

    /// <summary>One filter's weights (in × kh × kw float32).</summary>
    [JSInvokable]
    public byte[]? FilterWeights(string layer, int filter) =>
        AlexNetLayers.Find(layer) is { } l && figures.FilterWeights(l, filter) is { } w ? PlotsInterop.Bytes(w) : null;
}

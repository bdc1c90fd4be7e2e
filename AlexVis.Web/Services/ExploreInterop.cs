using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace AlexVis.Web.Services;

/// <summary>
/// The page's link to wwwroot/js/alexvis.js (one per circuit): sends binary payloads as byte arrays (Blazor ships
/// them as binary, not JSON), remembers which montages this page already holds so a revisited layer costs nothing,
/// and answers the browser's requests for exact values.
/// </summary>
public sealed class ExploreInterop(IJSRuntime js, IVisualizationSession session) : IAsyncDisposable
{
    /// <summary>A show whose reply does not come back within this time is given up (and retried by the panel).</summary>
    static readonly TimeSpan callTimeout = TimeSpan.FromSeconds(8);
    readonly HashSet<string> sent = [];
    Task<IJSObjectReference>? module;
    DotNetObjectReference<ExploreBridge>? bridge;

    /// <summary>Raised when the browser asks to select a channel (a click on a tile or a filter).</summary>
    public event Action<int>? ChannelClicked;

    async Task<IJSObjectReference> Module()
    {
        return await (module ??= Load());

        async Task<IJSObjectReference> Load()
        {
            var m = await js.InvokeAsync<IJSObjectReference>("import", "./js/alexvis.js");
            bridge = DotNetObjectReference.Create(new ExploreBridge(session, this));
            await m.InvokeVoidAsync("init", bridge, new
            {
                viridis = Colormaps.Lut(Colormap.Viridis).ToArray().Select(b => (int)b),
                grey = Colormaps.Lut(Colormap.Grey).ToArray().Select(b => (int)b),
            });
            return m;
        }
    }

    /// <summary>Shows a montage; its bytes go over the wire only the first time this page shows it.</summary>
    public Task ShowMontageAsync(ElementReference element, MontageView view, long version) =>
        SendOnceAsync("showMontage", element, view.Key, view.Png, png => new
        {
            key = view.Key,
            png,
            layout = Layout(view.Layout),
            low = view.Low,
            high = view.High,
            topLevel = view.TopLevel,
            layer = Layer(view.Layer),
            version,
        });

    /// <summary>
    /// Calls a show function whose payload carries <paramref name="bytes"/> only when this page has not had them;
    /// when the browser has dropped them from its cache it answers "need-bytes" and gets them again.
    /// </summary>
    async Task SendOnceAsync(string function, ElementReference element, string key, byte[] bytes, Func<byte[]?, object> payload)
    {
        var m = await Module();
        if (await WithBytes(() => m.InvokeAsync<string>(function, callTimeout, element, payload(sent.Contains(key) ? null : bytes))) == "need-bytes")
            await WithBytes(() => m.InvokeAsync<string>(function, callTimeout, element, payload(bytes)));
        sent.Add(key);
    }

    /// <summary>
    /// A call that sends byte arrays. ASP.NET Core's RemoteJSRuntime.SendByteArray does not check whether the circuit
    /// has gone for good (its client proxy is then null) and throws NullReferenceException where every other call
    /// throws JSDisconnectedException; the soak benchmark met it when a student left mid-step. Said as what it is.
    /// </summary>
    static async Task<T> WithBytes<T>(Func<ValueTask<T>> call)
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

    /// <summary>Shows one channel at native resolution with its histogram.</summary>
    public async Task ShowChannelAsync(ElementReference heatmap, ElementReference histogram, LayerInfo layer, int channel, long version, float[] values)
    {
        var m = await Module();
        await WithBytes(() => m.InvokeAsync<object?>("showChannel", callTimeout, heatmap, histogram, new
        {
            values = Bytes(values), height = layer.Height, width = layer.Width, layer = Layer(layer), channel, version,
        }));
    }

    /// <summary>Shows a fully connected layer as bars.</summary>
    public async Task ShowUnitsAsync(ElementReference element, LayerInfo layer, long version, float[] values)
    {
        var m = await Module();
        await WithBytes(() => m.InvokeAsync<object?>("showUnits", callTimeout, element, new { values = Bytes(values), layer = Layer(layer), version, labelled = layer.Channels == AlexNetLayers.ClassCount }));
    }

    /// <summary>Shows a page of kernels; like montages, its bytes go over the wire once per page.</summary>
    public Task ShowKernelsAsync(ElementReference element, KernelView view) =>
        SendOnceAsync("showKernels", element, view.Key, view.Png, png => new
        {
            key = view.Key, png, colour = view.Colour,
            filters = Layout(view.Filters), slices = view.Slices is null ? null : Layout(view.Slices),
            firstFilter = view.FirstFilter, shape = view.Shape, layer = Layer(view.Layer),
        });

    /// <summary>Recolours what is on screen (no server data needed); a no-op when nothing changed.</summary>
    public async Task SetAppearanceAsync(Colormap colormap, bool dark)
    {
        if (appearance == (colormap, dark)) return;
        var m = await Module();
        await m.InvokeVoidAsync("setAppearance", callTimeout, colormap == Colormap.Grey ? "grey" : "viridis", dark);
        appearance = (colormap, dark);
    }

    (Colormap, bool) appearance = (Colormap.Viridis, false);

    /// <summary>Lets the drop zone and file input post files to this session.</summary>
    public async Task AttachUploadAsync(ElementReference zone, ElementReference input)
    {
        var m = await Module();
        await m.InvokeVoidAsync("attachUpload", zone, input, session.UploadToken);
    }

    /// <summary>Calls <paramref name="onVisible"/> once, when the element first scrolls into view.</summary>
    public async Task WhenVisibleAsync(ElementReference element, Func<Task> onVisible)
    {
        var m = await Module();
        var callback = DotNetObjectReference.Create(new VisibilityCallback(onVisible));
        callbacks.Add(callback);
        await m.InvokeVoidAsync("whenVisible", element, callback);
    }

    readonly List<DotNetObjectReference<VisibilityCallback>> callbacks = [];

    /// <summary>Frees a plot's browser resources.</summary>
    public async Task PurgeAsync(ElementReference element)
    {
        if (module is null) return;
        try { await (await module).InvokeVoidAsync("purge", element); }
        catch (JSDisconnectedException) { }
    }

    internal void RaiseChannelClicked(int channel) => ChannelClicked?.Invoke(channel);

    static object Layer(LayerInfo l) => new { index = l.Index, name = l.Name, alias = l.Alias };

    static object Layout(MontageLayout l) => new { channels = l.Channels, tileWidth = l.TileWidth, tileHeight = l.TileHeight, columns = l.Columns, gap = l.Gap, width = l.Width, height = l.Height };

    internal static byte[] Bytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (module is not null)
        {
            try
            {
                var m = await module;
                await m.InvokeVoidAsync("disposeBridge");
                await m.DisposeAsync();
            }
            catch (JSDisconnectedException) { }
            catch (TaskCanceledException) { }
        }
        bridge?.Dispose();
        foreach (var c in callbacks) c.Dispose();
    }
}

/// <summary>The browser's "this element is now visible" call.</summary>
public sealed class VisibilityCallback(Func<Task> onVisible)
{
    /// <summary>Called by alexvis.js once the element is in view.</summary>
    [JSInvokable]
    public Task Visible() => onVisible();
}

/// <summary>What the browser may ask of the server: exact values, and selections made by clicking in a plot.</summary>
public sealed class ExploreBridge(IVisualizationSession session, ExploreInterop interop)
{
    /// <summary>One channel's float32 values, little-endian; null when that image is no longer current.</summary>
    [JSInvokable]
    public byte[]? ChannelValues(string layer, int channel, long version) =>
        AlexNetLayers.Find(layer) is { } l && session.ChannelValues(l, channel, version) is { } v ? ExploreInterop.Bytes(v) : null;

    /// <summary>One filter's weights (in × kh × kw float32).</summary>
    [JSInvokable]
    public byte[]? FilterWeights(string layer, int filter) =>
        AlexNetLayers.Find(layer) is { } l && session.FilterWeights(l, filter) is { } w ? ExploreInterop.Bytes(w) : null;

    /// <summary>A click on a montage tile.</summary>
    [JSInvokable]
    public void SelectChannel(int channel) => interop.RaiseChannelClicked(channel);

    /// <summary>A click on a filter: selects its output channel.</summary>
    [JSInvokable]
    public void SelectFilter(string layer, int filter) => interop.RaiseChannelClicked(filter);
}

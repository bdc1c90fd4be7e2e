using System.Diagnostics;

using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.Options;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Services;

/// <summary>One layer's montage as the browser gets it: a grey PNG of levels, the layout and each tile's value range.</summary>
/// <param name="Key">Identifies this payload; the browser caches by it and is never sent it twice.</param>
/// <param name="Layer">The layer.</param>
/// <param name="Scale">How values were mapped to levels.</param>
/// <param name="Png">Palette PNG: a level per cell (255 in the gaps), viridis palette; the browser swaps the palette.</param>
/// <param name="Layout">Tile layout.</param>
/// <param name="Low">Per tile, the value at level 0.</param>
/// <param name="High">Per tile, the value at the top level.</param>
/// <param name="TopLevel">The highest level used.</param>
/// <param name="Symmetric">Every range is centred on zero (a difference of two photos).</param>
public sealed record MontageFigure(string Key, LayerInfo Layer, ScaleMode Scale, byte[] Png, MontageLayout Layout, float[] Low, float[] High, int TopLevel,
    bool Symmetric = false);

/// <summary>A page of a convolution layer's kernels as an RGB PNG, with the layouts that map a pixel back to a weight.</summary>
/// <param name="Key">Identifies this payload.</param>
/// <param name="Layer">The convolution layer.</param>
/// <param name="Colour">True for conv1's colour filters (one tile per filter); false for grey slice blocks.</param>
/// <param name="Png">The figure, one pixel per weight.</param>
/// <param name="Filters">Grid of filters on the page.</param>
/// <param name="Slices">Grid of input channels inside a filter block (grey pages only).</param>
/// <param name="FirstFilter">The first filter on the page.</param>
/// <param name="Page">0-based page.</param>
/// <param name="Pages">Number of pages.</param>
/// <param name="Shape">Out × in × kh × kw.</param>
/// <param name="PageSize">Filters per page.</param>
public sealed record KernelPageFigure(string Key, LayerInfo Layer, bool Colour, byte[] Png, MontageLayout Filters, MontageLayout? Slices,
    int FirstFilter, int Page, int Pages, int[] Shape, int PageSize);

/// <summary>
/// Builds what the browser is sent and keeps it for everyone: the same image traced by several students is traced
/// once, and its montages are drawn once. Everything here is keyed by image content, so sharing is safe.
/// </summary>
public sealed class Figures(ModelHost host, IOptions<AlexVisOptions> options, Telemetry telemetry, ILogger<Figures> logger)
{
    readonly DisplayOptions display = options.Value.Display;
    readonly LruCache<string, TraceResult> traces = new(48);
    readonly LruCache<string, MontageFigure> montages = new(512);
    readonly LruCache<string, byte[]> crops = new(256);
    readonly LruCache<string, KernelPageFigure> kernels = new(256);
    const int KernelLevels = 32;

    /// <summary>A finished trace for these image bytes, if one is kept.</summary>
    public TraceResult? KnownTrace(string contentKey) => traces.TryGet(contentKey, out var t) ? t : null;

    /// <summary>Keeps a trace for later students with the same image.</summary>
    public void Remember(string contentKey, TraceResult result) => traces.GetOrAdd(contentKey, () => Task.FromResult(result));

    /// <summary>The 224×224 crop as PNG, for the image panel.</summary>
    public byte[]? CropPng(string contentKey) =>
        traces.TryGet(contentKey, out var t) ? crops.GetOrAdd(contentKey, () => Task.FromResult(Png.Encode(t!.Trace.Input))).Result : null;

    /// <summary>
    /// The montage of one layer of one image, drawn once, off the caller's thread (a circuit's dispatcher must not
    /// wait for an encoder); a caller asking for one being drawn gets that drawing.
    /// </summary>
    public Task<MontageFigure> MontageAsync(string contentKey, ActivationTrace trace, LayerInfo layer, ScaleMode scale, bool symmetric = false)
    {
        var key = MontageKey(contentKey, layer, scale, symmetric);
        return montages.GetOrAdd(key, () => Task.Run(() => Draw(key, trace, layer, scale, symmetric)));
    }

    /// <summary>
    /// A montage's key, "content.layer.scale" (".s" after it for a symmetric scale): the browser and the tests read the
    /// layer from it.
    /// </summary>
    public static string MontageKey(string contentKey, LayerInfo layer, ScaleMode scale, bool symmetric = false) =>
        $"{contentKey}.{layer.Index}.{(int)scale}{(symmetric ? ".s" : "")}";

    /// <summary>
    /// Draws the montages a student is likely to step to next (the neighbouring layers) in the background, so the
    /// step finds them ready; stepping onto one still being drawn waits for that drawing rather than repeating it.
    /// </summary>
    /// <remarks>
    /// Speculative work yields to real work: nothing is prepared while any image is on its way to a trace
    /// (<paramref name="imagesPending"/>, <see cref="InferenceQueue.Pending"/>), and only one preparation runs at a
    /// time (with a class uploading at once it would otherwise slow the uploads).
    /// </remarks>
    public void Prefetch(string contentKey, ActivationTrace trace, LayerInfo around, ScaleMode scale, int imagesPending, bool symmetric = false)
    {
        if (imagesPending > 0) return;
        var visible = AlexNetLayers.Visible;
        int at = AlexNetLayers.VisibleIndex(around);
        var wanted = new[] { at + 1, at - 1 }
            .Where(i => i >= 0 && i < visible.Count && visible[i].IsSpatial)
            .Select(i => visible[i])
            .Where(l => !montages.TryGet(MontageKey(contentKey, l, scale, symmetric), out _))
            .ToList();
        if (wanted.Count == 0 || Interlocked.CompareExchange(ref prefetching, 1, 0) != 0) return;
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            try
            {
                foreach (var layer in wanted)
                {
                    var key = MontageKey(contentKey, layer, scale, symmetric);
                    montages.GetOrAdd(key, () => Task.FromResult(Draw(key, trace, layer, scale, symmetric))); // already in the background
                }
            }
            finally
            {
                Volatile.Write(ref prefetching, 0);
            }
        }, null);
    }

    int prefetching;

    MontageFigure Draw(string key, ActivationTrace trace, LayerInfo layer, ScaleMode scale, bool symmetric)
    {
        var started = Stopwatch.GetTimestamp();
        var range = scale == ScaleMode.Global ? Model.Visualization.Montage.GlobalRange(trace) : ((float, float)?)null;
        int top = display.MontageLevels - 1;
        while (true)
        {
            var q = Model.Visualization.Montage.Quantise(trace[layer], scale, range, topLevel: top, symmetric: symmetric);
            var png = IndexedPng.Encode(q.Levels, q.Layout.Width, q.Layout.Height, IndexedPng.MontagePalette(Colormap.Viridis, top, GapColour(false)));
            // Few levels suffice for the picture (hover values are exact anyway); keep each step within budget.
            if (png.Length <= display.MaxMontageBytes || top < 16)
            {
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                telemetry.Step.Record(ms);
                logger.LogDebug("Montage {Layer} {Scale}: {Bytes} bytes, {Levels} levels, {Ms:0.0} ms", layer.Alias, scale, png.Length, top + 1, ms);
                return new MontageFigure(key, layer, scale, png, q.Layout, q.Low, q.High, top, symmetric);
            }
            top = (top + 1) / 2 - 1;
        }
    }

    /// <summary>The colour of the gaps between tiles, light or dark to match the page.</summary>
    public static (byte R, byte G, byte B) GapColour(bool dark) => dark ? ((byte)30, (byte)30, (byte)36) : ((byte)255, (byte)255, (byte)255);

    /// <summary>
    /// The PLTE chunks that recolour a montage drawn with <paramref name="topLevel"/> as its highest level, for every
    /// colormap and theme, keyed "colormap|light" or "colormap|dark" (the browser's names).
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> MontagePalettes(int topLevel) => palettes.GetOrAdd(topLevel, top =>
        (from map in Enum.GetValues<Colormap>()
         from dark in new[] { false, true }
         select (Key: $"{ColormapName(map)}|{(dark ? "dark" : "light")}", Chunk: IndexedPng.PaletteChunk(IndexedPng.MontagePalette(map, top, GapColour(dark)))))
        .ToDictionary(p => p.Key, p => p.Chunk));

    readonly System.Collections.Concurrent.ConcurrentDictionary<int, IReadOnlyDictionary<string, byte[]>> palettes = new();

    /// <summary>A colormap's name in the browser.</summary>
    public static string ColormapName(Colormap map) => map switch
    {
        Colormap.Grey => "grey",
        Colormap.Diverging => "diverging",
        _ => "viridis",
    };

    /// <summary>One page of a convolution layer's kernels, drawn once per model; null while the model loads or for a layer without kernels.</summary>
    /// <param name="layer">The convolution layer.</param>
    /// <param name="page">0-based page.</param>
    /// <param name="channels">For conv1: its filters' input channels in grey (all 64 on one page) instead of in colour.</param>
    public KernelPageFigure? Kernels(LayerInfo layer, int page, bool channels = false)
    {
        if (!host.Status.IsReady || layer.Kind != LayerKind.Convolution) return null;
        var k = host.Kernels(layer.Name);
        bool colour = k.InChannels == 3 && !channels;
        var pages = KernelPages.For(k.OutChannels, k.InChannels, display.KernelPageSize);
        page = pages.Clamp(page);
        var key = $"k.{layer.Index}.{page}{(colour ? "" : ".grey")}";
        return kernels.GetOrAdd(key, () => Task.FromResult(colour ? ColourPage(key, k, layer) : SlicePage(key, k, layer, page, pages))).Result;
    }

    /// <summary>One filter's weights (in × kh × kw); null while the model loads or for a filter that does not exist.</summary>
    public float[]? FilterWeights(LayerInfo layer, int filter)
    {
        if (!host.Status.IsReady || layer.Kind != LayerKind.Convolution) return null;
        var k = host.Kernels(layer.Name);
        return filter >= 0 && filter < k.OutChannels ? k.Filter(filter).ToArray() : null;
    }

    static KernelPageFigure ColourPage(string key, ConvKernels k, LayerInfo layer)
    {
        var (image, layout) = KernelFigures.ColourFilters(k, (128, 128, 128));
        return new KernelPageFigure(key, layer, true, Png.Encode(image), layout, null, 0, 0, 1, Shape(k), k.OutChannels);
    }

    static KernelPageFigure SlicePage(string key, ConvKernels k, LayerInfo layer, int page, KernelPages pages)
    {
        // 32 grey levels as palette indices: a fraction of the bytes of the same figure as 8-bit RGB (hover gives
        // the exact weights), so a step that brings a new page still fits the budget.
        var slices = KernelFigures.Slices(k, pages.FirstFilter(page), pages.PerPage, KernelLevels - 1);
        var png = IndexedPng.Encode(slices.Levels, slices.Filters.Width, slices.Filters.Height,
            IndexedPng.MontagePalette(Colormap.Grey, KernelLevels - 1, (96, 96, 96)));
        return new KernelPageFigure(key, layer, false, png, slices.Filters, slices.Slices, slices.FirstFilter, page, pages.Count, Shape(k), pages.PerPage);
    }

    static int[] Shape(ConvKernels k) => [k.OutChannels, k.InChannels, k.KernelHeight, k.KernelWidth];
}

// What the panels' own modules (Components/.../Panel.razor.js) share: plotly.js, loaded once and explicitly; the
// page's colours, as the server sends them; exact values fetched from the server once per channel or filter; the
// hover tooltip; and the one number format every figure uses. Only plotly.js's public API is used: the cell under
// the mouse comes from the figure's own layout (its margins and the axis ranges plotly keeps in el.layout as the
// student zooms), not from plotly's private fields; plotly's own hover events are throttled to one per 50 ms.

const FIGURE_CACHE = 48;
const VALUE_CACHE = 512;

// Plotly.Blazor (the predictions chart) loads plotly.js through its interop module under this element id; loading
// it through the same module and the same URL means the page gets one copy, whichever asks first.
const PLOTLY_INTEROP = '../_content/Plotly.Blazor/plotly-interop-7.2.0.js';
const PLOTLY_SCRIPT = './_content/Plotly.Blazor/plotly-3.7.0.min.js';
const PLOTLY_ID = 'plotly-import';

let bridge = null;
let luts = null;             // { viridis: Uint8Array(768), grey: Uint8Array(768) }
const palettes = new Map();  // a montage's top level → { 'viridis|light': its PLTE chunk, … }, made by the server
let appearance = { colormap: 'viridis', dark: false };
let plotlyLoading = null;
let words = {};              // the page's words in the student's language, from the server's resources (PlotsInterop.resx)

const values = new Map();    // "version|layer|channel" or "w|layer|filter" → Float32Array
const pending = new Map();   // same keys → Promise<Float32Array>
const redraws = new Map();   // element → redraw on an appearance change
const listening = new WeakSet();
const metrics = { montagesShown: 0 };

/** Called once per page by PlotsInterop: the server's bridge for exact values, the colour tables, and the words. */
export function init(dotnetBridge, colourTables, pageWords) {
    bridge = dotnetBridge;
    words = pageWords;
    luts = Object.fromEntries(Object.entries(colourTables).map(([name, table]) => [name, Uint8Array.from(table)]));
    window.alexvisMetrics = metrics;
}

/** The page is going: no more calls to the server. */
export function disposeBridge() {
    bridge = null;
}

/** The page's word <key> with {0}, {1}, … filled in: the server sends every word a panel's module writes. */
export function say(key, ...args) {
    const template = words[key] ?? key;
    return template.replace(/\{(\d+)\}/g, (_, i) => String(args[+i] ?? ''));
}

/** plotly.js, loaded once (by whoever asks first: these panels or Plotly.Blazor). */
export function plotly() {
    return plotlyLoading ??= (async () => {
        if (!window.Plotly) {
            const interop = await import(PLOTLY_INTEROP);
            await interop.importScript(PLOTLY_ID, PLOTLY_SCRIPT);
            // importScript resolves at once when the other side's load is still on its way: wait for that load.
            if (!window.Plotly) {
                const script = document.getElementById(PLOTLY_ID);
                await new Promise((resolve, reject) => {
                    script.addEventListener('load', resolve, { once: true });
                    script.addEventListener('error', () => reject(new Error('plotly.js did not load')), { once: true });
                });
            }
        }
        return window.Plotly;
    })();
}


export function remember(map, key, value, limit = FIGURE_CACHE) {
    map.delete(key);
    map.set(key, value);
    while (map.size > limit) map.delete(map.keys().next().value);
}

export function bytes(b) {
    return b instanceof Uint8Array ? b : new Uint8Array(b);
}

export function toFloats(b) {
    if (!b) return null;
    const u8 = bytes(b);
    const aligned = u8.byteOffset % 4 === 0 ? u8 : u8.slice();
    return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}

// ---------- numbers ----------

/** An activation or weight as every figure, tooltip and caption shows it: 4 significant digits. */
export function formatValue(v) {
    if (v === 0) return '0';
    const a = Math.abs(v);
    return a >= 1e-3 && a < 1e5 ? Number(v.toPrecision(4)).toString() : v.toExponential(3);
}

/** A fraction as a percentage with one decimal, e.g. 0.5312 → "53.1 %". */
export function formatPercent(f) {
    return `${(f * 100).toFixed(1)} %`;
}

/** Writes min, max, mean (when given) and the zero fraction into a statistics line. */
export function writeStats(el, stats) {
    if (!el) return;
    const parts = [[say('StatMin'), formatValue(stats.min)], [say('StatMax'), formatValue(stats.max)]];
    if (stats.mean !== undefined && stats.mean !== null) parts.push([say('StatMean'), formatValue(stats.mean)]);
    parts.push([say('StatZeros'), formatPercent(stats.zeroFraction)]);
    el.replaceChildren(...parts.map(([name, text]) => {
        const span = document.createElement('span');
        const b = document.createElement('b');
        b.textContent = name;
        span.append(b, ` ${text}`);
        return span;
    }));
}

// ---------- colours ----------

export function currentAppearance() {
    return appearance;
}

/** Keeps the PLTE chunks the server sent for montages drawn with this top level. */
export function addPalettes(topLevel, chunks) {
    if (chunks) palettes.set(topLevel, Object.fromEntries(Object.entries(chunks).map(([k, v]) => [k, bytes(v)])));
}

/** The montage's PNG with the PLTE chunk (palette and CRC, made by the server) for the current colours. */
export function withPalette(png, topLevel) {
    const chunk = palettes.get(topLevel)[`${appearance.colormap}|${appearance.dark ? 'dark' : 'light'}`];
    const out = png.slice();
    out.set(chunk, 33); // signature (8) + IHDR chunk (25): the PLTE chunk starts here
    return out;
}

/** The colormap's colour at 0–255. */
export function lutColour(level) {
    const lut = luts[appearance.colormap] || luts.viridis;
    return `rgb(${lut[level * 3]},${lut[level * 3 + 1]},${lut[level * 3 + 2]})`;
}

/** The colormap as a plotly colorscale. */
export function colorscale() {
    const stops = [];
    for (let i = 0; i <= 16; i++) stops.push([i / 16, lutColour(Math.min(255, i * 16))]);
    return stops;
}

/** Recolours every registered figure (no server data needed). */
export async function setAppearance(colormap, dark) {
    if (appearance.colormap === colormap && appearance.dark === dark) return;
    appearance = { colormap, dark };
    for (const [el, redraw] of redraws) {
        if (el.isConnected) await redraw();
        else redraws.delete(el);
    }
}

/** Registers how a figure redraws itself in new colours. */
export function onAppearance(el, redraw) {
    redraws.set(el, redraw);
}

export function themeLayout() {
    const fg = appearance.dark ? '#e6e6eb' : '#2a2a33';
    return {
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgba(0,0,0,0)',
        font: { color: fg, family: 'Roboto, Helvetica, Arial, sans-serif', size: 12 },
    };
}

const IMAGE_MARGIN = { l: 0, r: 0, t: 28, b: 0 };

/**
 * A w × h image, one cell per data unit, square cells, axes hidden; zoom kept while uirevision stays the same. The
 * plot area is the whole figure less these margins, and square cells are kept by widening a range around its
 * centre (constrain 'range'), so the cell under the mouse follows from el.layout alone (dataPoint).
 */
export function imageLayout(w, h, uirevision) {
    return Object.assign(themeLayout(), {
        // The top margin keeps plotly's mode bar above the image rather than over its top-right cells.
        margin: { ...IMAGE_MARGIN },
        xaxis: { visible: false, range: [-0.5, w - 0.5], constrain: 'range' },
        yaxis: { visible: false, range: [h - 0.5, -0.5], scaleanchor: 'x', constrain: 'range' },
        dragmode: 'zoom',
        uirevision,
    });
}

/** An image trace; hovers are answered by our own handlers (listen), not plotly's. */
export function imageTrace(source) {
    return { type: 'image', source, x0: 0, y0: 0, dx: 1, dy: 1, hoverinfo: 'skip' };
}

// The data cell under a mouse event on an imageLayout figure: the axis ranges plotly keeps in el.layout (it writes
// zooms there), one scale for both axes (square cells) and the ranges' centres at the plot area's centre.
function dataPoint(el, e) {
    const xr = el.layout?.xaxis?.range, yr = el.layout?.yaxis?.range;
    if (!xr || !yr) return null;
    const box = el.getBoundingClientRect();
    const left = box.left + IMAGE_MARGIN.l, top = box.top + IMAGE_MARGIN.t;
    const w = box.width - IMAGE_MARGIN.l - IMAGE_MARGIN.r, h = box.height - IMAGE_MARGIN.t - IMAGE_MARGIN.b;
    if (e.clientX < left || e.clientX >= left + w || e.clientY < top || e.clientY >= top + h) return null;
    const scale = Math.min(w / Math.abs(xr[1] - xr[0]), h / Math.abs(yr[1] - yr[0]));
    const x = (xr[0] + xr[1]) / 2 + Math.sign(xr[1] - xr[0]) * (e.clientX - left - w / 2) / scale;
    const y = (yr[0] + yr[1]) / 2 - Math.sign(yr[0] - yr[1]) * (top + h / 2 - e.clientY) / scale;
    return { x: Math.round(x), y: Math.round(y) };
}

const configs = new WeakMap(); // element → its plotly config, one object for the element's life

/**
 * The plotly config of the figure in el, whose downloads are named alexvis-{name}. Plotly.react purges the figure and
 * plots it anew (about 10 ms of a step's main thread) whenever its config differs from the last one, so each element
 * keeps one config and only the download's name changes in it: plotly holds toImageButtonOptions by reference and
 * reads the name when its button is clicked (a browser test downloads one to hold plotly to that).
 */
export function config(el, name) {
    let c = configs.get(el);
    if (!c) {
        c = {
            displaylogo: false,
            responsive: true,
            scrollZoom: false,
            modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toggleSpikelines'],
            toImageButtonOptions: { filename: '', scale: 3 },
            locale: 'alexvis',
            locales: { alexvis: { dictionary: plotlyDictionary() } },
        };
        configs.set(el, c);
    }
    c.toImageButtonOptions.filename = `alexvis-${name}`;
    return c;
}

// plotly's own words (its mode bar's buttons and notes) in the page's language: plotly looks each of its English
// phrases up in the locale's dictionary.
const plotlyPhrases = {
    'Zoom': 'PlotlyZoom', 'Pan': 'PlotlyPan', 'Zoom in': 'PlotlyZoomIn', 'Zoom out': 'PlotlyZoomOut',
    'Reset axes': 'PlotlyResetAxes', 'Download plot as a PNG': 'PlotlyDownload', 'Download plot': 'PlotlyDownloadShort',
    'Show closest data on hover': 'PlotlyClosest', 'Compare data on hover': 'PlotlyCompare',
    'Double-click to zoom back out': 'PlotlyDoubleClick', 'Taking snapshot - this may take a few seconds': 'PlotlySnapshot',
    'Snapshot succeeded': 'PlotlySnapshotDone',
};
let plotlyWords = null;
function plotlyDictionary() {
    return plotlyWords ??= Object.fromEntries(Object.entries(plotlyPhrases).map(([phrase, key]) => [phrase, say(key)]));
}

/** plotly's image trace takes only base64 data URIs as its source. */
export function dataUri(png) {
    let binary = '';
    for (let i = 0; i < png.length; i += 0x8000)
        binary += String.fromCharCode.apply(null, png.subarray(i, i + 0x8000));
    return 'data:image/png;base64,' + btoa(binary);
}

/** Marks a figure as painted (for tests and benchmarks) and tells the page. */
export function painted(el, key, countMontage) {
    if (countMontage) el.dataset.painted = String(++metrics.montagesShown);
    el.dispatchEvent(new CustomEvent('alexvis:painted', { bubbles: true, detail: { key } }));
}

// ---------- exact values ----------

async function fetchValues(key, invoke) {
    const cached = values.get(key);
    if (cached) return cached;
    if (pending.has(key)) return pending.get(key);
    const promise = (async () => {
        if (!bridge) return null;
        const floats = toFloats(await invoke());
        if (floats) remember(values, key, floats, VALUE_CACHE);
        return floats;
    })().finally(() => pending.delete(key));
    pending.set(key, promise);
    return promise;
}

const channelKey = (version, layer, channel) => `${version}|${layer.index}|${channel}`;

/** One channel's values of image <version>, if this page has them already. */
export function cachedChannel(version, layer, channel) {
    return values.get(channelKey(version, layer, channel));
}

/** One channel's values of image <version>: sent with the figure, or fetched once. */
export function channelValues(version, layer, channel, sent) {
    const key = channelKey(version, layer, channel);
    if (sent) {
        const floats = toFloats(sent);
        remember(values, key, floats, VALUE_CACHE);
        return Promise.resolve(floats);
    }
    return fetchValues(key, () => bridge.invokeMethodAsync('ChannelValues', layer.name, channel, version));
}

/**
 * The text a hover gives when two photos are compared: A's, B's and A − B's value of the same cell (float32, as the
 * server subtracts), or null when either is not to be had. compared: { a, b } versions; index: the cell in the channel.
 */
export async function comparedText(compared, layer, channel, index) {
    const [fa, fb] = await Promise.all([compared.a, compared.b].map(v => cachedChannel(v, layer, channel) ?? channelValues(v, layer, channel)));
    if (!fa || !fb) return null;
    const a = fa[index], b = fb[index];
    return { text: compareLine(a, b), a, b };
}

/** A's and B's value of one cell and A − B (float32, as the server subtracts), in the figures' number format. */
export function compareLine(a, b) {
    return `A ${formatValue(a)} · B ${formatValue(b)} · A − B ${formatValue(Math.fround(a - b))}`;
}

/** One filter's weights (in × kh × kw), fetched once. */
export function filterWeights(layer, filter) {
    return fetchValues(`w|${layer.index}|${filter}`, () => bridge.invokeMethodAsync('FilterWeights', layer.name, filter));
}

// ---------- pointing ----------

/**
 * Calls onHover({ x, y } or null, event) with the data cell under the mouse (null off the plot area) and
 * onClick({ x, y }) for a click that was not a zoom drag; once per element (the listeners are the element's, not
 * plotly's, and survive every react).
 */
export function listen(el, onHover, onClick) {
    if (listening.has(el)) return;
    listening.add(el);
    let down = null;
    const onModebar = e => e.target.closest && e.target.closest('.modebar');
    el.addEventListener('mousemove', e => {
        const cell = !onModebar(e) && dataPoint(el, e);
        if (!cell) hideTip(el);
        onHover(cell || null, e);
    });
    el.addEventListener('mouseleave', e => {
        hideTip(el);
        onHover(null, e);
    });
    el.addEventListener('mousedown', e => { down = { x: e.clientX, y: e.clientY }; });
    el.addEventListener('click', e => {
        if (!onClick || onModebar(e)) return;
        if (down && Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return; // that was a zoom drag
        const cell = dataPoint(el, e);
        if (cell) onClick(cell, e);
    });
}

function tooltip(el) {
    let tip = el.parentElement.querySelector(':scope > .av-tooltip');
    if (!tip) {
        tip = document.createElement('div');
        tip.className = 'av-tooltip';
        tip.setAttribute('role', 'status');
        tip.dataset.testid = 'tooltip';
        el.parentElement.appendChild(tip);
    }
    return tip;
}

/** Shows the tooltip by the mouse for hover <id> with a heading; returns it, for showTipValue. */
export function showTip(el, e, id, head) {
    const tip = tooltip(el);
    const host = el.parentElement.getBoundingClientRect();
    let left = e.clientX - host.left + 14, top = e.clientY - host.top + 14;
    if (left + 200 > host.width) left = e.clientX - host.left - 200;
    tip.style.left = `${Math.max(0, left)}px`;
    tip.style.top = `${Math.max(0, top)}px`;
    tip.style.display = 'block';
    tip.dataset.hover = id;
    tip.dataset.value = '';
    tip.replaceChildren(line(head), line('…', 'av-tooltip-value'));
    return tip;
}

/** Fills in the value line, unless the mouse has moved on to another hover. */
export function showTipValue(tip, id, text, value, head) {
    if (tip.dataset.hover !== id) return;
    tip.dataset.value = value;
    tip.replaceChildren(line(head), line(text, 'av-tooltip-value'));
}

function line(text, className) {
    const div = document.createElement('div');
    if (className) div.className = className;
    div.textContent = text;
    return div;
}

export function hideTip(el) {
    const tip = el.parentElement?.querySelector(':scope > .av-tooltip');
    if (tip) {
        tip.style.display = 'none';
        delete tip.dataset.hover;
    }
}

/** A tile grid's cell at data (x, y): MontageLayout's geometry (tiles in rows, gaps between them). */
export function hit(layout, x, y) {
    if (x < 0 || y < 0 || x >= layout.width || y >= layout.height) return null;
    const tw = layout.tileWidth + layout.gap, th = layout.tileHeight + layout.gap;
    const tx = Math.floor(x / tw), ty = Math.floor(y / th);
    const column = x % tw, row = y % th;
    if (column >= layout.tileWidth || row >= layout.tileHeight) return null;
    const channel = ty * layout.columns + tx;
    return channel < layout.channels ? { channel, row, column } : null;
}

/** The data (x, y) of a tile grid's cell { channel, row, column }: the inverse of hit. */
export function cellPoint(layout, cell) {
    return {
        x: (cell.channel % layout.columns) * (layout.tileWidth + layout.gap) + cell.column,
        y: Math.floor(cell.channel / layout.columns) * (layout.tileHeight + layout.gap) + cell.row,
    };
}

// ---------- marks, overlays and the pointer under the mouse ----------

const overlays = new WeakMap(); // element → rectangles drawn besides it: { x0, y0, x1, y1, kind } in data cells, inclusive
const marks = new WeakMap();    // element → its marked cells by kind: { pointer, keyboard }, each { x, y } in data cells

const overlayStyle = {
    off: { line: { color: '#d32f2f', width: 1 }, fillcolor: 'rgba(0,0,0,0.55)' },
    seeing: { line: { color: '#00e5ff', width: 2, dash: 'dot' }, fillcolor: 'rgba(0,229,255,0.10)' },
};

// The marks a cell can carry: the teacher's pointer (a filled square) and the keyboard's cell (a ring that shows on
// every colormap, a dark line inside a light one); each kind's cell is also in one of the element's data attributes.
const markStyle = {
    pointer: { data: 'marked', rings: [{ pad: 0.5, line: { color: '#ff3d00', width: 2 }, fillcolor: 'rgba(255,61,0,0.15)' }] },
    keyboard: {
        data: 'focused',
        rings: [{ pad: 0.9, line: { color: '#ffffff', width: 2 }, fillcolor: 'rgba(0,0,0,0)' },
                { pad: 0.6, line: { color: '#000000', width: 2 }, fillcolor: 'rgba(0,0,0,0)' }],
    },
};

const givenShapes = new WeakMap(); // element → the shapes last handed to plotly for it, as JSON

/**
 * Every shape an element shows: its overlays (switched-off tiles, the cells that see a pixel), then its marks. The
 * caller hands them to plotly (in a new figure's layout, or a relayout), so they are remembered as the figure's.
 */
export function shapesOf(el) {
    const rects = (overlays.get(el) ?? []).map(r => Object.assign({
        type: 'rect', xref: 'x', yref: 'y', x0: r.x0 - 0.5, x1: r.x1 + 0.5, y0: r.y0 - 0.5, y1: r.y1 + 0.5,
    }, overlayStyle[r.kind]));
    const cells = marks.get(el) ?? {};
    const rings = Object.entries(markStyle).flatMap(([kind, style]) => cells[kind] ? style.rings.map(r => ({
        type: 'rect', xref: 'x', yref: 'y', x0: cells[kind].x - r.pad, x1: cells[kind].x + r.pad, y0: cells[kind].y - r.pad, y1: cells[kind].y + r.pad,
        line: r.line, fillcolor: r.fillcolor,
    })) : []);
    const shapes = rects.concat(rings);
    givenShapes.set(el, JSON.stringify(shapes));
    return shapes;
}

/**
 * Marks a cell of a drawn figure (or clears the mark), without redrawing the figure: the teacher's pointer, or with
 * kind 'keyboard' the keyboard's cell.
 */
export async function markCell(el, cell, kind = 'pointer') {
    marks.set(el, { ...marks.get(el), [kind]: cell });
    el.dataset[markStyle[kind].data] = cell ? `${cell.x},${cell.y}` : '';
    await relayoutShapes(el);
}

/** Sets an element's overlay rectangles (see shapesOf), without redrawing the figure. */
export async function setOverlays(el, rects) {
    overlays.set(el, rects ?? []);
    el.dataset.overlays = JSON.stringify(rects ?? []);
    await relayoutShapes(el);
}

// Only when they change: a relayout redraws the figure even when its shapes stay the same, and every montage and
// kernel page drawn is followed by its switched-off tiles, usually none.
async function relayoutShapes(el) {
    const Plotly = await plotly();
    if (!el.layout) return;
    const before = givenShapes.get(el);
    const shapes = shapesOf(el); // remembers them, as JSON
    if (givenShapes.get(el) !== before) await Plotly.relayout(el, { shapes });
}

/**
 * Reports the cell under the mouse ({ channel, row, column }, or null when it leaves) to .NET's FigureCallbacks.Point
 * at most every 80 ms and only when it changes.
 */
export function pointerReporter(callbacks) {
    const report = t => callbacks.invokeMethodAsync('Point', t ? t.channel : -1, t ? t.row : -1, t ? t.column : -1);
    let last = '', timer = null, pending = null;
    const send = () => {
        timer = null;
        const key = pending ? `${pending.channel}|${pending.row}|${pending.column}` : '';
        if (key === last) return;
        last = key;
        report(pending);
    };
    return target => {
        pending = target;
        if (!timer) timer = setTimeout(send, 80);
    };
}

// ---------- panels below the fold, and cleanup ----------

/** Tells .NET once when the element first comes into view (panels below the fold load their data only then). */
export function whenVisible(el, callback) {
    const observer = new IntersectionObserver(entries => {
        if (entries.some(e => e.isIntersecting)) {
            observer.disconnect();
            callback.invokeMethodAsync('Visible');
        }
    }, { rootMargin: '120px' });
    observer.observe(el);
}

/** Frees a figure's browser resources. */
export function purge(el) {
    if (!el) return;
    redraws.delete(el);
    if (window.Plotly) window.Plotly.purge(el);
}

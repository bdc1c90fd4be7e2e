// AlexVis's plots. The server sends compact binary payloads (palette PNGs of quantised levels, float32 values);
// this module turns them into Plotly figures and answers hovers locally: exact values are fetched once per
// channel (or filter) and kept, so moving the mouse never waits for the server after the first hover.

const MONTAGE_CACHE = 48;
const VALUE_CACHE = 512;

let bridge = null;
let luts = null;             // { viridis: Uint8Array(768), grey: Uint8Array(768) }
let appearance = { colormap: 'viridis', dark: false };
let classNames = null;

const montages = new Map();  // key → { png, layout, low, high, topLevel }
const values = new Map();    // "version|layer|channel" or "w|layer|filter" → Float32Array
const pending = new Map();   // same keys → Promise<Float32Array>
const panels = new Map();    // element → panel state
const metrics = { montagesShown: 0 };

export function init(dotnetBridge, tables) {
    bridge = dotnetBridge;
    luts = { viridis: Uint8Array.from(tables.viridis), grey: Uint8Array.from(tables.grey) };
    window.alexvisMetrics = metrics;
}

export function disposeBridge() {
    bridge = null;
}

// ---------- shared helpers ----------

function plotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    // Plotly.Blazor loads plotly.js on the page (id "plotly-import"); wait for it rather than loading a second copy.
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const poll = () => {
            if (window.Plotly) resolve(window.Plotly);
            else if (performance.now() - started > 20000) reject(new Error('plotly.js did not load'));
            else setTimeout(poll, 20);
        };
        poll();
    });
}

function remember(map, key, value, limit) {
    map.delete(key);
    map.set(key, value);
    while (map.size > limit) map.delete(map.keys().next().value);
}

function toFloats(bytes) {
    if (!bytes) return null;
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const aligned = u8.byteOffset % 4 === 0 ? u8 : u8.slice();
    return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}

function format(v) {
    if (v === 0) return '0';
    const a = Math.abs(v);
    return a >= 1e-3 && a < 1e5 ? Number(v.toPrecision(4)).toString() : v.toExponential(3);
}

const CRC_TABLE = (() => {
    const t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
        t[n] = c >>> 0;
    }
    return t;
})();

function crc32(bytes) {
    let c = 0xFFFFFFFF;
    for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xFF] ^ (c >>> 8);
    return (c ^ 0xFFFFFFFF) >>> 0;
}

// Matches IndexedPng.MontagePalette on the server: level l → LUT[l·255/top], index 255 → gap colour.
function palette(colormap, topLevel, gap) {
    const lut = luts[colormap] || luts.viridis;
    const p = new Uint8Array(768);
    for (let level = 0; level <= topLevel; level++) {
        const l = Math.floor(level * 255 / topLevel);
        p[level * 3] = lut[l * 3]; p[level * 3 + 1] = lut[l * 3 + 1]; p[level * 3 + 2] = lut[l * 3 + 2];
    }
    p[765] = gap[0]; p[766] = gap[1]; p[767] = gap[2];
    return p;
}

// The PLTE chunk's data starts at byte 41 (signature 8 + IHDR 25 + length and type 8); rewrite it and its CRC.
function withPalette(png, pal) {
    const out = png.slice();
    out.set(pal, 41);
    const crc = crc32(out.subarray(37, 41 + 768));
    new DataView(out.buffer).setUint32(41 + 768, crc);
    return out;
}

function gapColour() {
    return appearance.dark ? [30, 30, 36] : [255, 255, 255];
}

function colorscale(colormap) {
    const lut = luts[colormap] || luts.viridis;
    const stops = [];
    for (let i = 0; i <= 16; i++) {
        const l = Math.min(255, i * 16);
        stops.push([i / 16, `rgb(${lut[l * 3]},${lut[l * 3 + 1]},${lut[l * 3 + 2]})`]);
    }
    return stops;
}

function themeLayout() {
    const fg = appearance.dark ? '#e6e6eb' : '#2a2a33';
    return {
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgba(0,0,0,0)',
        font: { color: fg, family: 'Roboto, Helvetica, Arial, sans-serif', size: 12 },
    };
}

// A w × h image, one cell per data unit, square cells, axes hidden; zoom kept while uirevision stays the same.
function imageLayout(w, h, uirevision) {
    return Object.assign(themeLayout(), {
        // The top margin keeps plotly's mode bar above the image rather than over its top-right cells.
        margin: { l: 0, r: 0, t: 28, b: 0 },
        xaxis: { visible: false, range: [-0.5, w - 0.5], constrain: 'domain' },
        yaxis: { visible: false, range: [h - 0.5, -0.5], scaleanchor: 'x', constrain: 'domain' },
        dragmode: 'zoom',
        uirevision,
    });
}

function config(name) {
    return {
        displaylogo: false,
        responsive: true,
        scrollZoom: false,
        modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toggleSpikelines'],
        toImageButtonOptions: { filename: `alexvis-${name}`, scale: 3 },
    };
}

// plotly's image trace takes only base64 data URIs as its source.
function dataUri(bytes) {
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
        binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return 'data:image/png;base64,' + btoa(binary);
}

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

function panel(el) {
    let p = panels.get(el);
    if (!p) {
        p = { el, kind: null, url: null };
        panels.set(el, p);
    }
    return p;
}

// Plot-area pixel → data coordinates, through plotly's own axis conversions.
function dataPoint(el, e) {
    const fl = el._fullLayout;
    const drag = el.querySelector('.nsewdrag');
    if (!fl || !drag) return null;
    const r = drag.getBoundingClientRect();
    if (e.clientX < r.left || e.clientX >= r.right || e.clientY < r.top || e.clientY >= r.bottom) return null;
    return { x: Math.round(fl.xaxis.p2c(e.clientX - r.left)), y: Math.round(fl.yaxis.p2c(e.clientY - r.top)) };
}

// MontageLayout.Hit, as on the server.
function hit(layout, x, y) {
    if (x < 0 || y < 0 || x >= layout.width || y >= layout.height) return null;
    const tw = layout.tileWidth + layout.gap, th = layout.tileHeight + layout.gap;
    const tx = Math.floor(x / tw), ty = Math.floor(y / th);
    const column = x % tw, row = y % th;
    if (column >= layout.tileWidth || row >= layout.tileHeight) return null;
    const channel = ty * layout.columns + tx;
    return channel < layout.channels ? { channel, row, column } : null;
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

function placeTip(el, tip, e) {
    const host = el.parentElement.getBoundingClientRect();
    let left = e.clientX - host.left + 14, top = e.clientY - host.top + 14;
    if (left + 200 > host.width) left = e.clientX - host.left - 200;
    tip.style.left = `${Math.max(0, left)}px`;
    tip.style.top = `${Math.max(0, top)}px`;
    tip.style.display = 'block';
}

function hideTip(el) {
    const tip = el.parentElement?.querySelector(':scope > .av-tooltip');
    if (tip) {
        tip.style.display = 'none';
        delete tip.dataset.hover;
    }
}

function listen(el, p, onHover, onClick) {
    if (p.listening) return;
    p.listening = true;
    el.addEventListener('mousemove', e => {
        if (e.target.closest && e.target.closest('.modebar')) return hideTip(el);
        onHover(e);
    });
    el.addEventListener('mouseleave', () => hideTip(el));
    el.addEventListener('mousedown', e => { p.down = { x: e.clientX, y: e.clientY }; });
    el.addEventListener('click', e => {
        if (!onClick || (e.target.closest && e.target.closest('.modebar'))) return;
        if (p.down && Math.hypot(e.clientX - p.down.x, e.clientY - p.down.y) > 4) return; // that was a zoom drag
        onClick(e);
    });
}

// ---------- feature-map montage ----------

// view: { key, png (bytes or null), layout, low, high, topLevel, layer: { index, name, alias }, version, channels }
// Returns 'need-bytes' when the server must send the PNG (this page has not got it).
export async function showMontage(el, view) {
    let entry = montages.get(view.key);
    if (!entry) {
        if (!view.png) return 'need-bytes';
        entry = { png: view.png instanceof Uint8Array ? view.png : new Uint8Array(view.png), layout: view.layout, low: view.low, high: view.high, topLevel: view.topLevel };
    }
    remember(montages, view.key, entry, MONTAGE_CACHE);
    const p = panel(el);
    p.kind = 'montage';
    p.view = view;
    p.entry = entry;
    await drawMontage(el, p);
    listen(el, p, e => hoverMontage(el, p, e), e => clickMontage(el, p, e));
    return 'ok';
}

const montageUris = new Map(); // "key|colormap|dark" → data URI, so a revisited layer is not re-encoded

async function drawMontage(el, p) {
    const Plotly = await plotly();
    const { entry, view } = p;
    const uriKey = `${view.key}|${appearance.colormap}|${appearance.dark}`;
    let uri = montageUris.get(uriKey);
    if (!uri) uri = dataUri(withPalette(entry.png, palette(appearance.colormap, entry.topLevel, gapColour())));
    remember(montageUris, uriKey, uri, MONTAGE_CACHE);
    p.url = uri;
    const layout = imageLayout(entry.layout.width, entry.layout.height, `${view.layer.index}`);
    const trace = { type: 'image', source: p.url, x0: 0, y0: 0, dx: 1, dy: 1, hoverinfo: 'skip' };
    // Plotly.react resolves after 'plotly_afterplot': the new figure is in the page.
    await Plotly.react(el, [trace], layout, config(view.layer.alias));
    el.dataset.montageKey = view.key;
    el.dataset.layout = JSON.stringify(entry.layout);
    el.dataset.painted = String(++metrics.montagesShown);
    el.dispatchEvent(new CustomEvent('alexvis:painted', { bubbles: true, detail: { key: view.key } }));
}

async function hoverMontage(el, p, e) {
    const point = dataPoint(el, e);
    const target = point && hit(p.entry.layout, point.x, point.y);
    if (!target) return hideTip(el);
    const tip = tooltip(el);
    placeTip(el, tip, e);
    const view = p.view;
    const id = `${view.version}|${view.layer.index}|${target.channel}|${target.row}|${target.column}`;
    tip.dataset.hover = id;
    tip.dataset.channel = target.channel;
    tip.dataset.row = target.row;
    tip.dataset.column = target.column;
    const head = `channel ${target.channel} · row ${target.row} · col ${target.column}`;
    const key = `${view.version}|${view.layer.index}|${target.channel}`;
    let floats = values.get(key);
    if (!floats) {
        tip.dataset.value = '';
        tip.innerHTML = `<div>${head}</div><div class="av-tooltip-value">…</div>`;
        floats = await fetchValues(key, () => bridge.invokeMethodAsync('ChannelValues', view.layer.name, target.channel, view.version));
        if (tip.dataset.hover !== id) return; // the mouse has moved on
        if (!floats) return hideTip(el);
    }
    const v = floats[target.row * p.entry.layout.tileWidth + target.column];
    tip.dataset.value = String(v);
    tip.innerHTML = `<div>${head}</div><div class="av-tooltip-value">${format(v)}</div>`;
}

function clickMontage(el, p, e) {
    const point = dataPoint(el, e);
    const target = point && hit(p.entry.layout, point.x, point.y);
    if (target && bridge) bridge.invokeMethodAsync('SelectChannel', target.channel);
}

// ---------- one channel: heatmap and histogram ----------

// view: { heatmap element's sibling histogram element passed separately; values bytes; height; width; layer; channel; version }
export async function showChannel(el, histogramEl, view) {
    const Plotly = await plotly();
    const key = `${view.version}|${view.layer.index}|${view.channel}`;
    const floats = view.values ? toFloats(view.values) : await fetchValues(key,
        () => bridge.invokeMethodAsync('ChannelValues', view.layer.name, view.channel, view.version));
    if (!floats) return;
    remember(values, key, floats, VALUE_CACHE);
    const p = panel(el);
    p.kind = 'channel';
    p.view = view;
    const z = [];
    for (let r = 0; r < view.height; r++) z.push(Array.from(floats.subarray(r * view.width, (r + 1) * view.width)));
    const heat = {
        type: 'heatmap', z, colorscale: colorscale(appearance.colormap), showscale: true,
        hovertemplate: 'row %{y} · col %{x}<br><b>%{z:.4g}</b><extra></extra>',
        colorbar: { thickness: 10, outlinewidth: 0 },
    };
    const layout = Object.assign(themeLayout(), {
        margin: { l: 30, r: 10, t: 6, b: 24 },
        xaxis: { constrain: 'domain', showgrid: false, zeroline: false },
        yaxis: { autorange: 'reversed', scaleanchor: 'x', showgrid: false, zeroline: false },
        uirevision: key,
    });
    await Plotly.react(el, [heat], layout, config(`${view.layer.alias}-channel-${view.channel}`));
    el.dataset.channelKey = key;

    if (histogramEl) {
        const lut = luts[appearance.colormap] || luts.viridis;
        const hist = {
            type: 'histogram', x: Array.from(floats), nbinsx: 40,
            marker: { color: `rgb(${lut[128 * 3]},${lut[128 * 3 + 1]},${lut[128 * 3 + 2]})` },
            hovertemplate: '%{x}<br>%{y} cells<extra></extra>',
        };
        const hl = Object.assign(themeLayout(), {
            margin: { l: 40, r: 10, t: 6, b: 30 }, bargap: 0.05,
            xaxis: { title: { text: 'activation' }, zeroline: false }, yaxis: { title: { text: 'cells' } },
        });
        await Plotly.react(histogramEl, [hist], hl, config(`${view.layer.alias}-channel-${view.channel}-histogram`));
    }
}

// ---------- fully connected layers ----------

async function classes() {
    if (!classNames) classNames = await (await fetch('api/classes.json')).json();
    return classNames;
}

// view: { values bytes, layer: { index, name, alias }, version, labelled }
export async function showUnits(el, view) {
    const Plotly = await plotly();
    const floats = toFloats(view.values);
    const x = Array.from({ length: floats.length }, (_, i) => i);
    const lut = luts[appearance.colormap] || luts.viridis;
    // One step-shaped line with the area under it filled: it reads as bars, but is one SVG path rather than
    // 4096 (which took plotly 150–200 ms per layer step).
    const colour = `rgb(${lut[90 * 3]},${lut[90 * 3 + 1]},${lut[90 * 3 + 2]})`;
    const trace = {
        type: 'scatter', mode: 'lines', x, y: Array.from(floats),
        line: { shape: 'hvh', width: 1, color: colour }, fill: 'tozeroy', fillcolor: colour,
        hovertemplate: 'unit %{x}<br><b>%{y:.4g}</b><extra></extra>',
    };
    if (view.labelled) {
        trace.customdata = await classes();
        trace.hovertemplate = 'class %{x}: %{customdata}<br><b>%{y:.4g}</b><extra></extra>';
    }
    const layout = Object.assign(themeLayout(), {
        margin: { l: 50, r: 10, t: 6, b: 36 }, hovermode: 'x',
        xaxis: { title: { text: view.labelled ? 'ImageNet class' : 'unit' }, zeroline: false },
        yaxis: { title: { text: 'activation' } },
        uirevision: `${view.layer.index}`,
    });
    await Plotly.react(el, [trace], layout, config(`${view.layer.alias}-units`));
    el.dataset.unitsKey = `${view.version}|${view.layer.index}`;
    el.dispatchEvent(new CustomEvent('alexvis:painted', { bubbles: true, detail: { key: el.dataset.unitsKey } }));
}

// ---------- kernels ----------

const kernelPages = new Map(); // key → data URI

// view: { key, png (bytes, or null when this page already has them), colour, filters (layout), slices (layout|null),
//         firstFilter, shape [out,in,kh,kw], layer }. Returns 'need-bytes' when the page does not have them.
export async function showKernels(el, view) {
    let url = kernelPages.get(view.key);
    if (!url) {
        if (!view.png) return 'need-bytes';
        url = dataUri(view.png instanceof Uint8Array ? view.png : new Uint8Array(view.png));
    }
    remember(kernelPages, view.key, url, MONTAGE_CACHE);
    const Plotly = await plotly();
    const p = panel(el);
    p.kind = 'kernels';
    p.view = view;
    p.url = url;
    const layout = imageLayout(view.filters.width, view.filters.height, view.key);
    await Plotly.react(el, [{ type: 'image', source: p.url, x0: 0, y0: 0, dx: 1, dy: 1, hoverinfo: 'skip' }], layout, config(`${view.layer.alias}-kernels`));
    el.dataset.kernelsKey = view.key;
    el.dataset.layout = JSON.stringify({ filters: view.filters, slices: view.slices, firstFilter: view.firstFilter });
    listen(el, p, e => hoverKernel(el, p, e), e => clickKernel(el, p, e));
    return 'ok';
}

function kernelHit(view, x, y) {
    const block = hit(view.filters, x, y);
    if (!block) return null;
    const filter = view.firstFilter + block.channel;
    if (view.colour) return { filter, inChannel: null, row: block.row, column: block.column };
    const slice = hit(view.slices, block.column, block.row);
    return slice ? { filter, inChannel: slice.channel, row: slice.row, column: slice.column } : null;
}

async function hoverKernel(el, p, e) {
    const point = dataPoint(el, e);
    const target = point && kernelHit(p.view, point.x, point.y);
    if (!target) return hideTip(el);
    const tip = tooltip(el);
    placeTip(el, tip, e);
    const id = `${p.view.key}|${target.filter}|${target.inChannel}|${target.row}|${target.column}`;
    tip.dataset.hover = id;
    const [, inChannels, kh, kw] = p.view.shape;
    const key = `w|${p.view.layer.index}|${target.filter}`;
    const floats = await fetchValues(key, () => bridge.invokeMethodAsync('FilterWeights', p.view.layer.name, target.filter));
    if (tip.dataset.hover !== id || !floats) return;
    const at = c => floats[(c * kh + target.row) * kw + target.column];
    const head = `filter ${target.filter} · row ${target.row} · col ${target.column}`;
    if (target.inChannel === null) {
        tip.dataset.value = `${at(0)},${at(1)},${at(2)}`;
        tip.innerHTML = `<div>${head}</div><div class="av-tooltip-value">R ${format(at(0))} · G ${format(at(1))} · B ${format(at(2))}</div>`;
    } else {
        tip.dataset.value = String(at(target.inChannel));
        tip.innerHTML = `<div>${head} · input ${target.inChannel}</div><div class="av-tooltip-value">${format(at(target.inChannel))}</div>`;
    }
    if (inChannels === 0) hideTip(el);
}

function clickKernel(el, p, e) {
    const point = dataPoint(el, e);
    const target = point && kernelHit(p.view, point.x, point.y);
    if (target && bridge) bridge.invokeMethodAsync('SelectFilter', p.view.layer.name, target.filter);
}

// ---------- uploads ----------

// Files dropped on the zone or chosen in the input go to /api/uploads over plain HTTP (a 12 MP photo through the
// Blazor circuit took ~300 ms; this takes a few), with the session's token; the page follows the session as usual.
export function attachUpload(zone, input, token) {
    const status = zone.querySelector('[data-upload-status]');
    const show = text => { if (status) { status.textContent = text; status.hidden = !text; } };
    const send = file => {
        if (!file) return;
        zone.classList.add('av-uploading');
        const xhr = new XMLHttpRequest();
        xhr.open('POST', 'api/uploads');
        xhr.setRequestHeader('X-AlexVis-Upload', token);
        xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
        xhr.upload.onprogress = e => { if (e.lengthComputable && e.total > 4e6) show(`Uploading ${Math.round(100 * e.loaded / e.total)} %`); };
        xhr.onload = () => {
            zone.classList.remove('av-uploading');
            show('');
            // A refused file is reported by the session (a snackbar); only a lost session is told here.
            if (xhr.status === 403) show(JSON.parse(xhr.responseText || '{}').error || 'Please reload the page.');
        };
        xhr.onerror = () => { zone.classList.remove('av-uploading'); show('The upload failed: the server cannot be reached.'); };
        xhr.send(file);
    };
    input.addEventListener('change', () => { send(input.files[0]); input.value = ''; });
    zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('av-dragover'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('av-dragover'));
    zone.addEventListener('drop', e => {
        e.preventDefault();
        zone.classList.remove('av-dragover');
        send(e.dataTransfer?.files?.[0]);
    });
}

// ---------- panels below the fold ----------

// Tells .NET once when the element first comes into view (panels below the fold load their data only then).
export function whenVisible(el, callback) {
    const observer = new IntersectionObserver(entries => {
        if (entries.some(e => e.isIntersecting)) {
            observer.disconnect();
            callback.invokeMethodAsync('Visible');
        }
    }, { rootMargin: '120px' });
    observer.observe(el);
}

// ---------- appearance and cleanup ----------

export async function setAppearance(colormap, dark) {
    if (appearance.colormap === colormap && appearance.dark === dark) return;
    appearance = { colormap, dark };
    for (const p of panels.values()) {
        if (!p.el.isConnected) continue;
        if (p.kind === 'montage') await drawMontage(p.el, p);
    }
}

export function purge(el) {
    panels.delete(el);
    if (window.Plotly && el) window.Plotly.purge(el);
}

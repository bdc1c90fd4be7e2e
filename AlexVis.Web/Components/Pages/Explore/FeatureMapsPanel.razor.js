// The feature-map montage: a palette PNG of quantised levels shown as it is (recoloured by swapping its palette),
// with each cell's exact value under the mouse and a click to open a channel.
import {
    bytes, dataUri, formatValue, hit, imageLayout, imageTrace, config, listen, onAppearance, painted, plotly,
    remember, withPalette, addPalettes, currentAppearance, channelValues, cachedChannel, showTip, showTipValue, hideTip,
    shapesOf, markCell, cellPoint, pointerReporter, comparedText, say,
} from '../../../js/plots.js';

const montages = new Map();  // key → { png, layout, topLevel }
const uris = new Map();      // "key|colormap|dark" → data URI, so a revisited layer is not re-encoded
const figures = new Map();   // element → { view, entry, callbacks, report, announce, cursor }
const keyed = new WeakSet();

/**
 * Shows a montage. view: { key, png (bytes, or null when this page should have them), palettes (the PLTE chunks for
 * its top level, sent with the bytes), topLevel, layout, low, high, scale, symmetric, layer: { index, name, alias }, version,
 * compared (null, or { a, b }: the versions of two compared photos, whose values a hover gives too) };
 * callbacks: .NET's FigureCallbacks (a click selects a channel, an Alt- or Shift-click switches it off or on; with
 * report, the cell under the mouse is reported: its receptive field, a teacher's pointer). Returns 'need-bytes' when
 * the server must send the PNG (this page does not have it). The keyboard's cell and its value are said in announce.
 */
export async function showMontage(el, legend, announce, view, callbacks, report) {
    let entry = montages.get(view.key);
    if (!entry) {
        if (!view.png) return 'need-bytes';
        addPalettes(view.topLevel, view.palettes);
        entry = { png: bytes(view.png), layout: view.layout, topLevel: view.topLevel };
    }
    remember(montages, view.key, entry);
    const previous = figures.get(el);
    const figure = { view, entry, callbacks, announce,
        report: report ? (previous?.report ?? pointerReporter(callbacks)) : null,
        cursor: previous?.cursor && inside(entry.layout, previous.cursor) ? previous.cursor : null };
    attachKeys(el);
    figures.set(el, figure);
    writeLegend(legend, view);
    describe(el, view);
    await draw(el, figure);
    onAppearance(el, () => draw(el, figures.get(el)));
    return 'ok';
}

// The montage's text alternative (for a screen reader): what it shows, its range and where its largest value is.
function describe(el, view) {
    el.setAttribute('role', 'figure'); // not img: plotly's own controls are inside
    const l = view.layout, m = view.summary;
    const where = m ? say('MontageAltWhere', formatValue(m.max), m.channel, m.row, m.column, formatValue(m.min)) : '';
    el.setAttribute('aria-label', say(view.symmetric ? 'MontageAltDifference' : 'MontageAlt', view.layer.alias, l.channels, l.tileHeight, l.tileWidth, where));
}

// The legend's range, in the figures' number format (a per-map scale has no single range).
function writeLegend(legend, view) {
    if (!legend) return;
    if (view.symmetric) {
        legend.textContent = view.scale === 'PerChannel'
            ? say('LegendDifferencePerMap')
            : say(view.scale === 'PerLayer' ? 'LegendDifferenceLayer' : 'LegendDifferenceAll', formatValue(view.low), formatValue(view.high));
        return;
    }
    legend.textContent = view.scale === 'PerChannel'
        ? say('LegendPerMap')
        : say(view.scale === 'PerLayer' ? 'LegendLayer' : 'LegendAll', formatValue(view.low), formatValue(view.high));
}

async function draw(el, { view, entry }) {
    const Plotly = await plotly();
    const { colormap, dark } = currentAppearance();
    const uriKey = `${view.key}|${colormap}|${dark}`;
    const uri = uris.get(uriKey) ?? dataUri(withPalette(entry.png, entry.topLevel));
    remember(uris, uriKey, uri);
    // Plotly.react resolves after 'plotly_afterplot': the new figure is in the page.
    const layout = imageLayout(entry.layout.width, entry.layout.height, `${view.layer.index}`);
    layout.shapes = shapesOf(el);
    await Plotly.react(el, [imageTrace(uri)], layout, config(el, view.layer.alias));
    listen(el, (cell, e) => hover(el, cell, e), (cell, e) => click(el, cell, e));
    el.dataset.montageKey = view.key;
    el.dataset.layout = JSON.stringify(entry.layout);
    painted(el, view.key, true);
}

async function hover(el, cell, e) {
    const { view, entry, report } = figures.get(el);
    const target = cell && hit(entry.layout, cell.x, cell.y);
    if (report) report(target);
    if (!target) return hideTip(el);
    const id = `${view.version}|${view.layer.index}|${target.channel}|${target.row}|${target.column}`;
    const tip = showTip(el, e, id, cellHead(target));
    tip.dataset.channel = target.channel;
    tip.dataset.row = target.row;
    tip.dataset.column = target.column;
    const said = await cellValue(view, entry, target);
    if (!said) return hideTip(el);
    if (said.a !== undefined) {
        tip.dataset.a = String(said.a);
        tip.dataset.b = String(said.b);
    }
    showTipValue(tip, id, said.text, said.value, cellHead(target));
}

const cellHead = target => say('MontageTip', target.channel, target.row, target.column);

/**
 * A cell's value as the hover and the keyboard say it: { text, value (exact) }, with A's and B's values when two photos
 * are compared (the text then gives A, B and A − B, whichever is drawn); null when the values are gone.
 */
async function cellValue(view, entry, target) {
    const floats = cachedChannel(view.version, view.layer, target.channel) ?? await channelValues(view.version, view.layer, target.channel);
    if (!floats) return null;
    const index = target.row * entry.layout.tileWidth + target.column;
    const v = floats[index];
    if (!view.compared) return { text: formatValue(v), value: String(v) };
    const both = await comparedText(view.compared, view.layer, target.channel, index);
    return both ? { text: both.text, value: String(v), a: both.a, b: both.b } : null;
}

// ---------- the keyboard ----------

const inside = (layout, c) => c.channel < layout.channels && c.row < layout.tileHeight && c.column < layout.tileWidth;

// The montage takes focus: the arrows move a ringed cell within a map, Page Up and Page Down go to the previous and
// next map, Home to the first cell; Enter opens the map's channel and Shift+Enter switches its filter off or on. The
// cell and its value are said in the panel's live line (a screen reader reads it) and reported as the mouse's would be.
function attachKeys(el) {
    if (keyed.has(el)) return;
    keyed.add(el);
    el.tabIndex = 0;
    el.addEventListener('keydown', e => { if (move(el, e)) e.preventDefault(); });
    // Focus from the keyboard rings the cell at once; a mouse click's focus does not (the mouse has its own pointer).
    el.addEventListener('focus', () => {
        const f = figures.get(el);
        if (f && el.matches(':focus-visible')) showCursor(el, f, f.cursor ?? { channel: 0, row: 0, column: 0 });
    });
    el.addEventListener('blur', () => markCell(el, null, 'keyboard'));
}

function move(el, e) {
    const f = figures.get(el);
    if (!f) return false;
    const l = f.entry.layout;
    const c = f.cursor ?? { channel: 0, row: 0, column: 0 };
    const clamp = (v, n) => Math.max(0, Math.min(n - 1, v));
    let next;
    switch (e.key) {
        case 'ArrowLeft': next = { ...c, column: clamp(c.column - 1, l.tileWidth) }; break;
        case 'ArrowRight': next = { ...c, column: clamp(c.column + 1, l.tileWidth) }; break;
        case 'ArrowUp': next = { ...c, row: clamp(c.row - 1, l.tileHeight) }; break;
        case 'ArrowDown': next = { ...c, row: clamp(c.row + 1, l.tileHeight) }; break;
        case 'PageUp': next = { ...c, channel: clamp(c.channel - 1, l.channels) }; break;
        case 'PageDown': next = { ...c, channel: clamp(c.channel + 1, l.channels) }; break;
        case 'Home': next = { ...c, row: 0, column: 0 }; break;
        case 'Enter':
            f.callbacks.invokeMethodAsync(e.shiftKey ? 'Toggle' : 'Select', c.channel);
            return true;
        default: return false;
    }
    showCursor(el, f, next);
    return true;
}

async function showCursor(el, f, cursor) {
    f.cursor = cursor;
    if (f.report) f.report(cursor);
    await markCell(el, cellPoint(f.entry.layout, cursor), 'keyboard');
    const said = await cellValue(f.view, f.entry, cursor);
    if (!said || f.cursor !== cursor || !f.announce) return; // moved on meanwhile
    f.announce.textContent = `${cellHead(cursor)}: ${said.text}`;
    f.announce.dataset.value = said.value;
    f.announce.dataset.cell = `${cursor.channel},${cursor.row},${cursor.column}`;
}

function click(el, cell, e) {
    const { entry, callbacks } = figures.get(el);
    const target = hit(entry.layout, cell.x, cell.y);
    if (target) callbacks.invokeMethodAsync(e && (e.altKey || e.shiftKey) ? 'Toggle' : 'Select', target.channel);
}

/** Marks the montage cell { channel, row, column } (the teacher's pointer on a student's page), or clears the mark (null, or a cell this layout has not). */
export async function mark(el, cell) {
    const layout = figures.get(el)?.entry.layout;
    await markCell(el, cell && layout && inside(layout, cell) ? cellPoint(layout, cell) : null);
}

/** The panel is gone. */
export function forget(el) {
    figures.delete(el);
}

// The feature-map montage: a palette PNG of quantised levels shown as it is (recoloured by swapping its palette),
// with each cell's exact value under the mouse and a click to open a channel.
import {
    bytes, dataUri, formatValue, hit, imageLayout, imageTrace, config, listen, onAppearance, painted, plotly,
    remember, withPalette, addPalettes, currentAppearance, channelValues, cachedChannel, showTip, showTipValue, hideTip,
    shapesOf, markCell, pointerReporter, comparedText,
} from '../../../js/plots.js';

const montages = new Map();  // key → { png, layout, topLevel }
const uris = new Map();      // "key|colormap|dark" → data URI, so a revisited layer is not re-encoded
const figures = new Map();   // element → { view, entry, callbacks, report }

/**
 * Shows a montage. view: { key, png (bytes, or null when this page should have them), palettes (the PLTE chunks for
 * its top level, sent with the bytes), topLevel, layout, low, high, scale, symmetric, layer: { index, name, alias }, version,
 * compared (null, or { a, b }: the versions of two compared photos, whose values a hover gives too) };
 * callbacks: .NET's FigureCallbacks (a click selects a channel, an Alt- or Shift-click switches it off or on; with
 * report, the cell under the mouse is reported: its receptive field, a teacher's pointer). Returns 'need-bytes' when
 * the server must send the PNG (this page does not have it).
 */
export async function showMontage(el, legend, view, callbacks, report) {
    let entry = montages.get(view.key);
    if (!entry) {
        if (!view.png) return 'need-bytes';
        addPalettes(view.topLevel, view.palettes);
        entry = { png: bytes(view.png), layout: view.layout, topLevel: view.topLevel };
    }
    remember(montages, view.key, entry);
    const previous = figures.get(el);
    const figure = { view, entry, callbacks,
        report: report ? (previous?.report ?? pointerReporter(callbacks)) : null };
    figures.set(el, figure);
    writeLegend(legend, view);
    describe(el, view);
    await draw(el, figure);
    onAppearance(el, () => draw(el, figures.get(el)));
    return 'ok';
}

// The montage's text alternative (for a screen reader): what it shows, its range and where its largest value is.
function describe(el, view) {
    el.setAttribute('role', 'img');
    const l = view.layout, m = view.summary;
    const where = m ? `; largest ${formatValue(m.max)} in channel ${m.channel} at row ${m.row}, column ${m.column}; smallest ${formatValue(m.min)}` : '';
    el.setAttribute('aria-label', `${view.symmetric ? 'A − B, ' : ''}${view.layer.alias}: ${l.channels} maps of ${l.tileHeight} × ${l.tileWidth}${where}.`);
}

// The legend's range, in the figures' number format (a per-map scale has no single range).
function writeLegend(legend, view) {
    if (!legend) return;
    if (view.symmetric) {
        legend.textContent = view.scale === 'PerChannel'
            ? 'A − B: each map from −m (left colour) through 0 (middle) to +m (right colour), m its largest difference.'
            : `A − B, ${view.scale === 'PerLayer' ? 'whole layer' : 'every layer'}: ${formatValue(view.low)} through 0 to ${formatValue(view.high)}.`;
        return;
    }
    legend.textContent = view.scale === 'PerChannel'
        ? 'Each map from its own minimum (left colour) to its maximum (right colour).'
        : `${view.scale === 'PerLayer' ? 'Whole layer' : 'Every layer of this image'}: ${formatValue(view.low)} to ${formatValue(view.high)}.`;
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
    await Plotly.react(el, [imageTrace(uri)], layout, config(view.layer.alias));
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
    const head = `channel ${target.channel} · row ${target.row} · col ${target.column}`;
    const tip = showTip(el, e, id, head);
    tip.dataset.channel = target.channel;
    tip.dataset.row = target.row;
    tip.dataset.column = target.column;
    const floats = cachedChannel(view.version, view.layer, target.channel) ?? await channelValues(view.version, view.layer, target.channel);
    if (!floats) return hideTip(el);
    const index = target.row * entry.layout.tileWidth + target.column;
    const v = floats[index];
    if (view.compared) {
        // Two photos compared: the hover gives A's, B's and A − B's value of the cell, whichever is drawn.
        const both = await comparedText(view.compared, view.layer, target.channel, index);
        if (!both) return hideTip(el);
        tip.dataset.a = String(both.a);
        tip.dataset.b = String(both.b);
        return showTipValue(tip, id, both.text, String(v), head);
    }
    showTipValue(tip, id, formatValue(v), String(v), head);
}

function click(el, cell, e) {
    const { entry, callbacks } = figures.get(el);
    const target = hit(entry.layout, cell.x, cell.y);
    if (target) callbacks.invokeMethodAsync(e && (e.altKey || e.shiftKey) ? 'Toggle' : 'Select', target.channel);
}

/** Marks the montage cell at data (x, y) (the teacher's pointer on a student's page), or clears the mark. */
export async function mark(el, cell) {
    await markCell(el, cell);
}

/** The panel is gone. */
export function forget(el) {
    figures.delete(el);
}

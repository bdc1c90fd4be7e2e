// A page of a convolution's kernels: a palette PNG drawn by the server, each weight under the mouse, and a click
// on a filter to open the map it makes.
import { say, bytes, config, dataUri, filterWeights, formatValue, hideTip, hit, imageLayout, imageTrace, listen, plotly, remember, shapesOf, showTip, showTipValue } from '../../../js/plots.js';

const pages = new Map();    // key → data URI
const figures = new Map();  // element → { view, callbacks }

/**
 * view: { key, png (bytes, or null when this page should have them), colour, filters (layout), slices (layout|null),
 * firstFilter, shape [out,in,kh,kw], layer }; callbacks: .NET's FigureCallbacks. Returns 'need-bytes' when the page
 * does not have the PNG.
 */
export async function showKernels(el, view, callbacks) {
    let url = pages.get(view.key);
    if (!url) {
        if (!view.png) return 'need-bytes';
        url = dataUri(bytes(view.png));
    }
    remember(pages, view.key, url);
    figures.set(el, { view, callbacks });
    const Plotly = await plotly();
    const layout = imageLayout(view.filters.width, view.filters.height, view.key);
    layout.shapes = shapesOf(el);
    await Plotly.react(el, [imageTrace(url)], layout, config(el, `${view.layer.alias}-kernels`));
    el.dataset.kernelsKey = view.key;
    el.dataset.layout = JSON.stringify({ filters: view.filters, slices: view.slices, firstFilter: view.firstFilter });
    listen(el, (cell, e) => hover(el, cell, e), cell => click(el, cell));
    return 'ok';
}

// A filter's block, then (in grey) the input channel's slice within it.
function kernelHit(view, x, y) {
    const block = hit(view.filters, x, y);
    if (!block) return null;
    const filter = view.firstFilter + block.channel;
    if (view.colour) return { filter, inChannel: null, row: block.row, column: block.column };
    const slice = hit(view.slices, block.column, block.row);
    return slice ? { filter, inChannel: slice.channel, row: slice.row, column: slice.column } : null;
}

async function hover(el, cell, e) {
    const { view } = figures.get(el);
    const target = cell && kernelHit(view, cell.x, cell.y);
    if (!target) return hideTip(el);
    const id = `${view.key}|${target.filter}|${target.inChannel}|${target.row}|${target.column}`;
    const head = target.inChannel === null
        ? say('KernelTip', target.filter, target.row, target.column)
        : say('KernelTipInput', target.filter, target.row, target.column, target.inChannel);
    const tip = showTip(el, e, id, head);
    const [, , kh, kw] = view.shape;
    const floats = await filterWeights(view.layer, target.filter);
    if (!floats) return hideTip(el);
    const at = c => floats[(c * kh + target.row) * kw + target.column];
    if (target.inChannel === null)
        showTipValue(tip, id, `R ${formatValue(at(0))} · G ${formatValue(at(1))} · B ${formatValue(at(2))}`, `${at(0)},${at(1)},${at(2)}`, head);
    else
        showTipValue(tip, id, formatValue(at(target.inChannel)), String(at(target.inChannel)), head);
}

function click(el, cell) {
    const { view, callbacks } = figures.get(el);
    const target = kernelHit(view, cell.x, cell.y);
    if (target) callbacks.invokeMethodAsync('Select', target.filter);
}

/** The panel is gone. */
export function forget(el) {
    figures.delete(el);
}

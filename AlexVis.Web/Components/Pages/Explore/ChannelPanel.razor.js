// One channel at native resolution: its heatmap (exact value under the mouse) and histogram, and its statistics
// in the figures' number format.
import { say, channelValues, compareLine, colorscale, config, formatValue, lutColour, markCell, shapesOf, onAppearance, plotly, pointerReporter, themeLayout, writeStats } from '../../../js/plots.js';

const reporters = new WeakMap(); // heatmap → its pointer reporter

/**
 * view: { values (bytes), height, width, layer: { index, name, alias }, channel, version, stats: { min, max, maxRow, maxColumn, mean, zeroFraction },
 * compared (null, or { a, b }: two compared photos' versions, whose values the hover gives too) };
 * callbacks: .NET's FigureCallbacks, told the cell under the mouse (its receptive field and worked sum).
 */
export async function showChannel(heatmap, histogram, statsLine, view, callbacks) {
    if (callbacks && !reporters.has(heatmap)) {
        const report = pointerReporter(callbacks);
        reporters.set(heatmap, report);
        heatmap.addEventListener('mouseleave', () => report(null));
    }
    const floats = await channelValues(view.version, view.layer, view.channel, view.values);
    if (!floats) return;
    // Two photos compared: each cell's hover gives A's, B's and A − B's values too.
    const compared = view.compared
        ? await Promise.all([view.compared.a, view.compared.b].map(v => channelValues(v, view.layer, view.channel)))
        : null;
    if (compared && compared.some(c => !c)) return;
    writeStats(statsLine, view.stats);
    describe(heatmap, view);
    const draw = () => drawChannel(heatmap, histogram, view, floats, compared);
    onAppearance(heatmap, draw);
    await draw();
}

// The heatmap's text alternative (for a screen reader): the layer, channel, size, range and where the maximum is.
function describe(heatmap, view) {
    heatmap.setAttribute('role', 'figure'); // not img: plotly's own controls are inside
    heatmap.setAttribute('aria-label', say('ChannelAlt', view.layer.alias, view.channel, view.height, view.width, formatValue(view.stats.min),
        formatValue(view.stats.max), view.stats.maxRow, view.stats.maxColumn));
}

async function drawChannel(heatmap, histogram, view, floats, compared) {
    const Plotly = await plotly();
    const key = `${view.version}|${view.layer.index}|${view.channel}`;
    const z = [], text = [];
    for (let r = 0; r < view.height; r++) {
        const row = floats.subarray(r * view.width, (r + 1) * view.width);
        z.push(Array.from(row));
        text.push(compared
            ? Array.from(row, (v, c) => `${formatValue(v)}</b><br>${compareLine(compared[0][r * view.width + c], compared[1][r * view.width + c])}<b>`)
            : Array.from(row, formatValue));
    }
    const heat = {
        type: 'heatmap', z, customdata: text, colorscale: colorscale(), showscale: true,
        hovertemplate: `${say('ChannelHover')}<br><b>%{customdata}</b><extra></extra>`,
        colorbar: { thickness: 10, outlinewidth: 0 },
    };
    const layout = Object.assign(themeLayout(), {
        margin: { l: 30, r: 10, t: 6, b: 24 },
        xaxis: { constrain: 'domain', showgrid: false, zeroline: false },
        yaxis: { autorange: 'reversed', scaleanchor: 'x', showgrid: false, zeroline: false },
        uirevision: key,
        shapes: shapesOf(heatmap),
    });
    await Plotly.react(heatmap, [heat], layout, config(heatmap, `${view.layer.alias}-channel-${view.channel}`));
    heatmap.dataset.channelKey = key;
    const report = reporters.get(heatmap);
    if (report && !heatmap.dataset.reporting) {
        heatmap.dataset.reporting = 'yes';
        heatmap.on('plotly_hover', e => { const p = e.points[0]; report({ channel: +heatmap.dataset.channelKey.split('|')[2], row: p.y, column: p.x }); });
        heatmap.on('plotly_unhover', () => report(null));
    }

    if (histogram) {
        const hist = {
            type: 'histogram', x: Array.from(floats), nbinsx: 40, marker: { color: lutColour(128) },
            hovertemplate: `${say('HistogramHover')}<extra></extra>`,
        };
        const hl = Object.assign(themeLayout(), {
            margin: { l: 40, r: 10, t: 6, b: 30 }, bargap: 0.05,
            xaxis: { title: { text: say('Activation') }, zeroline: false }, yaxis: { title: { text: say('Cells') } },
        });
        await Plotly.react(histogram, [hist], hl, config(histogram, `${view.layer.alias}-channel-${view.channel}-histogram`));
    }
}

/** Marks the cell at (column, row) of the heatmap (the teacher's pointer on a student's page), or clears the mark. */
export async function mark(heatmap, cell) {
    await markCell(heatmap, cell);
}

/**
 * Writes how the hovered cell's number is made: for conv1, Σ patch · filter + bias = value ({ kind: 'sum', terms,
 * sum, bias, value, row, column }); for a ReLU or pool cell, the cell it came from ({ kind: 'relu' | 'pool', layer,
 * row, column, value }); nothing for null. The value is also kept unformatted in data-value.
 */
export function explainCell(el, info) {
    if (!info) {
        el.textContent = '';
        delete el.dataset.value;
        return;
    }
    const f = formatValue;
    if (info.kind === 'sum') {
        const sign = info.bias < 0 ? '−' : '+';
        el.textContent = say('SumText', info.row, info.column, info.terms, f(info.sum), sign, f(Math.abs(info.bias)), f(info.value));
        el.dataset.value = String(info.value);
    } else {
        el.textContent = info.kind === 'pool'
            ? say('PoolText', info.layer, info.row, info.column, f(info.value))
            : say('ReluText', info.layer, info.row, info.column, f(info.value), f(Math.max(0, info.value)));
        el.dataset.value = String(info.kind === 'pool' ? info.value : Math.max(0, info.value));
    }
}

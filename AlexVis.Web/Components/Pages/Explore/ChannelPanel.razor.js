// One channel at native resolution: its heatmap (exact value under the mouse) and histogram, and its statistics
// in the figures' number format.
import { channelValues, colorscale, config, formatValue, lutColour, markCell, markShapes, onAppearance, plotly, themeLayout, writeStats } from '../../../js/plots.js';

const marks = new WeakMap(); // heatmap → the marked cell, kept across redraws

/** view: { values (bytes), height, width, layer: { index, name, alias }, channel, version, stats: { min, max, mean, zeroFraction } } */
export async function showChannel(heatmap, histogram, statsLine, view) {
    const floats = await channelValues(view.version, view.layer, view.channel, view.values);
    if (!floats) return;
    writeStats(statsLine, view.stats);
    const draw = () => drawChannel(heatmap, histogram, view, floats);
    onAppearance(heatmap, draw);
    await draw();
}

async function drawChannel(heatmap, histogram, view, floats) {
    const Plotly = await plotly();
    const key = `${view.version}|${view.layer.index}|${view.channel}`;
    const z = [], text = [];
    for (let r = 0; r < view.height; r++) {
        const row = floats.subarray(r * view.width, (r + 1) * view.width);
        z.push(Array.from(row));
        text.push(Array.from(row, formatValue));
    }
    const heat = {
        type: 'heatmap', z, customdata: text, colorscale: colorscale(), showscale: true,
        hovertemplate: 'row %{y} · col %{x}<br><b>%{customdata}</b><extra></extra>',
        colorbar: { thickness: 10, outlinewidth: 0 },
    };
    const layout = Object.assign(themeLayout(), {
        margin: { l: 30, r: 10, t: 6, b: 24 },
        xaxis: { constrain: 'domain', showgrid: false, zeroline: false },
        yaxis: { autorange: 'reversed', scaleanchor: 'x', showgrid: false, zeroline: false },
        uirevision: key,
        shapes: markShapes(marks.get(heatmap)),
    });
    await Plotly.react(heatmap, [heat], layout, config(`${view.layer.alias}-channel-${view.channel}`));
    heatmap.dataset.channelKey = key;

    if (histogram) {
        const hist = {
            type: 'histogram', x: Array.from(floats), nbinsx: 40, marker: { color: lutColour(128) },
            hovertemplate: '%{x}<br>%{y} cells<extra></extra>',
        };
        const hl = Object.assign(themeLayout(), {
            margin: { l: 40, r: 10, t: 6, b: 30 }, bargap: 0.05,
            xaxis: { title: { text: 'activation' }, zeroline: false }, yaxis: { title: { text: 'cells' } },
        });
        await Plotly.react(histogram, [hist], hl, config(`${view.layer.alias}-channel-${view.channel}-histogram`));
    }
}

/** Marks the cell at (column, row) of the heatmap (the teacher's pointer on a student's page), or clears the mark. */
export async function mark(heatmap, cell) {
    marks.set(heatmap, cell);
    await markCell(heatmap, cell);
}

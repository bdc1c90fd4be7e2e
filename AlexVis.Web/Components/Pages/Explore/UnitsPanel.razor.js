// A fully connected layer: every unit's value as one filled step line (it reads as bars, but is one SVG path
// rather than 4096, which took plotly 150–200 ms per layer step), with its statistics.
import { say, config, formatValue, lutColour, onAppearance, painted, plotly, themeLayout, toFloats, writeStats } from '../../../js/plots.js';

let classNames = null;

async function classes() {
    classNames ??= await (await fetch('api/classes.json')).json();
    return classNames;
}

/** view: { values (bytes), layer: { index, name, alias }, version, labelled, stats: { min, max, zeroFraction } } */
export async function showUnits(el, statsLine, view) {
    const floats = toFloats(view.values);
    writeStats(statsLine, view.stats);
    const names = view.labelled ? await classes() : null;
    const draw = () => drawUnits(el, view, floats, names);
    onAppearance(el, draw);
    await draw();
}

async function drawUnits(el, view, floats, names) {
    const Plotly = await plotly();
    const colour = lutColour(90);
    const text = Array.from(floats, formatValue);
    // The units' numbers come from x0 and dx and their values are the received Float32Array, not arrays of 4096 built
    // per step, and both axes are declared linear, so plotly does not scan the values to guess whether they are dates:
    // drawing a fully connected layer took 26.6–30.2 ms a step instead of 31.6–44.4 (Chromium's profiler, two runs each).
    const trace = {
        type: 'scatter', mode: 'lines', x0: 0, dx: 1, y: floats,
        line: { shape: 'hvh', width: 1, color: colour }, fill: 'tozeroy', fillcolor: colour,
        customdata: names ? text.map((t, i) => [t, names[i]]) : text.map(t => [t]),
        hovertemplate: `${say(names ? 'ClassHover' : 'UnitHover')}<br><b>%{customdata[0]}</b><extra></extra>`,
    };
    const layout = Object.assign(themeLayout(), {
        margin: { l: 50, r: 10, t: 6, b: 36 }, hovermode: 'x',
        xaxis: { type: 'linear', title: { text: say(names ? 'ImageNetClass' : 'Unit') }, zeroline: false },
        yaxis: { type: 'linear', title: { text: say('Activation') } },
        uirevision: `${view.layer.index}`,
    });
    await Plotly.react(el, [trace], layout, config(el, `${view.layer.alias}-units`));
    el.dataset.unitsKey = `${view.version}|${view.layer.index}`;
    painted(el, el.dataset.unitsKey, false);
}

// Live occlusion: a grey square follows the pointer (or the arrow keys) over the crop; each new place is sent to the
// server, newest only: while one answer is on its way, later places wait and only the last is sent.
export function attach(host, callbacks, patch) {
    const square = host.querySelector('[data-square]');
    const size = 224;
    let busy = false, pending = null, dragging = false, at = null;

    const show = (row, column) => {
        const scale = host.clientWidth / size;
        Object.assign(square.style, { left: `${column * scale}px`, top: `${row * scale}px`, width: `${patch * scale}px`, height: `${patch * scale}px` });
        square.hidden = false;
        at = [row, column];
        send(row, column);
    };
    const clamp = v => Math.max(0, Math.min(size - patch, Math.round(v)));
    const fromPointer = e => {
        const r = host.getBoundingClientRect();
        const scale = size / r.width;
        show(clamp((e.clientY - r.top) * scale - patch / 2), clamp((e.clientX - r.left) * scale - patch / 2));
    };
    const send = async (row, column) => {
        if (busy) { pending = [row, column]; return; }
        busy = true;
        try {
            await callbacks.invokeMethodAsync('Probe', row, column);
        } catch (e) {
            console.warn('live occlusion:', e); // the page is gone or reconnecting: the next move tries again
        } finally {
            busy = false;
        }
        if (pending) {
            const [r, c] = pending;
            pending = null;
            send(r, c);
        }
    };

    host.addEventListener('pointerdown', e => { dragging = true; host.setPointerCapture(e.pointerId); fromPointer(e); e.preventDefault(); });
    host.addEventListener('pointermove', e => { if (dragging) fromPointer(e); });
    host.addEventListener('pointerup', () => { dragging = false; });
    host.addEventListener('keydown', e => {
        const step = { ArrowUp: [-8, 0], ArrowDown: [8, 0], ArrowLeft: [0, -8], ArrowRight: [0, 8] }[e.key];
        if (!step) return;
        e.preventDefault();
        const [row, column] = at ?? [clamp((size - patch) / 2), clamp((size - patch) / 2)];
        show(clamp(row + step[0]), clamp(column + step[1]));
    });
}

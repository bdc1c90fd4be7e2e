import { pointerReporter, say } from '../../../js/plots.js';

// Files dropped on the zone or chosen in the input go to /api/uploads over plain HTTP (a 12 MP photo through the
// Blazor circuit took ~300 ms; this takes a few), with the page's upload token; the page then follows its state.
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
        xhr.upload.onprogress = e => { if (e.lengthComputable && e.total > 4e6) show(say('Uploading', Math.round(100 * e.loaded / e.total))); };
        xhr.onload = () => {
            zone.classList.remove('av-uploading');
            show('');
            // A refused file is reported by the page (a snackbar); only a lost session is told here.
            if (xhr.status === 403) show(JSON.parse(xhr.responseText || '{}').error || say('Reload'));
        };
        xhr.onerror = () => { zone.classList.remove('av-uploading'); show(say('Unreachable')); };
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

// The crop's pixel under the mouse, reported to .NET as (row, column) of the 224 × 224 crop at most every 80 ms
// (the cells that see it are marked by the server); once per element.
export function attachCropHover(img, callbacks) {
    if (!img || img.dataset.hover) return;
    img.dataset.hover = 'yes';
    const report = pointerReporter(callbacks);
    img.addEventListener('mousemove', e => {
        const r = img.getBoundingClientRect();
        const column = Math.min(223, Math.max(0, Math.floor((e.clientX - r.left) * 224 / r.width)));
        const row = Math.min(223, Math.max(0, Math.floor((e.clientY - r.top) * 224 / r.height)));
        report({ channel: 0, row, column });
    });
    img.addEventListener('mouseleave', () => report(null));
}

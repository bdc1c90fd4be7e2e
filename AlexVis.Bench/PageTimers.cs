using AlexVis.Harness;
using AlexVis.Model.Network;

namespace AlexVis.Bench;

/// <summary>In-page timers for slider steps, hovers and uploads, measured with the page's own clock.</summary>
static class PageTimers
{
    /// <summary>Timers that run in the page, so Playwright's own latency is not counted.</summary>
    public const string Script = """
        () => {
          const layerOf = key => key.includes('|') ? key.split('|')[1] : key.split('.')[1];
          window.__stepTimer = index => new Promise(resolve => {
            let t0 = null;
            document.addEventListener('keydown', () => { t0 = performance.now(); }, { capture: true, once: true });
            const painted = e => {
              if (t0 === null || layerOf(e.detail.key) !== String(index)) return;
              document.removeEventListener('alexvis:painted', painted);
              resolve(performance.now() - t0);
            };
            document.addEventListener('alexvis:painted', painted);
          });
          window.__hoverTimer = cell => new Promise(resolve => {
            let t0 = null;
            document.addEventListener('mousemove', () => { if (t0 === null) t0 = performance.now(); }, { capture: true });
            const done = () => {
              const t = document.querySelector('.av-tooltip');
              return t0 !== null && t && t.style.display !== 'none' && t.dataset.value && `${t.dataset.channel}|${t.dataset.row}|${t.dataset.column}` === cell;
            };
            const observer = new MutationObserver(() => { if (done()) { observer.disconnect(); resolve(performance.now() - t0); } });
            observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
          });
          window.__occlusionTimer = at => new Promise(resolve => {
            let t0 = null;
            document.addEventListener('keydown', () => { t0 = performance.now(); }, { capture: true, once: true });
            const done = () => t0 !== null && document.querySelector('[data-testid=occlusion-probe]')?.dataset.at === at
              && document.querySelector('[data-testid=occlusion-channel]');
            const observer = new MutationObserver(() => { if (done()) { observer.disconnect(); resolve(performance.now() - t0); } });
            observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
          });
          window.__uploadTimer = (oldKey, oldCrop) => new Promise(resolve => {
            let t0 = null;
            document.addEventListener('change', () => { t0 = performance.now(); }, { capture: true, once: true });
            const done = () => {
              const m = document.querySelector('[data-testid=montage]'), img = document.querySelector('[data-testid=crop]');
              return t0 !== null && m && m.dataset.montageKey && m.dataset.montageKey !== oldKey
                && img && img.getAttribute('src') !== oldCrop && img.complete && img.naturalWidth > 0
                && document.querySelectorAll('[data-testid=prediction]').length === 5;
            };
            const tick = () => done() ? resolve(performance.now() - t0) : requestAnimationFrame(tick);
            requestAnimationFrame(tick);
          });
        }
        """;

    /// <summary>Presses <paramref name="key"/> on the focused slider and returns the time until <paramref name="layer"/> is painted.</summary>
    public static async Task<double> StepAsync(ExplorePage page, string key, LayerInfo layer)
    {
        await page.Page.EvaluateAsync("i => { window.__step = window.__stepTimer(i); }", layer.Index);
        await page.Page.Keyboard.PressAsync(key);
        return await page.Page.EvaluateAsync<double>("() => window.__step");
    }
}

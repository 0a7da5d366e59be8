/**
 * Load marks and the first-frame measurement, shared by `node bench/firstframe.mjs` and the
 * benchmark (bench/flock.bench.ts: its load table and its first-frame table). Plain JavaScript
 * (types in loadTiming.d.mts) so both can import it.
 *
 *   recordLoadMarks  an init script (page.addInitScript) that stores, on the page clock, when "Train"
 *                    is first enabled (the data is ready) and when the center panel's readout first
 *                    shows an accuracy (the first embedding frame), in window.__flockLoad.
 *   firstFrameOnce   one cold load in a fresh browser (no shader or HTTP cache carried over).
 *   alternateLoads   several URLs, alternating round by round, each load cold.
 */
import { launchChromium } from '../testkit/browser.mjs';

/** Runs in the page before its scripts: window.__flockLoad = { trainEnabled?, firstFrame? } (performance.now()). */
export function recordLoadMarks() {
  const L = (window.__flockLoad = {});
  const check = () => {
    if (L.trainEnabled === undefined) {
      const b = [...document.querySelectorAll('button')].find((x) => x.textContent?.trim() === 'Train');
      if (b && !b.disabled) L.trainEnabled = performance.now();
    }
    if (L.firstFrame === undefined) {
      const r = document.querySelector('[data-testid=readout-center]');
      if (r && /accuracy\s+[\d.]+%/.test(r.textContent ?? '')) L.firstFrame = performance.now();
    }
    if (L.trainEnabled !== undefined && L.firstFrame !== undefined) mo.disconnect();
  };
  const mo = new MutationObserver(check);
  mo.observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['disabled'] });
}

/**
 * Loads `url` in a fresh headless Chromium (WebGPU on unless `webgpu` is false) and waits for both
 * marks (at most `timeout` ms). Returns { readyMs, frameMs } from navigation start, afterReadyMs
 * (first frame − data ready) and the backend readout.
 */
export async function firstFrameOnce({ url, webgpu = true, executable, timeout = 180_000, onConsole }) {
  const browser = await launchChromium({ webgpu, executable });
  try {
    const page = await browser.newPage();
    if (onConsole) page.on('console', onConsole);
    await page.addInitScript(recordLoadMarks);
    await page.goto(url);
    await page.waitForFunction(() => {
      const L = window.__flockLoad;
      return (L.trainEnabled !== undefined && L.firstFrame !== undefined) || !!document.querySelector('[data-testid=error]');
    }, null, { timeout, polling: 50 });
    const error = await page.evaluate(() => document.querySelector('[data-testid=error]')?.textContent ?? null);
    if (error) throw new Error(`app error while loading: ${error}`);
    const L = await page.evaluate(() => window.__flockLoad);
    const backend = ((await page.evaluate(() => document.querySelector('[data-testid=backend]')?.textContent ?? '')) || '').replace(/\s+/g, ' ').trim();
    return { readyMs: L.trainEnabled, frameMs: L.firstFrame, afterReadyMs: L.firstFrame - L.trainEnabled, backend };
  } finally {
    await browser.close();
  }
}

/**
 * `rounds` rounds; in each, one cold load of every variant ({ url, webgpu }) in turn, so all see the
 * same machine load. `log` hears each load. Returns each variant's loads, in variant order.
 */
export async function alternateLoads(variants, rounds, { executable, timeout, log = () => {}, onConsole } = {}) {
  const results = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < variants.length; i++) {
      const one = await firstFrameOnce({ ...variants[i], executable, timeout, onConsole });
      results[i].push(one);
      log(r, i, one);
    }
  }
  return results;
}

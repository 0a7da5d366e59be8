#!/usr/bin/env node
/**
 * Time from data ready ("Train" enabled) to the first embedding frame (the center panel's readout
 * shows an accuracy), and from navigation to each, for one or more builds of the site, alternating
 * builds round by round, each load in a fresh browser (no shader cache carried over). Not a test.
 *
 *   node bench/firstframe.mjs --rounds 3 [--query '?model=tiny'] [--webgpu 1] DIST...
 *   e.g. two builds of the e2e site (npx vite build --mode e2e --outDir /tmp/a), before and after a change.
 */
import { resolve } from 'node:path';
import { browserPathOrExit } from '../scripts/find-browser.mjs';
import { launchChromium } from '../testkit/browser.mjs';
import { serveStatic } from '../testkit/serve.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const rounds = Number(opt('--rounds', '3'));
const query = opt('--query', '');
const gpu = opt('--webgpu', '1') === '1';
const dists = args.map((d) => resolve(d));
const servers = await Promise.all(dists.map((root) => serveStatic(root, '/flock/')));
const executable = browserPathOrExit();
const results = dists.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < dists.length; i++) {
    const browser = await launchChromium({ webgpu: gpu, executable });
    try {
      const page = await browser.newPage();
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.error(`  [page ${m.type()}] ${m.text().slice(0, 300)}`); });
      await page.addInitScript(() => {
        const L = (window.__ff = {});
        const mo = new MutationObserver(() => {
          if (L.ready === undefined) {
            const b = [...document.querySelectorAll('button')].find((x) => x.textContent?.trim() === 'Train');
            if (b && !b.disabled) L.ready = performance.now();
          }
          if (L.frame === undefined) {
            const el = document.querySelector('[data-testid=readout-center]');
            if (el && /accuracy\s+[\d.]+%/.test(el.textContent ?? '')) L.frame = performance.now();
          }
        });
        mo.observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['disabled'] });
      });
      await page.goto(`${servers[i].url}index.html${query}`);
      await page.waitForFunction(() => window.__ff.ready !== undefined && window.__ff.frame !== undefined, null, { timeout: 180_000, polling: 50 });
      const L = await page.evaluate(() => window.__ff);
      const backend = await page.evaluate(() => document.querySelector('[data-testid=backend]')?.textContent ?? '');
      results[i].push({ readyMs: L.ready, frameMs: L.frame, afterReadyMs: L.frame - L.ready });
      console.log(`round ${r + 1} ${dists[i]}: data ready ${L.ready.toFixed(0)} ms, first frame ${L.frame.toFixed(0)} ms, after ready ${(L.frame - L.ready).toFixed(0)} ms (${backend.slice(0, 80)})`);
    } finally {
      await browser.close();
    }
  }
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
for (let i = 0; i < dists.length; i++) {
  console.log(`${dists[i]}: median first frame after data ready ${median(results[i].map((x) => x.afterReadyMs)).toFixed(0)} ms; from navigation ${median(results[i].map((x) => x.frameMs)).toFixed(0)} ms (${results[i].map((x) => x.afterReadyMs.toFixed(0)).join(', ')})`);
}
await Promise.all(servers.map((s) => s.close()));

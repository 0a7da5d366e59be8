#!/usr/bin/env node
/**
 * Time from data ready ("Train" enabled) to the first embedding frame (the center panel's readout
 * shows an accuracy), and from navigation to each, for one or more builds of the site, alternating
 * builds round by round, each load in a fresh browser (no shader cache carried over). Not a test.
 * The benchmark's first-frame table (bench/flock.bench.ts) measures the same way, with and without
 * the pipeline warm-up (?warmup=0) in one build.
 *
 *   node bench/firstframe.mjs --rounds 3 [--query '?model=tiny'] [--webgpu 1] DIST...
 *   e.g. two builds of the e2e site (npx vite build --mode e2e --outDir /tmp/a), before and after a change.
 */
import { resolve } from 'node:path';
import { browserPathOrExit } from '../scripts/find-browser.mjs';
import { serveStatic } from '../testkit/serve.mjs';
import { alternateLoads } from './loadTiming.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const rounds = Number(opt('--rounds', '3'));
const query = opt('--query', '');
const webgpu = opt('--webgpu', '1') === '1';
const dists = args.map((d) => resolve(d));
const servers = await Promise.all(dists.map((root) => serveStatic(root, '/flock/')));
try {
  const results = await alternateLoads(servers.map((s) => ({ url: `${s.url}index.html${query}`, webgpu })), rounds, {
    executable: browserPathOrExit(),
    onConsole: (m) => { if (m.type() === 'error' || m.type() === 'warning') console.error(`  [page ${m.type()}] ${m.text().slice(0, 300)}`); },
    log: (r, i, L) => console.log(`round ${r + 1} ${dists[i]}: data ready ${L.readyMs.toFixed(0)} ms, first frame ${L.frameMs.toFixed(0)} ms, after ready ${L.afterReadyMs.toFixed(0)} ms (${L.backend.slice(0, 80)})`),
  });
  const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
  for (let i = 0; i < dists.length; i++) {
    console.log(`${dists[i]}: median first frame after data ready ${median(results[i].map((x) => x.afterReadyMs)).toFixed(0)} ms; from navigation ${median(results[i].map((x) => x.frameMs)).toFixed(0)} ms (${results[i].map((x) => x.afterReadyMs.toFixed(0)).join(', ')})`);
  }
} finally {
  await Promise.all(servers.map((s) => s.close()));
}

#!/usr/bin/env node
/**
 * Convolution-gradient kernels and CNN training steps on WebGPU, tfjs' kernels vs Flock's WGSL
 * (src/train/convKernelsWebgpu.ts), through e2e/harness/conv.html (window.flockConv) in headless
 * Chromium (not a test). Settings alternate within one page so both see the same machine load.
 *
 *   node bench/conv.mjs [--dist dist-e2e] [--json out.json] CALL...
 *   CALL = method:arg,arg,… or method:[JSON args]   e.g.  profile:conv,64,tfjs   time:small,32,flock,3   kernelTime:… (JSON args)
 *   default calls: profile conv/small (batch 64/32) both ways, then 3 alternations of 3 timed steps each.
 *
 * Kernel times need the adapter's timestamp queries: Chromium gets
 * --enable-dawn-features=allow_unsafe_apis here (the e2e suite does not use it).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserPathOrExit } from '../scripts/find-browser.mjs';
import { launchChromium } from '../testkit/browser.mjs';
import { serveStatic } from '../testkit/serve.mjs';
import { CONV_PAGE, alternatedStepCalls, openConvHarness, runConvCalls } from './convSteps.mjs';

const repo = resolve(fileURLToPath(import.meta.url), '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const root = resolve(opt('--dist', resolve(repo, 'dist-e2e')));
const jsonOut = opt('--json', null);
if (!existsSync(resolve(root, CONV_PAGE))) { console.error(`${resolve(root, CONV_PAGE)} missing: npx vite build --mode e2e`); process.exit(1); }
const parse = (c) => {
  const i = c.indexOf(':');
  const m = i < 0 ? c : c.slice(0, i);
  const rest = i < 0 ? '' : c.slice(i + 1);
  if (rest.startsWith('[')) return [m, JSON.parse(rest)]; // a JSON array of arguments
  return [m, rest ? rest.split(',').map((a) => (/^-?[\d.]+$/.test(a) ? Number(a) : a)) : []];
};
let calls = args.map(parse);
if (!calls.length) {
  calls = [];
  for (const k of ['tfjs', 'flock']) calls.push(['profile', ['conv', 64, k]], ['profile', ['small', 32, k]]);
  calls.push(...alternatedStepCalls([{ model: 'conv', batch: 64 }, { model: 'small', batch: 32 }], 3, 3));
}

const server = await serveStatic(root, '/flock/');
const browser = await launchChromium({ executable: browserPathOrExit(), args: ['--enable-dawn-features=allow_unsafe_apis'] });
const results = [];
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.error(`[page ${m.type()}]`, m.text().slice(0, 400)); });
  tab.on('pageerror', (e) => console.error('[pageerror]', e.message));
  const info = await openConvHarness(tab, server.url);
  console.log('init', JSON.stringify(info));
  await runConvCalls(tab, calls, (m, a, r, ms) => console.log(`${m}(${a.join(',')}) [${(ms / 1000).toFixed(1)} s]`, JSON.stringify(r)), results);
} finally {
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 1));
  await browser.close();
  await server.close();
}

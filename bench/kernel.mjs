#!/usr/bin/env node
/**
 * Micro-benchmark of the center-loss paths on WebGPU (not a test):
 *   composed tfjs ops  vs  WGSL 'split' (default)  vs  WGSL 'fused' forward,
 * at B = 128 and B = 1024 (K = 10, D = 2): ms per call of one training step's worth of center-loss
 * work (loss forward + gradient with dy = λ + Eq. 4 center update) and the number of
 * backend.runWebGPUProgram dispatches in it. Runs e2e/harness/kernel.html (window.flockKernel.bench)
 * in headless Chromium.
 *
 *   node bench/kernel.mjs [--iters N] [--batches 128,1024] [--build] [--json out.json]
 *
 * Needs the e2e build (dist-e2e/); `--build` (or a missing build) runs `npx vite build --mode e2e`.
 * Chromium, its flags and the static server: the test kit's (testkit/browser.mjs, testkit/serve.mjs), as in the e2e suite.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserPathOrExit } from '../scripts/find-browser.mjs';
import { launchChromium } from '../testkit/browser.mjs';
import { serveStatic } from '../testkit/serve.mjs';

const repo = resolve(fileURLToPath(import.meta.url), '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const iters = Number(opt('--iters', '30'));
const batches = opt('--batches', '128,1024').split(',').map(Number);
const jsonOut = opt('--json', null);
const executable = browserPathOrExit(); // before building: no browser, one line and exit 1
const root = resolve(repo, 'dist-e2e');
const page = 'e2e/harness/kernel.html';

if (args.includes('--build') || !existsSync(resolve(root, page))) {
  const r = spawnSync('npx', ['vite', 'build', '--mode', 'e2e'], { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const server = await serveStatic(root, '/flock/');
const url = `${server.url}${page}`;

const browser = await launchChromium({ executable });
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => { if (m.type() === 'error') console.error('[page]', m.text()); });
  await tab.goto(url);
  await tab.waitForFunction(() => !!window.flockKernel);
  const info = await tab.evaluate(() => window.flockKernel.init());
  if (info.error || info.backend !== 'webgpu') throw new Error(`harness init: ${JSON.stringify(info)}`);
  console.log(`adapter: ${JSON.stringify(info.adapter)}; ${iters} iterations per measurement\n`);
  const reports = [];
  for (const B of batches) {
    const r = await tab.evaluate(([b, n]) => window.flockKernel.bench(b, n), [B, iters]);
    reports.push(r);
    for (const [id, p] of Object.entries(r.paths)) {
      const d = p.dispatches;
      console.log(`B=${String(B).padEnd(5)} ${id.padEnd(10)} ${p.msPerCall.toFixed(3).padStart(9)} ms/call   dispatches/step ${String(d.total).padStart(3)} (forward ${d.forward}, backward ${d.backward}, update ${d.update})`);
    }
    for (const [id, p] of Object.entries(r.paths)) console.log(`  ${id}: ${p.programs.join(' ')}`);
    console.log('');
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), adapter: info.adapter, reports }, null, 2));
} finally {
  await browser.close();
  await server.close();
}

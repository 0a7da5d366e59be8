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
 * Chromium and its flags: the same as the e2e suite's (scripts/find-browser.mjs).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { browserPathOrExit, chromiumArgs } from '../scripts/find-browser.mjs';

const repo = resolve(fileURLToPath(import.meta.url), '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const iters = Number(opt('--iters', '30'));
const batches = opt('--batches', '128,1024').split(',').map(Number);
const jsonOut = opt('--json', null);
const executablePath = browserPathOrExit(); // before building: no browser, one line and exit 1
const root = resolve(repo, 'dist-e2e');
const page = 'e2e/harness/kernel.html';

if (args.includes('--build') || !existsSync(resolve(root, page))) {
  const r = spawnSync('npx', ['vite', 'build', '--mode', 'e2e'], { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Minimal static server for dist-e2e under /flock/ (the e2e specs use e2e/serve.ts).
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const file = resolve(root, '.' + path.replace(/^\/flock\//, '/'));
  if (!path.startsWith('/flock/') || !file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/flock/${page}`;

const browser = await chromium.launch({ executablePath, args: chromiumArgs(true) });
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
  server.close();
}

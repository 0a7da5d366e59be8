/**
 * Soak test (not part of CI): trains both runs of the tiny preset on WebGPU for SOAK_MINUTES
 * (default 30) and prints a memory-over-time table: worker tensors (panel readout), the page's JS
 * heap after a forced GC (CDP), the GPU process is not visible here. Run with `npm run soak`.
 * Skipped unless SOAK_MINUTES is set, so `npm run bench` and its CI smoke never start it.
 */
import { test, expect } from '@playwright/test';
import { cp, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import { resolve } from 'node:path';
import { launchChromium } from '../testkit/browser.mjs';
import { serveStatic } from '../testkit/serve.mjs';
import { workerHeapProbe } from '../testkit/workerHeap';
import { DIST_E2E, PREFIX, openApp, stepOfRun } from '../testkit/app';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 0);
const EVERY_S = Number(process.env.SOAK_EVERY_S ?? 60);

test('soak: memory over time while two runs train', async () => {
  test.skip(!MINUTES, 'set SOAK_MINUTES to run the soak test');
  test.setTimeout((MINUTES + 5) * 60_000);
  // A private copy of the build, so a rebuild during the soak cannot change what is served.
  const root = await mkdtemp(resolve(os.tmpdir(), 'flock-soak-'));
  await cp(DIST_E2E, root, { recursive: true });
  const server = await serveStatic(root, PREFIX);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await openApp(page, server.url, { model: 'tiny', seed: 1 });
    await page.getByRole('button', { name: 'Train' }).click();
    const cdp = await page.context().newCDPSession(page);
    const rows: { minute: number; step: number; tensors: number; heapMB: number; workerMB: number | null }[] = [];
    const workerHeap = await workerHeapProbe(browser);
    const t0 = Date.now();
    while (Date.now() - t0 < MINUTES * 60_000) {
      await page.waitForTimeout(EVERY_S * 1000);
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const step = await stepOfRun(page, 'center');
      const tensors = Number(await page.getByTestId('tensors-center').textContent());
      const wh = await workerHeap.read();
      rows.push({ minute: (Date.now() - t0) / 60_000, step, tensors, heapMB: usedSize / 1e6, workerMB: wh === null ? null : wh / 1e6 });
      console.log(`${rows.at(-1)!.minute.toFixed(1)} min  step ${step}  tensors ${tensors}  heap ${(usedSize / 1e6).toFixed(1)} MB  worker heap ${wh === null ? '–' : (wh / 1e6).toFixed(1)} MB`);
    }
    const table = ['| minute | step | worker tensors | page JS heap (MB) | worker JS heap (MB) |', '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.minute.toFixed(1)} | ${r.step} | ${r.tensors} | ${r.heapMB.toFixed(1)} | ${r.workerMB === null ? '–' : r.workerMB.toFixed(1)} |`)].join('\n');
    console.log(`\n${table}\n`);
    await mkdir(resolve(import.meta.dirname, 'results'), { recursive: true });
    await writeFile(resolve(import.meta.dirname, 'results/soak-latest.md'), `${table}\n`);
    expect(new Set(rows.map((r) => r.tensors)).size).toBe(1);
  } finally {
    await browser.close();
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});

/**
 * Soak test (not part of CI): trains both runs of the tiny preset on WebGPU for SOAK_MINUTES
 * (default 30) and prints a memory-over-time table: worker tensors (panel readout), the page's JS
 * heap after a forced GC (CDP), the GPU process is not visible here. Run with `npm run soak`.
 * Skipped unless SOAK_MINUTES is set, so `npm run bench` and its CI smoke never start it.
 */
import { test, expect, chromium } from '@playwright/test';
import { writeFile, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromiumArgs, executablePath } from '../e2e/browser';
import { serveStatic } from '../e2e/serve';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 0);
const EVERY_S = Number(process.env.SOAK_EVERY_S ?? 60);

test('soak: memory over time while two runs train', async () => {
  test.skip(!MINUTES, 'set SOAK_MINUTES to run the soak test');
  test.setTimeout((MINUTES + 5) * 60_000);
  const server = await serveStatic(resolve(import.meta.dirname, '../dist-e2e'), '/flock/');
  const browser = await chromium.launch({ executablePath: executablePath(), args: chromiumArgs(true) });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}?model=tiny&seed=1`);
    await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Train' }).click();
    const cdp = await page.context().newCDPSession(page);
    const rows: { minute: number; step: number; tensors: number; heapMB: number }[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < MINUTES * 60_000) {
      await page.waitForTimeout(EVERY_S * 1000);
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const step = Number(/step (\d+)/.exec((await page.getByTestId('readout-center').textContent()) ?? '')?.[1] ?? -1);
      const tensors = Number(await page.getByTestId('tensors-center').textContent());
      rows.push({ minute: (Date.now() - t0) / 60_000, step, tensors, heapMB: usedSize / 1e6 });
      console.log(`${rows.at(-1)!.minute.toFixed(1)} min  step ${step}  tensors ${tensors}  heap ${(usedSize / 1e6).toFixed(1)} MB`);
    }
    const table = ['| minute | step | worker tensors | page JS heap (MB) |', '|---|---|---|---|',
      ...rows.map((r) => `| ${r.minute.toFixed(1)} | ${r.step} | ${r.tensors} | ${r.heapMB.toFixed(1)} |`)].join('\n');
    console.log(`\n${table}\n`);
    await mkdir(resolve(import.meta.dirname, 'results'), { recursive: true });
    await writeFile(resolve(import.meta.dirname, 'results/soak-latest.md'), `${table}\n`);
    expect(new Set(rows.map((r) => r.tensors)).size).toBe(1);
  } finally {
    await browser.close();
    await server.close();
  }
});

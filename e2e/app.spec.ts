/**
 * The whole experience as a user drives it: one trained page is reused across the checks (serial),
 * served from a sub-path of a local static server, in headless Chromium with WebGPU (SwiftShader).
 * The server sends the MNIST .gz files with `Content-Encoding: gzip` (as Vite's servers and some
 * static hosts do), so the page receives them already decompressed; the other specs get them gzipped.
 */
import type { Download, Page } from '@playwright/test';
import { readFile, mkdir, cp, writeFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { test, expect, sharePage } from '../testkit/fixtures';
import { webgpu } from '../testkit/browser.mjs';
import { settled } from '../testkit/readout';
import { DIST_E2E, appUrl, pause, stepsOf, train, waitReady } from '../testkit/app';
import { compactness } from '../src/train/metrics';

const TRAIN_STEPS = 300;

interface Exported {
  run: string; step: number; lambda: number; alpha: number; model: string; accuracy: number;
  labels: number[]; points: [number, number][]; centers: [number, number][];
}

async function readDownload(d: Download): Promise<Exported> {
  return JSON.parse(await readFile(await d.path(), 'utf8')) as Exported;
}


const steps = (page: Page) => stepsOf(page, ['softmax', 'center']);

/** Main-thread JS heap after a forced garbage collection (CDP). */
async function heapUsed(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

test.describe.serial('Flock on WebGPU', () => {
  // Checks the WebGPU backend and the WGSL kernel: skipped, with the reason, where the browser has no WebGPU.
  test.skip(() => !webgpu().available, webgpu().reason);
  const shared = sharePage({ serve: { prefix: '/some/path/', gzipEncoding: true } });
  const foreign: string[] = [];
  const cspViolations: string[] = [];
  let tensorsEarly = -1;
  let heapEarly = 0;

  test.beforeAll(async () => {
    const { page, server } = shared;
    const origin = new URL(server.url).origin;
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
    });
    await page.exposeFunction('__flockCsp', (v: string) => { cspViolations.push(v); });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __flockCsp(v: string): void }).__flockCsp(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
  });

  test('loads MNIST from the sub-path and shows the WebGPU backend', async ({ page, server }) => {
    await page.goto(`${server.url}?model=tiny&seed=1`);
    await expect(page.getByRole('heading', { name: 'Flock' })).toBeVisible();
    await expect(page.getByTestId('backend')).toContainText('WebGPU', { timeout: 120_000 });
    await waitReady(page);
    await expect(page.getByRole('region', { name: 'Softmax only' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Softmax + center loss' })).toBeVisible();
    await expect(page.getByTestId('fallback-banner')).toHaveCount(0);
    await expect(page.getByTestId('center-loss-impl')).toContainText('WGSL kernel');
    expect(server.requests.some((r) => r.endsWith('/some/path/data/train-images-idx3-ubyte.gz'))).toBe(true);
  });

  test('Train: both panels receive embeddings and their step counters advance', async ({ page }) => {
    await train(page);
    await expect.poll(async () => Math.min(...(await steps(page))), { timeout: 180_000 }).toBeGreaterThanOrEqual(5);
    // Each panel draws all 2,000 probe embeddings, at finite positions inside its plot, and the two
    // runs' embeddings differ (λ = 0 vs λ > 0), so each panel shows its own run's points.
    const drawn = (run: string) => page.evaluate((r) => {
      const s = window.__flockScatter?.[r];
      if (!s) return null;
      const pos = Array.from({ length: 2000 }, (_, i) => s.screenPosition(i));
      return { n: s.pointsDrawn(), finite: pos.filter((q) => q && Number.isFinite(q.x) && Number.isFinite(q.y)).length, first: pos.slice(0, 50) };
    }, run);
    await expect.poll(async () => (await drawn('softmax'))?.n, { timeout: 60_000 }).toBe(2000);
    await expect.poll(async () => (await drawn('center'))?.n, { timeout: 60_000 }).toBe(2000);
    const [a, b] = [await drawn('softmax'), await drawn('center')];
    expect(a!.finite).toBe(2000);
    expect(b!.finite).toBe(2000);
    expect(JSON.stringify(a!.first)).not.toBe(JSON.stringify(b!.first));
  });

  test('memory: tensors at step 100 and JS heap are recorded for the leak check', async ({ page }) => {
    await expect.poll(async () => Math.min(...(await steps(page))), { timeout: 300_000, intervals: [1000] }).toBeGreaterThanOrEqual(100);
    tensorsEarly = Number(await page.getByTestId('tensors-center').textContent());
    expect(tensorsEarly).toBeGreaterThan(0);
    heapEarly = await heapUsed(page);
  });

  test(`after ${TRAIN_STEPS} steps the center-loss embeddings are markedly more compact`, async ({ page }) => {
    await expect.poll(async () => Math.min(...(await steps(page))), { timeout: 600_000, intervals: [2000] })
      .toBeGreaterThanOrEqual(TRAIN_STEPS);
    await pause(page);
    // Wait for the snapshot that Pause asks for, so both exports and the readout are of one step.
    await settled(() => steps(page));
    const exported: Record<string, Exported> = {};
    for (const name of ['Softmax only', 'Softmax + center loss']) {
      const region = page.getByRole('region', { name, exact: true });
      const [download] = await Promise.all([page.waitForEvent('download'), region.getByRole('button', { name: 'Export embeddings' }).click()]);
      const doc = await readDownload(download);
      exported[doc.run] = doc;
      expect(doc.labels.length).toBe(2000);
      expect(doc.points.length).toBe(2000);
      expect(doc.centers.length).toBe(10);
      expect(doc.model).toBe('tiny');
      expect(doc.step).toBeGreaterThanOrEqual(TRAIN_STEPS);
    }
    expect(exported.softmax.lambda).toBe(0);
    expect(exported.center.lambda).toBeGreaterThan(0);
    const flat = (d: Exported) => d.points.flat();
    const cs = compactness(flat(exported.softmax), exported.softmax.labels);
    const cc = compactness(flat(exported.center), exported.center.labels);
    console.log(`compactness softmax ${cs.toFixed(3)} center ${cc.toFixed(3)} ratio ${(cc / cs).toFixed(2)}`);
    expect(cc).toBeLessThan(0.85 * cs);
    // The headline readout compares the same two snapshots the panels exported: its ratio is theirs.
    const readout = page.getByTestId('contrast');
    await expect(readout).toBeVisible();
    const shown = Number((await page.getByTestId('contrast-ratio').textContent())!.replace('×', ''));
    expect(Math.abs(shown - cc / cs)).toBeLessThanOrEqual(0.005 + 1e-9);
    await expect(readout).toContainText(`compactness ${cc.toFixed(3)} vs ${cs.toFixed(3)}, step ${exported.center.step}`);
    const both = Math.min(exported.softmax.accuracy, exported.center.accuracy);
    await expect(page.getByTestId('picture-status')).toContainText(
      cc / cs <= 0.5 && both >= 0.9 ? 'Flocks formed at step' : `Not yet at step ${exported.center.step}`,
    );
    // Tensor count in the worker is flat from step 100 to step 300, and the page's heap stays bounded.
    expect(Number(await page.getByTestId('tensors-center').textContent())).toBe(tensorsEarly);
    expect(Number(await page.getByTestId('tensors-softmax').textContent())).toBe(tensorsEarly);
    const heapLate = await heapUsed(page);
    console.log(`main-thread JS heap: ${(heapEarly / 1e6).toFixed(1)} MB at step 100, ${(heapLate / 1e6).toFixed(1)} MB at the end`);
    expect(heapLate).toBeLessThan(heapEarly + 24e6);
    await mkdir(resolve(import.meta.dirname, '../docs'), { recursive: true });
    await page.screenshot({ path: resolve(import.meta.dirname, 'artifacts/flock-1440.png'), fullPage: true });
  });

  test('moving λ with the keyboard updates the URL and does not reset the step counter', async ({ page }) => {
    const before = await steps(page);
    const slider = page.getByRole('slider', { name: /λ/ });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('lambda-value')).toHaveText('0.5');
    await expect.poll(() => new URL(page.url()).searchParams.get('lambda')).toBe('0.5');
    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(async () => (await steps(page))[1]).toBeGreaterThan(before[1]);
    await expect(page.getByRole('region', { name: 'Softmax + center loss' }).getByText(/^λ/).locator('..')).toContainText('0.5');
    const alpha = page.getByRole('slider', { name: /α/ });
    await alpha.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => new URL(page.url()).searchParams.get('alpha')).toBe('0.45');
  });

  test('comparing update rules shows one panel per checked rule from the same init, and Reset restarts every run', async ({ page }) => {
    const rules = page.getByRole('group', { name: /Compare update rules/ });
    await rules.getByRole('checkbox', { name: 'seed port' }).check(); // compares it with the current rule (Eq. 4)
    await rules.getByRole('checkbox', { name: 'KaiyangZhou' }).check();
    for (const name of ['Eq. 4', 'seed port', 'KaiyangZhou']) {
      await expect(page.getByRole('region', { name: `Softmax + center loss, ${name} rule` })).toBeVisible();
    }
    await expect(page.locator('section[data-run]')).toHaveCount(4);
    await expect.poll(() => new URL(page.url()).searchParams.get('compare')).toBe('eq4,seed,kaiyang');
    await expect(page.getByTestId('readout-rule-seed')).toContainText('step 0');
    await page.getByRole('button', { name: 'Step' }).click();
    await page.getByRole('button', { name: 'Step' }).click();
    for (const run of ['rule-eq4', 'rule-seed', 'rule-kaiyang', 'softmax']) {
      await expect(page.getByTestId(`readout-${run}`)).toContainText('step 2', { timeout: 60_000 });
    }
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(page.getByTestId('readout-rule-eq4')).toContainText('step 0', { timeout: 60_000 });
    // Unchecking down to one rule ends the comparison: back to the pair.
    await rules.getByRole('checkbox', { name: 'seed port' }).uncheck();
    await rules.getByRole('checkbox', { name: 'KaiyangZhou' }).uncheck();
    await expect(page.locator('section[data-run]')).toHaveCount(2);
    await expect(page.getByTestId('readout-center')).toContainText('step 0', { timeout: 60_000 });
  });

  test('no request leaves the page origin and the CSP saw no violation', async ({ page }) => {
    expect(foreign).toEqual([]);
    expect(cspViolations).toEqual([]);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
  });
});

test('garbage URL parameters show a notice and safe values', async ({ page, server }) => {
  await page.goto(`${server.url}?lambda=abc&alpha=-3&model=%3Cscript%3E&runs=1,2,x&seed=1.5&probe=99999&batch=abc&speed=-4&unknown=1`);
  const notices = page.getByTestId('notices');
  for (const name of ['lambda', 'alpha', 'model', 'runs', 'seed', 'probe', 'batch', 'speed']) await expect(notices).toContainText(`“${name}”`);
  await expect(notices).toContainText('"x" is not a number');
  await expect(page.getByTestId('lambda-value')).toHaveText('0.3');
  await expect(page.getByTestId('alpha-value')).toHaveText('0');
  // runs=1,2,x → λ 1 and 2 clamped to 1, x dropped: a grid of two panels; the rest at safe values.
  await expect(page.getByRole('region', { name: 'λ = 1' })).toHaveCount(2);
  await expect(page.getByRole('combobox', { name: /^Model/ })).toHaveValue('auto');
  await expect(page.getByRole('combobox', { name: /^Probe points/ })).toHaveValue('10000');
  await expect(page.getByRole('combobox', { name: /^Batch/ })).toHaveValue('0');
  await expect(page.getByRole('combobox', { name: /^Speed/ })).toHaveValue('0');
  expect(await page.locator('script:not([src])').count()).toBe(0);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notices).toHaveCount(0);
});

test('without WebGPU the app falls back, says so, and trains', async ({ plainBrowser, server }) => {
  const page = await plainBrowser.newPage();
  await page.goto(appUrl(server.url, { model: 'tiny' }));
  await expect(page.getByTestId('fallback-banner')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('fallback-banner')).toContainText(/WebGL|CPU/);
  await expect(page.getByTestId('backend')).not.toContainText('WebGPU');
  await expect(page.getByTestId('center-loss-impl')).toContainText('composed ops');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect.poll(async () => Math.min(...(await steps(page))), { timeout: 120_000 }).toBeGreaterThanOrEqual(5);
});

test('a corrupt data asset names the file, and Retry recovers once it is fixed', async ({ page, serve }) => {
  const dir = await mkdtemp(resolve(tmpdir(), 'flock-broken-'));
  await cp(DIST_E2E, dir, { recursive: true });
  const file = resolve(dir, 'data/t10k-labels-idx1-ubyte.gz');
  const good = await readFile(file);
  await writeFile(file, Buffer.alloc(good.length, 0x42)); // same size, not gzip
  const server = await serve({ root: dir });
  try {
    await page.goto(appUrl(server.url, { model: 'tiny' }));
    const error = page.getByTestId('error');
    await expect(error).toContainText('t10k-labels-idx1-ubyte.gz', { timeout: 120_000 });
    await expect(error).toContainText(/gzip/);
    await expect(page.getByRole('heading', { name: 'Flock' })).toBeVisible(); // the page is not blank
    await writeFile(file, good);
    await error.getByRole('button', { name: 'Retry' }).click();
    await waitReady(page);
    await expect(page.getByTestId('error')).toHaveCount(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

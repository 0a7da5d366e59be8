/**
 * The WGSL center-loss kernels (src/train/centerLossWebgpu.ts) in headless Chromium on WebGPU
 * (SwiftShader here), through the built test page e2e/harness/kernel.html served from a sub-path.
 * Needs `npx vite build --mode e2e` first (dist-e2e/, or the folder in $FLOCK_DIST_E2E); the spec
 * starts its own static server.
 *
 * Tolerance for float32 results against float64 golden values and between implementations:
 *   |a − b| ≤ 1e-5 · max(1, |b|)   per element ("scaled diff" ≤ 1e-5).
 * Paths: 'composed' (tfjs ops, the reference), 'wgsl' (default, split forward: 3 dispatches/step),
 * 'wgslFused' (loss + Eq. 3 gradient in one dispatch: 4 dispatches/step).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { chromiumArgs, executablePath, webgpu } from './browser';
import { serveStatic, type StaticServer } from './serve';
import { goldenPath } from '../tests/golden';
import type { CenterLossOutputs, GoldenCaseInput, PathId } from './harness/kernel';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.FLOCK_DIST_E2E ? resolve(process.env.FLOCK_DIST_E2E) : resolve(here, '../dist-e2e');
const PAGE = 'e2e/harness/kernel.html';
const TOL = 1e-5;
const PATHS: PathId[] = ['composed', 'wgsl', 'wgslFused'];

interface GoldenCase extends GoldenCaseInput {
  expect: Record<'loss', number> & Record<Exclude<keyof CenterLossOutputs, 'loss'>, number[] | number[][]> & { grad_c_autograd: number[][] };
}

function goldenCases(): GoldenCase[] {
  return (JSON.parse(readFileSync(goldenPath(), 'utf8')) as { cases: GoldenCase[] }).cases;
}

/** Worst scaled diff of `actual` against `expected` (NaN counts as infinitely bad). */
function worst(actual: number | number[], expected: number | number[] | number[][]): { err: number; at: number } {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : (expected as (number | number[])[]).flat();
  if (a.length !== e.length) return { err: Infinity, at: -1 };
  let err = 0;
  let at = -1;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
    if (!(d <= err)) { err = Number.isNaN(d) ? Infinity : d; at = i; }
  }
  return { err, at };
}

// Tests share one page (shader compiles take seconds on SwiftShader); they are independent: after a
// failure Playwright starts a new worker, beforeAll runs again and init() runs in the fresh page.
let server: StaticServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

// Every test here needs WebGPU: where the browser has none they are reported as skipped, with the reason.
test.skip(() => !webgpu().available, webgpu().reason);

test.beforeAll(async () => {
  test.setTimeout(180_000);
  if (!existsSync(resolve(ROOT, PAGE))) {
    throw new Error(`${resolve(ROOT, PAGE)} is missing: build the e2e site first (npx vite build --mode e2e)`);
  }
  server = await serveStatic(ROOT, '/flock/');
  browser = await chromium.launch({ executablePath: executablePath(), args: chromiumArgs(true) });
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`); });
  await page.goto(server.url + PAGE);
  await page.waitForFunction(() => !!window.flockKernel);
  const info = await page.evaluate(() => window.flockKernel.init());
  if (info.backend !== 'webgpu') throw new Error(`harness is not on WebGPU: ${JSON.stringify(info)}`);
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('the harness runs on the WebGPU backend and the kernels validate', async () => {
  test.setTimeout(180_000);
  // init(): setBackend('webgpu') must resolve true; validateCenterLossKernels([1,2,3]) runs every
  // kernel variant under a WebGPU validation error scope and self-checks it against composed ops.
  const info = await page.evaluate(() => window.flockKernel.init());
  test.info().annotations.push({ type: 'adapter', description: JSON.stringify(info.adapter) });
  expect(info.error, 'harness init error').toBeUndefined();
  expect(info.setBackendOk).toBe(true);
  expect(info.backend).toBe('webgpu');
  expect(await page.evaluate(() => window.flockKernel.backend())).toBe('webgpu');
  // Served from the sub-path, nothing requested outside it.
  expect(server.requests.length).toBeGreaterThan(0);
  expect(server.requests.every((r) => r.startsWith('/flock/'))).toBe(true);
});

test('every golden case matches every expectation on every path (|a−b| ≤ 1e-5·max(1,|b|))', async () => {
  test.setTimeout(180_000);
  const cases = goldenCases();
  expect(cases.length).toBeGreaterThan(0);
  const inputs: GoldenCaseInput[] = cases.map(({ expect: _e, ...rest }) => rest);
  const results = await page.evaluate((cs) => window.flockKernel.golden(cs), inputs);
  expect(results.map((r) => r.name)).toEqual(cases.map((c) => c.name));

  const failures: string[] = [];
  let checked = 0;
  const keys: (keyof CenterLossOutputs)[] = ['loss', 'grad_x', 'class_counts', 'delta_c', 'centers_eq4', 'centers_autograd'];
  cases.forEach((c, i) => {
    for (const p of PATHS) {
      for (const k of keys) {
        const { err, at } = worst(results[i][p][k], c.expect[k]);
        checked++;
        if (!(err <= TOL)) failures.push(`${c.name} ${p} ${k}: scaled diff ${err} at element ${at}`);
      }
    }
  });
  expect(checked).toBe(cases.length * PATHS.length * keys.length);
  expect(failures, failures.join('\n')).toEqual([]);
});

for (const B of [1, 7, 128, 1000]) {
  test(`wgsl and composed agree on random inputs, B=${B}, K=10, D=2, with absent classes`, async () => {
    test.setTimeout(120_000);
    for (const seed of [1, 2]) {
      const r = await page.evaluate(([b, s]) => window.flockKernel.random(b, 10, 2, s), [B, seed] as const);
      expect(r.absentClasses.length, 'some classes are absent from the batch').toBeGreaterThanOrEqual(2);
      for (const p of ['wgsl', 'wgslFused'] as const) {
        for (const [k, d] of Object.entries(r.diff[p])) {
          expect(d, `seed ${seed} ${p} ${k}`).toBeLessThanOrEqual(TOL);
        }
        expect(r.diff[p].class_counts, 'counts are exact').toBe(0);
      }
    }
  });
}

test('general D: wgsl and composed agree for D = 1, 3, 4 and 32', async () => {
  test.setTimeout(120_000);
  for (const D of [1, 3, 4, 32]) {
    const r = await page.evaluate(([d]) => window.flockKernel.random(300, 10, d, 5), [D] as const);
    for (const p of ['wgsl', 'wgslFused'] as const) {
      for (const [k, d] of Object.entries(r.diff[p])) expect(d, `D=${D} ${p} ${k}`).toBeLessThanOrEqual(TOL);
    }
  }
});

test('one SGD step of the tiny model gives the same weights and centers through both paths (≤ 1e-4)', async () => {
  test.setTimeout(180_000);
  const r = await page.evaluate(() => window.flockKernel.tinyStep(42, 32));
  test.info().annotations.push({ type: 'tinyStep', description: JSON.stringify(r) });
  // The check is only meaningful if the center-loss gradient actually moves the weights.
  expect(r.centerGradEffect).toBeGreaterThan(1e-3);
  for (const p of ['wgsl', 'wgslFused'] as const) {
    expect(r.maxWeightDiff[p], `${p} weights`).toBeLessThanOrEqual(1e-4);
    expect(r.maxCentersDiff[p].eq4, `${p} centers eq4`).toBeLessThanOrEqual(1e-4);
    expect(r.maxCentersDiff[p].autograd, `${p} centers autograd`).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(r.losses[p].center - r.losses.composed.center)).toBeLessThanOrEqual(1e-5 * Math.max(1, r.losses.composed.center));
  }
});

test('no tensor leak over 100 calls of every WGSL op', async () => {
  test.setTimeout(180_000);
  const r = await page.evaluate(() => window.flockKernel.leak(100));
  expect(r.after, `numTensors before ${r.before}, after ${r.after}`).toBe(r.before);
  expect(r.dataBuffersAfter).toBe(r.dataBuffersBefore);
});

test('dispatches per training step: 3 for wgsl, 4 for wgslFused, fewer than composed', async () => {
  test.setTimeout(180_000);
  const r = await page.evaluate(() => window.flockKernel.bench(128, 3));
  test.info().annotations.push({ type: 'bench', description: JSON.stringify(r) });
  expect(r.paths.wgsl.dispatches.total).toBe(3);
  expect(r.paths.wgslFused.dispatches.total).toBe(4);
  expect(r.paths.composed.dispatches.total).toBeGreaterThan(r.paths.wgsl.dispatches.total);
});

test('no page errors (WGSL validation errors are logged as console errors)', async () => {
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

/**
 * The WGSL center-loss kernels (src/train/centerLossWebgpu.ts) in headless Chromium on WebGPU
 * (SwiftShader here), through the built test page e2e/harness/kernel.html served from a sub-path.
 * Needs `npx vite build --mode e2e` first (dist-e2e/, or the folder in $FLOCK_DIST_E2E), served by
 * the test kit's static server (testkit/fixtures.ts).
 *
 * Golden vectors: tests/fixtures/center-loss-golden.json (bench/reference/golden.py), in the repo.
 * Tolerance for float32 results against float64 golden values and between implementations:
 *   |a − b| ≤ 1e-5·|b| + 1e-9   per element (tolRatio ≤ 1); trained weights after several steps
 *   through different reduction orders get an absolute floor of 1e-7 instead.
 * Paths: 'composed' (tfjs ops, the reference), 'wgsl' (default, split forward: 3 dispatches/step),
 * 'wgslFused' (loss + Eq. 3 gradient in one dispatch: 4 dispatches/step).
 */
import { test, expect, sharePage } from '../testkit/fixtures';
import { webgpu } from '../testkit/browser.mjs';
import { openHarness } from '../testkit/app';
import { GOLDEN_CASES, goldenFile, tolRatio } from '../tests/golden';
import type { CenterLossOutputs, GoldenCaseInput, PathId } from './harness/kernel';
import { CENTER_RULES } from '../src/train/rules';

const PATHS: PathId[] = ['composed', 'wgsl', 'wgslFused'];

/** tolRatio of `actual` against `expected` (≤ 1 passes; NaN or a length mismatch is Infinity). */
function worst(actual: number | number[], expected: number | number[] | number[][], abs = 1e-9): { err: number; at: number } {
  const { ratio, at } = tolRatio(typeof actual === 'number' ? [actual] : actual, expected, 1e-5, abs);
  return { err: ratio, at };
}

// Tests share one page (shader compiles take seconds on SwiftShader); they are independent: after a
// failure Playwright starts a new worker, beforeAll runs again and init() runs in the fresh page.
const shared = sharePage();

// Every test here needs WebGPU: where the browser has none they are reported as skipped, with the reason.
test.skip(() => !webgpu().available, webgpu().reason);

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const { page, server } = shared;
  await openHarness(page, server.url, 'kernel', 'flockKernel');
  const info = await page.evaluate(() => window.flockKernel.init());
  if (info.backend !== 'webgpu') throw new Error(`harness is not on WebGPU: ${JSON.stringify(info)}`);
});

test('the harness runs on the WebGPU backend and the kernels validate', async ({ page }) => {
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
  const requests = shared.requests();
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.every((r) => r.startsWith('/flock/'))).toBe(true);
});

test('every golden case matches every expectation on every path (|a−b| ≤ 1e-5·|b| + 1e-9)', async ({ page }) => {
  test.setTimeout(180_000);
  const cases = goldenFile().cases;
  expect(cases).toHaveLength(GOLDEN_CASES);
  const inputs: GoldenCaseInput[] = cases.map(({ expect: _e, ...rest }) => rest);
  const results = await page.evaluate((cs) => window.flockKernel.golden(cs), inputs);
  expect(results.map((r) => r.name)).toEqual(cases.map((c) => c.name));

  const failures: string[] = [];
  const keys: (keyof CenterLossOutputs)[] = [
    'loss', 'grad_x', 'class_counts', 'delta_c', 'centers_eq4', 'centers_seed', 'centers_kaiyang', 'centers_caffe', 'velocity_caffe'];
  // Every expectation of the fixture is checked, except the sources' center gradients (the unit test reads those).
  expect(Object.keys(cases[0].expect).filter((k) => !k.startsWith('grad_c_')).sort()).toEqual([...keys].sort());
  cases.forEach((c, i) => {
    for (const p of PATHS) {
      for (const k of keys) {
        const { err, at } = worst(results[i][p][k], c.expect[k]);
        if (!(err <= 1)) failures.push(`${c.name} ${p} ${k}: |err|/(1e-5·|want|+1e-9) = ${err} at element ${at}`);
      }
    }
  });
  expect(failures, failures.join('\n')).toEqual([]);
});

for (const B of [1, 7, 128, 1000]) {
  test(`wgsl and composed agree on random inputs, B=${B}, K=10, D=2, with absent classes`, async ({ page }) => {
    test.setTimeout(120_000);
    for (const seed of [1, 2]) {
      const r = await page.evaluate(([b, s]) => window.flockKernel.random(b, 10, 2, s), [B, seed] as const);
      // The classes the WGSL counts kernel finds empty are exactly the ones the batch lacks.
      expect(r.zeroCountClasses, 'absent classes').toEqual(r.absentClasses);
      for (const p of ['wgsl', 'wgslFused'] as const) {
        for (const [k, d] of Object.entries(r.diff[p])) {
          expect(d, `seed ${seed} ${p} ${k}`).toBeLessThanOrEqual(1);
        }
        expect(r.diff[p].class_counts, 'counts are exact').toBe(0);
      }
    }
  });
}

test('general D: wgsl and composed agree for D = 1, 3, 4 and 32', async ({ page }) => {
  test.setTimeout(120_000);
  for (const D of [1, 3, 4, 32]) {
    const r = await page.evaluate(([d]) => window.flockKernel.random(300, 10, d, 5), [D] as const);
    for (const p of ['wgsl', 'wgslFused'] as const) {
      for (const [k, d] of Object.entries(r.diff[p])) expect(d, `D=${D} ${p} ${k}`).toBeLessThanOrEqual(1);
    }
  }
});

for (const optimizer of ['sgd', 'adam'] as const) {
  test(`the real Run trains the same through composed, wgsl and wgslFused: 5 ${optimizer} steps, λ = 0.3, every rule`, async ({ page }) => {
    test.setTimeout(300_000);
    const r = await page.evaluate((o) => window.flockKernel.runSteps(42, 5, o), optimizer);
    expect(r.lambda).not.toBe(1);
    // Only meaningful if the center-loss gradient moves the weights well beyond the tolerance.
    expect(r.centerGradEffect).toBeGreaterThan(1e-4);
    const failures: string[] = [];
    for (const p of ['wgsl', 'wgslFused'] as const) {
      for (const rule of CENTER_RULES) {
        for (const [what, got, want] of [
          ['weights', r.weights[p][rule], r.weights.composed[rule]],
          ['centers', r.centers[p][rule], r.centers.composed[rule]],
          ['losses', r.losses[p][rule], r.losses.composed[rule]],
        ] as const) {
          const { err, at } = worst(got, want, 1e-7);
          if (!(err <= 1)) failures.push(`${p} ${rule} ${what}: ${err} at ${at} (${got[at]} vs ${want[at]})`);
        }
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    // The rules really differ from each other (so the comparison above covers four different updates).
    for (const rule of CENTER_RULES.filter((x) => x !== 'eq4')) {
      expect(worst(r.centers.composed[rule], r.centers.composed.eq4, 1e-7).err, rule).toBeGreaterThan(1);
    }
  });
}

test('no tensor leak over 100 calls of every WGSL op', async ({ page }) => {
  test.setTimeout(180_000);
  const r = await page.evaluate(() => window.flockKernel.leak(100));
  expect(r.after, `numTensors before ${r.before}, after ${r.after}`).toBe(r.before);
  expect(r.dataBuffersAfter).toBe(r.dataBuffersBefore);
});

test('dispatches per training step: 3 for wgsl, 4 for wgslFused, fewer than composed', async ({ page }) => {
  test.setTimeout(180_000);
  const r = await page.evaluate(() => window.flockKernel.bench(128, 3));
  test.info().annotations.push({ type: 'bench', description: JSON.stringify(r) });
  expect(r.paths.wgsl.dispatches.total).toBe(3);
  expect(r.paths.wgslFused.dispatches.total).toBe(4);
  expect(r.paths.composed.dispatches.total).toBeGreaterThan(r.paths.wgsl.dispatches.total);
});

test('no page errors (WGSL validation errors are logged as console errors)', async ({ errorLog: pageErrors }) => {
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

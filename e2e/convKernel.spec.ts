/**
 * Flock's WGSL convolution kernels (src/train/convKernelsWebgpu.ts: Conv2D, Conv2DBackpropFilter,
 * Conv2DBackpropInput, the conv layer's bias Add and leading-axes Sum, the PReLU gradient) in headless
 * Chromium on WebGPU (SwiftShader here), through e2e/harness/conv.html, against tfjs' CPU backend.
 * Needs `npx vite build --mode e2e` first (dist-e2e/, or $FLOCK_DIST_E2E). Skipped where the browser has no WebGPU.
 *
 * Tolerance: per element |a − b| ≤ 1e-4 · (|b| + 1e-2 · max|b|): relative, floored at 1 % of the
 * tensor's largest value, because a sum of thousands of signed products can cancel to ~0 while its
 * float32 rounding error stays ~√n·ε·|term| (for LeNet++'s 3,200-term sums that is ~3e-5, i.e. 1e-4
 * of an element at 0.1 % of the maximum; tfjs' own WebGPU kernels land at 1–3e-4 there). The
 * references are float64 (tfjs' CPU gradients accumulate in JS numbers; the forward conv is the
 * harness's own float64 loop, as tfjs' CPU conv2d accumulates in float32).
 */
import { test, expect, sharePage } from '../testkit/fixtures';
import { webgpu } from '../testkit/browser.mjs';
import { openHarness } from '../testkit/app';
import type { ConvCase, ConvCheck } from './harness/conv';

const TOL = 1e-4;

const shared = sharePage();

test.skip(() => !webgpu().available, webgpu().reason);

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const { page, server } = shared;
  await openHarness(page, server.url, 'conv', 'flockConv');
  const info = await page.evaluate(() => window.flockConv.init());
  if (info.backend !== 'webgpu') throw new Error(`harness is not on WebGPU: ${JSON.stringify(info)}`);
});

/** Every comparison of our kernels that exceeds the tolerance, as readable lines. */
function failures(r: ConvCheck[]): string[] {
  const out: string[] = [];
  for (const c of r) {
    const all: Array<[string, { rel: number }]> = [
      ['filterGrad', c.filterGrad.flock], ['forward', c.forward.flock], ['inputGrad', c.inputGrad.flock],
      ...Object.entries(c.layer).map(([k, v]) => [`layer ${k}`, v.flock] as [string, { rel: number }]),
    ];
    for (const [what, v] of all) if (!(v.rel <= TOL)) out.push(`x ${c.x} filter ${c.filter} ${what}: ${v.rel}`);
  }
  return out;
}

/** Every conv layer of every CNN preset (tiny has none), with a seeded random batch of 1–4. */
function presetCases(): ConvCase[] {
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out: ConvCase[] = [];
  for (const stages of [[4, 8], [8, 16, 32], [32, 64, 128]]) {
    let cin = 1;
    let side = 28;
    for (const cout of stages) {
      for (let k = 0; k < 2; k++) {
        out.push({ x: [1 + Math.floor(rand() * 4), side, side, cin], filter: [5, 5, cin, cout], seed: out.length + 1 });
        cin = cout;
      }
      side = Math.floor(side / 2);
    }
  }
  return out;
}

/** Shapes no preset has: channels that are not multiples of 4, non-square images and filters. */
const ODD: ConvCase[] = [
  { x: [3, 9, 6, 3], filter: [3, 5, 3, 7], seed: 101 },
  { x: [2, 5, 11, 5], filter: [5, 3, 5, 2], seed: 102 },
  { x: [1, 4, 4, 1], filter: [5, 5, 1, 1], seed: 103 },
];

test('the harness is on WebGPU and the kernels pass their start-up self-check', async ({ page }) => {
  const info = await page.evaluate(() => window.flockConv.init());
  test.info().annotations.push({ type: 'adapter', description: JSON.stringify(info.adapter) });
  expect(info.error, 'validateConvKernels').toBeUndefined();
});

for (const tuning of ['software', 'gpu'] as const) {
  test(`every conv layer of every preset matches the CPU backend to 1e-4 (${tuning} tuning)`, async ({ page }) => {
    test.setTimeout(600_000);
    await page.evaluate((t) => window.flockConv.setTuning(t), tuning);
    const cases = presetCases();
    expect(cases).toHaveLength(2 * (2 + 3 + 3));
    const r = await page.evaluate((cs) => window.flockConv.check(cs), cases);
    const worst = (k: 'filterGrad' | 'forward' | 'inputGrad') => Math.max(...r.map((c) => c[k].flock.rel));
    const norm = Math.max(...r.flatMap((c) => [c.filterGrad, c.forward, c.inputGrad].map((v) => v.flock.maxAbs / v.flock.maxRef)));
    test.info().annotations.push({ type: 'worst', description: `filterGrad ${worst('filterGrad')}, forward ${worst('forward')}, inputGrad ${worst('inputGrad')}, layer ${Math.max(...r.flatMap((c) => Object.values(c.layer).map((v) => v.flock.rel)))}; max|a−b|/max|b| ${norm}` });
    expect(failures(r), failures(r).join('\n')).toEqual([]);
    // Ours really ran: conv forward (×2), filter and input gradient, bias add, sums, PReLU gradient per case.
    for (const c of r) expect(c.calls.flock, `${c.x}`).toBeGreaterThanOrEqual(8);
    // The gpu tuning splits rows over workgroup memory where there are enough rows.
    if (tuning === 'gpu') expect(r.some((c) => c.plan.split > 1)).toBe(true);
    else expect(r.every((c) => c.plan.split === 1)).toBe(true);
  });
}

test('shapes outside the presets match the CPU backend to 1e-4', async ({ page }) => {
  test.setTimeout(300_000);
  await page.evaluate(() => window.flockConv.setTuning('software'));
  const r = await page.evaluate((cs) => window.flockConv.check(cs), ODD);
  expect(failures(r), failures(r).join('\n')).toEqual([]);
});

test('a conv-preset training step gives the same losses with our kernels and with tfjs\'s', async ({ page }) => {
  test.setTimeout(300_000);
  await page.evaluate(() => window.flockConv.setTuning('software'));
  const ours = await page.evaluate(() => window.flockConv.time('conv', 16, 'flock', 3));
  const theirs = await page.evaluate(() => window.flockConv.time('conv', 16, 'tfjs', 3));
  test.info().annotations.push({ type: 'ms per step', description: `flock ${ours.ms.join(', ')}; tfjs ${theirs.ms.join(', ')}` });
  // [CE, L_C] after 4 Adam steps from the same weights and batch.
  ours.losses.forEach((v, i) => expect(Math.abs(v - theirs.losses[i]), `loss ${i}: ${v} vs ${theirs.losses[i]}`).toBeLessThanOrEqual(1e-4 * Math.abs(theirs.losses[i]) + 1e-6));
});

test('no page errors (WGSL validation errors are logged as console errors)', async ({ errorLog: pageErrors }) => {
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

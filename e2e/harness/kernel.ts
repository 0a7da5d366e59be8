/**
 * Test-only page (built with `vite build --mode e2e` → dist-e2e/e2e/harness/kernel.html): runs the
 * WGSL center-loss kernels next to composedCenterLoss on the WebGPU backend and exposes the
 * comparisons on `window.flockKernel` for e2e/kernel.spec.ts and bench/kernel.mjs.
 *
 * Every function returns plain JSON. Comparisons use tolRatio: max_k |a_k − b_k| / (1e-5·|b_k| + 1e-9), ≤ 1 passes.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { CENTER_RULES, centerStep, classCounts, composedCenterLoss, type CenterLossOps, type CenterUpdateRule } from '../../src/train/centerLoss';
import { createWgslCenterLoss, registerCenterLossKernels, centerLossFor } from '../../src/train/centerLossWebgpu';
import { Run } from '../../src/train/trainer';
import { mulberry32 } from '../../src/data/batcher';
import { runStart } from '../../src/train/recipe';
import { PRESETS, type ModelId } from '../../src/train/presets';
import { createFusedWgslCenterLoss, validateAllCenterLossKernels, wgslClassCounts } from './centerLossVariants';

export type PathId = 'composed' | 'wgsl' | 'wgslFused';
export const PATHS: PathId[] = ['composed', 'wgsl', 'wgslFused'];

export interface GoldenCaseInput {
  name: string; batch: number; classes: number; dim: number; alpha: number; lambda: number;
  /** The caffe-face rule's solver lr and momentum, and its momentum buffer before the step. */
  lr: number; momentum: number; velocity: number[][];
  x: number[][]; y: number[]; centers: number[][];
}
/** Same keys as a golden case's `expect` (flattened arrays); grad_x is the gradient of λ·L_C. */
export interface CenterLossOutputs {
  loss: number; grad_x: number[]; class_counts: number[]; delta_c: number[];
  centers_eq4: number[]; centers_seed: number[]; centers_kaiyang: number[]; centers_caffe: number[]; velocity_caffe: number[];
}
export interface InitInfo { backend: string; setBackendOk: boolean; adapter: Record<string, string>; error?: string }
export interface RandomReport {
  B: number; K: number; D: number; seed: number; absentClasses: number[];
  /** Classes whose count from the WGSL 'counts' kernel is 0. */
  zeroCountClasses: number[];
  /** per WGSL path: tolRatio against composed for every output (≤ 1 passes) */
  diff: Record<'wgsl' | 'wgslFused', Record<keyof CenterLossOutputs, number>>;
}
export interface LeakReport { n: number; before: number; after: number; dataBuffersBefore: number; dataBuffersAfter: number }
export interface BenchPath { msPerCall: number; dispatches: { forward: number; backward: number; update: number; total: number }; programs: string[] }
export interface BenchReport { B: number; iters: number; adapter: Record<string, string>; paths: Record<PathId, BenchPath> }
/** The real Run (src/train/trainer.ts) trained for `steps` steps through each path, per rule. */
export interface RunStepsReport {
  steps: number; B: number; lambda: number; alpha: number; lr: number; optimizer: 'sgd' | 'adam';
  /** Per WGSL path and rule: worst |a − b|/(1e-5·|b| + 1e-9)-style numbers are computed by the spec from these arrays. */
  weights: Record<PathId, Record<CenterUpdateRule, number[]>>;
  centers: Record<PathId, Record<CenterUpdateRule, number[]>>;
  /** [CE, L_C] of the last step, per path and rule */
  losses: Record<PathId, Record<CenterUpdateRule, number[]>>;
  /** composed, rule eq4: max |w(λ) − w(λ=0)|, so a pass means the center-loss gradient was exercised */
  centerGradEffect: number;
}

export interface FlockKernelApi {
  init(): Promise<InitInfo>;
  backend(): string;
  golden(cases: GoldenCaseInput[]): Promise<Array<{ name: string } & Record<PathId, CenterLossOutputs>>>;
  random(B: number, K: number, D: number, seed: number): Promise<RandomReport>;
  leak(n: number): Promise<LeakReport>;
  bench(B: number, iters: number): Promise<BenchReport>;
  runSteps(seed: number, steps: number, optimizer: 'sgd' | 'adam'): Promise<RunStepsReport>;
}

declare global {
  interface Window { flockKernel: FlockKernelApi }
}

// ------------------------------------------------------------------------------------------------

const statusEl = document.getElementById('status');
const say = (s: string) => { if (statusEl) statusEl.textContent = s; };

let ops: Record<PathId, CenterLossOps> | null = null;
let initInfo: Promise<InitInfo> | null = null;

function adapterInfo(): Record<string, string> {
  const info = (tf.backend() as unknown as { adapterInfo?: Record<string, unknown> }).adapterInfo;
  const out: Record<string, string> = {};
  for (const k of ['vendor', 'architecture', 'device', 'description']) if (info && info[k] != null) out[k] = String(info[k]);
  return out;
}

async function doInit(): Promise<InitInfo> {
  let setBackendOk = false;
  try {
    setBackendOk = await tf.setBackend('webgpu');
    await tf.ready();
  } catch (e) {
    return { backend: tf.getBackend() ?? 'none', setBackendOk, adapter: {}, error: String(e) };
  }
  if (!setBackendOk || tf.getBackend() !== 'webgpu') {
    return { backend: tf.getBackend() ?? 'none', setBackendOk, adapter: {}, error: 'tf.setBackend("webgpu") resolved false' };
  }
  registerCenterLossKernels();
  // The ops are set up even when validation fails, so the numerical tests still report their own findings.
  ops = { composed: composedCenterLoss, wgsl: createWgslCenterLoss(), wgslFused: createFusedWgslCenterLoss() };
  try {
    await validateAllCenterLossKernels([1, 2, 3]);
  } catch (e) {
    return { backend: tf.getBackend(), setBackendOk, adapter: adapterInfo(), error: String(e) };
  }
  return { backend: tf.getBackend(), setBackendOk, adapter: adapterInfo() };
}

function need(): NonNullable<typeof ops> {
  if (!ops) throw new Error('flockKernel.init() has not succeeded');
  return ops;
}

/** Runs every op of one implementation; returns tensors in CenterLossOutputs order. */
function allOutputs(
  path: PathId, x: tf.Tensor2D, y: tf.Tensor1D, c: tf.Tensor2D, alpha: number, lambda: number,
  lr = 0.01, momentum = 0.9, velocity?: tf.Tensor2D,
): tf.Tensor[] {
  const o = need()[path];
  const dy = tf.scalar(lambda); // gradient of λ·L_C
  const { value, grad } = tf.valueAndGrad((xx: tf.Tensor) => o.loss(xx as tf.Tensor2D, y, c))(x, dy);
  dy.dispose();
  const counts = path === 'composed' ? classCounts(y, c.shape[0]) : wgslClassCounts(y, x, c);
  const v0 = velocity ?? (tf.zerosLike(c) as tf.Tensor2D);
  const step = (rule: CenterUpdateRule) => centerStep(o, x, y, c, { rule, alpha, lambda, lr, momentum }, v0);
  const caffe = step('caffe');
  const out = [value, grad, counts, o.deltaC(x, y, c), step('eq4').centers, step('seed').centers, step('kaiyang').centers,
    caffe.centers, caffe.velocity!];
  if (!velocity) v0.dispose();
  return out;
}

const KEYS: (keyof CenterLossOutputs)[] = ['loss', 'grad_x', 'class_counts', 'delta_c', 'centers_eq4', 'centers_seed', 'centers_kaiyang', 'centers_caffe', 'velocity_caffe'];

async function toOutputs(ts: tf.Tensor[]): Promise<CenterLossOutputs> {
  const data = await Promise.all(ts.map((t) => t.data()));
  tf.dispose(ts);
  const out = {} as Record<string, number | number[]>;
  KEYS.forEach((k, i) => { out[k] = k === 'loss' ? data[i][0] : Array.from(data[i]); });
  return out as unknown as CenterLossOutputs;
}

/**
 * Worst |a − b| / (1e-5·|b| + 1e-9) over the elements: ≤ 1 means every element is within a relative
 * 1e-5 of the reference, with an absolute floor of 1e-9 for values near zero. NaN → Infinity.
 */
export function tolRatio(a: ArrayLike<number>, b: ArrayLike<number>, rel = 1e-5, abs = 1e-9): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / (rel * Math.abs(b[i]) + abs);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) { const d = Math.abs(a[i] - b[i]); if (!(d <= m)) m = d; }
  return m;
}

// Box–Muller normals from the app's seeded PRNG.
function normals(rand: () => number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rand(), 1e-12);
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand()) * scale;
  }
  return out;
}

/** Random x, centers, and labels that always leave some classes absent from the batch. */
function randomInputs(B: number, K: number, D: number, seed: number) {
  const rand = mulberry32(seed);
  const absent = new Set<number>([K - 1, Math.floor(rand() * (K - 1))]);
  const present = Array.from({ length: K }, (_, j) => j).filter((j) => !absent.has(j));
  const labels = Int32Array.from({ length: B }, () => present[Math.floor(rand() * present.length)]);
  const x = tf.tensor2d(normals(rand, B * D, 3), [B, D]);
  const c = tf.tensor2d(normals(rand, K * D, 1), [K, D]);
  const y = tf.tensor1d(labels, 'int32');
  const seen = new Set(labels);
  const absentClasses = Array.from({ length: K }, (_, j) => j).filter((j) => !seen.has(j));
  const v = tf.tensor2d(normals(rand, K * D, 0.05), [K, D]); // the caffe rule's momentum buffer
  return { x, y, c, v, absentClasses, alpha: 0.5, lambda: 0.3 };
}

// Dispatch counting: wrap backend.runWebGPUProgram once; `counting` collects program names.
let counting: string[] | null = null;
function installCounter(): void {
  const b = tf.backend() as WebGPUBackend & { __flockCounted?: boolean };
  if (b.__flockCounted) return;
  const orig = b.runWebGPUProgram.bind(b);
  b.runWebGPUProgram = ((program: WebGPUProgram, ...rest: unknown[]) => {
    counting?.push(program.shaderKey.split('_')[0] || program.constructor.name);
    return (orig as (...a: unknown[]) => tf.TensorInfo)(program, ...rest);
  }) as WebGPUBackend['runWebGPUProgram'];
  b.__flockCounted = true;
}
function count<T>(f: () => T): { result: T; programs: string[] } {
  counting = [];
  try {
    const result = f();
    return { result, programs: counting };
  } finally {
    counting = null;
  }
}

// ------------------------------------------------------------------------------------------------

const api: FlockKernelApi = {
  init() {
    initInfo ??= doInit().then((info) => {
      say(info.error ? `error: ${info.error}` : `ready on ${info.backend} (${JSON.stringify(info.adapter)})`);
      return info;
    });
    return initInfo;
  },

  backend: () => tf.getBackend(),

  async golden(cases) {
    need();
    const results: Array<{ name: string } & Record<PathId, CenterLossOutputs>> = [];
    for (const cs of cases) {
      const x = tf.tensor2d(cs.x.flat(), [cs.batch, cs.dim]);
      const y = tf.tensor1d(cs.y, 'int32');
      const c = tf.tensor2d(cs.centers.flat(), [cs.classes, cs.dim]);
      const v = tf.tensor2d(cs.velocity.flat(), [cs.classes, cs.dim]);
      const row = { name: cs.name } as { name: string } & Record<PathId, CenterLossOutputs>;
      for (const p of PATHS) row[p] = await toOutputs(allOutputs(p, x, y, c, cs.alpha, cs.lambda, cs.lr, cs.momentum, v));
      tf.dispose([x, y, c, v]);
      results.push(row);
    }
    return results;
  },

  async random(B, K, D, seed) {
    need();
    const { x, y, c, v, absentClasses, alpha, lambda } = randomInputs(B, K, D, seed);
    const out = {} as Record<PathId, CenterLossOutputs>;
    for (const p of PATHS) out[p] = await toOutputs(allOutputs(p, x, y, c, alpha, lambda, 0.01, 0.9, v));
    tf.dispose([x, y, c, v]);
    const diff = {} as RandomReport['diff'];
    for (const p of ['wgsl', 'wgslFused'] as const) {
      diff[p] = {} as Record<keyof CenterLossOutputs, number>;
      for (const k of KEYS) {
        const a = out[p][k]; const b = out.composed[k];
        // Two float32 implementations, each within a float32 rounding of the true value: floor 1e-7
        // (against the float64 golden vectors the floor is 1e-9).
        diff[p][k] = tolRatio(typeof a === 'number' ? [a] : a, typeof b === 'number' ? [b] : b, 1e-5, 1e-7);
      }
    }
    const zeroCountClasses = out.wgsl.class_counts.flatMap((n, j) => (n === 0 ? [j] : []));
    return { B, K, D, seed, absentClasses, zeroCountClasses, diff };
  },

  async leak(n) {
    need();
    const { x, y, c, v: v7 } = randomInputs(64, 10, 2, 7);
    v7.dispose();
    const once = async (sync: boolean) => {
      const ts: tf.Tensor[] = [];
      for (const p of ['wgsl', 'wgslFused'] as const) ts.push(...allOutputs(p, x, y, c, 0.5, 0.1));
      ts.push(need().wgsl.loss(x, y, c)); // forward only, no tape
      if (sync) await Promise.all(ts.map((t) => t.data()));
      tf.dispose(ts);
    };
    await once(true); // warm-up: pipelines compiled, buffers pooled
    const before = tf.memory().numTensors;
    const dataBuffersBefore = tf.memory().numDataBuffers;
    for (let i = 0; i < n; i++) await once(i === n - 1);
    const after = tf.memory().numTensors;
    const dataBuffersAfter = tf.memory().numDataBuffers;
    tf.dispose([x, y, c]);
    return { n, before, after, dataBuffersBefore, dataBuffersAfter };
  },

  async bench(B, iters) {
    need();
    installCounter();
    const { x, y, c, v: vb, alpha, lambda } = randomInputs(B, 10, 2, 1234);
    vb.dispose();
    const dy = tf.scalar(lambda);
    const paths = {} as Record<PathId, BenchPath>;
    for (const p of PATHS) {
      const o = need()[p];
      // One training step's worth of center-loss work: loss forward + gradient (dy = λ) + center update.
      const step = (): tf.Tensor[] => {
        const { value, grad } = tf.valueAndGrad((xx: tf.Tensor) => o.loss(xx as tf.Tensor2D, y, c))(x, dy);
        return [value, grad, o.scaledStep(x, y, c, alpha, true)];
      };
      for (let i = 0; i < 3; i++) { const w = step(); await Promise.all(w.map((t) => t.data())); tf.dispose(w); }
      const fwd = count(() => o.loss(x, y, c));
      const vg = count(() => tf.valueAndGrad((xx: tf.Tensor) => o.loss(xx as tf.Tensor2D, y, c))(x, dy));
      const upd = count(() => o.scaledStep(x, y, c, alpha, true));
      const all = count(step);
      await Promise.all([fwd.result, vg.result.value, vg.result.grad, upd.result, ...all.result].map((t) => t.data()));
      tf.dispose([fwd.result, vg.result.value, vg.result.grad, upd.result, ...all.result]);
      const t0 = performance.now();
      let last: tf.Tensor[] = [];
      for (let i = 0; i < iters; i++) {
        tf.dispose(last);
        last = step();
      }
      await Promise.all(last.map((t) => t.data()));
      const ms = (performance.now() - t0) / iters;
      tf.dispose(last);
      paths[p] = {
        msPerCall: ms,
        dispatches: {
          forward: fwd.programs.length, backward: vg.programs.length - fwd.programs.length,
          update: upd.programs.length, total: all.programs.length,
        },
        programs: all.programs,
      };
    }
    tf.dispose([x, y, c, dy]);
    return { B, iters, adapter: adapterInfo(), paths };
  },

  async runSteps(seed, steps, optimizer) {
    need();
    const preset = PRESETS.tiny;
    const B = 32;
    const lambda = 0.3;
    const alpha = 0.5;
    const lr = optimizer === 'adam' ? 0.01 : 0.05;
    const rand = mulberry32(seed);
    const { weights: w0, centers: c0 } = runStart(preset, seed);
    // The same seeded batches for every run; class 9 absent, so absent-class rows are exercised.
    const batches = Array.from({ length: steps }, () => ({
      x: tf.tensor2d(Float32Array.from({ length: B * 784 }, () => rand() * 2 - 1), [B, 784]),
      y: tf.tensor1d(Int32Array.from({ length: B }, () => Math.floor(rand() * 9)), 'int32'),
    }));
    const train = async (path: PathId, rule: CenterUpdateRule, lam: number) => {
      const run = new Run(`steps_${path}_${rule}_${lam}_${seed}`, preset, w0, c0, { optimizer, lr, lambda: lam, alpha, update: rule }, need()[path]);
      let last: number[] = [];
      for (const b of batches) {
        const parts = run.trainStep(b.x, b.y);
        last = Array.from(await parts.data());
        parts.dispose();
      }
      const out = { weights: Array.from((await run.net.vars[0].data()) as Float32Array), centers: Array.from(await run.centersData()), losses: last };
      run.dispose();
      return out;
    };
    const report: RunStepsReport = {
      steps, B, lambda, alpha, lr, optimizer,
      weights: {} as RunStepsReport['weights'], centers: {} as RunStepsReport['centers'], losses: {} as RunStepsReport['losses'],
      centerGradEffect: 0,
    };
    for (const p of PATHS) {
      report.weights[p] = {} as Record<CenterUpdateRule, number[]>;
      report.centers[p] = {} as Record<CenterUpdateRule, number[]>;
      report.losses[p] = {} as Record<CenterUpdateRule, number[]>;
      for (const rule of CENTER_RULES) {
        const r = await train(p, rule, lambda);
        report.weights[p][rule] = r.weights;
        report.centers[p][rule] = r.centers;
        report.losses[p][rule] = r.losses;
      }
    }
    const noCenter = await train('composed', 'eq4', 0);
    report.centerGradEffect = maxAbsDiff(report.weights.composed.eq4, noCenter.weights);
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    return report;
  },
};

/** Profiles one training step of the real trainer: kernels run (by name) and ms per step. */
async function profileStep(model: ModelId, optimizer: 'adam' | 'sgd', loss: 'wgsl' | 'composed' = 'wgsl', steps = 10) {
  const preset = PRESETS[model];
  const start = runStart(preset, 1);
  const run = new Run('prof', preset, start.weights, start.centers, { optimizer, lr: 0.001, lambda: 0.3, alpha: 0.5, update: 'eq4' }, loss === 'wgsl' ? centerLossFor(tf.getBackend()) : composedCenterLoss);
  const B = preset.batch;
  const x = tf.randomNormal([B, 784]) as tf.Tensor2D;
  const y = tf.tensor1d(Array.from({ length: B }, (_, i) => i % 10), 'int32');
  for (let i = 0; i < 3; i++) { const p = run.trainStep(x, y); await p.data(); p.dispose(); }
  const prof = await tf.profile(async () => { const p = run.trainStep(x, y); await p.data(); p.dispose(); });
  const byName: Record<string, number> = {};
  for (const k of prof.kernels) byName[k.name] = (byName[k.name] ?? 0) + 1;
  // Identity and Reshape share the input's buffer on WebGPU: no dispatch.
  const dispatches = prof.kernels.filter((k) => k.name !== 'Identity' && k.name !== 'Reshape').length;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) { const p = run.trainStep(x, y); await p.data(); p.dispose(); }
  const msPerStep = (performance.now() - t0) / steps;
  tf.dispose([x, y]);
  run.dispose();
  return { kernels: prof.kernels.length, dispatches, byName, msPerStep };
}
(api as unknown as Record<string, unknown>).profileStep = profileStep;
window.flockKernel = api;
say('call window.flockKernel.init()');

/**
 * Test-only page (built with `vite build --mode e2e` → dist-e2e/e2e/harness/kernel.html): runs the
 * WGSL center-loss kernels next to composedCenterLoss on the WebGPU backend and exposes the
 * comparisons on `window.flockKernel` for e2e/kernel.spec.ts and bench/kernel.mjs.
 *
 * Every function returns plain JSON. "Scaled diff" everywhere is max_k |a_k − b_k| / max(1, |b_k|).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { classCounts, composedCenterLoss, type CenterLossOps, type CenterUpdateRule } from '../../src/train/centerLoss';
import { createWgslCenterLoss, registerCenterLossKernels, validateCenterLossKernels, centerLossFor } from '../../src/train/centerLossWebgpu';
import { Run } from '../../src/train/trainer';
import { mulberry32 } from '../../src/data/batcher';
import { initialWeights } from '../../src/train/model';
import { PRESETS, type ModelId } from '../../src/train/presets';

export type PathId = 'composed' | 'wgsl' | 'wgslFused';
export const PATHS: PathId[] = ['composed', 'wgsl', 'wgslFused'];

export interface GoldenCaseInput {
  name: string; batch: number; classes: number; dim: number; alpha: number; lambda: number;
  x: number[][]; y: number[]; centers: number[][];
}
/** Same keys as a golden case's `expect` (flattened arrays); grad_x is the gradient of λ·L_C. */
export interface CenterLossOutputs {
  loss: number; grad_x: number[]; class_counts: number[]; delta_c: number[]; centers_eq4: number[]; centers_autograd: number[];
}
export interface InitInfo { backend: string; setBackendOk: boolean; adapter: Record<string, string>; error?: string }
export interface RandomReport {
  B: number; K: number; D: number; seed: number; absentClasses: number[];
  /** per WGSL path: scaled diff against composed for every output */
  diff: Record<'wgsl' | 'wgslFused', Record<keyof CenterLossOutputs, number>>;
}
export interface LeakReport { n: number; before: number; after: number; dataBuffersBefore: number; dataBuffersAfter: number }
export interface BenchPath { msPerCall: number; dispatches: { forward: number; backward: number; update: number; total: number }; programs: string[] }
export interface BenchReport { B: number; iters: number; adapter: Record<string, string>; paths: Record<PathId, BenchPath> }
export interface TinyStepReport {
  B: number; lambda: number; alpha: number; lr: number;
  /** max |w_wgsl − w_composed| over every weight after one SGD step, per WGSL path */
  maxWeightDiff: Record<'wgsl' | 'wgslFused', number>;
  /** max |c_wgsl − c_composed| after one center update, per WGSL path and rule */
  maxCentersDiff: Record<'wgsl' | 'wgslFused', Record<CenterUpdateRule, number>>;
  losses: Record<PathId, { total: number; center: number }>;
  /** max |w(λ) − w(λ=0)| (composed): how much the center-loss gradient moved the weights, so a pass means something */
  centerGradEffect: number;
  /** max |w_after − w_before| (composed) */
  maxUpdate: number;
}

export interface FlockKernelApi {
  init(): Promise<InitInfo>;
  backend(): string;
  golden(cases: GoldenCaseInput[]): Promise<Array<{ name: string } & Record<PathId, CenterLossOutputs>>>;
  random(B: number, K: number, D: number, seed: number): Promise<RandomReport>;
  leak(n: number): Promise<LeakReport>;
  bench(B: number, iters: number): Promise<BenchReport>;
  tinyStep(seed: number, B?: number): Promise<TinyStepReport>;
}

declare global {
  interface Window { flockKernel: FlockKernelApi }
}

// ------------------------------------------------------------------------------------------------

const statusEl = document.getElementById('status');
const say = (s: string) => { if (statusEl) statusEl.textContent = s; };

let ops: Record<PathId, CenterLossOps & { classCounts?: (y: tf.Tensor1D, x: tf.Tensor2D, c: tf.Tensor2D) => tf.Tensor1D }> | null = null;
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
  ops = { composed: composedCenterLoss, wgsl: createWgslCenterLoss({ forward: 'split' }), wgslFused: createWgslCenterLoss({ forward: 'fused' }) };
  try {
    await validateCenterLossKernels([1, 2, 3]);
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
): tf.Tensor[] {
  const o = need()[path];
  const dy = tf.scalar(lambda); // gradient of λ·L_C
  const { value, grad } = tf.valueAndGrad((xx: tf.Tensor) => o.loss(xx as tf.Tensor2D, y, c))(x, dy);
  dy.dispose();
  const counts = path === 'composed' ? classCounts(y, c.shape[0]) : o.classCounts!(y, x, c);
  return [value, grad, counts, o.deltaC(x, y, c), o.updatedCenters(x, y, c, alpha, lambda, 'eq4'),
    o.updatedCenters(x, y, c, alpha, lambda, 'autograd')];
}

const KEYS: (keyof CenterLossOutputs)[] = ['loss', 'grad_x', 'class_counts', 'delta_c', 'centers_eq4', 'centers_autograd'];

async function toOutputs(ts: tf.Tensor[]): Promise<CenterLossOutputs> {
  const data = await Promise.all(ts.map((t) => t.data()));
  tf.dispose(ts);
  const out = {} as Record<string, number | number[]>;
  KEYS.forEach((k, i) => { out[k] = k === 'loss' ? data[i][0] : Array.from(data[i]); });
  return out as unknown as CenterLossOutputs;
}

function scaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= m)) m = d; // NaN → NaN propagates as "worse"
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
  return { x, y, c, absentClasses, alpha: 0.5, lambda: 0.3 };
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
      const row = { name: cs.name } as { name: string } & Record<PathId, CenterLossOutputs>;
      for (const p of PATHS) row[p] = await toOutputs(allOutputs(p, x, y, c, cs.alpha, cs.lambda));
      tf.dispose([x, y, c]);
      results.push(row);
    }
    return results;
  },

  async random(B, K, D, seed) {
    need();
    const { x, y, c, absentClasses, alpha, lambda } = randomInputs(B, K, D, seed);
    const out = {} as Record<PathId, CenterLossOutputs>;
    for (const p of PATHS) out[p] = await toOutputs(allOutputs(p, x, y, c, alpha, lambda));
    tf.dispose([x, y, c]);
    const diff = {} as RandomReport['diff'];
    for (const p of ['wgsl', 'wgslFused'] as const) {
      diff[p] = {} as Record<keyof CenterLossOutputs, number>;
      for (const k of KEYS) {
        const a = out[p][k]; const b = out.composed[k];
        diff[p][k] = scaledDiff(typeof a === 'number' ? [a] : a, typeof b === 'number' ? [b] : b);
      }
    }
    return { B, K, D, seed, absentClasses, diff };
  },

  async leak(n) {
    need();
    const { x, y, c } = randomInputs(64, 10, 2, 7);
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
    const { x, y, c, alpha, lambda } = randomInputs(B, 10, 2, 1234);
    const dy = tf.scalar(lambda);
    const paths = {} as Record<PathId, BenchPath>;
    for (const p of PATHS) {
      const o = need()[p];
      // One training step's worth of center-loss work: loss forward + gradient (dy = λ) + center update.
      const step = (): tf.Tensor[] => {
        const { value, grad } = tf.valueAndGrad((xx: tf.Tensor) => o.loss(xx as tf.Tensor2D, y, c))(x, dy);
        return [value, grad, o.updatedCenters(x, y, c, alpha, lambda, 'eq4')];
      };
      for (let i = 0; i < 3; i++) { const w = step(); await Promise.all(w.map((t) => t.data())); tf.dispose(w); }
      const fwd = count(() => o.loss(x, y, c));
      const vg = count(() => tf.valueAndGrad((xx: tf.Tensor) => o.loss(xx as tf.Tensor2D, y, c))(x, dy));
      const upd = count(() => o.updatedCenters(x, y, c, alpha, lambda, 'eq4'));
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

  async tinyStep(seed, B = 32) {
    need();
    const rand = mulberry32(seed);
    const lambda = 1;
    const alpha = 0.5;
    const lr = 0.05;
    const glorot = (fanIn: number, fanOut: number) => normals(rand, fanIn * fanOut, Math.sqrt(2 / (fanIn + fanOut)));
    const init: Record<string, tf.Tensor> = {
      W1: tf.tensor2d(glorot(784, 32), [784, 32]), b1: tf.tensor1d(normals(rand, 32, 0.1)), a1: tf.scalar(0.25),
      W2: tf.tensor2d(glorot(32, 2), [32, 2]), b2: tf.tensor1d(normals(rand, 2, 0.1)), a2: tf.scalar(0.25),
      W3: tf.tensor2d(glorot(2, 10), [2, 10]),
    };
    const names = Object.keys(init);
    const xb = tf.tensor2d(Float32Array.from({ length: B * 784 }, () => rand()), [B, 784]);
    const labels = Int32Array.from({ length: B }, () => Math.floor(rand() * 9)); // class 9 absent
    const yb = tf.tensor1d(labels, 'int32');
    const yOneHot = tf.oneHot(yb, 10);
    const centers = tf.tensor2d(normals(rand, 20, 1), [10, 2]);

    const run = async (path: PathId, lam: number) => {
      const o = need()[path];
      const v: Record<string, tf.Variable> = {};
      for (const n of names) v[n] = tf.variable(init[n].clone(), true, `tiny_${path}_${lam}_${n}_${seed}`);
      const features = () => tf.prelu(tf.add(tf.matMul(
        tf.prelu(tf.add(tf.matMul(xb, v.W1), v.b1), v.a1), v.W2), v.b2), v.a2) as tf.Tensor2D;
      let lcKept: tf.Scalar | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const f = features();
        const ce = tf.losses.softmaxCrossEntropy(yOneHot, tf.matMul(f, v.W3));
        const lc = o.loss(f, yb, centers);
        lcKept = tf.keep(lc); // read after the step (no dataSync on WebGPU)
        return tf.add(ce, tf.mul(lc, lam)) as tf.Scalar;
      }, names.map((n) => v[n]));
      const f0 = features(); // pre-step features for the center update
      const newC = { eq4: o.updatedCenters(f0, yb, centers, alpha, lam, 'eq4'), autograd: o.updatedCenters(f0, yb, centers, alpha, lam, 'autograd') };
      tf.tidy(() => { for (const n of names) v[n].assign(tf.sub(v[n], tf.mul(grads[v[n].name], lr))); });
      const w = await Promise.all(names.map((n) => v[n].data()));
      const flat = Float32Array.from(w.flatMap((a) => Array.from(a)));
      const out = {
        weights: flat, total: (await value.data())[0], center: (await lcKept!.data())[0],
        eq4: await newC.eq4.data(), autograd: await newC.autograd.data(),
      };
      tf.dispose([value, lcKept!, f0, newC.eq4, newC.autograd, ...Object.values(grads), ...Object.values(v)]);
      return out;
    };

    const ref = await run('composed', lambda);
    const noCenter = await run('composed', 0);
    const initFlat = Float32Array.from((await Promise.all(names.map((n) => init[n].data()))).flatMap((a) => Array.from(a)));
    const report: TinyStepReport = {
      B, lambda, alpha, lr,
      maxWeightDiff: { wgsl: 0, wgslFused: 0 },
      maxCentersDiff: { wgsl: { eq4: 0, autograd: 0 }, wgslFused: { eq4: 0, autograd: 0 } },
      losses: { composed: { total: ref.total, center: ref.center } } as TinyStepReport['losses'],
      centerGradEffect: maxAbsDiff(ref.weights, noCenter.weights),
      maxUpdate: maxAbsDiff(ref.weights, initFlat),
    };
    for (const p of ['wgsl', 'wgslFused'] as const) {
      const r = await run(p, lambda);
      report.maxWeightDiff[p] = maxAbsDiff(r.weights, ref.weights);
      report.maxCentersDiff[p] = { eq4: maxAbsDiff(r.eq4, ref.eq4), autograd: maxAbsDiff(r.autograd, ref.autograd) };
      report.losses[p] = { total: r.total, center: r.center };
    }
    tf.dispose([xb, yb, yOneHot, centers, ...Object.values(init)]);
    return report;
  },
};

/** Profiles one training step of the real trainer: kernels run (by name) and ms per step. */
async function profileStep(model: ModelId, optimizer: 'adam' | 'sgd', loss: 'wgsl' | 'composed' = 'wgsl', steps = 10) {
  const preset = PRESETS[model];
  const run = new Run('prof', preset, initialWeights(preset, 1), new Float32Array(20), { optimizer, lr: 0.001, lambda: 0.3, alpha: 0.5, update: 'eq4' }, loss === 'wgsl' ? centerLossFor(tf.getBackend()) : composedCenterLoss);
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

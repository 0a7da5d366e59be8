/**
 * Test-only page (built with `vite build --mode e2e` → dist-e2e/e2e/harness/conv.html): Flock's WGSL
 * convolution-gradient kernels (src/train/convKernelsWebgpu.ts) against tfjs' CPU backend and tfjs'
 * own WebGPU kernels, and the training step of the CNN presets with either set of kernels, exposed on
 * `window.flockConv` for e2e/convKernel.spec.ts and bench/conv.mjs. Every function returns plain JSON.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { centerLossFor, registerCenterLossKernels } from '../../src/train/centerLossWebgpu';
import {
  conv2dFilterGrad, convKernelCalls, filterGradPlan, setFilterGradTuning, tuneConvKernels, type FilterGradTuning, presetConvLayers, registerConvKernels, setConvKernels, validateConvKernels,
  type FilterGradPlan,
} from '../../src/train/convKernelsWebgpu';
import { tuneWebgpu } from '../../src/train/webgpuTuning';
import { Run } from '../../src/train/trainer';
import { mulberry32 } from '../../src/data/batcher';
import { initialWeights } from '../../src/train/model';
import { PRESETS, type ModelId } from '../../src/train/presets';
import { precompilePipelines } from '../../src/train/warmup';

export type KernelSet = 'flock' | 'tfjs';
export interface ConvInit { backend: string; software: boolean; adapter: Record<string, string>; timestamps: boolean; error?: string }
export interface ConvCase { x: number[]; filter: number[]; seed: number }
export interface GradCompare {
  /** max |a − b| / (|b| + 1e-2·max|b|) over elements (relative, floored at 1 % of the tensor's largest value) */
  rel: number;
  maxAbs: number;
  maxRef: number;
}
export interface ConvCheck {
  x: number[]; filter: number[];
  /** Our kernel against the CPU backend, tfjs' webgpu kernel against the CPU backend. */
  filterGrad: { flock: GradCompare; tfjs: GradCompare };
  forward: { flock: GradCompare; tfjs: GradCompare };
  inputGrad: { flock: GradCompare; tfjs: GradCompare };
  /** A whole conv layer as the models use it, prelu(conv2d(x, w) + b, α), and Σ(out·dy)'s gradients (bias add, leading-axes sums, PReLU gradient). */
  layer: Record<'dx' | 'dw' | 'db' | 'dalpha' | 'value', { flock: GradCompare; tfjs: GradCompare }>;
  plan: FilterGradPlan;
  calls: { flock: number; tfjs: number };
}
export interface StepProfile {
  model: ModelId; batch: number; kernels: KernelSet; wallMs: number; kernelMs: number; dispatches: number;
  byName: Record<string, { count: number; ms: number }>;
  /** the slowest kernel calls, with their input shapes */
  top: Array<{ name: string; ms: number; inputs: string }>;
}
export interface StepTimes { model: ModelId; batch: number; kernels: KernelSet; ms: number[]; losses: number[] }

export interface FlockConvApi {
  init(): Promise<ConvInit>;
  check(cases: ConvCase[]): Promise<ConvCheck[]>;
  layers(model: ModelId, batch: number): Array<{ x: number[]; filter: number[] }>;
  profile(model: ModelId, batch: number, kernels: KernelSet): Promise<StepProfile>;
  /** `warmup` steps, then `n` timed steps (each awaited) from the same weights and batch. */
  time(model: ModelId, batch: number, kernels: KernelSet, n: number, warmup?: number): Promise<StepTimes>;
  /** Wall ms of one call (median of n) for each kernel set: the filter gradient, the input gradient (through tf.grad) or the forward conv. */
  kernelTime(x: number[], filter: number[], n: number, op?: 'filter' | 'input' | 'forward'): Promise<Record<KernelSet, number>>;
  /** Compiles the probe's pipelines in compile-only mode (src/train/warmup.ts). */
  warm(model: ModelId, chunk: number, what?: 'probe' | 'train', batch?: number): Promise<{ ms: number; pipelines: number }>;
  /** Wall ms of embedding `chunk` digits, n times (the first includes any compiles). */
  timeProbe(model: ModelId, chunk: number, n: number): Promise<number[]>;
  /** Overrides the filter gradient's tuning (null: the hardware tuning; 'software' / 'gpu': the presets). */
  setTuning(t: Partial<FilterGradTuning> | null | 'software' | 'gpu'): void;
}

declare global {
  interface Window { flockConv: FlockConvApi }
}

const statusEl = document.getElementById('status');
const say = (s: string) => { if (statusEl) statusEl.textContent = s; };
let initP: Promise<ConvInit> | null = null;

function adapterInfo(): Record<string, string> {
  const info = (tf.backend() as unknown as { adapterInfo?: Record<string, unknown> }).adapterInfo;
  const out: Record<string, string> = {};
  for (const k of ['vendor', 'architecture', 'device', 'description']) if (info && info[k] != null) out[k] = String(info[k]);
  return out;
}

async function doInit(): Promise<ConvInit> {
  const ok = await tf.setBackend('webgpu').catch(() => false);
  await tf.ready();
  if (!ok || tf.getBackend() !== 'webgpu') return { backend: tf.getBackend(), software: false, adapter: {}, timestamps: false, error: 'no webgpu' };
  const adapter = adapterInfo();
  const software = adapter.architecture === 'swiftshader' || /swiftshader/i.test(adapter.description ?? '');
  tuneWebgpu(software);
  registerCenterLossKernels();
  registerConvKernels();
  tuneConvKernels(software);
  const timestamps = (tf.backend() as WebGPUBackend).device.features.has('timestamp-query');
  try {
    await validateConvKernels();
  } catch (e) {
    return { backend: 'webgpu', software, adapter, timestamps, error: String(e) };
  }
  return { backend: 'webgpu', software, adapter, timestamps };
}

function normals(seed: number, n: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rand(), 1e-12);
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  }
  return out;
}

function compare(a: ArrayLike<number>, b: ArrayLike<number>): GradCompare {
  let maxRef = 0;
  for (let i = 0; i < b.length; i++) maxRef = Math.max(maxRef, Math.abs(b[i]));
  let rel = a.length === b.length ? 0 : Infinity;
  let maxAbs = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= maxAbs)) maxAbs = Number.isNaN(d) ? Infinity : d;
    const r = d / (Math.abs(b[i]) + 1e-2 * maxRef + 1e-30);
    if (!(r <= rel)) rel = Number.isNaN(r) ? Infinity : r;
  }
  return { rel, maxAbs, maxRef };
}

const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
const as4 = (s: number[]) => s as [number, number, number, number];

/** x: conv input, dy: gradient at the conv output (same spatial size: pad 'same', stride 1). */
function inputs(c: ConvCase) {
  const dyShape = [c.x[0], c.x[1], c.x[2], c.filter[3]];
  return { x: normals(c.seed, size(c.x)), dy: normals(c.seed + 1, size(dyShape)), w: normals(c.seed + 2, size(c.filter)), dyShape };
}

async function onCpu<T>(f: () => Promise<T>): Promise<T> {
  await tf.setBackend('cpu');
  try { return await f(); } finally { await tf.setBackend('webgpu'); }
}

function convShape(c: { x: number[]; filter: number[] }) {
  const [B, H, W, CI] = c.x; const [KH, KW, , CO] = c.filter;
  return { B, H, W, CI, KH, KW, CO, OH: H, OW: W, PT: (KH - 1) >> 1, PL: (KW - 1) >> 1 };
}

/** Gradients of Σ(prelu(conv2d(x, w) + b, α)·dy) with respect to x, w, b and α, then the value (call inside tidy). */
function layerGrads(xs: tf.Tensor4D, ws: tf.Tensor4D, dys: tf.Tensor4D, seed: number): tf.Tensor[] {
  const b = tf.tensor1d(normals(seed + 3, ws.shape[3]));
  const alpha = tf.scalar(0.25);
  const f = (x: tf.Tensor, w: tf.Tensor, bb: tf.Tensor, a: tf.Tensor) =>
    tf.sum(tf.mul(tf.prelu(tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), bb), a), dys));
  const { value, grads } = tf.valueAndGrads(f)([xs, ws, b, alpha]);
  return [...grads, value];
}

/** Stride-1 'same' convolution in float64 (the forward reference): x [B,H,W,CI], w [KH,KW,CI,CO]. */
function conv2dSame64(x: Float32Array, xs: number[], w: Float32Array, ws: number[]): Float64Array {
  const [B, H, W, CI] = xs; const [KH, KW, , CO] = ws;
  const pt = Math.floor((KH - 1) / 2); const pl = Math.floor((KW - 1) / 2);
  const y = new Float64Array(B * H * W * CO);
  for (let b = 0; b < B; b++) for (let oh = 0; oh < H; oh++) for (let ow = 0; ow < W; ow++) {
    const yo = ((b * H + oh) * W + ow) * CO;
    for (let kh = 0; kh < KH; kh++) {
      const ih = oh - pt + kh;
      if (ih < 0 || ih >= H) continue;
      for (let kw = 0; kw < KW; kw++) {
        const iw = ow - pl + kw;
        if (iw < 0 || iw >= W) continue;
        const xo = ((b * H + ih) * W + iw) * CI;
        const wo = (kh * KW + kw) * CI * CO;
        for (let ci = 0; ci < CI; ci++) {
          const xv = x[xo + ci];
          const wr = wo + ci * CO;
          for (let co = 0; co < CO; co++) y[yo + co] += xv * w[wr + co];
        }
      }
    }
  }
  return y;
}

function makeRun(model: ModelId) {
  const preset = PRESETS[model];
  return new Run(`conv_${model}`, preset, initialWeights(preset, 1), new Float32Array(20),
    { optimizer: 'adam', lr: preset.lr, lambda: 0.3, alpha: 0.5, update: 'eq4' }, centerLossFor('webgpu'));
}

function batchOf(batch: number) {
  const rand = mulberry32(99);
  return {
    x: tf.tensor2d(Float32Array.from({ length: batch * 784 }, () => rand() * 2 - 1), [batch, 784]),
    y: tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => i % 10), 'int32'),
  };
}

const api: FlockConvApi = {
  init() {
    initP ??= doInit().then((i) => { say(i.error ? `error: ${i.error}` : `ready (${JSON.stringify(i.adapter)})`); return i; });
    return initP;
  },

  setTuning: (t) => (t === 'software' || t === 'gpu' ? tuneConvKernels(t === 'software') : setFilterGradTuning(t)),

  warm: (model, chunk, what = 'probe', batch = 64) => precompilePipelines(PRESETS[model], batch, chunk,
    { optimizer: 'adam', lr: PRESETS[model].lr, lambda: 0.3, alpha: 0.5, update: 'eq4' }, centerLossFor('webgpu'), what),

  async timeProbe(model, chunk, n) {
    const run = makeRun(model);
    const x = tf.randomNormal([chunk, 784]) as tf.Tensor2D;
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const [f, p] = tf.tidy(() => { const f = run.net.embed(x); return [f, tf.argMax(run.net.logits(f), 1)]; });
      await Promise.all([f.data(), p.data()]);
      tf.dispose([f, p]);
      ms.push(performance.now() - t0);
    }
    tf.dispose(x);
    run.dispose();
    return ms;
  },

  layers: (model, batch) => presetConvLayers(PRESETS[model].stages, batch),

  async check(cases) {
    const out: ConvCheck[] = [];
    for (const c of cases) {
      const { x, dy, w, dyShape } = inputs(c);
      // The three kernels of a conv layer's training step, on whatever backend is active.
      const three = (): tf.Tensor[] => tf.tidy(() => {
        const xs = tf.tensor4d(x, as4(c.x));
        const dys = tf.tensor4d(dy, as4(dyShape));
        const ws = tf.tensor4d(w, as4(c.filter));
        return [
          conv2dFilterGrad(xs, dys, c.filter),
          tf.conv2d(xs, ws, 1, 'same'),
          tf.grad((v: tf.Tensor) => tf.conv2d(v as tf.Tensor4D, ws, 1, 'same'))(xs, dys),
          ...layerGrads(xs, ws, dys, c.seed),
        ];
      });
      const read = async (ts: tf.Tensor[]): Promise<ArrayLike<number>[]> => { const d = await Promise.all(ts.map((t) => t.data())); tf.dispose(ts); return d; };
      const ref = await onCpu(() => read(three()));
      // tfjs' CPU conv2d accumulates into its float32 output, so the forward reference is ours in float64.
      ref[1] = conv2dSame64(x, c.x, w, c.filter);
      const before = { ...convKernelCalls };
      const got = {} as Record<KernelSet, ArrayLike<number>[]>;
      for (const k of ['flock', 'tfjs'] as KernelSet[]) {
        setConvKernels(k === 'flock');
        got[k] = await read(three());
      }
      setConvKernels(true);
      const cmp = (i: number) => ({ flock: compare(got.flock[i], ref[i]), tfjs: compare(got.tfjs[i], ref[i]) });
      out.push({
        x: c.x, filter: c.filter, filterGrad: cmp(0), forward: cmp(1), inputGrad: cmp(2),
        layer: { dx: cmp(3), dw: cmp(4), db: cmp(5), dalpha: cmp(6), value: cmp(7) }, plan: filterGradPlan(convShape(c)),
        calls: { flock: convKernelCalls.flock - before.flock, tfjs: convKernelCalls.tfjs - before.tfjs },
      });
    }
    return out;
  },

  async profile(model, batch, kernels) {
    setConvKernels(kernels === 'flock');
    const run = makeRun(model);
    const { x, y } = batchOf(batch);
    const step = async () => { const p = run.trainStep(x, y); await p.data(); p.dispose(); };
    await step();
    const t0 = performance.now();
    const prof = await tf.profile(step);
    const wallMs = performance.now() - t0;
    const byName: Record<string, { count: number; ms: number }> = {};
    let kernelMs = 0;
    let dispatches = 0;
    for (const k of prof.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      kernelMs += ms;
      if (k.name !== 'Identity' && k.name !== 'Reshape') dispatches++;
      const e = (byName[k.name] ??= { count: 0, ms: 0 });
      e.count++;
      e.ms += ms;
    }
    const top = prof.kernels
      .map((k) => ({ name: k.name, ms: typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0, inputs: JSON.stringify(k.inputShapes) }))
      .sort((a, b) => b.ms - a.ms).slice(0, 25);
    tf.dispose([x, y]);
    run.dispose();
    setConvKernels(true);
    return { model, batch, kernels, wallMs, kernelMs, dispatches, byName, top };
  },

  async time(model, batch, kernels, n, warmup = 1) {
    setConvKernels(kernels === 'flock');
    const run = makeRun(model);
    const { x, y } = batchOf(batch);
    const ms: number[] = [];
    let losses: number[] = [];
    for (let i = 0; i < warmup + n; i++) {
      const t0 = performance.now();
      const p = run.trainStep(x, y);
      losses = Array.from(await p.data());
      p.dispose();
      if (i >= warmup) ms.push(performance.now() - t0);
    }
    tf.dispose([x, y]);
    run.dispose();
    setConvKernels(true);
    return { model, batch, kernels, ms, losses };
  },

  async kernelTime(xShape, filter, n, op = 'filter') {
    const c = { x: xShape, filter, seed: 5 };
    const { x, dy, dyShape } = inputs(c);
    const xs = tf.tensor4d(x, as4(c.x));
    const dys = tf.tensor4d(dy, as4(dyShape));
    const w = tf.tensor4d(normals(7, size(filter)), as4(filter));
    const out = {} as Record<KernelSet, number>;
    const run = (): tf.Tensor => (op === 'filter' ? conv2dFilterGrad(xs, dys, filter)
      : op === 'input' ? tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, w, 1, 'same'))(xs, dys))
        : tf.conv2d(xs, w, 1, 'same'));
    for (const k of ['flock', 'tfjs'] as KernelSet[]) {
      setConvKernels(k === 'flock');
      const once = async () => { const t0 = performance.now(); const t = run(); await t.data(); t.dispose(); return performance.now() - t0; };
      await once();
      const ts: number[] = [];
      for (let i = 0; i < n; i++) ts.push(await once());
      ts.sort((a, b) => a - b);
      out[k] = ts[Math.floor(ts.length / 2)];
    }
    setConvKernels(true);
    tf.dispose([xs, dys, w]);
    return out;
  },
};

window.flockConv = api;
say('call window.flockConv.init()');

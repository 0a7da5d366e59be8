/**
 * Test-only page (built with `vite build --mode e2e` → dist-e2e/e2e/harness/train.html): the app's
 * two tiny runs (softmax λ = 0 and center λ = 0.3, Adam, same weights, same batches) trained ON THE
 * MAIN THREAD, the way tfjs-examples/mnist does it: one pair of steps, `await data()` of the losses,
 * `await tf.nextFrame()`, repeat. bench/flock.bench.ts measures rAF intervals and long tasks here,
 * as the baseline for the worker. `timePairs` times the worker's loop (no nextFrame), `profilePair`
 * gives tf.profile's kernels of one pair, and `setFlag` lets a measurement compare backend flags.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { loadMnist, type Mnist } from '../../src/data/load';
import { runStart, seededRuns, trainRound, type SeededRun } from '../../src/train/recipe';
import { PRESETS, type ModelId } from '../../src/train/presets';
import { centerLossFor } from '../../src/train/centerLossWebgpu';
import { tuneWebgpu } from '../../src/train/webgpuTuning';

export interface TrainInit { backend: string; setBackendOk: boolean; error?: string }
export interface MainThreadStats { pairs: number; msPerPair: number; /** [CE, L_C] of each run after the last pair */ losses: number[][] }

export interface FlockTrainApi {
  init(backend: 'webgpu' | 'webgl' | 'cpu', model?: ModelId): Promise<TrainInit>;
  /** Starts the main-thread loop (returns at once); `stop` ends it after the pair in flight. */
  start(): void;
  /** Both runs back to step 0 (same weights, same batch order). */
  reset(): void;
  stop(): Promise<MainThreadStats>;
  /** ms per pair of the worker's loop (no nextFrame), after `warmup` pairs. */
  timePairs(n: number, warmup?: number): Promise<MainThreadStats>;
  /** tf.profile of one pair: kernels by name (count, summed kernelMs where the adapter has timestamps) and wall time. */
  profilePair(): Promise<PairProfile>;
  /** tf.env().set(name, value), for A/B measurements of backend flags */
  setFlag(name: string, value: number | boolean): void;
}
export interface PairProfile {
  wallMs: number; kernelMs: number; kernels: number; byName: Record<string, { count: number; ms: number }>;
  /** the slowest kernels, with their input shapes */
  top: { name: string; ms: number; inputs: string }[];
}
declare global {
  interface Window { flockTrain: FlockTrainApi }
}

const statusEl = document.getElementById('status');
const say = (s: string) => { if (statusEl) statusEl.textContent = s; };

const SEED = 1;
let data: Mnist | null = null;
let model: ModelId = 'tiny';
let runs: SeededRun[] = [];
const LAMBDAS = { softmax: 0, center: 0.3 };

/** The app's recipe (src/train/recipe.ts): same weights, same centers, same batch order for both runs. */
function buildRuns(): void {
  runs.forEach((r) => r.run.dispose());
  const preset = PRESETS[model];
  const hyper = { optimizer: 'adam' as const, lr: preset.lr, alpha: 0.5, update: 'eq4' as const };
  runs = [...seededRuns(['softmax', 'center'] as const, {
    start: runStart(preset, SEED), batch: preset.batch, trainSize: data!.trainLabels.length, ops: centerLossFor(tf.getBackend()),
    hyper: (k) => ({ ...hyper, lambda: LAMBDAS[k] }), name: (k) => `main/${k}`,
  }).values()];
}

/** One round (a step of each run on the same batch), losses read back: the worker's trainRound. */
let losses: number[][] = [];
async function pair(): Promise<void> {
  losses = await trainRound(runs, data!);
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };

let loop: Promise<MainThreadStats> | null = null;
let running = false;

const api: FlockTrainApi = {
  async init(backend, m = 'tiny') {
    let setBackendOk = false;
    try {
      setBackendOk = await tf.setBackend(backend);
      await tf.ready();
      if (!setBackendOk || tf.getBackend() !== backend) throw new Error(`tf.setBackend('${backend}') resolved ${setBackendOk}`);
      // As the worker does (it also counts a fallback adapter as software).
      const arch = (tf.backend() as unknown as { adapterInfo?: { architecture?: string } }).adapterInfo?.architecture;
      if (backend === 'webgpu') tuneWebgpu(arch === 'swiftshader');
      data ??= await loadMnist(new URL('../../', location.href).href, () => {});
      model = m;
      buildRuns();
      await pair(); // pipelines/shaders compiled
      say(`ready on ${tf.getBackend()}`);
      return { backend: tf.getBackend(), setBackendOk };
    } catch (e) {
      say(`error: ${e}`);
      return { backend: tf.getBackend() ?? 'none', setBackendOk, error: String(e) };
    }
  },

  start() {
    if (running) return;
    running = true;
    loop = (async () => {
      const times: number[] = [];
      while (running) {
        const t0 = performance.now();
        await pair();
        times.push(performance.now() - t0);
        await tf.nextFrame();
      }
      return { pairs: times.length, msPerPair: median(times), losses };
    })();
  },

  async stop() {
    running = false;
    return (await loop) ?? { pairs: 0, msPerPair: NaN, losses };
  },

  async timePairs(n, warmup = 3) {
    for (let i = 0; i < warmup; i++) await pair();
    const times: number[] = [];
    for (let i = 0; i < n; i++) { const t0 = performance.now(); await pair(); times.push(performance.now() - t0); }
    return { pairs: n, msPerPair: median(times), losses };
  },

  reset() { buildRuns(); },

  setFlag(name, value) { tf.env().set(name, value); },

  async profilePair() {
    const t0 = performance.now();
    const prof = await tf.profile(() => pair());
    const wallMs = performance.now() - t0;
    const byName: Record<string, { count: number; ms: number }> = {};
    let kernelMs = 0;
    for (const k of prof.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      kernelMs += ms;
      const e = (byName[k.name] ??= { count: 0, ms: 0 });
      e.count++;
      e.ms += ms;
    }
    const top = prof.kernels
      .map((k) => ({ name: k.name, ms: typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0, inputs: JSON.stringify(k.inputShapes) }))
      .sort((a, b) => b.ms - a.ms).slice(0, 12);
    return { wallMs, kernelMs, kernels: prof.kernels.length, byName, top };
  },
};

window.flockTrain = api;
say('call window.flockTrain.init(backend)');

/**
 * The message protocol between the UI thread and the training worker, typed once and shared.
 * Every worker→UI message carries the `session` it belongs to (bumped by every reset), so the UI
 * drops stale messages; run-specific messages also carry their `run`.
 */
import type { CenterUpdateRule } from '../train/centerLoss';
import type { OptimizerId, RunCheckpoint } from '../train/trainer';
import type { BatcherState } from '../data/batcher';
import type { ModelId } from '../train/presets';
import type { DigitEmbedding } from '../train/embedDigit';

/**
 * 'softmax' (λ = 0) and 'center' (the user's λ and update rule); when comparing update rules,
 * 'softmax' and one 'rule-<rule>' per compared rule (the user's λ); in λ-grid mode 'grid0'…'grid5',
 * one per λ of the grid.
 */
export type RunId = 'softmax' | 'center' | `rule-${CenterUpdateRule}` | `grid${number}`;
/** The rule a 'rule-…' run trains with, or null for the other runs. */
export function ruleOfRun(id: RunId): CenterUpdateRule | null {
  return id.startsWith('rule-') ? (id.slice(5) as CenterUpdateRule) : null;
}
/** The runs that train for a config: a λ grid of 2–6 runs replaces the pair; so does a comparison of 2+ rules. */
export function activeRuns(c: Pick<RunConfig, 'compare' | 'grid'>): RunId[] {
  if (c.grid.length >= 2) return c.grid.map((_, i) => `grid${i}` as RunId);
  if (c.compare.length >= 2) return ['softmax', ...c.compare.map((r) => `rule-${r}` as RunId)];
  return ['softmax', 'center'];
}
/** What distinguishes one run from another: its λ and its center update rule. */
export function runSetup(id: RunId, c: Pick<RunConfig, 'lambda' | 'update' | 'grid'>): { lambda: number; update: CenterUpdateRule } {
  if (id === 'softmax') return { lambda: 0, update: 'eq4' }; // λ = 0; Eq. 4 still tracks its centers for the plot
  if (id === 'center') return { lambda: c.lambda, update: c.update };
  const rule = ruleOfRun(id);
  if (rule) return { lambda: c.lambda, update: rule };
  const lambda = c.grid[Number(id.slice(4))] ?? 0;
  return { lambda, update: lambda === 0 ? 'eq4' : c.update };
}
/** The config fields that apply live, on the next step; the others rebuild the runs (a reset). */
export const LIVE_KEYS = ['lambda', 'alpha', 'lr', 'update', 'optimizer', 'speed'] as const;
export type LiveKey = (typeof LIVE_KEYS)[number];
export type BackendName = 'webgpu' | 'webgl' | 'cpu';

export interface RunConfig {
  /** 'auto' lets the worker pick for the backend it got (LeNet++ on a real GPU, else tiny). */
  model: ModelId | 'auto';
  seed: number;
  optimizer: OptimizerId;
  lr: number;
  lambda: number; // applies to the 'center' run; 'softmax' is always 0
  alpha: number;
  update: CenterUpdateRule;
  /** Compare these center update rules (2–4: one run each, from the same init, with the user's λ); fewer = off. */
  compare: readonly CenterUpdateRule[];
  /** λ grid: 2–6 λ values, one run each (replaces the pair and `compare`); empty = off. */
  grid: readonly number[];
  /** Batch size; 0 = the model preset's. */
  batch: number;
  /** Probe points embedded and drawn. */
  probe: number;
  /** At most this many steps per second per run; 0 = no limit. */
  speed: number;
}

/** A run's checkpoint plus its data cursor. */
export interface RunResume extends RunCheckpoint { cursor: BatcherState }

/** The state of every run, kept in the worker every few seconds and mirrored to the UI (transferred). */
export interface Checkpoint {
  config: RunConfig;
  model: ModelId;
  runs: Partial<Record<RunId, RunResume>>;
}

/** What a fault is: the UI respawns the worker from the last checkpoint for all but 'diverged'. */
export type FaultKind = 'device-lost' | 'crash' | 'hang';

/** Convolution kernels on WebGPU: Flock's WGSL (src/train/convKernelsWebgpu.ts) or tfjs' own. */
export type ConvKernelChoice = 'flock' | 'tfjs';

/** The page URL's `kernels` flag (a developer switch for comparisons, not a control): 'tfjs' or the default 'flock'. */
export function convKernelsFromUrl(search: string): ConvKernelChoice {
  return new URLSearchParams(search).get('kernels') === 'tfjs' ? 'tfjs' : 'flock';
}

export type ToWorker =
  | {
      type: 'init'; session: number; dataBase: string; backend: 'auto' | BackendName; config: RunConfig; resume?: Checkpoint;
      /** The replay worker only: which preset's recording to play (public/recordings/<model>.json). */
      replay?: ModelId;
      /** WebGPU: Flock's WGSL convolution kernels ('flock', the default) or tfjs' own ('tfjs'; page URL ?kernels=tfjs). */
      kernels?: ConvKernelChoice;
    }
  | { type: 'train' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset'; session: number; config: RunConfig }
  | { type: 'set'; patch: Partial<Pick<RunConfig, LiveKey>> }
  /** Put a diverged run back to its last good checkpoint (the other runs go on). */
  | { type: 'rollback'; run: RunId }
  /** Save one run as a TensorFlow.js model.json + weights.bin pair (answered with 'saved'). */
  | { type: 'save'; run: RunId; name: string }
  /** Resume one run from a saved pair (the files the user picked; answered with 'loaded' or an error). */
  | { type: 'load'; run: RunId; files: File[] }
  /**
   * The digit drawn on the pad: 784 ink intensities 0..1 (MNIST bytes / 255), or null once it is cleared.
   * Answered with 'embedded' for every run, and again after every snapshot while a drawing exists.
   */
  | { type: 'embed'; id: number; pixels: Float32Array | null }
  /** Test hooks, honoured only in the e2e build. */
  | { type: 'debug'; action: 'lose-device' | 'crash' | 'hang' | 'poison'; run?: RunId };

export interface RunMetrics {
  step: number;
  /** Softmax cross-entropy of the last batch. */
  softmaxLoss: number;
  /** Raw center loss L_C of the last batch (not weighted by λ). */
  centerLoss: number;
  lambda: number;
  alpha: number;
  /** Accuracy on the probe set, 0..1. */
  accuracy: number;
  stepsPerSec: number;
  /** True once loss or weights went NaN/Inf; the run then stops stepping. */
  diverged: boolean;
}

/** A recorded run being replayed: who made it, with what settings, how long it is. */
export interface ReplayInfo {
  madeBy: string;
  torch: string;
  date: string;
  settings: { optimizer: string; lr: number; lambda: number; alpha: number; batch: number; seed: number; update: string; weightDecay: number; warmupSteps: number };
  /** The last recorded step, and how many frames there are. */
  steps: number;
  frames: number;
}

export type FromWorker =
  | { type: 'progress'; session: number; file: string; loaded: number; total: number }
  | {
      type: 'ready'; session: number; backend: BackendName; adapter: string; software: boolean;
      fallbackReason?: string; model: ModelId; modelReason?: string;
      probeLabels: Uint8Array; probeSize: number;
      /** [N×784] raw pixels (0–255) of the probe digits, for tooltips. Transferred. */
      probeImages: Uint8Array;
      /** Which implementation computes the center loss: the WGSL kernels or composed tfjs ops. */
      centerLoss: 'wgsl' | 'composed';
      /** Which convolution kernels a WebGPU backend runs (absent on other backends and in replays). */
      convKernels?: ConvKernelChoice;
      /** Set by the replay worker: what is being replayed (nothing trains in this tab then). */
      replay?: ReplayInfo;
    }
  | {
      type: 'snapshot'; session: number; run: RunId; metrics: RunMetrics;
      /** [N×2] probe embeddings, row-major, in probe order. Transferred. */
      points: Float32Array;
      /** [K×2] class centers. Transferred. */
      centers: Float32Array;
      /** [N] predicted class per probe point. Transferred. */
      predictions: Uint8Array;
      /** tf.memory().numTensors in the worker when the snapshot was taken. */
      numTensors: number;
      /** Steps between snapshots right now (adaptive, so probing stays ≤ 20% of the time). */
      probeEvery: number;
    }
  | { type: 'status'; session: number; training: boolean; model: ModelId; modelReason?: string }
  | { type: 'error'; session: number; message: string; file?: string; fatal: boolean }
  | { type: 'fault'; session: number; kind: FaultKind; message: string }
  /** Sent every second while the worker is alive; `busyMs` is the longest recent task, to size the hang timeout. */
  | { type: 'heartbeat'; session: number; busyMs: number }
  | { type: 'checkpoint'; session: number; checkpoint: Checkpoint; step: number }
  | { type: 'rolledback'; session: number; run: RunId; step: number }
  | { type: 'saved'; session: number; run: RunId; name: string; json: string; weights: ArrayBuffer }
  | { type: 'loaded'; session: number; run: RunId; step: number; file: string; lambda: number }
  /** Where every run puts the drawn digit `id` (the 'embed' it answers), with the weights of the latest snapshot. */
  | { type: 'embedded'; session: number; id: number; runs: Partial<Record<RunId, DigitEmbedding>> };

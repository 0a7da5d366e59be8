/**
 * The message protocol between the UI thread and the training worker, typed once and shared.
 * Every worker→UI message carries the `session` it belongs to (bumped by every reset), so the UI
 * drops stale messages; run-specific messages also carry their `run`.
 */
import type { RunCheckpoint, RunGeometry } from '../train/trainer';
import type { BatcherState } from '../data/batcher';
import type { ModelId } from '../train/presets';
import type { DigitEmbedding } from '../train/embedDigit';
import type { BackendName, LiveKey, LossParam } from '../state/table';
import type { RunConfig, RunId } from '../state/runs';
import type { ConvKernelChoice } from '../state/kernels';

export type { BackendName, ConvKernelChoice, LiveKey, RunConfig, RunId };

/** A run's checkpoint plus its data cursor. */
export interface RunResume extends RunCheckpoint { cursor: BatcherState }

/** The values a saved run was trained with, of the parameters its loss reads (λ, α, s, m, δ, lr_R). */
export type SavedParams = Partial<Record<LossParam, number>>;

/** The state of every run, kept in the worker every few seconds and mirrored to the UI (transferred). */
export interface Checkpoint {
  config: RunConfig;
  model: ModelId;
  runs: Partial<Record<RunId, RunResume>>;
}

/** What a fault is: the UI respawns the worker from the last checkpoint for all but 'diverged'. */
export type FaultKind = 'device-lost' | 'crash' | 'hang';

export type ToWorker =
  | {
      type: 'init'; session: number; dataBase: string; backend: 'auto' | BackendName; config: RunConfig; resume?: Checkpoint;
      /** The replay worker only: which preset's recording to play (public/recordings/<model>.json). */
      replay?: ModelId;
      /** WebGPU: Flock's WGSL convolution kernels ('flock', the default) or tfjs' own ('tfjs'; page URL ?kernels=tfjs). */
      kernels?: ConvKernelChoice;
      /** WebGPU: compile the pipelines while the data downloads (src/train/warmup.ts; the default) or not (page URL ?warmup=0). */
      warmup?: boolean;
    }
  | { type: 'train' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset'; session: number; config: RunConfig }
  | { type: 'set'; patch: Partial<Pick<RunConfig, LiveKey>> }
  | WorkerRequest
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
      /** [N] labels of the probe digits (the probe set's size is N). Transferred. */
      probeLabels: Uint8Array;
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
      /**
       * What the run's loss draws besides the points: its loss, class weight directions (the cosine
       * heads' spokes), the ring radius R, the scale s and margin m. Arrays transferred.
       */
      geometry?: SnapshotGeometry;
    }
  | { type: 'status'; session: number; training: boolean; model: ModelId; modelReason?: string }
  | { type: 'error'; session: number; message: string; file?: string; fatal: boolean }
  | { type: 'fault'; session: number; kind: FaultKind; message: string }
  /**
   * Sent every second while the worker is alive. `busyMs`: the worker's moving average of one training
   * round (a step of every run, probing excluded), 0 until a round is timed; it sizes the hang timeout.
   */
  | { type: 'heartbeat'; session: number; busyMs: number }
  | { type: 'checkpoint'; session: number; checkpoint: Checkpoint }
  | WorkerReply
  /** Where every run puts the drawn digit `id` (the 'embed' it answers), with the weights of the latest snapshot. */
  | { type: 'embedded'; session: number; id: number; runs: Partial<Record<RunId, DigitEmbedding>> };

/**
 * Requests the UI awaits (a promise per request, matched by `id`): each is answered by exactly one
 * reply with the same `id` — its own reply type, or 'refused' with a typed reason.
 */
export type WorkerRequest =
  /** Put a diverged run back to its last good checkpoint (the other runs go on). Answered with 'rolledback'. */
  | { type: 'rollback'; id: number; run: RunId }
  /** Save one run as a TensorFlow.js model.json + weights.bin pair. Answered with 'saved'. */
  | { type: 'save'; id: number; run: RunId; name: string }
  /** Resume one run from a saved pair (the files the user picked). Answered with 'loaded'. */
  | { type: 'load'; id: number; run: RunId; files: File[] };

/**
 * Why the worker refused a request: no such run now (or a recording, which has none), no good
 * checkpoint yet, a foreign or corrupt file, or state that could not be read (an unreadable file, or a
 * run whose state could not be read back for saving).
 */
export type RefusalReason = 'no-run' | 'no-checkpoint' | 'bad-file' | 'unreadable';

export type WorkerReply =
  | { type: 'rolledback'; session: number; id: number; run: RunId; step: number }
  | { type: 'saved'; session: number; id: number; run: RunId; name: string; json: string; weights: ArrayBuffer }
  | { type: 'loaded'; session: number; id: number; run: RunId; step: number; file: string; params: SavedParams }
  /** The request `id` could not be done; `message` is the user-facing sentence (nothing was changed). */
  | { type: 'refused'; session: number; id: number; request: WorkerRequest['type']; reason: RefusalReason; message: string };

/** The reply each request type resolves with. */
export interface ReplyTo {
  rollback: Extract<WorkerReply, { type: 'rolledback' }>;
  save: Extract<WorkerReply, { type: 'saved' }>;
  load: Extract<WorkerReply, { type: 'loaded' }>;
}

/** The loss geometry a panel draws (see RunGeometry in src/train/trainer.ts; centers travel in `centers`). */
export type SnapshotGeometry = Omit<RunGeometry, 'centers'>;

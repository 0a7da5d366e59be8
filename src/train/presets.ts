/**
 * Model presets and the app's training defaults, read from `presets.json` — the one file the app and
 * the PyTorch reference (bench/reference/pytorch_reference.py) both read, so they cannot drift.
 *
 * `lenetpp` is LeNet++ as in the PyTorch port of Wen et al. 2016 (jxgu1016/MNIST_center_loss_pytorch):
 * 3 stages × [conv 5×5 pad 2 + PReLU]×2, 2×2 max-pool after each stage, dense → 2 + PReLU, dense 2 → 10
 * without bias; one PReLU slope per layer; PyTorch's default init. It is not caffe-face's LeNet++ (the
 * paper's own code): that one has a PReLU slope per channel, a 3×3 stride-2 third pool, Xavier
 * init and zero-initialised biases without weight decay. The other presets are smaller networks of the same family.
 */
import data from './presets.json' with { type: 'json' };

/** The model presets, smallest first (the keys of presets.json `presets`). */
export const MODEL_IDS = ['tiny', 'conv', 'small', 'lenetpp'] as const;
export type ModelId = (typeof MODEL_IDS)[number];
/** 'adam': Adam (β 0.9/0.999, ε 1e-8); 'sgd': SGD with momentum. Both PyTorch semantics with L2 weight decay. */
export const OPTIMIZERS = ['adam', 'sgd'] as const;
export type OptimizerId = (typeof OPTIMIZERS)[number];

/** What the PyTorch reference measured at a preset's defaults (bench/reference/logs/summary.md). */
export interface MeasuredDefaults {
  /** Training steps of each measured run. */
  steps: number;
  seeds: number[];
  /** Steps-to-picture per seed; null where the picture did not form within `steps`. */
  stepsToPicture: (number | null)[];
  /** Test accuracy (all 10,000 digits, 0..1) at `steps`, per seed. */
  softmaxAccuracy: number[];
  centerAccuracy: number[];
  /** Compactness ratio, center-loss ÷ softmax-only, at `steps`, per seed. */
  ratio: number[];
  /** Where and with what the numbers were made. */
  source: string;
  /** Anything else worth saying about them (e.g. a time-boxed run). */
  note?: string;
}

export interface ModelPreset {
  id: ModelId;
  label: string;
  /** Convolution stages: each is two 5×5 convs (pad 2) + PReLU, then 2×2 max-pool. Empty = no convs. */
  stages: number[];
  /** Dense hidden layers (with PReLU) before the 2-D embedding, for the MLP presets. */
  hidden: number[];
  batch: number;
  /** Default Adam learning rate (chosen by measurement: see presets.json `measured`). */
  lr: number;
  /**
   * Linear learning-rate warm-up over this many steps: lr_t = lr · min(1, (t + 1) / warmupSteps) for
   * step t = 0, 1, …; 0 = none.
   */
  warmupSteps: number;
  /** The reference's numbers at these defaults; null until measured. */
  measured: MeasuredDefaults | null;
}

interface PresetsFile {
  picture: { maxCompactnessRatio: number; minAccuracy: number };
  defaults: { optimizer: OptimizerId; lambda: number; alpha: number };
  auto: { gpu: ModelId; software: ModelId };
  presets: Record<ModelId, Omit<ModelPreset, 'id'>>;
  /** The file also states the port's momentum and weight decay, which are the global ones below. */
  port: { optimizer: 'sgd'; lr: number; lambda: number; alpha: number };
  momentum: number;
  weightDecay: number;
}

const FILE = data as unknown as PresetsFile;

export const PRESETS: Record<ModelId, ModelPreset> = Object.fromEntries(
  MODEL_IDS.map((id) => [id, { id, ...FILE.presets[id] }]),
) as Record<ModelId, ModelPreset>;

/** The paper's picture has formed when center-loss compactness ≤ maxCompactnessRatio × softmax-only's and both probe accuracies ≥ minAccuracy. */
export const PICTURE = FILE.picture;
/** Global defaults of the controls (the learning rate, batch and warm-up are per preset). */
export const DEFAULTS = FILE.defaults;
/** The preset "Auto" picks: on a real GPU, and on software GPUs / non-WebGPU fallbacks. */
export const AUTO_PRESET = FILE.auto;
/** The port's optimiser: SGD lr 0.001, momentum 0.9, weight decay 5e-4, λ = 1, α = 0.5 (kept as a preset). */
export const PORT_HYPER = FILE.port;
export const MOMENTUM = FILE.momentum;
export const WEIGHT_DECAY = FILE.weightDecay;
export const NUM_CLASSES = 10;
export const EMBED_DIM = 2;

/** The learning rate of step t (0-based) under a linear warm-up of `warmupSteps` steps (0 = none). */
export function warmupLr(lr: number, t: number, warmupSteps: number): number {
  return warmupSteps > 0 ? lr * Math.min(1, (t + 1) / warmupSteps) : lr;
}

/**
 * One training run: a Net, its optimiser state (SGD with momentum, or Adam), and its class centers.
 * DOM-free; the worker drives one per run (2–6), tests drive them in Node on the CPU backend.
 *
 * Per step (PyTorch semantics for the optimisers, the chosen source's rule for the centers):
 *   total = CE(softmax(W·x), y) + λ·L_C(x, y, c)         x = embed(image), ∂L_C/∂x given explicitly (Eq. 3)
 *   lr_t = lr · 0.8^⌊epoch/20⌋ · min(1, (t+1)/W)          (as in the port; W = the preset's warm-up, t = steps taken)
 *   g ← ∇total + wd·w                                     (L2 weight decay on every parameter, both optimisers,
 *                                                          as torch.optim.SGD/Adam(weight_decay=5e-4); a cosine
 *                                                          head's class weights excepted, see decayFree)
 *   SGD:  m ← μ·m + g;  w ← w − lr_t·m                    (torch.optim.SGD, dampening 0, no Nesterov)
 *   Adam: m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;     (torch.optim.Adam, β 0.9/0.999, ε 1e-8)
 *         w ← w − lr_t·m̂/(√v̂ + ε),  m̂ = m/(1−β1^t),  v̂ = v/(1−β2^t)
 *   c ← centerStep(rule, x, y, c)                         (centerLoss.ts), with the batch's x (before the
 *                                                          weight update, as autograd-based ports do)
 *
 * With `hyper.loss` other than 'center' (losses/objective.ts), the same optimiser minimises that loss's
 * objective, differentiated by autograd, and the loss's own learned state takes plain SGD steps on the
 * same gradient (constant lr, no schedule, no weight decay):
 *   contrastive-center: c ← c − α·∂total/∂c      (total = CE + λ·L_ctc)
 *   ring:               R ← R − lr_R·∂total/∂R   (total = CE + λ·L_R; R starts at the first batch's mean ‖x‖)
 *   cosine heads (normface/cosface/arcface): the embedding ends in batch norm instead of PReLU (model.ts),
 *   whose running statistics are part of the run's state; probes classify by argmax cos θ.
 */
import * as tf from '@tensorflow/tfjs';
import { centerStep, type CenterLossOps, type CenterUpdateRule } from './centerLoss';
import { classDirections } from './losses/cosineHead';
import { LOSS_DEFAULTS } from './losses/defaults';
import { isCosineHead, type LossId } from './losses/ids';
import { inferenceLogits, objective, type LossParams } from './losses/objective';
import { ringInit } from './losses/ring';
import { Net, type WeightSpec } from './model';
import { MOMENTUM, NUM_CLASSES, WEIGHT_DECAY, warmupLr, type ModelPreset, type OptimizerId } from './presets';

export type { OptimizerId };
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;

export interface RunHyper {
  /** 'sgd': SGD with momentum; 'adam': Adam (β 0.9/0.999, ε 1e-8); both PyTorch semantics with L2 weight decay. */
  optimizer?: OptimizerId;
  lr: number;
  lambda: number;
  alpha: number;
  update: CenterUpdateRule;
  momentum?: number;
  weightDecay?: number;
  /** Linear learning-rate warm-up over this many of the run's first steps (presets.json warmupSteps); 0 or absent = none. */
  warmupSteps?: number;
  /** The loss (losses/ids.ts); absent = 'center', the center-loss path above. */
  loss?: LossId;
  /** Cosine heads' scale s; absent = presets.json "losses" default of the loss. */
  s?: number;
  /** CosFace's cosine margin / ArcFace's angular margin (radians); absent = the loss's default. */
  m?: number;
  /** Contrastive-center's δ; absent = the default (1, as in the paper). */
  delta?: number;
  /** Ring loss: the learning rate of R; absent = the default. */
  ringLr?: number;
}

/** What the views draw of a run's geometry, as plain arrays (K = 10 classes, D = 2). */
export interface RunGeometry {
  loss: LossId;
  /** Class centers [K·D] row-major (center loss moves them by its rule, contrastive-center learns them). */
  centers: Float32Array;
  /** Ring loss: the learned radius R (null for other losses, and before the ring run's first step). */
  radius: number | null;
  /** Unit class-weight directions ŵ_j, [K·D] row-major: the cosine heads' spokes. */
  classDirections: Float32Array;
  /** Cosine heads: the scale s and margin m in effect (m: cosine margin for CosFace, angle for ArcFace; NormFace 0); null otherwise. */
  s: number | null;
  m: number | null;
}

/** Everything needed to resume a run exactly: weights, optimiser state, centers, step. Plain arrays, transferable. */
export interface RunCheckpoint {
  step: number;
  weights: Float32Array;
  first: Float32Array;
  second: Float32Array;
  adamSteps: number;
  optimizer: OptimizerId;
  centers: Float32Array;
  /** The 'caffe' center rule's momentum buffer (absent in older checkpoints: zeros). */
  centerVelocity?: Float32Array;
  /** Ring loss: the learned radius R, once set (absent: not yet set, R starts from the next batch). */
  radius?: number;
  /** A cosine head: batch norm's running mean and variance ([mean…, variance…]; absent: 0 and 1, the start). */
  embedStats?: Float32Array;
}

/** A loss's parameters with the hyper's values, else presets.json "losses" defaults. */
export function lossParams(h: RunHyper): LossParams & { alpha: number; ringLr: number } {
  const loss = h.loss ?? 'center';
  const d = loss === 'center' ? { ranges: {} } : LOSS_DEFAULTS[loss];
  return {
    lambda: h.lambda, alpha: h.alpha,
    s: h.s ?? d.s ?? 1, m: h.m ?? d.m ?? 0, delta: h.delta ?? d.delta ?? 1, ringLr: h.ringLr ?? d.ringLr ?? 0,
  };
}

export interface ProbeResult { points: Float32Array; predictions: Uint8Array; accuracy: number }

/**
 * Weights a loss trains without weight decay. A cosine head uses its class weights only through W/‖W‖, so
 * decay cannot change what the head computes: it only shrinks ‖W‖, and with it grows the angle each step
 * turns a class direction (by 1/‖W‖). Under Adam, whose step size ignores the gradient's scale, the decay
 * term takes over once the classification gradient is small and ‖W‖ shrinks by about lr a step. Measured
 * in the PyTorch reference (small, 1,000 steps): NormFace 39.7 % / 91.3 % → 89.4 % / 94.0 % on seeds 1/2
 * (bench/reference/logs/losses.md has all seeds and heads).
 */
export function decayFree(loss: LossId): readonly string[] {
  return isCosineHead(loss) ? ['ip2/w'] : [];
}

export class Run {
  readonly net: Net;
  readonly centers: tf.Variable;
  /** Ring loss's learned radius R (scalar; −1 until set). */
  readonly radius: tf.Variable;
  private radiusSet = false;
  /** Momentum buffer of the centers for the 'caffe' rule (caffe's SGD history); zeros otherwise. */
  private readonly centerVelocity: tf.Variable;
  /** SGD momentum buffers, or Adam's first moments. */
  private readonly momenta: tf.Variable[];
  /** Adam's second moments (zeros until Adam is used). */
  private readonly second: tf.Variable[];
  /** Adam steps taken (for bias correction). */
  private adamSteps = 0;
  /** The optimiser the buffers belong to; switching optimisers starts them from zero. */
  private bufferOwner: OptimizerId;
  /** Weight decay's per-weight factor where the loss exempts some weights (decayFree), else null (decay everywhere). */
  private readonly decayMask: tf.Tensor1D | null;
  step = 0;

  constructor(
    readonly id: string,
    preset: ModelPreset,
    weights: WeightSpec[],
    centers0: Float32Array,
    /** Read at every step, so a change takes effect on the next step. */
    public hyper: RunHyper,
    private readonly ops: CenterLossOps,
  ) {
    this.net = new Net(preset, weights, id, isCosineHead(hyper.loss ?? 'center') ? 'batchnorm' : 'prelu');
    // tidy: a variable shares its initial tensor's data, and that tensor would otherwise stay registered.
    this.momenta = this.net.vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false, `${v.name}/m`)));
    this.second = this.net.vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false, `${v.name}/v`)));
    this.bufferOwner = hyper.optimizer ?? 'sgd';
    // trainable: contrastive-center differentiates them (center loss never asks for their gradient)
    this.centers = tf.tidy(() => tf.variable(tf.tensor2d(centers0, [NUM_CLASSES, centers0.length / NUM_CLASSES]), true, `${id}/centers`));
    this.centerVelocity = tf.tidy(() => tf.variable(tf.zerosLike(this.centers), false, `${id}/centers/v`));
    this.radius = tf.tidy(() => tf.variable(tf.scalar(-1), true, `${id}/radius`));
    const exempt = decayFree(hyper.loss ?? 'center');
    this.decayMask = exempt.length ? this.net.maskWithout(exempt) : null;
  }

  /**
   * One optimiser step (SGD or Adam) on a batch. Returns [softmax CE, raw L_C] of the batch as a tensor the caller
   * reads (await .data()) and disposes; nothing is read back here, so steps can queue on the GPU.
   */
  trainStep(x: tf.Tensor2D, y: tf.Tensor1D, epoch = 0): tf.Tensor1D {
    const loss = this.hyper.loss ?? 'center';
    const parts = loss === 'center' ? this.centerLossStep(x, y, epoch) : this.autogradStep(loss, x, y, epoch);
    this.step++;
    return parts;
  }

  /** The learning rate of this step: the run's lr after its schedule and warm-up. */
  private stepLr(epoch: number): number {
    return warmupLr(this.hyper.lr * 0.8 ** Math.floor(epoch / 20), this.step, this.hyper.warmupSteps ?? 0);
  }

  /** Center loss: CE + λ·L_C with the explicit Eq. 3 gradient, then the centers' rule. */
  private centerLossStep(x: tf.Tensor2D, y: tf.Tensor1D, epoch: number): tf.Tensor1D {
    const h = this.hyper;
    let feats: tf.Tensor2D | null = null;
    let parts: tf.Tensor1D | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const f = this.net.embed(x);
      feats = tf.keep(f);
      const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(y, NUM_CLASSES), this.net.logits(f)) as tf.Scalar;
      const lc = this.ops.loss(f, y, this.centers as tf.Tensor2D);
      parts = tf.keep(tf.stack([ce, lc]) as tf.Tensor1D);
      return h.lambda === 0 ? ce : tf.add(ce, tf.mul(lc, h.lambda));
    }, this.net.vars);
    const lr = this.stepLr(epoch);
    this.optimizerStep(grads, lr);
    tf.tidy(() => {
      const next = centerStep(this.ops, feats!, y, this.centers as tf.Tensor2D,
        { rule: h.update, alpha: h.alpha, lambda: h.lambda, lr, momentum: h.momentum ?? MOMENTUM },
        this.centerVelocity as tf.Tensor2D);
      this.centers.assign(next.centers);
      if (next.velocity) this.centerVelocity.assign(next.velocity);
    });
    tf.dispose([value, feats!, ...Object.values(grads)]);
    return parts!;
  }

  /** Every other loss: autograd of its objective; its learned state (centers, R) takes an SGD step on the same gradient. */
  private autogradStep(loss: Exclude<LossId, 'center'>, x: tf.Tensor2D, y: tf.Tensor1D, epoch: number): tf.Tensor1D {
    const p = lossParams(this.hyper);
    if (loss === 'ring' && !this.radiusSet) {
      tf.tidy(() => this.radius.assign(ringInit(this.net.embed(x))));
      this.radiusSet = true;
    }
    const own = loss === 'contrastive-center' ? this.centers : loss === 'ring' ? this.radius : null;
    let parts: tf.Tensor1D | null = null;
    // A holder: TypeScript does not see assignments made inside the closure below.
    const moments: { batch: [tf.Tensor1D, tf.Tensor1D] | null } = { batch: null };
    const { value, grads } = tf.variableGrads(() => {
      const e = this.net.embedTraining(x);
      moments.batch = e.batch;
      const o = objective(loss, e.feat, y,
        { w: this.net.classWeights(), centers: this.centers as tf.Tensor2D, radius: this.radius as tf.Scalar }, p);
      parts = tf.keep(o.parts);
      return o.total;
    }, own ? [...this.net.vars, own] : this.net.vars);
    this.optimizerStep(grads, this.stepLr(epoch));
    if (moments.batch) {
      this.net.updateStats(moments.batch, x.shape[0]);
      tf.dispose(moments.batch);
    }
    const g = own && grads[own.name];
    if (own && g) tf.tidy(() => own.assign(tf.sub(own, tf.mul(g, own === this.centers ? p.alpha : p.ringLr))));
    tf.dispose([value, ...Object.values(grads)]);
    return parts!;
  }

  /** One step of the run's optimiser (SGD with momentum or Adam, L2 weight decay) on the net's weights. */
  private optimizerStep(grads: tf.NamedTensorMap, lr: number): void {
    const h = this.hyper;
    const wd = h.weightDecay ?? WEIGHT_DECAY;
    const adam = h.optimizer === 'adam';
    if ((h.optimizer ?? 'sgd') !== this.bufferOwner) {
      this.bufferOwner = h.optimizer ?? 'sgd';
      this.adamSteps = 0;
      tf.tidy(() => [...this.momenta, ...this.second].forEach((b) => b.assign(tf.zerosLike(b))));
    }
    if (adam) this.adamSteps++;
    const mu = adam ? ADAM_BETA1 : (h.momentum ?? MOMENTUM);
    // PyTorch's form: m̂ = m/(1−β1^t), v̂ = v/(1−β2^t), step lr·m̂/(√v̂ + ε) (ε outside the bias correction).
    const bc1 = 1 - ADAM_BETA1 ** this.adamSteps;
    const sqrtBc2 = Math.sqrt(1 - ADAM_BETA2 ** this.adamSteps);
    tf.tidy(() => {
      this.net.vars.forEach((v, i) => {
        const g = tf.add(grads[v.name], tf.mul(this.decayMask ? tf.mul(v, this.decayMask) : v, wd));
        if (adam) {
          const m = tf.add(tf.mul(this.momenta[i], mu), tf.mul(g, 1 - mu));
          const s2 = tf.add(tf.mul(this.second[i], ADAM_BETA2), tf.mul(tf.square(g), 1 - ADAM_BETA2));
          this.momenta[i].assign(m);
          this.second[i].assign(s2);
          const denom = tf.add(tf.div(tf.sqrt(s2), sqrtBc2), ADAM_EPS);
          v.assign(tf.sub(v, tf.mul(tf.div(m, denom), lr / bc1)));
        } else {
          const m = tf.add(tf.mul(this.momenta[i], mu), g);
          this.momenta[i].assign(m);
          v.assign(tf.sub(v, tf.mul(m, lr)));
        }
      });
    });
  }

  /** Classifier logits of embeddings: s·cos θ for a cosine head (no margin), the dense 2 → 10 otherwise. */
  logits(f: tf.Tensor2D): tf.Tensor2D {
    const loss = this.hyper.loss ?? 'center';
    return isCosineHead(loss) ? inferenceLogits(loss, f, this.net.classWeights(), lossParams(this.hyper).s) : this.net.logits(f);
  }

  /** Embeds the probe set (in chunks) and scores it; returns null if `cancelled()` turns true between chunks. */
  async probe(x: tf.Tensor2D, labels: Uint8Array, chunk = 500, cancelled: () => boolean = () => false): Promise<ProbeResult | null> {
    const n = x.shape[0];
    const points = new Float32Array(n * 2);
    const predictions = new Uint8Array(n);
    for (let start = 0; start < n; start += chunk) {
      if (cancelled()) return null;
      const size = Math.min(chunk, n - start);
      const [f, p] = tf.tidy(() => {
        const f = this.net.embed(tf.slice(x, [start, 0], [size, -1]));
        return [f, tf.argMax(this.logits(f), 1)];
      });
      const [fd, pd] = await Promise.all([f.data(), p.data()]);
      tf.dispose([f, p]);
      points.set(fd as Float32Array, start * 2);
      predictions.set(pd as Int32Array, start);
    }
    let correct = 0;
    for (let i = 0; i < n; i++) if (predictions[i] === labels[i]) correct++;
    return { points, predictions, accuracy: n ? correct / n : 0 };
  }

  /** Reads the full training state back (weights, both optimiser buffers, centers). */
  async checkpoint(): Promise<RunCheckpoint> {
    const [weights, first, second, centers, centerVelocity] = await Promise.all(
      [this.net.vars[0], this.momenta[0], this.second[0], this.centers, this.centerVelocity].map(async (v) => Float32Array.from((await v.data()) as Float32Array)),
    );
    const cp: RunCheckpoint = { step: this.step, weights, first, second, adamSteps: this.adamSteps, optimizer: this.bufferOwner, centers, centerVelocity };
    if (this.radiusSet) cp.radius = ((await this.radius.data()) as Float32Array)[0];
    if (this.net.stats) cp.embedStats = Float32Array.from((await this.net.stats.data()) as Float32Array);
    return cp;
  }

  /** Puts a checkpoint's state back (same preset required). */
  restore(cp: RunCheckpoint): void {
    if (cp.weights.length !== this.net.vars[0].size || cp.centers.length !== this.centers.size) {
      throw new Error(`checkpoint does not fit this model (${cp.weights.length} weights, expected ${this.net.vars[0].size})`);
    }
    tf.tidy(() => {
      this.net.vars[0].assign(tf.tensor1d(cp.weights));
      this.momenta[0].assign(tf.tensor1d(cp.first));
      this.second[0].assign(tf.tensor1d(cp.second));
      this.centers.assign(tf.tensor2d(cp.centers, this.centers.shape as [number, number]));
      const v = cp.centerVelocity?.length === this.centers.size ? cp.centerVelocity : new Float32Array(this.centers.size);
      this.centerVelocity.assign(tf.tensor2d(v, this.centers.shape as [number, number]));
      this.radius.assign(tf.scalar(cp.radius ?? -1));
      const stats = this.net.stats;
      if (stats) {
        const start = new Float32Array(stats.size).fill(1, stats.size / 2);
        stats.assign(tf.tensor2d(cp.embedStats?.length === stats.size ? cp.embedStats : start, stats.shape as [number, number]));
      }
    });
    this.radiusSet = cp.radius !== undefined;
    this.step = cp.step;
    this.adamSteps = cp.adamSteps;
    this.bufferOwner = cp.optimizer;
  }

  /** A copy of the centers (safe to transfer: backends may cache the array that data() returns). */
  async centersData(): Promise<Float32Array> {
    return Float32Array.from((await this.centers.data()) as Float32Array);
  }

  /** What the views draw: centers, R, class directions, s and m (plain arrays, safe to transfer). */
  async geometry(): Promise<RunGeometry> {
    const loss = this.hyper.loss ?? 'center';
    const dirs = tf.tidy(() => classDirections(this.net.classWeights()));
    const [centers, classDirs, radius] = await Promise.all([this.centers, dirs, this.radius].map(async (t) => Float32Array.from((await t.data()) as Float32Array)));
    dirs.dispose();
    const p = lossParams(this.hyper);
    const cosine = isCosineHead(loss);
    return {
      loss, centers, classDirections: classDirs,
      radius: loss === 'ring' && this.radiusSet ? radius[0] : null,
      s: cosine ? p.s : null, m: cosine ? (loss === 'normface' ? 0 : p.m) : null,
    };
  }

  dispose(): void {
    this.net.dispose();
    this.momenta.forEach((m) => m.dispose());
    this.second.forEach((m) => m.dispose());
    this.centers.dispose();
    this.centerVelocity.dispose();
    this.radius.dispose();
    this.decayMask?.dispose();
  }
}

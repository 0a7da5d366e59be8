/**
 * One training run: a Net, its SGD-with-momentum state, and its class centers.
 * DOM-free; the worker drives two of these, tests drive them in Node on the CPU backend.
 *
 * Per step (PyTorch semantics for the optimiser, caffe-face semantics for the centers):
 *   total = CE(softmax(W·x), y) + λ·L_C(x, y, c)         x = embed(image), ∂L_C/∂x given explicitly (Eq. 3)
 *   g ← ∇total + wd·w;  m ← μ·m + g;  w ← w − lr·m        (lr × 0.8 every 20 epochs, as in the port)
 *   c ← updatedCenters(x, y, c)                           (Eq. 4, or the 'autograd' rule), with the batch's x
 */
import * as tf from '@tensorflow/tfjs';
import type { CenterLossOps, CenterUpdateRule } from './centerLoss';
import { Net, type WeightSpec } from './model';
import { MOMENTUM, NUM_CLASSES, WEIGHT_DECAY, type ModelPreset } from './presets';

export type OptimizerId = 'sgd' | 'adam';

export interface RunHyper {
  /** 'sgd': SGD with momentum (PyTorch semantics); 'adam': Adam (β 0.9/0.999, ε 1e-8). */
  optimizer?: OptimizerId;
  lr: number;
  lambda: number;
  alpha: number;
  update: CenterUpdateRule;
  momentum?: number;
  weightDecay?: number;
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
}

export interface ProbeResult { points: Float32Array; predictions: Uint8Array; accuracy: number }

export class Run {
  readonly net: Net;
  readonly centers: tf.Variable;
  /** SGD momentum buffers, or Adam's first moments. */
  private readonly momenta: tf.Variable[];
  /** Adam's second moments (zeros until Adam is used). */
  private readonly second: tf.Variable[];
  /** Adam steps taken (for bias correction). */
  private adamSteps = 0;
  /** The optimiser the buffers belong to; switching optimisers starts them from zero. */
  private bufferOwner: OptimizerId;
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
    this.net = new Net(preset, weights, id);
    this.momenta = this.net.vars.map((v) => tf.variable(tf.zerosLike(v), false, `${v.name}/m`));
    this.second = this.net.vars.map((v) => tf.variable(tf.zerosLike(v), false, `${v.name}/v`));
    this.bufferOwner = hyper.optimizer ?? 'sgd';
    this.centers = tf.variable(tf.tensor2d(centers0, [NUM_CLASSES, centers0.length / NUM_CLASSES]), false, `${id}/centers`);
  }

  /**
   * One SGD step on a batch. Returns [softmax CE, raw L_C] of the batch as a tensor the caller
   * reads (await .data()) and disposes; nothing is read back here, so steps can queue on the GPU.
   */
  trainStep(x: tf.Tensor2D, y: tf.Tensor1D, epoch = 0): tf.Tensor1D {
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
    const lr = h.lr * 0.8 ** Math.floor(epoch / 20);
    const wd = h.weightDecay ?? WEIGHT_DECAY;
    const adam = h.optimizer === 'adam';
    if ((h.optimizer ?? 'sgd') !== this.bufferOwner) {
      this.bufferOwner = h.optimizer ?? 'sgd';
      this.adamSteps = 0;
      tf.tidy(() => [...this.momenta, ...this.second].forEach((b) => b.assign(tf.zerosLike(b))));
    }
    if (adam) this.adamSteps++;
    const mu = adam ? 0.9 : (h.momentum ?? MOMENTUM);
    const b2 = 0.999;
    // Adam's bias corrections folded into the step size.
    const stepSize = adam ? (lr * Math.sqrt(1 - b2 ** this.adamSteps)) / (1 - mu ** this.adamSteps) : lr;
    tf.tidy(() => {
      this.net.vars.forEach((v, i) => {
        const g = tf.add(grads[v.name], tf.mul(v, wd));
        if (adam) {
          const m = tf.add(tf.mul(this.momenta[i], mu), tf.mul(g, 1 - mu));
          const s2 = tf.add(tf.mul(this.second[i], b2), tf.mul(tf.square(g), 1 - b2));
          this.momenta[i].assign(m);
          this.second[i].assign(s2);
          v.assign(tf.sub(v, tf.mul(tf.div(m, tf.add(tf.sqrt(s2), 1e-8)), stepSize)));
        } else {
          const m = tf.add(tf.mul(this.momenta[i], mu), g);
          this.momenta[i].assign(m);
          v.assign(tf.sub(v, tf.mul(m, stepSize)));
        }
      });
      this.centers.assign(
        this.ops.updatedCenters(feats!, y, this.centers as tf.Tensor2D, h.alpha, h.lambda, h.update),
      );
    });
    tf.dispose([value, feats!, ...Object.values(grads)]);
    this.step++;
    return parts!;
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
        return [f, tf.argMax(this.net.logits(f), 1)];
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
    const [weights, first, second, centers] = await Promise.all(
      [this.net.vars[0], this.momenta[0], this.second[0], this.centers].map(async (v) => Float32Array.from((await v.data()) as Float32Array)),
    );
    return { step: this.step, weights, first, second, adamSteps: this.adamSteps, optimizer: this.bufferOwner, centers };
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
    });
    this.step = cp.step;
    this.adamSteps = cp.adamSteps;
    this.bufferOwner = cp.optimizer;
  }

  /** A copy of the centers (safe to transfer: backends may cache the array that data() returns). */
  async centersData(): Promise<Float32Array> {
    return Float32Array.from((await this.centers.data()) as Float32Array);
  }

  dispose(): void {
    this.net.dispose();
    this.momenta.forEach((m) => m.dispose());
    this.second.forEach((m) => m.dispose());
    this.centers.dispose();
  }
}

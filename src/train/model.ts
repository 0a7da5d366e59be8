/**
 * The networks, as plain tf.Variables and ops (no tf.layers), so that both runs can start from
 * exactly the same weights, the center loss can hook its explicit gradient onto the embedding,
 * and checkpoints are a flat list of named tensors. DOM-free: runs in the worker and in Node.
 *
 * LeNet++ as in the PyTorch port of Wen et al. 2016 (jxgu1016/MNIST_center_loss_pytorch): 3 stages ×
 * [conv5×5(pad 2)+PReLU]×2, 2×2 max-pool after each stage (28→14→7→3), dense 1152→2 + PReLU (the 2-D
 * embedding), dense 2→10 without bias. PReLU has one learnable slope per layer, initialised to 0.25
 * (PyTorch's nn.PReLU()). The paper's own caffe-face LeNet++ differs: a PReLU slope per channel, a 3×3
 * stride-2 third pool, Xavier init, zero-initialised biases without weight decay.
 *
 * The cosine heads (NormFace, CosFace, ArcFace) take the embedding 'batchnorm' instead of 'prelu':
 * dense 1152→2 followed by batch normalisation without affine parameters (PyTorch's
 * nn.BatchNorm1d(2, affine=False)), as ArcFace's network ends its embedding with BN (insightface's
 * FC→BN output block). Their logits see only the angle of x, and a PReLU embedding starts with every
 * digit inside one narrow cone (all at ≈ 76° on `small`, seed 1), where the classes whose weights point
 * elsewhere get no tangential gradient and never win a digit; centring the batch spreads the digits
 * around the circle from the first step.
 *   training:  x = (z − mean_B) / √(var_B + ε)              (var_B biased, over the batch)
 *              μ ← (1 − 0.1)·μ + 0.1·mean_B;  σ² ← (1 − 0.1)·σ² + 0.1·var_B·B/(B − 1)
 *   inference: x = (z − μ) / √(σ² + ε),  ε = 1e-5,  μ = 0 and σ² = 1 at the start
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../data/batcher';
import { EMBED_DIM, NUM_CLASSES, type ModelPreset } from './presets';

export interface WeightSpec { name: string; shape: number[]; values: Float32Array }

/** How the 2-D embedding ends after dense 1152→2: PReLU (center loss and its kin) or batch norm (the cosine heads). */
export type EmbeddingKind = 'prelu' | 'batchnorm';
export const BN_MOMENTUM = 0.1;
export const BN_EPS = 1e-5;

/** Batch norm's output without affine parameters: (z − mean) / √(variance + ε). */
function normalise(z: tf.Tensor2D, mean: tf.Tensor, variance: tf.Tensor): tf.Tensor2D {
  return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, BN_EPS)));
}

/** PyTorch's default init for conv/linear weights and biases: U(−1/√fan_in, 1/√fan_in). */
function uniform(rand: () => number, n: number, bound: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 2 - 1) * bound;
  return out;
}

/** Layer list of a preset, in forward order. */
export function layerShapes(p: ModelPreset): { name: string; shape: number[]; fanIn: number; kind: 'w' | 'b' | 'prelu' }[] {
  const out: { name: string; shape: number[]; fanIn: number; kind: 'w' | 'b' | 'prelu' }[] = [];
  let cin = 1;
  let side = 28;
  p.stages.forEach((cout, s) => {
    for (let k = 0; k < 2; k++) {
      const n = `conv${s + 1}_${k + 1}`;
      out.push({ name: `${n}/w`, shape: [5, 5, cin, cout], fanIn: 25 * cin, kind: 'w' });
      out.push({ name: `${n}/b`, shape: [cout], fanIn: 25 * cin, kind: 'b' });
      out.push({ name: `${n}/prelu`, shape: [], fanIn: 0, kind: 'prelu' });
      cin = cout;
    }
    side = Math.floor(side / 2);
  });
  let width = p.stages.length ? side * side * cin : 784;
  p.hidden.forEach((h, i) => {
    out.push({ name: `fc${i + 1}/w`, shape: [width, h], fanIn: width, kind: 'w' });
    out.push({ name: `fc${i + 1}/b`, shape: [h], fanIn: width, kind: 'b' });
    out.push({ name: `fc${i + 1}/prelu`, shape: [], fanIn: 0, kind: 'prelu' });
    width = h;
  });
  out.push({ name: 'ip1/w', shape: [width, EMBED_DIM], fanIn: width, kind: 'w' });
  out.push({ name: 'ip1/b', shape: [EMBED_DIM], fanIn: width, kind: 'b' });
  out.push({ name: 'ip1/prelu', shape: [], fanIn: 0, kind: 'prelu' });
  out.push({ name: 'ip2/w', shape: [EMBED_DIM, NUM_CLASSES], fanIn: EMBED_DIM, kind: 'w' });
  return out;
}

/** Deterministic initial weights for a preset and seed (identical on every backend). */
export function initialWeights(p: ModelPreset, seed: number): WeightSpec[] {
  const rand = mulberry32(seed);
  return layerShapes(p).map(({ name, shape, fanIn, kind }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = kind === 'prelu' ? new Float32Array([0.25]) : uniform(rand, n, 1 / Math.sqrt(fanIn));
    return { name, shape, values };
  });
}

/**
 * A network whose weights live in ONE flat tf.Variable (views are sliced out in the forward pass).
 * One variable means one optimiser update per step instead of one per layer: on WebGPU, where every
 * op is a dispatch, this roughly halves the ops of a training step. `prefix` keeps names unique per run.
 */
export class Net {
  readonly vars: tf.Variable[];
  /** Batch norm's running statistics, [2, EMBED_DIM]: row 0 the mean, row 1 the variance; null for 'prelu'. */
  readonly stats: tf.Variable | null;
  private readonly layout = new Map<string, { offset: number; shape: number[]; size: number }>();

  constructor(readonly preset: ModelPreset, weights: WeightSpec[], prefix: string, readonly embedding: EmbeddingKind = 'prelu') {
    let offset = 0;
    for (const w of weights) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      this.layout.set(w.name, { offset, shape: w.shape, size });
      offset += size;
    }
    const flat = new Float32Array(offset);
    for (const w of weights) flat.set(w.values, this.layout.get(w.name)!.offset);
    // tidy: a variable shares its initial tensor's data, and that tensor would otherwise stay registered.
    this.vars = [tf.tidy(() => tf.variable(tf.tensor1d(flat), true, `${prefix}/weights`))];
    this.stats = embedding === 'batchnorm'
      ? tf.tidy(() => tf.variable(tf.tensor2d([...new Array(EMBED_DIM).fill(0), ...new Array(EMBED_DIM).fill(1)], [2, EMBED_DIM]), false, `${prefix}/bn`))
      : null;
  }

  private v(name: string): tf.Tensor {
    const l = this.layout.get(name);
    if (!l) throw new Error(`no weight ${name}`);
    return tf.reshape(tf.slice(this.vars[0], [l.offset], [l.size]), l.shape);
  }
  /**
   * x: [B,784] normalised pixels → [B,2] embedding: ip1 after PReLU, or after batch norm with the running
   * statistics (inference: probes, the drawn digit).
   */
  embed(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const z = this.ip1(x);
      if (!this.stats) return tf.prelu(z, this.v('ip1/prelu')) as tf.Tensor2D;
      const [mean, variance] = tf.unstack(this.stats);
      return normalise(z, mean, variance);
    });
  }

  /**
   * The embedding of a training batch: as embed() for PReLU; batch norm normalises with the batch's own
   * mean and (biased) variance and also returns them (kept: the caller disposes), for updateStats().
   */
  embedTraining(x: tf.Tensor2D): { feat: tf.Tensor2D; batch: [tf.Tensor1D, tf.Tensor1D] | null } {
    if (!this.stats) return { feat: this.embed(x), batch: null };
    const out: { batch: [tf.Tensor1D, tf.Tensor1D] | null } = { batch: null };
    const feat = tf.tidy(() => {
      const z = this.ip1(x);
      const { mean, variance } = tf.moments(z, 0);
      out.batch = [tf.keep(mean as tf.Tensor1D), tf.keep(variance as tf.Tensor1D)];
      return normalise(z, mean, variance);
    });
    return { feat, batch: out.batch };
  }

  /** Batch norm's running statistics after a batch of `n` with these moments (PyTorch's update, unbiased variance). */
  updateStats([mean, variance]: [tf.Tensor1D, tf.Tensor1D], n: number): void {
    const stats = this.stats;
    if (!stats) return;
    tf.tidy(() => {
      const batch = tf.stack([mean, tf.mul(variance, n > 1 ? n / (n - 1) : 1)]);
      stats.assign(tf.add(tf.mul(stats, 1 - BN_MOMENTUM), tf.mul(batch, BN_MOMENTUM)));
    });
  }

  /** x: [B,784] → ip1's output z [B,2], before the embedding's last step. */
  private ip1(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor = x;
      if (this.preset.stages.length) {
        h = tf.reshape(x, [-1, 28, 28, 1]);
        this.preset.stages.forEach((_, s) => {
          for (let k = 0; k < 2; k++) {
            const n = `conv${s + 1}_${k + 1}`;
            const z = tf.add(tf.conv2d(h as tf.Tensor4D, this.v(`${n}/w`) as tf.Tensor4D, 1, 'same'), this.v(`${n}/b`));
            h = tf.prelu(z, this.v(`${n}/prelu`));
          }
          h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
        });
        h = tf.reshape(h, [x.shape[0], -1]);
      }
      this.preset.hidden.forEach((_, i) => {
        h = tf.prelu(tf.add(tf.matMul(h as tf.Tensor2D, this.v(`fc${i + 1}/w`) as tf.Tensor2D), this.v(`fc${i + 1}/b`)), this.v(`fc${i + 1}/prelu`));
      });
      return tf.add(tf.matMul(h as tf.Tensor2D, this.v('ip1/w') as tf.Tensor2D), this.v('ip1/b')) as tf.Tensor2D;
    });
  }

  /** [B,2] embedding → [B,10] logits (dense without bias). */
  logits(feat: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(feat, this.v('ip2/w') as tf.Tensor2D);
  }

  /** The classifier's weights [2,10] (column j = class j), a differentiable view of the flat variable. */
  classWeights(): tf.Tensor2D {
    return this.v('ip2/w') as tf.Tensor2D;
  }

  /** Number of parameters. */
  get size(): number { return this.vars[0].size; }

  /** A [size] tensor of ones, zero over the named weights (a per-weight factor over the flat variable). */
  maskWithout(names: readonly string[]): tf.Tensor1D {
    const mask = new Float32Array(this.size).fill(1);
    for (const name of names) {
      const l = this.layout.get(name);
      if (!l) throw new Error(`no weight ${name}`);
      mask.fill(0, l.offset, l.offset + l.size);
    }
    return tf.tensor1d(mask);
  }

  /** Copy of the weights as named arrays (checkpoint / export). */
  async read(): Promise<WeightSpec[]> {
    const flat = (await this.vars[0].data()) as Float32Array;
    return [...this.layout].map(([name, l]) => ({ name, shape: l.shape.slice(), values: flat.slice(l.offset, l.offset + l.size) }));
  }

  dispose(): void {
    this.vars.forEach((v) => v.dispose());
    this.stats?.dispose();
  }
}

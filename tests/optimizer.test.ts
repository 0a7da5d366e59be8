/**
 * The optimisers against PyTorch's formulas, computed here in float64 (not through the trainer):
 *   SGD  (torch.optim.SGD, momentum μ, weight_decay wd):  g ← ∇ + wd·w;  m ← μ·m + g;  w ← w − lr_t·m
 *   Adam (torch.optim.Adam, weight_decay wd):              g ← ∇ + wd·w;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *                                                          w ← w − lr_t·m̂/(√v̂ + ε), m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)
 *   lr_t = lr·0.8^⌊epoch/20⌋.
 * The loss gradient ∇ at each step comes from tf autograd of the same network (λ = 0: the softmax
 * loss only), so what is checked is the update rule, state carried over 3 steps, weight decay on
 * every parameter (PReLU slopes and biases included) and the schedule. A second test needs no
 * autograd at all: with an all-zero input the first layer's weights get ∇ = 0 exactly, so their
 * gradient is wd·w alone (|g| ≈ 1e-7) and the whole trajectory is hand-computed.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { composedCenterLoss } from '../src/train/centerLoss';
import { initialWeights, layerShapes } from '../src/train/model';
import { NUM_CLASSES, PRESETS } from '../src/train/presets';
import { Run, type OptimizerId } from '../src/train/trainer';
import { batch, c0 } from './batches';

beforeAll(async () => { await tf.setBackend('cpu'); });

const B1 = 0.9;
const B2 = 0.999;
const EPS = 1e-8;

async function flat(run: Run): Promise<Float64Array> {
  return Float64Array.from((await run.net.vars[0].data()) as Float32Array);
}

/** ∇ of the softmax loss at the run's current weights (tf autograd, independent of the optimiser). */
async function lossGrad(run: Run, x: tf.Tensor2D, y: tf.Tensor1D): Promise<Float64Array> {
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(tf.oneHot(y, NUM_CLASSES), run.net.logits(run.net.embed(x))) as tf.Scalar, run.net.vars);
  const g = Float64Array.from((await grads[run.net.vars[0].name].data()) as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  return g;
}

/** Offsets of the PReLU slopes and biases in the flat weight vector. */
function offsetsOf(kinds: Array<'b' | 'prelu'>): number[] {
  const out: number[] = [];
  let at = 0;
  for (const l of layerShapes(PRESETS.tiny)) {
    const n = l.shape.reduce((a, b) => a * b, 1);
    if ((kinds as string[]).includes(l.kind)) for (let i = 0; i < n; i++) out.push(at + i);
    at += n;
  }
  return out;
}

function expectWithin(label: string, got: ArrayLike<number>, want: ArrayLike<number>, idx?: number[]): void {
  let worst = 0;
  let at = -1;
  for (const i of idx ?? Array.from({ length: want.length }, (_, k) => k)) {
    const r = Math.abs(got[i] - want[i]) / (1e-5 * Math.abs(want[i]) + 1e-7);
    if (!(r <= worst)) { worst = r; at = i; }
  }
  expect(worst, `${label}: worst at ${at} (got ${got[at]}, want ${want[at]})`).toBeLessThanOrEqual(1);
}

for (const optimizer of ['sgd', 'adam'] as OptimizerId[]) {
  describe(`${optimizer} as PyTorch`, () => {
    it('3 steps match the formula on every parameter, with weight decay on PReLU slopes and biases and the ×0.8 schedule', async () => {
      const lr = optimizer === 'sgd' ? 0.05 : 0.01;
      const wd = 0.01; // larger than the app's 5e-4 so that the decay term is far above float32 noise
      const run = new Run(`o-${optimizer}`, PRESETS.tiny, initialWeights(PRESETS.tiny, 11), c0,
        { optimizer, lr, lambda: 0, alpha: 0.5, update: 'eq4', momentum: 0.9, weightDecay: wd }, composedCenterLoss);
      const n = run.net.size;
      const m = new Float64Array(n);
      const v = new Float64Array(n);
      const special = offsetsOf(['b', 'prelu']);
      const epochs = [0, 20, 45]; // lr, 0.8·lr, 0.64·lr
      for (let t = 1; t <= 3; t++) {
        const { x, y } = batch(30 + t);
        const w = await flat(run);
        const grad = await lossGrad(run, x, y);
        const lrT = lr * 0.8 ** Math.floor(epochs[t - 1] / 20);
        const want = new Float64Array(n);
        const noDecay = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const g = grad[i] + wd * w[i];
          if (optimizer === 'sgd') {
            m[i] = 0.9 * m[i] + g;
            want[i] = w[i] - lrT * m[i];
            noDecay[i] = w[i] - lrT * (m[i] - wd * w[i]);
          } else {
            m[i] = B1 * m[i] + (1 - B1) * g;
            v[i] = B2 * v[i] + (1 - B2) * g * g;
            const mHat = m[i] / (1 - B1 ** t);
            const vHat = v[i] / (1 - B2 ** t);
            want[i] = w[i] - (lrT * mHat) / (Math.sqrt(vHat) + EPS);
          }
        }
        tf.dispose([run.trainStep(x, y, epochs[t - 1]), x, y]);
        const got = await flat(run);
        expectWithin(`step ${t} all weights`, got, want);
        expectWithin(`step ${t} biases and PReLU slopes`, got, want, special);
        if (optimizer === 'sgd') {
          // The decay term on the PReLU slopes is large enough to be seen: leaving it out would fail.
          const slopes = offsetsOf(['prelu']);
          expect(Math.max(...slopes.map((i) => Math.abs(want[i] - noDecay[i])))).toBeGreaterThan(1e-5);
        }
      }
      run.dispose();
    });
  });
}

describe('Adam with tiny gradients (|g| ≈ 1e-7): ε outside the bias correction, as PyTorch', () => {
  it('3 steps of the first layer, hand-computed: zero input, so its gradient is wd·w alone', async () => {
    const lr = 0.001;
    const wd = 5e-6;
    const w0 = initialWeights(PRESETS.tiny, 12);
    const run = new Run('tiny-g', PRESETS.tiny, w0, c0,
      { optimizer: 'adam', lr, lambda: 0, alpha: 0.5, update: 'eq4', weightDecay: wd }, composedCenterLoss);
    const first = w0[0]; // fc1/w, [784, 32]
    expect(first.name).toBe('fc1/w');
    const w = Float64Array.from(first.values);
    const m = new Float64Array(w.length);
    const v = new Float64Array(w.length);
    const x = tf.zeros([16, 784]) as tf.Tensor2D;
    const y = tf.tensor1d(Int32Array.from({ length: 16 }, (_, i) => i % 10), 'int32');
    let tfForm = 0; // how far TF's form (ε added to √v, bias corrections folded into lr) would be, at t = 1
    for (let t = 1; t <= 3; t++) {
      for (let i = 0; i < w.length; i++) {
        const g = wd * w[i];
        m[i] = B1 * m[i] + (1 - B1) * g;
        v[i] = B2 * v[i] + (1 - B2) * g * g;
        const step = (lr * (m[i] / (1 - B1 ** t))) / (Math.sqrt(v[i] / (1 - B2 ** t)) + EPS);
        if (t === 1) {
          const tf1 = ((lr * Math.sqrt(1 - B2)) / (1 - B1)) * (m[i] / (Math.sqrt(v[i]) + EPS));
          tfForm = Math.max(tfForm, Math.abs(step - tf1));
        }
        w[i] -= step;
      }
      tf.dispose(run.trainStep(x, y));
    }
    const got = (await flat(run)).subarray(0, w.length);
    const gs = Array.from(first.values, (e) => Math.abs(wd * e));
    expect(Math.max(...gs)).toBeGreaterThan(1e-7); // the gradients really are around 1e-7
    expect(Math.max(...gs)).toBeLessThan(1e-6);
    expect(tfForm).toBeGreaterThan(1e-4 * lr); // the two forms differ by far more than the tolerance below
    expectWithin('fc1/w after 3 steps', got, w);
    tf.dispose([x, y]);
    run.dispose();
  });
});

describe('learning-rate warm-up (presets.json warmupSteps W): lr_t = lr·min(1, (t+1)/W)', () => {
  it('steps t = 0…4 with W = 4 equal steps taken at lr·1/4, 2/4, 3/4, 1, 1 set by hand', async () => {
    for (const optimizer of ['adam', 'sgd'] as const) {
      const lr = 0.02;
      const mk = (id: string, hyper: { lr: number; warmupSteps?: number }) =>
        new Run(id, PRESETS.tiny, initialWeights(PRESETS.tiny, 5), c0, { optimizer, lambda: 0.3, alpha: 0.5, update: 'eq4', ...hyper }, composedCenterLoss);
      const warm = mk(`w-${optimizer}`, { lr, warmupSteps: 4 });
      const hand = mk(`h-${optimizer}`, { lr });
      const factors = [0.25, 0.5, 0.75, 1, 1];
      for (let t = 0; t < factors.length; t++) {
        const { x, y } = batch(100 + t);
        hand.hyper = { ...hand.hyper, lr: lr * factors[t] };
        tf.dispose([warm.trainStep(x, y), hand.trainStep(x, y), x, y]);
        expectWithin(`${optimizer} step ${t}`, await flat(warm), await flat(hand));
      }
      warm.dispose();
      hand.dispose();
    }
  });
});

describe('weight decay spares a cosine head’s class weights (trainer.ts decayFree)', () => {
  /** The flat-vector offsets [start, end) of one named weight of the tiny preset. */
  function span(name: string): [number, number] {
    let at = 0;
    for (const l of layerShapes(PRESETS.tiny)) {
      const n = l.shape.reduce((a, b) => a * b, 1);
      if (l.name === name) return [at, at + n];
      at += n;
    }
    throw new Error(name);
  }
  /** One SGD step from the same init with weight decay 0 and 0.5: the weights after each, sliced to `name`. */
  async function afterOneStep(loss: 'normface' | 'arcface' | undefined, name: string): Promise<Float64Array[]> {
    const out: Float64Array[] = [];
    for (const weightDecay of [0, 0.5]) {
      const run = new Run(`d-${loss}-${weightDecay}`, PRESETS.tiny, initialWeights(PRESETS.tiny, 21), c0,
        { optimizer: 'sgd', lr: 0.05, lambda: 0, alpha: 0.5, update: 'eq4', momentum: 0.9, weightDecay, loss }, composedCenterLoss);
      const { x, y } = batch(7);
      tf.dispose([run.trainStep(x, y), x, y]);
      out.push((await flat(run)).slice(...span(name)));
      run.dispose();
    }
    return out;
  }

  it('NormFace and ArcFace: the class weights take the same step whatever the decay; the other weights do not', async () => {
    for (const loss of ['normface', 'arcface'] as const) {
      const [w0, w5] = await afterOneStep(loss, 'ip2/w');
      expect(Array.from(w5), loss).toEqual(Array.from(w0));
      const [f0, f5] = await afterOneStep(loss, 'fc1/w');
      expect(f5.some((v, i) => Math.abs(v - f0[i]) > 1e-4), loss).toBe(true);
    }
  });

  it('center loss (softmax over W·x): the class weights are decayed like every other weight', async () => {
    const [w0, w5] = await afterOneStep(undefined, 'ip2/w');
    // SGD's first step: the decay adds lr·wd·w to the step of each class weight.
    expect(w5.some((v, i) => Math.abs(v - w0[i]) > 1e-4)).toBe(true);
  });
});

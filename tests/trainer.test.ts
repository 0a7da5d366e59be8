import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { composedCenterLoss } from '../src/train/centerLoss';
import { initialWeights, layerShapes, type WeightSpec } from '../src/train/model';
import { PRESETS } from '../src/train/presets';
import { Run, type RunHyper } from '../src/train/trainer';
import { LOSS_IDS, type LossId } from '../src/train/losses/ids';
import { contrastiveCenterLoss } from '../src/train/losses/contrastiveCenter';
import { compactness } from '../src/train/metrics';
import { batch, c0 } from './batches';

const hyper = (h: Partial<RunHyper> = {}): RunHyper => ({ optimizer: 'sgd', lr: 0.01, lambda: 0.5, alpha: 0.5, update: 'eq4', ...h });

async function weightsOf(run: Run) {
  return Promise.all(run.net.vars.map(async (v) => Array.from(await v.data())));
}

beforeAll(async () => { await tf.setBackend('cpu'); });

/** The tiny MLP's embedding in float64 from named weights (784→32 PReLU →2 PReLU), row-major x [B,784]. */
function embed64(ws: WeightSpec[], xs: number[]): number[] {
  const W = Object.fromEntries(ws.map((w) => [w.name, Array.from(w.values)]));
  const dense = (inp: number[], n: number, name: string, out: number) => {
    const res: number[] = [];
    for (let i = 0; i < inp.length / n; i++) {
      for (let o = 0; o < out; o++) {
        let z = W[`${name}/b`][o];
        for (let k = 0; k < n; k++) z += inp[i * n + k] * W[`${name}/w`][k * out + o];
        res.push(z >= 0 ? z : W[`${name}/prelu`][0] * z);
      }
    }
    return res;
  };
  return dense(dense(xs, 784, 'fc1', 32), 32, 'ip1', 2);
}

/** Eq. 4 in float64: c_j − α·Σ_{i:y_i=j}(c_j − x_i)/(1 + n_j); K = 10, D = 2. */
function eq4(c: ArrayLike<number>, f: number[], ys: number[], alpha: number): number[] {
  const out = Array.from(c);
  for (let j = 0; j < 10; j++) {
    const idx = ys.flatMap((k, i) => (k === j ? [i] : []));
    for (let d = 0; d < 2; d++) {
      const s = idx.reduce((acc, i) => acc + (c[j * 2 + d] - f[i * 2 + d]), 0);
      out[j * 2 + d] = c[j * 2 + d] - (alpha * s) / (1 + idx.length);
    }
  }
  return out;
}

describe('model', () => {
  it('LeNet++ has the paper shapes: 3 stages of two 5×5 convs 32/64/128, dense 1152→2, 2→10 without bias', () => {
    const shapes = layerShapes(PRESETS.lenetpp);
    const convs = shapes.filter((s) => s.name.startsWith('conv') && s.name.endsWith('/w')).map((s) => s.shape);
    expect(convs).toEqual([[5, 5, 1, 32], [5, 5, 32, 32], [5, 5, 32, 64], [5, 5, 64, 64], [5, 5, 64, 128], [5, 5, 128, 128]]);
    expect(shapes.find((s) => s.name === 'ip1/w')!.shape).toEqual([1152, 2]);
    expect(shapes.find((s) => s.name === 'ip2/w')!.shape).toEqual([2, 10]);
    expect(shapes.some((s) => s.name === 'ip2/b')).toBe(false);
    expect(shapes.filter((s) => s.kind === 'prelu')).toHaveLength(7);
  });

  it('LeNet++ embeds a batch to [B,2] and the same seed gives the same weights', () => {
    const a = initialWeights(PRESETS.small, 7);
    const b = initialWeights(PRESETS.small, 7);
    const c = initialWeights(PRESETS.small, 8);
    expect(a.map((w) => Array.from(w.values))).toEqual(b.map((w) => Array.from(w.values)));
    expect(Array.from(a[0].values)).not.toEqual(Array.from(c[0].values));
    const run = new Run('m', PRESETS.small, a, c0, hyper(), composedCenterLoss);
    const f = run.net.embed(tf.zeros([3, 784]));
    expect(f.shape).toEqual([3, 2]);
    tf.dispose(f);
    run.dispose();
  });
});

describe('Run', () => {
  it('two runs from the same weights stay identical when both have λ = 0, and differ with λ > 0', async () => {
    const w = initialWeights(PRESETS.tiny, 3);
    const a = new Run('a', PRESETS.tiny, w, c0, hyper({ lambda: 0 }), composedCenterLoss);
    const b = new Run('b', PRESETS.tiny, w, c0, hyper({ lambda: 0 }), composedCenterLoss);
    const c = new Run('c', PRESETS.tiny, w, c0, hyper({ lambda: 1 }), composedCenterLoss);
    for (let s = 0; s < 5; s++) {
      const { x, y } = batch(s);
      tf.dispose([a.trainStep(x, y), b.trainStep(x, y), c.trainStep(x, y), x, y]);
    }
    const [wa, wb, wc] = await Promise.all([weightsOf(a), weightsOf(b), weightsOf(c)]);
    expect(wa).toEqual(wb);
    expect(wa).not.toEqual(wc);
    [a, b, c].forEach((r) => r.dispose());
  });

  it('lr 0 moves no weight, and a changed lr applies on the next step', async () => {
    const w = initialWeights(PRESETS.tiny, 5);
    const run = new Run('sgd', PRESETS.tiny, w, c0, hyper({ lr: 0 }), composedCenterLoss);
    const { x, y } = batch(1);
    const before = await weightsOf(run);
    tf.dispose(run.trainStep(x, y));
    expect(await weightsOf(run)).toEqual(before); // lr 0: nothing moves
    run.hyper = hyper({ lr: 0.1 }); // a change applies on the next step
    tf.dispose(run.trainStep(x, y));
    const after = await weightsOf(run);
    expect(after[0]).not.toEqual(before[0]);
    tf.dispose([x, y]);
    run.dispose();
  });

  it('the loss of a fixed batch goes down with either optimiser', async () => {
    for (const optimizer of ['sgd', 'adam'] as const) {
      const run = new Run(`d-${optimizer}`, PRESETS.tiny, initialWeights(PRESETS.tiny, 9), c0, hyper({ optimizer, lr: optimizer === 'adam' ? 0.003 : 0.05 }), composedCenterLoss);
      const { x, y } = batch(4);
      const first = await run.trainStep(x, y).data();
      let last = first;
      for (let s = 0; s < 30; s++) { const p = run.trainStep(x, y); last = await p.data(); p.dispose(); }
      expect(last[0]).toBeLessThan(first[0] * 0.8);
      tf.dispose([x, y]);
      run.dispose();
    }
  });

  it('centers move with the features of the step (before the weight update), lr > 0, checked in float64', async () => {
    const w = initialWeights(PRESETS.tiny, 2);
    const run = new Run('e', PRESETS.tiny, w, c0, hyper({ lr: 0.5, alpha: 0.5, update: 'eq4' }), composedCenterLoss);
    const { x, y } = batch(2);
    const xs = Array.from(await x.data());
    const ys = Array.from(await y.data());
    tf.dispose(run.trainStep(x, y));
    const got = await run.centersData();
    const after = await run.net.read();
    // Eq. 4 in float64 from the features of the pre-step weights (what the trainer must use) ...
    const want = eq4(c0, embed64(w, xs), ys, 0.5);
    // ... which is far from Eq. 4 with the post-step features, so the test tells the two apart.
    const wrong = eq4(c0, embed64(after, xs), ys, 0.5);
    const sep = Math.max(...want.map((v, i) => Math.abs(v - wrong[i])));
    expect(sep).toBeGreaterThan(1e-3);
    got.forEach((v, i) => expect(Math.abs(v - want[i]), `center ${i}`).toBeLessThanOrEqual(1e-5 * Math.abs(want[i]) + 1e-6));
    tf.dispose([x, y]);
    run.dispose();
  });

  it('the caffe-face rule keeps its momentum buffer across steps and in checkpoints', async () => {
    const w = initialWeights(PRESETS.tiny, 4);
    const h = hyper({ lr: 0.05, update: 'caffe' });
    const a = new Run('ca', PRESETS.tiny, w, c0, h, composedCenterLoss);
    const { x, y } = batch(6);
    tf.dispose([a.trainStep(x, y), a.trainStep(x, y)]);
    const cp = await a.checkpoint();
    expect(cp.centerVelocity!.some((v) => v !== 0)).toBe(true);
    const b = new Run('cb', PRESETS.tiny, w, c0, h, composedCenterLoss);
    b.restore(cp);
    tf.dispose([a.trainStep(x, y), b.trainStep(x, y)]);
    expect(Array.from(await b.centersData())).toEqual(Array.from(await a.centersData()));
    // Without the buffer (an older checkpoint) the next step differs: the buffer matters.
    const c = new Run('cc', PRESETS.tiny, w, c0, h, composedCenterLoss);
    c.restore({ ...cp, centerVelocity: undefined });
    tf.dispose(c.trainStep(x, y));
    expect(Array.from(await c.centersData())).not.toEqual(Array.from(await a.centersData()));
    tf.dispose([x, y]);
    [a, b, c].forEach((r) => r.dispose());
  });

  it('leaks no tensors across steps and probes, nor once disposed', async () => {
    const before = tf.memory().numTensors;
    const run = new Run('leak', PRESETS.tiny, initialWeights(PRESETS.tiny, 1), c0, hyper({ optimizer: 'adam' }), composedCenterLoss);
    const { x, y } = batch(3);
    const probeX = tf.zeros([40, 784]) as tf.Tensor2D;
    const labels = new Uint8Array(40);
    tf.dispose(run.trainStep(x, y));
    await run.probe(probeX, labels, 16);
    const start = tf.memory().numTensors;
    for (let s = 0; s < 20; s++) {
      tf.dispose(run.trainStep(x, y));
      if (s % 5 === 0) await run.probe(probeX, labels, 16);
    }
    run.hyper = hyper({ optimizer: 'sgd' }); // switching optimisers resets buffers without leaking
    tf.dispose(run.trainStep(x, y));
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x, y, probeX]);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loss family (hyper.loss)', () => {
  const others = LOSS_IDS.filter((l) => l !== 'center') as Exclude<LossId, 'center'>[];
  const lossHyper = (loss: LossId, h: Partial<RunHyper> = {}) =>
    hyper({ optimizer: 'adam', lr: 0.003, loss, lambda: loss === 'ring' ? 0.1 : 0.5, alpha: loss === 'contrastive-center' ? 100 : 0.5, ...h });

  it("loss 'center' given explicitly trains bit for bit as the default path", async () => {
    const w = initialWeights(PRESETS.tiny, 12);
    const a = new Run('la', PRESETS.tiny, w, c0, hyper({ lambda: 0.5 }), composedCenterLoss);
    const b = new Run('lb', PRESETS.tiny, w, c0, hyper({ lambda: 0.5, loss: 'center' }), composedCenterLoss);
    for (let s = 0; s < 3; s++) {
      const { x, y } = batch(s);
      tf.dispose([a.trainStep(x, y), b.trainStep(x, y), x, y]);
    }
    expect(await weightsOf(b)).toEqual(await weightsOf(a));
    expect(Array.from(await b.centersData())).toEqual(Array.from(await a.centersData()));
    [a, b].forEach((r) => r.dispose());
  });

  it.each(others)('%s: the objective of a fixed batch is finite and goes down', async (loss) => {
    const h = lossHyper(loss);
    const run = new Run(`d-${loss}`, PRESETS.tiny, initialWeights(PRESETS.tiny, 9), c0, h, composedCenterLoss);
    const { x, y } = batch(4);
    const totals: number[] = [];
    for (let s = 0; s < 25; s++) {
      const p = run.trainStep(x, y);
      const [ce, aux] = await p.data();
      p.dispose();
      expect(Number.isFinite(ce) && Number.isFinite(aux), `step ${s}: ${ce}, ${aux}`).toBe(true);
      totals.push(ce + h.lambda * aux * (loss === 'ring' || loss === 'contrastive-center' ? 1 : 0));
    }
    expect(totals.at(-1)!).toBeLessThan(totals[0] * 0.8);
    tf.dispose([x, y]);
    run.dispose();
  });

  it('the runs of different losses differ from each other and from center loss, from the same init', async () => {
    const w = initialWeights(PRESETS.tiny, 13);
    const runs = LOSS_IDS.map((l) => new Run(`u-${l}`, PRESETS.tiny, w, c0, lossHyper(l), composedCenterLoss));
    const { x, y } = batch(5);
    runs.forEach((r) => tf.dispose(r.trainStep(x, y)));
    const ws = await Promise.all(runs.map(async (r) => JSON.stringify(await weightsOf(r))));
    expect(new Set(ws).size).toBe(LOSS_IDS.length);
    tf.dispose([x, y]);
    runs.forEach((r) => r.dispose());
  });

  it('ring: R starts at the first batch\'s mean feature norm and is learned; geometry reports it', async () => {
    const w = initialWeights(PRESETS.tiny, 14);
    const run = new Run('r', PRESETS.tiny, w, c0, lossHyper('ring', { lambda: 1, ringLr: 0.5 }), composedCenterLoss);
    expect((await run.geometry()).radius).toBeNull();
    const { x, y } = batch(6);
    const f = run.net.embed(x);
    const nt = tf.norm(f, 'euclidean', 1);
    const norms = Array.from(await nt.data());
    tf.dispose([f, nt]);
    const mean0 = norms.reduce((a, b) => a + b, 0) / norms.length;
    tf.dispose(run.trainStep(x, y));
    // R0 = mean |x|; the first step's gradient λ·mean(R0 − |x|) is then 0, so R1 = R0.
    const r1 = (await run.geometry()).radius!;
    expect(Math.abs(r1 - mean0)).toBeLessThan(1e-4 * mean0);
    tf.dispose(run.trainStep(x, y));
    const g = await run.geometry();
    expect(g.radius).not.toBe(r1);
    expect(g.loss).toBe('ring');
    expect(g.s).toBeNull();
    tf.dispose([x, y]);
    run.dispose();
  });

  it('contrastive-center: centers move by α·∂total/∂c (not at all with α = 0)', async () => {
    const w = initialWeights(PRESETS.tiny, 15);
    const a = new Run('ca0', PRESETS.tiny, w, c0, lossHyper('contrastive-center', { alpha: 0 }), composedCenterLoss);
    const b = new Run('ca1', PRESETS.tiny, w, c0, lossHyper('contrastive-center', { alpha: 100 }), composedCenterLoss);
    const { x, y } = batch(7);
    tf.dispose([a.trainStep(x, y), b.trainStep(x, y)]);
    expect(Array.from(await a.centersData())).toEqual(Array.from(c0));
    const moved = await b.centersData();
    expect(Array.from(moved)).not.toEqual(Array.from(c0));
    // The features of that step are those of the initial weights: b's centers moved by exactly α·λ·∂L_ctc/∂c there.
    const fresh = new Run('ca2', PRESETS.tiny, w, c0, lossHyper('contrastive-center'), composedCenterLoss);
    const want = tf.tidy(() => {
      const f = fresh.net.embed(x);
      const g = tf.grad((c: tf.Tensor) => contrastiveCenterLoss(f, y, c as tf.Tensor2D, 1))(tf.tensor2d(c0, [10, 2]));
      return tf.sub(tf.tensor2d(c0, [10, 2]), tf.mul(g, 100 * 0.5));
    });
    const wantData = await want.data();
    want.dispose();
    fresh.dispose();
    moved.forEach((v, i) => expect(Math.abs(v - wantData[i]), `center ${i}`).toBeLessThanOrEqual(1e-5 * Math.abs(wantData[i]) + 1e-6));
    tf.dispose([x, y]);
    [a, b].forEach((r) => r.dispose());
  });

  it('cosine heads: probes classify by the nearest class direction in angle; geometry gives unit spokes, s and m', async () => {
    for (const loss of ['normface', 'cosface', 'arcface'] as const) {
      const run = new Run(`p-${loss}`, PRESETS.tiny, initialWeights(PRESETS.tiny, 16), c0, lossHyper(loss, { s: 12, m: 0.15 }), composedCenterLoss);
      const { x, y } = batch(8);
      for (let s = 0; s < 3; s++) tf.dispose(run.trainStep(x, y));
      const g = await run.geometry();
      expect([g.s, g.m]).toEqual([12, loss === 'normface' ? 0 : 0.15]);
      expect(g.radius).toBeNull();
      for (let k = 0; k < 10; k++) expect(Math.hypot(g.classDirections[2 * k], g.classDirections[2 * k + 1])).toBeCloseTo(1, 5);
      const probe = (await run.probe(x, new Uint8Array(16)))!;
      for (let i = 0; i < 16; i++) {
        const [px, py] = [probe.points[2 * i], probe.points[2 * i + 1]];
        const cos = Array.from({ length: 10 }, (_, k) => (px * g.classDirections[2 * k] + py * g.classDirections[2 * k + 1]) / Math.hypot(px, py));
        expect(probe.predictions[i], `${loss} digit ${i}`).toBe(cos.indexOf(Math.max(...cos)));
      }
      tf.dispose([x, y]);
      run.dispose();
    }
  });

  it.each(['ring', 'contrastive-center', 'arcface'] as const)('%s: checkpoints round-trip the learned state; training continues identically', async (loss) => {
    const w = initialWeights(PRESETS.tiny, 17);
    const h = lossHyper(loss);
    const a = new Run(`ck-${loss}-a`, PRESETS.tiny, w, c0, h, composedCenterLoss);
    const { x, y } = batch(9);
    tf.dispose([a.trainStep(x, y), a.trainStep(x, y)]);
    const cp = await a.checkpoint();
    expect(cp.radius !== undefined).toBe(loss === 'ring');
    const b = new Run(`ck-${loss}-b`, PRESETS.tiny, w, c0, h, composedCenterLoss);
    b.restore(cp);
    tf.dispose([a.trainStep(x, y), b.trainStep(x, y)]);
    expect(await weightsOf(b)).toEqual(await weightsOf(a));
    expect(await b.geometry()).toEqual(await a.geometry());
    if (loss === 'ring') {
      // Without R (an older checkpoint) R restarts from the batch: the stored R matters.
      const c = new Run(`ck-${loss}-c`, PRESETS.tiny, w, c0, h, composedCenterLoss);
      c.restore({ ...cp, radius: undefined });
      tf.dispose(c.trainStep(x, y));
      expect((await c.geometry()).radius).not.toBe((await a.geometry()).radius);
      c.dispose();
    }
    tf.dispose([x, y]);
    [a, b].forEach((r) => r.dispose());
  });

  it.each(others)('%s: leaks no tensors across steps, probes and geometry reads, nor once disposed', async (loss) => {
    const before = tf.memory().numTensors;
    const run = new Run(`leak-${loss}`, PRESETS.tiny, initialWeights(PRESETS.tiny, 1), c0, lossHyper(loss), composedCenterLoss);
    const { x, y } = batch(3);
    const probeX = tf.zeros([40, 784]) as tf.Tensor2D;
    const labels = new Uint8Array(40);
    tf.dispose(run.trainStep(x, y));
    await run.probe(probeX, labels, 16);
    await run.geometry();
    const start = tf.memory().numTensors;
    for (let s = 0; s < 10; s++) {
      tf.dispose(run.trainStep(x, y));
      if (s % 5 === 0) { await run.probe(probeX, labels, 16); await run.geometry(); await run.checkpoint(); }
    }
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x, y, probeX]);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('compactness', () => {
  it('is lower for tight clusters than for radial spokes', () => {
    const labels: number[] = [];
    const tight: number[] = [];
    const spokes: number[] = [];
    for (let k = 0; k < 10; k++) {
      const a = (k / 10) * 2 * Math.PI;
      for (let i = 0; i < 50; i++) {
        labels.push(k);
        tight.push(5 * Math.cos(a) + 0.1 * Math.sin(i), 5 * Math.sin(a) + 0.1 * Math.cos(i));
        const r = 0.5 + (i / 50) * 9;
        spokes.push(r * Math.cos(a), r * Math.sin(a));
      }
    }
    const ct = compactness(tight, labels);
    const cs = compactness(spokes, labels);
    expect(ct).toBeLessThan(0.05);
    expect(cs).toBeGreaterThan(0.3);
  });
});

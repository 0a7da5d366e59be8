import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { composedCenterLoss } from '../src/train/centerLoss';
import { initialWeights } from '../src/train/model';
import { PRESETS } from '../src/train/presets';
import { Run } from '../src/train/trainer';
import { embedDigit, normalisePixels } from '../src/train/embedDigit';
import { gatherImages } from '../src/data/batcher';
import { mnistTestSet } from '../testkit/traceDigit';

beforeAll(async () => { await tf.setBackend('cpu'); });

describe('embedDigit: one drawn digit through a run', () => {
  it('gives the probe embedding and prediction of the same image, its softmax probability and its distances to the centers', async () => {
    const { images } = mnistTestSet();
    const centers0 = Float32Array.from({ length: 20 }, (_, i) => (i % 7) - 3);
    const run = new Run('t', PRESETS.tiny, initialWeights(PRESETS.tiny, 3), centers0, { lr: 0.01, lambda: 0, alpha: 0.5, update: 'eq4' }, composedCenterLoss);
    const before = tf.memory().numTensors;
    for (const idx of [0, 1, 2]) {
      const bytes = images.subarray(idx * 784, (idx + 1) * 784);
      const pixels = Float32Array.from(bytes, (v) => v / 255);
      const x = tf.tensor2d(gatherImages(images, Int32Array.of(idx)), [1, 784]);
      const probe = (await run.probe(x, new Uint8Array(1)))!;
      const logits = tf.tidy(() => run.net.logits(run.net.embed(x)).dataSync());
      x.dispose();
      const e = await embedDigit(run, pixels);
      expect(e.point[0]).toBeCloseTo(probe.points[0], 4);
      expect(e.point[1]).toBeCloseTo(probe.points[1], 4);
      expect(e.predicted).toBe(probe.predictions[0]);
      const z = Array.from(logits);
      const sum = z.reduce((a, v) => a + Math.exp(v - Math.max(...z)), 0);
      expect(e.probability).toBeCloseTo(Math.exp(z[e.predicted] - Math.max(...z)) / sum, 5);
      expect(e.distances).toHaveLength(10);
      e.distances.forEach((d, k) => expect(d).toBeCloseTo(Math.hypot(e.point[0] - centers0[2 * k], e.point[1] - centers0[2 * k + 1]), 4));
      expect(e.step).toBe(0);
    }
    expect(tf.memory().numTensors).toBe(before);
    run.dispose();
  });

  it('a cosine head predicts with its own logits (s·cos θ), as its probe does', async () => {
    const { images } = mnistTestSet();
    const run = new Run('a', PRESETS.tiny, initialWeights(PRESETS.tiny, 5), new Float32Array(20),
      { lr: 0.01, lambda: 0, alpha: 0.5, update: 'eq4', loss: 'arcface', s: 10, m: 0.2 }, composedCenterLoss);
    let dense = 0;
    for (let idx = 0; idx < 40; idx++) {
      const pixels = Float32Array.from(images.subarray(idx * 784, (idx + 1) * 784), (v) => v / 255);
      const x = tf.tensor2d(gatherImages(images, Int32Array.of(idx)), [1, 784]);
      const probe = (await run.probe(x, new Uint8Array(1)))!;
      const [z, zDense] = tf.tidy(() => { const f = run.net.embed(x); return [run.logits(f).dataSync(), run.net.logits(f).dataSync()]; });
      x.dispose();
      const e = await embedDigit(run, pixels);
      expect(e.predicted).toBe(probe.predictions[0]);
      const top = Math.max(...z);
      expect(e.probability).toBeCloseTo(Math.exp(z[e.predicted] - top) / Array.from(z).reduce((a, v) => a + Math.exp(v - top), 0), 5);
      if (zDense.indexOf(Math.max(...zDense)) !== e.predicted) dense++;
      // Distances on the unit circle to the class directions: the nearest is the predicted class (argmax cos θ).
      expect(e.distances.indexOf(Math.min(...e.distances))).toBe(e.predicted);
      const dirs = (await run.geometry()).classDirections;
      const r = Math.hypot(...e.point);
      e.distances.forEach((d, k) => expect(d).toBeCloseTo(Math.hypot(e.point[0] / r - dirs[2 * k], e.point[1] / r - dirs[2 * k + 1]), 5));
    }
    expect(dense).toBeGreaterThan(0); // the dense layer's argmax is another classifier: the check tells them apart
    run.dispose();
  });

  it('normalises 0..1 ink as the batcher normalises bytes, and rejects a wrong size', () => {
    const bytes = Uint8Array.from({ length: 784 }, (_, i) => (i * 37) % 256);
    const fromBytes = gatherImages(bytes, Int32Array.of(0));
    const fromInk = normalisePixels(Float32Array.from(bytes, (v) => v / 255));
    fromInk.forEach((v, i) => expect(v).toBeCloseTo(fromBytes[i], 5));
    expect(() => normalisePixels(new Float32Array(10))).toThrow(RangeError);
  });
});

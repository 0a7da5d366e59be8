/**
 * The cosine heads' embedding (model.ts 'batchnorm'): dense → batch norm without affine parameters, as
 * PyTorch's nn.BatchNorm1d(2, affine=False). Expectations computed here in float64 from the named
 * initial weights and PyTorch's documented formulas, not through the Net:
 *   training:  (z − mean_B)/√(var_B + ε), var_B biased;  running ← 0.9·running + 0.1·(mean_B, var_B·B/(B−1))
 *   inference: (z − μ)/√(σ² + ε), ε = 1e-5.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Net, initialWeights, type WeightSpec } from '../src/train/model';
import { PRESETS } from '../src/train/presets';
import { B, batch } from './batches';

beforeAll(async () => { await tf.setBackend('cpu'); });

/** z = ip1(PReLU(x·W1 + b1)) of the tiny preset (784 → 32 → 2), in float64. */
function ip1(w: WeightSpec[], x: Float32Array): number[][] {
  const get = (name: string) => w.find((s) => s.name === name)!.values;
  const [w1, b1, a1, w2, b2] = ['fc1/w', 'fc1/b', 'fc1/prelu', 'ip1/w', 'ip1/b'].map(get);
  const H = b1.length;
  return Array.from({ length: x.length / 784 }, (_, i) => {
    const h = Array.from({ length: H }, (_, j) => {
      let s = b1[j];
      for (let k = 0; k < 784; k++) s += x[i * 784 + k] * w1[k * H + j];
      return s >= 0 ? s : a1[0] * s;
    });
    return [0, 1].map((d) => h.reduce((s, v, j) => s + v * w2[j * 2 + d], b2[d]));
  });
}

function expectClose(got: ArrayLike<number>, want: number[], label: string): void {
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `${label}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThan(1e-4 * (1 + Math.abs(want[i])));
}

describe("the cosine heads' batch-norm embedding", () => {
  it('normalises a training batch by its own moments, then moves the running statistics by PyTorch’s rule; inference uses those', async () => {
    const w = initialWeights(PRESETS.tiny, 4);
    const net = new Net(PRESETS.tiny, w, 'bn-test', 'batchnorm');
    const { x, y } = batch(3);
    const z = ip1(w, (await x.data()) as Float32Array);
    const mean = [0, 1].map((d) => z.reduce((s, r) => s + r[d], 0) / B);
    const varB = [0, 1].map((d) => z.reduce((s, r) => s + (r[d] - mean[d]) ** 2, 0) / B);
    const { feat, batch: moments } = net.embedTraining(x);
    expectClose(await feat.data(), z.flatMap((r) => [0, 1].map((d) => (r[d] - mean[d]) / Math.sqrt(varB[d] + 1e-5))), 'training');
    net.updateStats(moments!, B);
    const running = [...mean.map((m) => 0.1 * m), ...varB.map((v) => 0.9 + 0.1 * v * B / (B - 1))];
    expectClose(await net.stats!.data(), running, 'running');
    const inferred = net.embed(x);
    expectClose(await inferred.data(), z.flatMap((r) => [0, 1].map((d) => (r[d] - running[d]) / Math.sqrt(running[2 + d] + 1e-5))), 'inference');
    tf.dispose([x, y, feat, inferred, ...moments!]);
    net.dispose();
  });

  it('the PReLU embedding has no statistics and embeds a training batch as at inference', async () => {
    const net = new Net(PRESETS.tiny, initialWeights(PRESETS.tiny, 4), 'prelu-test');
    const { x, y } = batch(3);
    const { feat, batch: moments } = net.embedTraining(x);
    const inferred = net.embed(x);
    expect(net.stats).toBeNull();
    expect(moments).toBeNull();
    expect(Array.from(await feat.data())).toEqual(Array.from(await inferred.data()));
    tf.dispose([x, y, feat, inferred]);
    net.dispose();
  });
});

/**
 * The run recipe (src/train/recipe.ts): the product promises that every run of a session starts from
 * the same weights and centers and sees the same batches in the same order ("same init, same data
 * order"), and that a seed reproduces all of it.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { composedCenterLoss } from '../src/train/centerLoss';
import { PRESETS } from '../src/train/presets';
import { initialCenters, runStart, seededBatcher, seededRuns, trainRound, type SeededRun, type TrainSet } from '../src/train/recipe';
import type { RunHyper } from '../src/train/trainer';
import { mulberry32 } from '../src/data/batcher';

beforeAll(async () => { await tf.setBackend('cpu'); });

const preset = PRESETS.tiny;
const hyper = (lambda: number): RunHyper => ({ optimizer: 'sgd', lr: 0.05, lambda, alpha: 0.5, update: 'eq4' });

/** A small synthetic training set: random bytes as images, labels 0…9 cycling. */
function trainSet(n = 96): TrainSet {
  const r = mulberry32(7);
  return {
    trainImages: Uint8Array.from({ length: n * 784 }, () => Math.floor(r() * 256)),
    trainLabels: Uint8Array.from({ length: n }, (_, i) => i % 10),
  };
}

const flat = (start: ReturnType<typeof runStart>) => start.weights.flatMap((w) => Array.from(w.values));
const batches = (b: { next(): Int32Array }, n: number) => Array.from({ length: n }, () => Array.from(b.next()));

function build(seed: number, keys: readonly string[], data: TrainSet, lambda: (k: string) => number = (k) => (k === 'softmax' ? 0 : 0.3)) {
  return seededRuns(keys, {
    start: runStart(preset, seed), batch: 8, trainSize: data.trainLabels.length, ops: composedCenterLoss,
    hyper: (k) => hyper(lambda(k)), name: (k) => `recipe-${seed}-${k}-${Math.random()}`,
  });
}

const dispose = (runs: Map<string, SeededRun>) => runs.forEach((r) => r.run.dispose());

describe('run recipe', () => {
  it('a seed gives the same weights, centers and batch order every time', () => {
    const a = runStart(preset, 11);
    const b = runStart(preset, 11);
    expect(flat(a)).toEqual(flat(b));
    expect(Array.from(a.centers)).toEqual(Array.from(b.centers));
    expect(batches(seededBatcher(96, 8, 11), 30)).toEqual(batches(seededBatcher(96, 8, 11), 30));
  });

  it('another seed gives other weights, centers and batches', () => {
    const a = runStart(preset, 11);
    const b = runStart(preset, 12);
    expect(flat(a)).not.toEqual(flat(b));
    expect(Array.from(a.centers)).not.toEqual(Array.from(b.centers));
    expect(batches(seededBatcher(96, 8, 11), 5)).not.toEqual(batches(seededBatcher(96, 8, 12), 5));
  });

  it('centers are K × D standard normals, from another stream than the weights', () => {
    const c = initialCenters(3);
    expect(c.length).toBe(20);
    expect(c.every(Number.isFinite)).toBe(true);
    expect(new Set(c).size).toBe(20);
    const w = flat(runStart(preset, 3));
    expect(Array.from(c)).not.toEqual(w.slice(0, 20));
  });

  it('runs with different ids and hyper-parameters from one seed start identical: same weights, centers, batches', async () => {
    const data = trainSet();
    const runs = build(5, ['softmax', 'center', 'grid0', 'grid1'], data, (k) => ({ softmax: 0, center: 0.3, grid0: 0.01, grid1: 1 })[k]!);
    const cps = await Promise.all([...runs.values()].map((r) => r.run.checkpoint()));
    for (const cp of cps.slice(1)) {
      expect(Array.from(cp.weights)).toEqual(Array.from(cps[0].weights));
      expect(Array.from(cp.centers)).toEqual(Array.from(cps[0].centers));
    }
    expect(Array.from(cps[0].centers)).toEqual(Array.from(initialCenters(5)));
    const orders = [...runs.values()].map((r) => batches(r.batcher, 25));
    for (const o of orders.slice(1)) expect(o).toEqual(orders[0]);
    dispose(runs);
  });

  it('a round steps every run once on the same batch; two runs with the same λ stay identical', async () => {
    const data = trainSet();
    const runs = build(9, ['a', 'b', 'c'], data, (k) => (k === 'c' ? 0.3 : 0));
    const list = [...runs.values()];
    const before = tf.memory().numTensors;
    let losses: [number, number][] = [];
    for (let i = 0; i < 4; i++) losses = await trainRound(list, data);
    expect(tf.memory().numTensors).toBe(before);
    expect(list.map((r) => r.run.step)).toEqual([4, 4, 4]);
    expect(list.map((r) => r.batcher.state)).toEqual(list.map(() => ({ epoch: 0, offset: 32 })));
    expect(losses[0]).toEqual(losses[1]);
    expect(losses[0][0]).not.toBe(losses[2][0]); // λ = 0.3 trains other weights
    const [wa, wb, wc] = await Promise.all(list.map(async (r) => Array.from((await r.run.checkpoint()).weights)));
    expect(wa).toEqual(wb);
    expect(wa).not.toEqual(wc);
    dispose(runs);
  });

  it('a run at another data cursor gets its own batch, and the seed reproduces the whole round', async () => {
    const data = trainSet();
    const once = async () => {
      const runs = build(4, ['softmax', 'center'], data);
      const list = [...runs.values()];
      list[1].batcher.next(); // as after a restore: one batch ahead
      const out = [await trainRound(list, data), await trainRound(list, data)];
      const states = list.map((r) => r.batcher.state);
      dispose(runs);
      return { out, states };
    };
    const a = await once();
    expect(a.states).toEqual([{ epoch: 0, offset: 16 }, { epoch: 0, offset: 24 }]);
    expect(a.out[0][0]).not.toEqual(a.out[0][1]);
    expect(await once()).toEqual(a);
  });
});

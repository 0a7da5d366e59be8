/**
 * The run recipe, written once for the worker, the test pages and the tuning script:
 *
 *   seed → initial weights (initialWeights), class centers (Gaussian from mulberry32(seed ^ 0x5bd1e995)),
 *          and one Batcher per run (same seed → same batch order).
 *
 * Every run of a session starts from the same weights and centers and sees the same batches in the
 * same order ("same init, same data order"); only its hyper-parameters (λ, update rule) tell it apart.
 * `trainRound` is one round: one step of every live run, runs at the same data cursor sharing one
 * uploaded batch. DOM-free (worker, Node, test pages).
 */
import * as tf from '@tensorflow/tfjs';
import { Batcher, gatherImages, gatherLabels, gaussian, mulberry32, type BatcherState } from '../data/batcher';
import type { CenterLossOps } from './centerLoss';
import { initialWeights, type WeightSpec } from './model';
import { EMBED_DIM, NUM_CLASSES, type ModelPreset } from './presets';
import { Run, type RunHyper } from './trainer';

/** Mixed into the seed for the centers' random stream, so it differs from the weights' stream. */
export const CENTERS_SEED_MIX = 0x5bd1e995;

/** What every run of a seed starts from. */
export interface RunStart {
  preset: ModelPreset;
  seed: number;
  weights: WeightSpec[];
  /** [NUM_CLASSES × EMBED_DIM] initial class centers, row-major. */
  centers: Float32Array;
}

/** The initial class centers of a seed: standard normal, from mulberry32(seed ^ CENTERS_SEED_MIX). */
export function initialCenters(seed: number): Float32Array {
  return Float32Array.from({ length: NUM_CLASSES * EMBED_DIM }, gaussian(mulberry32(seed ^ CENTERS_SEED_MIX)));
}

/** The weights and centers every run of `seed` starts from. */
export function runStart(preset: ModelPreset, seed: number): RunStart {
  return { preset, seed, weights: initialWeights(preset, seed), centers: initialCenters(seed) };
}

/** A run's data cursor: batches of `batch` indices over `trainSize` examples in the seed's order; resumed at `cursor`. */
export function seededBatcher(trainSize: number, batch: number, seed: number, cursor?: BatcherState): Batcher {
  return cursor ? Batcher.from(trainSize, batch, seed, cursor) : new Batcher(trainSize, batch, seed);
}

/** One run and its data cursor. */
export interface SeededRun { run: Run; batcher: Batcher }

export interface SeededRunsOptions<K extends string> {
  start: RunStart;
  /** Batch size and training-set size (for the batchers). */
  batch: number;
  trainSize: number;
  ops: CenterLossOps;
  /** Each run's hyper-parameters. */
  hyper: (key: K) => RunHyper;
  /** The run's name (prefixes its tensor names; must be unique while the runs live). */
  name: (key: K) => string;
}

/** The runs of one seed: each from the same start and with its own batcher on the same seed. */
export function seededRuns<K extends string>(keys: readonly K[], o: SeededRunsOptions<K>): Map<K, SeededRun> {
  return new Map(keys.map((k) => [k, {
    run: new Run(o.name(k), o.start.preset, o.start.weights, o.start.centers, o.hyper(k), o.ops),
    batcher: seededBatcher(o.trainSize, o.batch, o.start.seed),
  }]));
}

/** The training images and labels a round draws from. */
export interface TrainSet { trainImages: Uint8Array; trainLabels: Uint8Array }

/**
 * One round: one step of every run in `runs`, in order; runs whose batchers are at the same cursor
 * share one uploaded batch (and every batcher advances). Resolves with each run's [softmax CE, raw
 * L_C] of its batch, in the order of `runs`. Every tensor it makes is disposed.
 */
export async function trainRound(runs: readonly SeededRun[], data: TrainSet): Promise<[number, number][]> {
  const groups = new Map<string, number[]>();
  runs.forEach(({ batcher }, i) => {
    const { epoch, offset } = batcher.state;
    const key = `${epoch}:${offset}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const tensors: tf.Tensor[] = [];
  const parts: { i: number; t: tf.Tensor1D }[] = [];
  for (const group of groups.values()) {
    const lead = runs[group[0]].batcher;
    const epoch = lead.epoch;
    const idx = lead.next();
    group.slice(1).forEach((i) => runs[i].batcher.next());
    const x = tf.tensor2d(gatherImages(data.trainImages, idx), [idx.length, 784]);
    const y = tf.tensor1d(gatherLabels(data.trainLabels, idx), 'int32');
    tensors.push(x, y);
    for (const i of group) parts.push({ i, t: runs[i].run.trainStep(x, y, epoch) });
  }
  const values = await Promise.all(parts.map((p) => p.t.data()));
  tf.dispose([...tensors, ...parts.map((p) => p.t)]);
  const losses: [number, number][] = runs.map(() => [NaN, NaN]);
  parts.forEach(({ i }, k) => { losses[i] = [values[k][0], values[k][1]]; });
  return losses;
}

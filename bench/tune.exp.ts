/**
 * Chooses the app's defaults: trains the softmax-only and center-loss runs of a preset in Node
 * (tfjs CPU backend) for a fixed number of steps over a grid of λ and learning rates, and prints
 * probe accuracy and compactness (lower = tighter) of both runs.
 *   npx vitest run --config bench/vitest.tune.config.ts        (TUNE_STEPS, TUNE_MODEL, TUNE_LR, TUNE_LAMBDA to change)
 */
import * as tf from '@tensorflow/tfjs';
import { test } from 'vitest';
import { Batcher, gatherImages, gatherLabels, gaussian, mulberry32, stratifiedProbe } from '../src/data/batcher';
import { composedCenterLoss } from '../src/train/centerLoss';
import { initialWeights } from '../src/train/model';
import { PRESETS, type ModelId } from '../src/train/presets';
import { Run } from '../src/train/trainer';
import { compactness } from '../src/train/metrics';
import { loadMnistNode } from './nodeMnist';

const env = process.env;
const STEPS = Number(env.TUNE_STEPS ?? 300);
const MODEL = (env.TUNE_MODEL ?? 'tiny') as ModelId;
const LRS = (env.TUNE_LR ?? '0.01,0.05,0.1').split(',').map(Number);
const LAMBDAS = (env.TUNE_LAMBDA ?? '0.01,0.03,0.1,0.3,1').split(',').map(Number);
const RULE = (env.TUNE_RULE ?? 'eq4') as 'eq4' | 'seed' | 'kaiyang' | 'caffe';
const OPT = (env.TUNE_OPT ?? 'sgd') as 'sgd' | 'adam';
const SEEDS = (env.TUNE_SEEDS ?? '1').split(',').map(Number);

test('tune defaults', async () => {
  await tf.setBackend('cpu');
  const data = loadMnistNode();
  const idx = stratifiedProbe(data.testLabels, 2000, 2016);
  const probeLabels = Uint8Array.from(gatherLabels(data.testLabels, idx));
  const probeX = tf.tensor2d(gatherImages(data.testImages, idx), [idx.length, 784]);
  const preset = { ...PRESETS[MODEL] };
  if (env.TUNE_HIDDEN) preset.hidden = env.TUNE_HIDDEN.split(',').map(Number);
  if (env.TUNE_BATCH) preset.batch = Number(env.TUNE_BATCH);
  const ALPHA = Number(env.TUNE_ALPHA ?? 0.5);
  const rows: string[] = ['| seed | lr | λ | acc softmax | acc center | compact softmax | compact center | ratio |', '|---|---|---|---|---|---|---|---|'];
  for (const seed of SEEDS) for (const lr of LRS) for (const lambda of LAMBDAS) {
    const w = initialWeights(preset, seed);
    const c0 = Float32Array.from({ length: 20 }, gaussian(mulberry32(seed ^ 0x5bd1e995)));
    const a = new Run(`a${lr}${lambda}${seed}`, preset, w, c0, { optimizer: OPT, lr, lambda: 0, alpha: ALPHA, update: 'eq4' }, composedCenterLoss);
    const b = new Run(`b${lr}${lambda}${seed}`, preset, w, c0, { optimizer: OPT, lr, lambda, alpha: ALPHA, update: RULE }, composedCenterLoss);
    const batcher = new Batcher(60000, preset.batch, seed);
    for (let s = 0; s < STEPS; s++) {
      const bi = batcher.next();
      const x = tf.tensor2d(gatherImages(data.trainImages, bi), [bi.length, 784]);
      const y = tf.tensor1d(gatherLabels(data.trainLabels, bi), 'int32');
      const pa = a.trainStep(x, y);
      const pb = b.trainStep(x, y);
      tf.dispose([x, y, pa, pb]);
    }
    const ra = (await a.probe(probeX, probeLabels))!;
    const rb = (await b.probe(probeX, probeLabels))!;
    const ca = compactness(ra.points, probeLabels);
    const cb = compactness(rb.points, probeLabels);
    rows.push(`| ${seed} | ${lr} | ${lambda} | ${(ra.accuracy * 100).toFixed(1)} | ${(rb.accuracy * 100).toFixed(1)} | ${ca.toFixed(3)} | ${cb.toFixed(3)} | ${(cb / ca).toFixed(2)} |`);
    console.log(rows[rows.length - 1]);
    if (env.TUNE_DUMP) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${env.TUNE_DUMP}/${OPT}-${lr}-${lambda}-${seed}.json`, JSON.stringify({ labels: Array.from(probeLabels), a: Array.from(ra.points), b: Array.from(rb.points) }));
    }
    a.dispose();
    b.dispose();
  }
  console.log(`\n${MODEL}, ${STEPS} steps, batch ${preset.batch}, ${OPT}, wd 5e-4, α ${ALPHA}, rule ${RULE}, hidden ${preset.hidden}\n${rows.join('\n')}`);
}, 3_600_000);

/**
 * Chooses the app's defaults: trains the softmax-only and center-loss runs of a preset in Node
 * (tfjs CPU backend) for a fixed number of steps over a grid of λ and learning rates, and prints
 * probe accuracy and compactness (lower = tighter) of both runs.
 *   npx vitest run --config bench/vitest.tune.config.ts        (TUNE_STEPS, TUNE_MODEL, TUNE_LR, TUNE_LAMBDA to change)
 */
import * as tf from '@tensorflow/tfjs';
import { test } from 'vitest';
import { gatherImages, gatherLabels, stratifiedProbe } from '../src/data/batcher';
import { composedCenterLoss } from '../src/train/centerLoss';
import { PRESETS, type ModelId } from '../src/train/presets';
import { runStart, seededRuns, trainRound } from '../src/train/recipe';
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
    // The app's recipe: 'a' is softmax only (λ = 0), 'b' the center-loss run; same init, same batches.
    const runs = seededRuns(['a', 'b'] as const, {
      start: runStart(preset, seed), batch: preset.batch, trainSize: data.trainLabels.length, ops: composedCenterLoss,
      hyper: (k) => ({ optimizer: OPT, lr, alpha: ALPHA, ...(k === 'a' ? { lambda: 0, update: 'eq4' } : { lambda, update: RULE }) }),
      name: (k) => `${k}${lr}${lambda}${seed}`,
    });
    const a = runs.get('a')!.run;
    const b = runs.get('b')!.run;
    for (let s = 0; s < STEPS; s++) await trainRound([...runs.values()], data);
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

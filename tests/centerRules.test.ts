/**
 * The app's named center-update rules, trained through the real Run on the tfjs CPU backend, against
 * the float64 trajectories of bench/reference/crosscheck.py (tests/fixtures/center-rules-trajectory.json).
 * There, each trajectory was checked against the source's own code (the seed port's CenterLoss module,
 * KaiyangZhou's CenterLoss class, caffe-face's layer + SGD solver) to 1e-9; here the app (float32)
 * must follow it for all 25 steps: centers and losses within 1e-5 relative + 1e-7 absolute (float32
 * against float64 over 25 training steps), and the rules' trajectories must be told apart.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CENTER_RULES, composedCenterLoss, type CenterUpdateRule } from '../src/train/centerLoss';
import { initialWeights } from '../src/train/model';
import { PRESETS, type ModelPreset } from '../src/train/presets';
import { Run } from '../src/train/trainer';
import { B, batch, c0 } from './batches';

interface Trajectory {
  generator: string;
  config: { seed: number; hidden: number; batch: number; steps: number; lr: number; momentum: number; weight_decay: number; lambda: number; alpha: number; batch_seed0: number };
  rules: Record<CenterUpdateRule, { centers: number[][]; losses: number[][]; final_weights_tail: number[] }>;
}

const fixture = JSON.parse(readFileSync(resolve(__dirname, 'fixtures/center-rules-trajectory.json'), 'utf8')) as Trajectory;
const cfg = fixture.config;
const REL = 1e-5;
const ABS = 1e-7;

beforeAll(async () => { await tf.setBackend('cpu'); });

function worst(got: ArrayLike<number>, want: number[]): { ratio: number; at: number } {
  let ratio = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const r = Math.abs(got[i] - want[i]) / (REL * Math.abs(want[i]) + ABS);
    if (!(r <= ratio)) { ratio = Number.isNaN(r) ? Infinity : r; at = i; }
  }
  return { ratio, at };
}

async function train(rule: CenterUpdateRule) {
  const preset: ModelPreset = { ...PRESETS.tiny, hidden: [cfg.hidden], batch: cfg.batch };
  const run = new Run(`traj-${rule}`, preset, initialWeights(preset, cfg.seed), c0,
    { optimizer: 'sgd', lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weight_decay, lambda: cfg.lambda, alpha: cfg.alpha, update: rule },
    composedCenterLoss);
  const centers: Float32Array[] = [];
  const losses: number[][] = [];
  for (let t = 0; t < cfg.steps; t++) {
    const { x, y } = batch(cfg.batch_seed0 + t);
    const parts = run.trainStep(x, y);
    losses.push(Array.from(await parts.data()));
    centers.push(await run.centersData());
    tf.dispose([parts, x, y]);
  }
  const w = (await run.net.vars[0].data()) as Float32Array;
  run.dispose();
  return { centers, losses, tail: w.subarray(w.length - fixture.rules[rule].final_weights_tail.length) };
}

describe('center-update rules vs the sources (trajectories from bench/reference/crosscheck.py)', () => {
  it('the fixture is the generator’s, for every rule, with ≥ 20 steps on the tests’ batches', () => {
    expect(fixture.generator).toBe('bench/reference/crosscheck.py');
    expect(Object.keys(fixture.rules).sort()).toEqual([...CENTER_RULES].sort());
    expect(cfg.steps).toBeGreaterThanOrEqual(20);
    expect(cfg.batch).toBe(B);
    expect(cfg.lambda).not.toBe(1);
  });

  for (const rule of CENTER_RULES) {
    it(`${rule}: ${cfg.steps} steps of the real Run follow the reference (centers every step, losses, last weights)`, async () => {
      const got = await train(rule);
      const ref = fixture.rules[rule];
      for (let t = 0; t < cfg.steps; t++) {
        const { ratio, at } = worst(got.centers[t], ref.centers[t]);
        expect(ratio, `step ${t + 1} center ${at}: ${got.centers[t][at]} vs ${ref.centers[t][at]}`).toBeLessThanOrEqual(1);
        const l = worst(got.losses[t], ref.losses[t]);
        expect(l.ratio, `step ${t + 1} losses`).toBeLessThanOrEqual(1);
      }
      expect(worst(got.tail, ref.final_weights_tail).ratio, 'last layers’ weights').toBeLessThanOrEqual(1);
      // The other rules' trajectories are far outside the tolerance: the check identifies the rule.
      for (const other of CENTER_RULES.filter((r) => r !== rule)) {
        expect(worst(got.centers[cfg.steps - 1], fixture.rules[other].centers[cfg.steps - 1]).ratio, other).toBeGreaterThan(10);
      }
    });
  }
});

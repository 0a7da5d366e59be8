/**
 * composedCenterLoss (the reference every backend can run) and every named center-update rule
 * against the float64 golden vectors in tests/fixtures/center-loss-golden.json (written by
 * bench/reference/golden.py), on the tfjs CPU backend. Where ../shared/fixtures/center-loss-golden.json
 * exists it is checked too, as an external second opinion (skipped otherwise).
 *
 * Tolerance: |actual − expected| ≤ 1e-5·|expected| + 1e-9 per element (float32 arithmetic against
 * float64 expectations; the floor only matters for values near zero).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CENTER_RULES, centerStep, classCounts, composedCenterLoss, stepCoef, type CenterUpdateRule } from '../src/train/centerLoss';
import { GOLDEN_CASES, externalGoldenPath, goldenFile, tolRatio, type GoldenCase } from './golden';

const golden = goldenFile();

function expectClose(label: string, actual: ArrayLike<number>, expected: number | number[] | number[][]): void {
  const { ratio, at } = tolRatio(actual, expected);
  const exp = typeof expected === 'number' ? [expected] : (expected as (number | number[])[]).flat();
  expect(ratio, `${label}: worst element ${at} (got ${actual[at]}, want ${exp[at]}; |err|/(1e-5·|want|+1e-9) = ${ratio})`)
    .toBeLessThanOrEqual(1);
}

function inputs(c: Pick<GoldenCase, 'x' | 'y' | 'centers' | 'batch' | 'dim' | 'classes'> & { velocity?: number[][] }) {
  return {
    x: tf.tensor2d(c.x, [c.batch, c.dim], 'float32'),
    y: tf.tensor1d(c.y, 'int32'),
    centers: tf.tensor2d(c.centers, [c.classes, c.dim], 'float32'),
    velocity: tf.tensor2d(c.velocity ?? c.centers.map((r) => r.map(() => 0)), [c.classes, c.dim], 'float32'),
  };
}

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
  await tf.ready();
});

describe('golden fixture', () => {
  it(`has exactly the ${GOLDEN_CASES} documented cases and keys, from the in-repo generator`, () => {
    expect(golden.cases.map((c) => c.name)).toEqual(
      ['small-mixed', 'paper-batch', 'class-absent', 'one-class', 'single-sample', 'wider-features', 'large-batch', 'dim-32']);
    expect(golden.cases).toHaveLength(GOLDEN_CASES);
    expect(golden.generator).toBe('bench/reference/golden.py');
    expect(golden.description).toMatch(/grad_x\s*=\s*lambda/);
    for (const c of golden.cases) {
      expect(Object.keys(c.expect).sort()).toEqual([
        'centers_caffe', 'centers_eq4', 'centers_kaiyang', 'centers_seed', 'class_counts', 'delta_c',
        'grad_c_kaiyang', 'grad_c_seed', 'grad_x', 'loss', 'velocity_caffe',
      ]);
      expect(c.x).toHaveLength(c.batch);
      expect(c.y.every((k) => Number.isInteger(k) && k >= 0 && k < c.classes)).toBe(true);
    }
    // The cases cover absent classes, one class, one sample and D > 2.
    expect(golden.cases.some((c) => c.expect.class_counts.includes(0))).toBe(true);
    expect(golden.cases.some((c) => c.batch === 1)).toBe(true);
    expect(golden.cases.some((c) => c.dim === 32)).toBe(true);
  });
});

/** Runs one golden case through composed ops: every output the fixture has, as flat arrays. */
function outputsOf(c: GoldenCase) {
  const { x, y, centers, velocity } = inputs(c);
  const ops = composedCenterLoss;
  const loss = ops.loss(x, y, centers);
  // grad_x in the fixture is the gradient of λ·L_C.
  const gradX = tf.grad((xx: tf.Tensor) => tf.mul(ops.loss(xx as tf.Tensor2D, y, centers), c.lambda))(x);
  const step = (rule: CenterUpdateRule) =>
    centerStep(ops, x, y, centers, { rule, alpha: c.alpha, lambda: c.lambda, lr: c.lr, momentum: c.momentum }, velocity);
  const caffe = step('caffe');
  const ts = {
    loss, grad_x: gradX, class_counts: classCounts(y, c.classes), delta_c: ops.deltaC(x, y, centers),
    centers_eq4: step('eq4').centers, centers_seed: step('seed').centers, centers_kaiyang: step('kaiyang').centers,
    centers_caffe: caffe.centers, velocity_caffe: caffe.velocity!,
  };
  const out = Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, Array.from(t.dataSync())])) as Record<keyof typeof ts, number[]>;
  tf.dispose([x, y, centers, velocity, ...Object.values(ts)]);
  return out;
}

describe('composedCenterLoss and every rule vs golden (cpu)', () => {
  for (const c of golden.cases) {
    it(`${c.name} (B=${c.batch}, K=${c.classes}, D=${c.dim}, λ=${c.lambda}, α=${c.alpha})`, () => {
      const out = outputsOf(c);
      for (const k of Object.keys(out) as (keyof typeof out)[]) expectClose(k, out[k], c.expect[k]);
      // Each rule is SGD with lr α on its source's center gradient, read from the fixture (not recomputed).
      const cFlat = c.centers.flat();
      for (const [rule, grad] of [['seed', c.expect.grad_c_seed], ['kaiyang', c.expect.grad_c_kaiyang]] as const) {
        const implied = cFlat.map((v, i) => (v - out[`centers_${rule}`][i]) / c.alpha);
        const { ratio } = tolRatio(implied, grad, 1e-4, 1e-7); // a difference of centers ÷ α: float32 cancellation
        expect(ratio, `${rule}: (c − centers)/α vs the source's center gradient`).toBeLessThanOrEqual(1);
      }
    });
  }
});

describe('the rules', () => {
  it('stepCoef: eq4 α per (1+n), seed α/B per (1+n), KaiyangZhou 2α/B on the sum', () => {
    expect(stepCoef('eq4', 0.5, 128)).toEqual({ coef: 0.5, perCount: true });
    expect(stepCoef('seed', 0.5, 128)).toEqual({ coef: 0.5 / 128, perCount: true });
    expect(stepCoef('kaiyang', 0.5, 128)).toEqual({ coef: 1 / 128, perCount: false });
  });

  it('the caffe-face rule at λ = 0 only coasts on its momentum (the layer is dropped), and needs its buffer', () => {
    const c = golden.cases[0];
    const { x, y, centers, velocity } = inputs(c);
    const p = { rule: 'caffe' as const, alpha: c.alpha, lambda: 0, lr: c.lr, momentum: c.momentum };
    const { centers: got, velocity: v } = centerStep(composedCenterLoss, x, y, centers, p, velocity);
    const vWant = c.velocity.flat().map((e) => c.momentum * e);
    expectClose('velocity', v!.dataSync(), vWant);
    expectClose('centers', got.dataSync(), c.centers.flat().map((e, i) => e - vWant[i]));
    expect(() => centerStep(composedCenterLoss, x, y, centers, p)).toThrow(/momentum buffer/);
    tf.dispose([x, y, centers, velocity, got, v!]);
  });

  it('every rule except caffe ignores λ (the sources do not scale the center step by the loss weight)', () => {
    const c = golden.cases[2];
    const { x, y, centers, velocity } = inputs(c);
    for (const rule of CENTER_RULES.filter((r) => r !== 'caffe')) {
      const a = centerStep(composedCenterLoss, x, y, centers, { rule, alpha: 0.5, lambda: 0.01, lr: 0, momentum: 0 }).centers;
      const b = centerStep(composedCenterLoss, x, y, centers, { rule, alpha: 0.5, lambda: 1, lr: 0, momentum: 0 }).centers;
      expect(Array.from(a.dataSync()), rule).toEqual(Array.from(b.dataSync()));
      tf.dispose([a, b]);
    }
    tf.dispose([x, y, centers, velocity]);
  });
});

describe('external golden file (../shared/fixtures, optional)', () => {
  const path = externalGoldenPath();
  it.skipIf(!path)(`agrees with the app where present${path ? '' : ' (absent: skipped)'}`, () => {
    const ext = JSON.parse(readFileSync(path!, 'utf8')) as {
      cases: Array<Omit<GoldenCase, 'expect' | 'lr' | 'momentum' | 'velocity'> & { expect: Record<string, number | number[][]> & { grad_c_autograd: number[][] } }>;
    };
    expect(ext.cases.length).toBeGreaterThan(0);
    for (const e of ext.cases) {
      const out = outputsOf({ ...e, lr: 0, momentum: 0, velocity: e.centers.map((r) => r.map(() => 0)), expect: {} as GoldenCase['expect'] });
      for (const k of ['loss', 'grad_x', 'class_counts', 'delta_c', 'centers_eq4'] as const) {
        // Its inputs are not float32 numbers: rounding them (up to ~4e-7 here) moves a sum of a few
        // dozen of them by ~1e-6, hence the absolute floor of 1e-6 (the in-repo file needs none).
        const { ratio, at } = tolRatio(out[k], e.expect[k] as number | number[][], 1e-5, 1e-6);
        expect(ratio, `${e.name} ${k} at ${at}`).toBeLessThanOrEqual(1);
      }
      // Its grad_c_autograd is λ·Σ(c−x)/B, read from the file: the KaiyangZhou step is c − 2α·grad_c_autograd/λ.
      const want = e.centers.flat().map((v, i) => v - (2 * e.alpha * e.expect.grad_c_autograd.flat()[i]) / e.lambda);
      const { ratio } = tolRatio(out.centers_kaiyang, want, 1e-5, 1e-6);
      expect(ratio, `${e.name} KaiyangZhou step from grad_c_autograd`).toBeLessThanOrEqual(1);
    }
  });
});

describe('gradient routing', () => {
  const c = golden.cases[0];

  it('no gradient reaches the centers (tf.grads)', () => {
    const { x, y, centers, velocity } = inputs(c);
    expect(() => tf.grads((xx: tf.Tensor, cc: tf.Tensor) =>
      composedCenterLoss.loss(xx as tf.Tensor2D, y, cc as tf.Tensor2D))([x, centers]),
    ).toThrow(/Cannot compute gradient/);
    tf.dispose([x, y, centers, velocity]);
  });

  it('no gradient reaches a centers variable (tf.variableGrads), x still gets one', () => {
    const { x, y, centers, velocity } = inputs(c);
    const cVar = tf.variable(centers, true, 'centers_probe');
    const w = tf.variable(tf.scalar(1), true, 'w_probe');
    const { value, grads } = tf.variableGrads(
      () => composedCenterLoss.loss(tf.mul(x, w) as tf.Tensor2D, y, cVar as unknown as tf.Tensor2D), [w, cVar]);
    expect(Object.keys(grads)).toEqual([w.name]);
    expect(grads[cVar.name]).toBeUndefined();
    // d/dw L_C(w·x) at w = 1 is Σ_i (x_i − c_{y_i})·x_i / B, computed here in float64 from the inputs.
    let want = 0;
    c.x.forEach((xi, i) => xi.forEach((v, d) => { want += (v - c.centers[c.y[i]][d]) * v; }));
    expectClose('dL/dw', grads[w.name].dataSync(), want / c.batch);
    tf.dispose([x, y, centers, velocity, cVar, w, value, ...Object.values(grads)]);
  });
});

describe('memory', () => {
  it('tf.memory().numTensors is flat over 50 calls of every op and rule', () => {
    const c = golden.cases[1];
    const { x, y, centers, velocity } = inputs(c);
    const lambda = tf.scalar(c.lambda);
    const vg = tf.valueAndGrad((xx: tf.Tensor) => composedCenterLoss.loss(xx as tf.Tensor2D, y, centers));
    const once = () => {
      const { value, grad } = vg(x, lambda);
      const steps = CENTER_RULES.map((rule) => centerStep(composedCenterLoss, x, y, centers, { rule, alpha: c.alpha, lambda: c.lambda, lr: c.lr, momentum: c.momentum }, velocity));
      tf.dispose([
        value, grad,
        composedCenterLoss.loss(x, y, centers),
        composedCenterLoss.deltaC(x, y, centers),
        ...steps.flatMap((s) => (s.velocity ? [s.centers, s.velocity] : [s.centers])),
        classCounts(y, c.classes),
      ]);
    };
    once(); // warm-up
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) once();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, centers, velocity, lambda]);
  });
});

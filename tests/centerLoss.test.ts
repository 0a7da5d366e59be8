/**
 * composedCenterLoss (the reference every backend can run) against the float64 golden vectors in
 * shared/fixtures/center-loss-golden.json, on the tfjs CPU backend.
 *
 * Tolerance: |actual − expected| ≤ 1e-5 · max(1, |expected|) per element (float32 arithmetic
 * against float64 expectations).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classCounts, composedCenterLoss } from '../src/train/centerLoss';
import { goldenPath } from './golden';

interface GoldenCase {
  name: string;
  batch: number;
  classes: number;
  dim: number;
  alpha: number;
  lambda: number;
  x: number[][];
  y: number[];
  centers: number[][];
  expect: {
    loss: number;
    grad_x: number[][]; // λ·(x_i − c_{y_i})/B: already weighted by λ
    class_counts: number[];
    delta_c: number[][];
    centers_eq4: number[][];
    grad_c_autograd: number[][];
    centers_autograd: number[][];
  };
}



const golden = JSON.parse(readFileSync(goldenPath(), 'utf8')) as { description: string; cases: GoldenCase[] };
const TOL = 1e-5;

/** Element-wise |a−e| ≤ TOL·max(1,|e|); reports the worst element on failure. */
function expectClose(label: string, actual: ArrayLike<number>, expected: number | number[] | number[][]): void {
  const exp = typeof expected === 'number' ? [expected] : (expected as (number | number[])[]).flat();
  expect(actual.length, `${label}: length`).toBe(exp.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < exp.length; i++) {
    const excess = Math.abs(actual[i] - exp[i]) / Math.max(1, Math.abs(exp[i]));
    if (!(excess <= worst)) { worst = excess; worstAt = i; } // also catches NaN
  }
  expect(worst, `${label}: worst scaled error at ${worstAt} (got ${actual[worstAt]}, want ${exp[worstAt]})`)
    .toBeLessThanOrEqual(TOL);
}

function inputs(c: GoldenCase) {
  return {
    x: tf.tensor2d(c.x, [c.batch, c.dim], 'float32'),
    y: tf.tensor1d(c.y, 'int32'),
    centers: tf.tensor2d(c.centers, [c.classes, c.dim], 'float32'),
  };
}

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
  await tf.ready();
});

describe('golden fixture', () => {
  it('has the documented cases and keys', () => {
    expect(golden.cases.length).toBeGreaterThan(0);
    expect(golden.description).toMatch(/grad_x\s*=\s*lambda/);
    for (const c of golden.cases) {
      expect(Object.keys(c.expect).sort()).toEqual(
        ['centers_autograd', 'centers_eq4', 'class_counts', 'delta_c', 'grad_c_autograd', 'grad_x', 'loss'],
      );
    }
  });
});

describe('composedCenterLoss vs golden (cpu)', () => {
  for (const c of golden.cases) {
    it(`${c.name} (B=${c.batch}, K=${c.classes}, D=${c.dim}, λ=${c.lambda}, α=${c.alpha})`, () => {
      const { x, y, centers } = inputs(c);
      const ops = composedCenterLoss;
      const loss = ops.loss(x, y, centers);
      // grad_x in the fixture is the gradient of λ·L_C.
      const gradX = tf.grad((xx: tf.Tensor) => tf.mul(ops.loss(xx as tf.Tensor2D, y, centers), c.lambda))(x);
      const counts = classCounts(y, c.classes);
      const dc = ops.deltaC(x, y, centers);
      const eq4 = ops.updatedCenters(x, y, centers, c.alpha, c.lambda, 'eq4');
      const ag = ops.updatedCenters(x, y, centers, c.alpha, c.lambda, 'autograd');

      expect(loss.shape).toEqual([]);
      expect(gradX.shape).toEqual([c.batch, c.dim]);
      expect(counts.shape).toEqual([c.classes]);
      expect(dc.shape).toEqual([c.classes, c.dim]);
      expect(eq4.shape).toEqual([c.classes, c.dim]);
      expect(ag.shape).toEqual([c.classes, c.dim]);

      expectClose('loss', loss.dataSync(), c.expect.loss);
      expectClose('grad_x', gradX.dataSync(), c.expect.grad_x);
      expectClose('class_counts', counts.dataSync(), c.expect.class_counts);
      expectClose('delta_c', dc.dataSync(), c.expect.delta_c);
      expectClose('centers_eq4', eq4.dataSync(), c.expect.centers_eq4);
      expectClose('centers_autograd', ag.dataSync(), c.expect.centers_autograd);
      // The autograd rule is SGD with the (absent from loss()) center gradient: cross-check it.
      const gradC = tf.div(tf.sub(centers, ag), c.alpha);
      expectClose('grad_c_autograd (from centers_autograd)', gradC.dataSync(), c.expect.grad_c_autograd);

      tf.dispose([x, y, centers, loss, gradX, counts, dc, eq4, ag, gradC]);
    });
  }
});

describe('gradient routing', () => {
  const c = golden.cases[0];

  it('no gradient reaches the centers (tf.grads)', () => {
    const { x, y, centers } = inputs(c);
    expect(() => tf.grads((xx: tf.Tensor, cc: tf.Tensor) =>
      composedCenterLoss.loss(xx as tf.Tensor2D, y, cc as tf.Tensor2D))([x, centers]),
    ).toThrow(/Cannot compute gradient/);
    tf.dispose([x, y, centers]);
  });

  it('no gradient reaches a centers variable (tf.variableGrads), x still gets one', () => {
    const { x, y, centers } = inputs(c);
    const cVar = tf.variable(centers, true, 'centers_probe');
    const w = tf.variable(tf.scalar(1), true, 'w_probe');
    const { value, grads } = tf.variableGrads(
      () => composedCenterLoss.loss(tf.mul(x, w) as tf.Tensor2D, y, cVar as unknown as tf.Tensor2D), [w, cVar]);
    expect(Object.keys(grads)).toEqual([w.name]);
    expect(grads[cVar.name]).toBeUndefined();
    // d/dw L_C(w·x) at w = 1 is Σ_i (x_i − c_{y_i})·x_i / B.
    const want = tf.tidy(() => tf.div(tf.sum(tf.mul(tf.sub(x, tf.gather(centers, y)), x)), c.batch));
    expectClose('dL/dw', grads[w.name].dataSync(), want.dataSync()[0]);
    tf.dispose([x, y, centers, cVar, w, value, want, ...Object.values(grads)]);
  });
});

describe('memory', () => {
  it('tf.memory().numTensors is flat over 50 calls of every op', () => {
    const c = golden.cases[1];
    const { x, y, centers } = inputs(c);
    const lambda = tf.scalar(c.lambda);
    const vg = tf.valueAndGrad((xx: tf.Tensor) => composedCenterLoss.loss(xx as tf.Tensor2D, y, centers));
    const once = () => {
      const { value, grad } = vg(x, lambda);
      tf.dispose([
        value, grad,
        composedCenterLoss.loss(x, y, centers),
        composedCenterLoss.deltaC(x, y, centers),
        composedCenterLoss.updatedCenters(x, y, centers, c.alpha, c.lambda, 'eq4'),
        composedCenterLoss.updatedCenters(x, y, centers, c.alpha, c.lambda, 'autograd'),
        classCounts(y, c.classes),
      ]);
    };
    once(); // warm-up
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) once();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, centers, lambda]);
  });
});

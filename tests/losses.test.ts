/**
 * The discriminative-loss family (src/train/losses/) against the float64 golden vectors in
 * tests/fixtures/loss-golden.json (written by bench/reference/losses_golden.py with PyTorch autograd), on the
 * tfjs CPU backend: each loss's value and its gradients with respect to the features, the class weights, the
 * centers and R. Tolerance: |actual − expected| ≤ 1e-4·|expected| + 1e-6 per element (float32 against float64).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { contrastiveCenterLoss } from '../src/train/losses/contrastiveCenter';
import { classDirections, cosines, marginLogits } from '../src/train/losses/cosineHead';
import { COSINE_HEADS, LOSS_IDS, LOSS_PARAMS, isCosineHead, type CosineHeadId } from '../src/train/losses/ids';
import { LOSS_DEFAULTS } from '../src/train/losses/defaults';
import { ringInit, ringLoss } from '../src/train/losses/ring';
import { tolRatio } from './golden';

interface HeadExpect { loss: number; grad_x: number[][]; grad_w: number[][]; logits: number[][]; fallback?: number }
interface LossCase {
  name: string; batch: number; classes: number; dim: number; s: number; m: number; delta: number; radius: number;
  x: number[][]; y: number[]; centers: number[][]; w: number[][];
  expect: {
    'contrastive-center': { loss: number; grad_x: number[][]; grad_c: number[][] };
    ring: { loss: number; grad_x: number[][]; grad_r: number; init: number };
  } & Record<CosineHeadId, HeadExpect>;
}

const here = dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(resolve(here, 'fixtures/loss-golden.json'), 'utf8')) as { generator: string; cases: LossCase[] };

function expectClose(label: string, actual: ArrayLike<number>, expected: number | number[] | number[][]): void {
  const { ratio, at } = tolRatio(actual, expected, 1e-4, 1e-6);
  const exp = typeof expected === 'number' ? [expected] : (expected as (number | number[])[]).flat();
  expect(ratio, `${label}: worst element ${at} (got ${actual[at]}, want ${exp[at]})`).toBeLessThanOrEqual(1);
}

const read = (t: tf.Tensor) => Array.from(t.dataSync());

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
  await tf.ready();
});

describe('loss golden fixture', () => {
  it('comes from the in-repo generator and exercises the ArcFace fallback, absent classes and D = 3', () => {
    expect(golden.generator).toBe('bench/reference/losses_golden.py');
    expect(golden.cases).toHaveLength(6);
    expect(golden.cases.some((c) => (c.expect.arcface.fallback ?? 0) > 0)).toBe(true);
    expect(golden.cases.some((c) => c.dim === 3)).toBe(true);
    expect(golden.cases.some((c) => Array.from({ length: c.classes }, (_, k) => k).some((k) => !c.y.includes(k)))).toBe(true);
  });
});

describe.each(golden.cases)('golden case $name', (c) => {
  const x = () => tf.tensor2d(c.x, [c.batch, c.dim]);
  const y = () => tf.tensor1d(c.y, 'int32');

  it('contrastive-center: loss, ∂/∂x, ∂/∂c', () => {
    tf.tidy(() => {
      const yy = y();
      const e = c.expect['contrastive-center'];
      const f = (xx: tf.Tensor, cc: tf.Tensor) => contrastiveCenterLoss(xx as tf.Tensor2D, yy, cc as tf.Tensor2D, c.delta);
      const { value, grads } = tf.valueAndGrads(f)([x(), tf.tensor2d(c.centers, [c.classes, c.dim])]);
      expectClose('loss', read(value), e.loss);
      expectClose('grad_x', read(grads[0]), e.grad_x);
      expectClose('grad_c', read(grads[1]), e.grad_c);
    });
  });

  it('ring: loss, ∂/∂x, ∂/∂R, and R\'s initial value', () => {
    tf.tidy(() => {
      const e = c.expect.ring;
      const f = (xx: tf.Tensor, r: tf.Tensor) => ringLoss(xx as tf.Tensor2D, r as tf.Scalar);
      const { value, grads } = tf.valueAndGrads(f)([x(), tf.scalar(c.radius)]);
      expectClose('loss', read(value), e.loss);
      expectClose('grad_x', read(grads[0]), e.grad_x);
      expectClose('grad_r', read(grads[1]), e.grad_r);
      expectClose('init', read(ringInit(x())), e.init);
    });
  });

  it.each(COSINE_HEADS)('%s: training logits, CE, ∂/∂x, ∂/∂w', (head) => {
    tf.tidy(() => {
      const yy = y();
      const e = c.expect[head];
      const logits = (xx: tf.Tensor, w: tf.Tensor) => marginLogits(head, cosines(xx as tf.Tensor2D, w as tf.Tensor2D), yy, c.s, c.m);
      expectClose('logits', read(logits(x(), tf.tensor2d(c.w, [c.dim, c.classes]))), e.logits);
      const f = (xx: tf.Tensor, w: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(yy, c.classes), logits(xx, w)) as tf.Scalar;
      const { value, grads } = tf.valueAndGrads(f)([x(), tf.tensor2d(c.w, [c.dim, c.classes])]);
      expectClose('loss', read(value), e.loss);
      expectClose('grad_x', read(grads[0]), e.grad_x);
      expectClose('grad_w', read(grads[1]), e.grad_w);
    });
  });
});

describe('cosine head', () => {
  it('class directions are the unit weight columns, one row per class', () => {
    tf.tidy(() => {
      const w = tf.tensor2d([[3, 0, -1], [4, 2, 0]]); // D = 2, K = 3
      expectClose('dirs', read(classDirections(w)), [[0.6, 0.8], [0, 1], [-1, 0]]);
    });
  });

  it('gradients stay finite where a feature is zero or exactly aligned with a class weight', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[0, 0], [2, 0], [-2, 0]]);
      const w = tf.tensor2d([[1, 0, -1, 0, 1, 0, -1, 0, 1, 0], [0, 1, 0, -1, 1, 1, 1, -1, 1, 1]]);
      const y = tf.tensor1d([0, 0, 2], 'int32');
      for (const head of COSINE_HEADS) {
        const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) =>
          tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), marginLogits(head, cosines(xx as tf.Tensor2D, ww as tf.Tensor2D), y, 10, 0.3)) as tf.Scalar)([x, w]);
        g.forEach((t) => expect(read(t).every(Number.isFinite), head).toBe(true));
      }
    });
  });
});

describe('loss ids and defaults', () => {
  it('every loss but center has presets.json defaults and a range for each control it reads', () => {
    expect(LOSS_IDS[0]).toBe('center');
    for (const id of LOSS_IDS.slice(1) as Exclude<(typeof LOSS_IDS)[number], 'center'>[]) {
      const d = LOSS_DEFAULTS[id];
      for (const p of LOSS_PARAMS[id]) {
        const v = (d as unknown as Record<string, number>)[p];
        const r = d.ranges[p];
        expect(r, `${id}.${p} range`).toBeDefined();
        expect(v, `${id}.${p}`).toBeGreaterThanOrEqual(r![0]);
        expect(v, `${id}.${p}`).toBeLessThanOrEqual(r![1]);
      }
      expect(isCosineHead(id)).toBe((COSINE_HEADS as readonly string[]).includes(id));
    }
    // CosFace's margin must stay below 1 − cos(2π/10) ≈ 0.191 for 10 classes on the circle.
    expect(LOSS_DEFAULTS.cosface.ranges.m![1]).toBeLessThan(1 - Math.cos((2 * Math.PI) / 10));
  });
});

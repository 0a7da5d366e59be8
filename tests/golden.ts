/**
 * The golden center-loss vectors: tests/fixtures/center-loss-golden.json, written by
 * bench/reference/golden.py (float64, closed form and each source's own code path). An external copy,
 * ../shared/fixtures/center-loss-golden.json beside the checkout, is an optional second check only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The number of cases golden.py writes (asserted, so a truncated or regenerated file is noticed). */
export const GOLDEN_CASES = 8;

export interface GoldenCase {
  name: string; batch: number; classes: number; dim: number; alpha: number; lambda: number;
  /** The caffe-face rule's solver lr and momentum, and its momentum buffer before the step. */
  lr: number; momentum: number; velocity: number[][];
  x: number[][]; y: number[]; centers: number[][];
  expect: {
    loss: number;
    grad_x: number[][]; // λ·(x_i − c_{y_i})/B: already weighted by λ
    class_counts: number[];
    delta_c: number[][];
    centers_eq4: number[][];
    grad_c_seed: number[][];
    centers_seed: number[][];
    grad_c_kaiyang: number[][];
    centers_kaiyang: number[][];
    velocity_caffe: number[][];
    centers_caffe: number[][];
  };
}

export function goldenPath(): string {
  return resolve(here, 'fixtures/center-loss-golden.json');
}

export function goldenFile(): { description: string; generator: string; cases: GoldenCase[] } {
  return JSON.parse(readFileSync(goldenPath(), 'utf8'));
}

/** The external golden file ($FLOCK_GOLDEN, else shared/ beside the checkout), or null where there is none. */
export function externalGoldenPath(): string | null {
  const candidates = [
    process.env.FLOCK_GOLDEN,
    resolve(here, '../../shared/fixtures/center-loss-golden.json'),
    resolve(here, '../shared/fixtures/center-loss-golden.json'),
  ].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p)) ?? null;
}

/**
 * Worst |a − e| / (rel·|e| + abs) over the elements (≤ 1 passes): relative 1e-5 with an absolute
 * floor of 1e-9 for values near zero. NaN or a length mismatch → Infinity.
 */
export function tolRatio(actual: ArrayLike<number>, expected: number | number[] | number[][], rel = 1e-5, abs = 1e-9): { ratio: number; at: number } {
  const exp = typeof expected === 'number' ? [expected] : (expected as (number | number[])[]).flat();
  if (actual.length !== exp.length) return { ratio: Infinity, at: -1 };
  let ratio = 0;
  let at = -1;
  for (let i = 0; i < exp.length; i++) {
    const r = Math.abs(actual[i] - exp[i]) / (rel * Math.abs(exp[i]) + abs);
    if (!(r <= ratio)) { ratio = Number.isNaN(r) ? Infinity : r; at = i; }
  }
  return { ratio, at };
}

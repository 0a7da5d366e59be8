import { describe, expect, it } from 'vitest';
import { DIGIT_SIDE, centreOfMass, mnistDigit, type Stroke } from '../src/ui/draw/mnistDigit';
import { mnistTestSet, traceDigit } from '../testkit/traceDigit';

/** Rows (or columns) holding any ink above `min`. */
function extent(img: Float32Array, axis: 'rows' | 'cols', min = 0.02): number[] {
  const hit = new Set<number>();
  img.forEach((v, i) => { if (v > min) hit.add(axis === 'rows' ? Math.floor(i / DIGIT_SIDE) : i % DIGIT_SIDE); });
  return [...hit].sort((a, b) => a - b);
}
/** Ink per row, relative to the fullest row, summed: the height in pixels a vertical bar covers. */
const inkHeight = (img: Float32Array) => {
  const rows = Array.from({ length: DIGIT_SIDE }, (_, r) => img.subarray(r * DIGIT_SIDE, (r + 1) * DIGIT_SIDE).reduce((a, b) => a + b, 0));
  const full = Math.max(...rows);
  return rows.reduce((a, b) => a + b / full, 0);
};
const correlation = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i] / n; mb += b[i] / n; }
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) { ab += (a[i] - ma) * (b[i] - mb); aa += (a[i] - ma) ** 2; bb += (b[i] - mb) ** 2; }
  return ab / Math.sqrt(aa * bb);
};

describe('mnistDigit: strokes → a 28×28 MNIST-style digit', () => {
  it('is blank-aware: no strokes (or no pen) gives null', () => {
    expect(mnistDigit([], 10)).toBeNull();
    expect(mnistDigit([[{ x: 1, y: 1 }]], 0)).toBeNull();
  });

  it('a drawn rectangle fills 20 px along its long side, in 0..1, centred by mass at (14, 14)', () => {
    // An outline 200 × 100 pad px, drawn off-centre in the pad.
    const rect: Stroke = [{ x: 30, y: 150 }, { x: 230, y: 150 }, { x: 230, y: 250 }, { x: 30, y: 250 }, { x: 30, y: 150 }];
    const img = mnistDigit([rect], 16)!;
    expect(img).toHaveLength(784);
    expect(Math.min(...img)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...img)).toBeLessThanOrEqual(1);
    expect(Math.max(...img)).toBe(1);
    const com = centreOfMass(img)!;
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.05); // in fact exact up to the sampling
    const cols = extent(img, 'cols');
    expect(cols.length).toBeGreaterThanOrEqual(20);
    expect(cols.length).toBeLessThanOrEqual(21);
    // Aspect kept: (100 + 16) / (200 + 16) of 20 px tall.
    const rows = extent(img, 'rows');
    expect(rows.length).toBeGreaterThanOrEqual(Math.floor((20 * 116) / 216));
    expect(rows.length).toBeLessThanOrEqual(Math.ceil((20 * 116) / 216) + 1);
  });

  it('anti-aliases: grey levels at the edges of a stroke', () => {
    const img = mnistDigit([[{ x: 10, y: 10 }, { x: 40, y: 200 }]], 12)!;
    const greys = Array.from(img).filter((v) => v > 0.05 && v < 0.95);
    expect(greys.length).toBeGreaterThan(10);
  });

  it('a tall stroke is 20 px tall whatever its size on the pad, and as thin as its pen', () => {
    for (const [len, pen] of [[250, 20], [60, 5]]) {
      const img = mnistDigit([[{ x: 100, y: 10 }, { x: 100, y: 10 + len }]], pen)!;
      const rows = extent(img, 'rows');
      expect(rows.length).toBeGreaterThanOrEqual(20);
      expect(rows.length).toBeLessThanOrEqual(21);
      expect(Math.abs(inkHeight(img) - 20)).toBeLessThanOrEqual(1); // round caps: a little under 20
      const width = extent(img, 'cols', 0.5).length;
      expect(width).toBeLessThanOrEqual(3);
      const com = centreOfMass(img)!;
      expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
    }
  });

  it('centres by mass, not by the bounding box: an L lands with its centre of mass at (14, 14)', () => {
    const img = mnistDigit([[{ x: 20, y: 20 }, { x: 20, y: 220 }, { x: 120, y: 220 }]], 16)!;
    const com = centreOfMass(img)!;
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
    const cols = extent(img, 'cols');
    expect((cols[0] + cols[cols.length - 1] + 1) / 2).toBeGreaterThan(15); // the box itself sits right of centre
  });

  it('a single tap is a dot, centred', () => {
    const img = mnistDigit([[{ x: 50, y: 60 }]], 10)!;
    const com = centreOfMass(img)!;
    expect(com.x).toBeCloseTo(14, 1);
    expect(extent(img, 'rows').length).toBeGreaterThanOrEqual(20);
  });

  it('tracing a real test-set digit on the pad gives back an image close to it', () => {
    const { images, labels } = mnistTestSet();
    for (const k of [0, 1, 2, 3, 4]) {
      const idx = labels.indexOf(k);
      const original = images.subarray(idx * 784, (idx + 1) * 784);
      const img = mnistDigit(traceDigit(original, 10, 128), 22)!;
      expect(correlation(img, original), `digit ${k} (#${idx})`).toBeGreaterThan(0.6);
    }
  });
});

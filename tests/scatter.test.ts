import { describe, expect, it } from 'vitest';
import {
  countFinite,
  fitDomain,
  interpolateDomain,
  lerpPoints,
  matchAspect,
  nextDomain,
  type Domain,
} from '../src/ui/scatter/geometry';

const f32 = (...v: number[]) => new Float32Array(v);
const close = (a: number, b: number, eps = 1e-9) => expect(Math.abs(a - b)).toBeLessThan(eps);

describe('fitDomain', () => {
  it('is symmetric around 0 with 8% padding when the data straddles 0', () => {
    const d = fitDomain(f32(-1, 2, 3, -4, 0.5, 0.5));
    close(d.x[0], -3 * 1.08, 1e-6);
    close(d.x[1], 3 * 1.08, 1e-6);
    close(d.y[0], -4 * 1.08, 1e-6);
    close(d.y[1], 4 * 1.08, 1e-6);
  });

  it('fits tightly (padding on each side) when an axis does not straddle 0', () => {
    const d = fitDomain(f32(1, -1, 3, 1), 0.1);
    close(d.x[0], 1 - 0.2, 1e-6);
    close(d.x[1], 3 + 0.2, 1e-6);
    close(d.y[0], -1.1, 1e-6); // y straddles 0 → symmetric
    close(d.y[1], 1.1, 1e-6);
  });

  it('honours symmetric: false / true', () => {
    const a = fitDomain(f32(-1, -1, 3, 1), 0, { symmetric: false });
    expect(a).toEqual({ x: [-1, 3], y: [-1, 1] });
    const b = fitDomain(f32(1, 1, 2, 3), 0, { symmetric: true });
    expect(b).toEqual({ x: [-2, 2], y: [-3, 3] });
  });

  it('ignores NaN and ±Infinity points', () => {
    const d = fitDomain(f32(NaN, 100, 1, 1, Infinity, 0, -1, -1, 5, -Infinity), 0);
    expect(d).toEqual({ x: [-1, 1], y: [-1, 1] });
  });

  it('falls back to [-1, 1]² with nothing finite or nothing at all', () => {
    expect(fitDomain(f32())).toEqual({ x: [-1, 1], y: [-1, 1] });
    expect(fitDomain(null)).toEqual({ x: [-1, 1], y: [-1, 1] });
    expect(fitDomain(f32(NaN, NaN, Infinity, 1))).toEqual({ x: [-1, 1], y: [-1, 1] });
    expect(fitDomain(f32(0, 0, 0, 0))).toEqual({ x: [-1, 1], y: [-1, 1] });
  });

  it('gives a degenerate (single-valued) axis a non-empty window', () => {
    const d = fitDomain(f32(2, 5, 2, 6), 0, { symmetric: false });
    expect(d.x[0]).toBeLessThan(2);
    expect(d.x[1]).toBeGreaterThan(2);
    expect(d.y).toEqual([5, 6]);
  });

  it('includes extra points (class centers)', () => {
    const d = fitDomain(f32(-1, -1, 1, 1), 0, { extra: f32(10, 0, NaN, 50) });
    expect(d).toEqual({ x: [-10, 10], y: [-1, 1] });
  });

  it('scales to tiny and huge embeddings', () => {
    const tiny = fitDomain(f32(-1e-6, 2e-6, 1e-6, -2e-6), 0);
    close(tiny.y[1], 2e-6, 1e-12);
    const huge = fitDomain(f32(-3e30, 0, 3e30, 1), 0.08);
    expect(Number.isFinite(huge.x[0]) && Number.isFinite(huge.x[1])).toBe(true);
    expect(huge.x[1]).toBeGreaterThan(3e30);
  });
});

describe('matchAspect', () => {
  it('widens the axis with fewer units per pixel, about its centre', () => {
    const d = matchAspect({ x: [-1, 1], y: [-1, 1] }, 400, 200);
    expect(d.y).toEqual([-1, 1]);
    expect(d.x).toEqual([-2, 2]);
    const e = matchAspect({ x: [0, 10], y: [0, 1] }, 100, 100);
    expect(e.x).toEqual([0, 10]);
    expect(e.y).toEqual([-4.5, 5.5]);
  });

  it('returns the domain unchanged with an unknown size', () => {
    expect(matchAspect({ x: [0, 1], y: [0, 5] }, 0, 0)).toEqual({ x: [0, 1], y: [0, 5] });
  });
});

describe('nextDomain (auto-fit hysteresis)', () => {
  const cur: Domain = { x: [-10, 10], y: [-10, 10] };
  it('keeps the current domain for small changes inside it', () => {
    expect(nextDomain(cur, { x: [-9, 9], y: [-9.5, 9.5] })).toBe(cur);
  });
  it('refits when the data escapes or shrinks a lot', () => {
    const out = { x: [-11, 11], y: [-9, 9] } as Domain;
    expect(nextDomain(cur, out)).toBe(out);
    const small = { x: [-5, 5], y: [-9, 9] } as Domain;
    expect(nextDomain(cur, small)).toBe(small);
  });
  it('takes the fit when there is no current domain', () => {
    const f = { x: [0, 1], y: [0, 1] } as Domain;
    expect(nextDomain(null, f)).toBe(f);
  });
});

describe('interpolateDomain', () => {
  const a: Domain = { x: [-1, 1], y: [0, 4] };
  const b: Domain = { x: [-10, 10], y: [2, 3] };
  it('hits the end points', () => {
    expect(interpolateDomain(a, b, 0)).toEqual(a);
    expect(interpolateDomain(a, b, 1)).toEqual(b);
  });
  it('moves every value linearly in screen space (matches d3-axis tick transitions)', () => {
    const u = (e: [number, number], v: number) => (v - e[0]) / (e[1] - e[0]);
    for (const t of [0.1, 0.37, 0.5, 0.9]) {
      const d = interpolateDomain(a, b, t);
      for (const v of [-7, 0, 0.5, 3]) {
        close(u(d.x, v), u(a.x, v) + (u(b.x, v) - u(a.x, v)) * t, 1e-9);
        close(u(d.y, v), u(a.y, v) + (u(b.y, v) - u(a.y, v)) * t, 1e-9);
      }
    }
  });
});

describe('lerpPoints', () => {
  it('interpolates per coordinate and clamps t', () => {
    const from = f32(0, 0, 10, -10);
    const to = f32(10, 20, 0, 0);
    expect(Array.from(lerpPoints(from, to, 0.5))).toEqual([5, 10, 5, -5]);
    expect(Array.from(lerpPoints(from, to, -1))).toEqual([0, 0, 10, -10]);
    expect(Array.from(lerpPoints(from, to, 2))).toEqual([10, 20, 0, 0]);
    expect(Array.from(lerpPoints(from, to, NaN))).toEqual([0, 0, 10, -10]);
  });

  it('reuses out when it has the right length, allocates otherwise', () => {
    const from = f32(0, 0), to = f32(2, 2);
    const out = new Float32Array(2);
    expect(lerpPoints(from, to, 0.5, out)).toBe(out);
    const wrong = new Float32Array(4);
    const res = lerpPoints(from, to, 0.5, wrong);
    expect(res).not.toBe(wrong);
    expect(res.length).toBe(2);
  });

  it('works in place (out === from) and never touches to', () => {
    const from = f32(0, 0, 4, 4), to = f32(2, 2, 0, 0);
    const res = lerpPoints(from, to, 0.5, from);
    expect(res).toBe(from);
    expect(Array.from(from)).toEqual([1, 1, 2, 2]);
    expect(Array.from(to)).toEqual([2, 2, 0, 0]);
  });

  it('handles a growing set: new points start at their target', () => {
    const res = lerpPoints(f32(0, 0), f32(2, 2, 7, 8), 0.5);
    expect(Array.from(res)).toEqual([1, 1, 7, 8]);
  });

  it('handles a shrinking set: result has the target length', () => {
    const res = lerpPoints(f32(0, 0, 9, 9, 9, 9), f32(2, 2), 0.5);
    expect(Array.from(res)).toEqual([1, 1]);
  });

  it('handles a null from (first snapshot)', () => {
    expect(Array.from(lerpPoints(null, f32(3, 4), 0.2))).toEqual([3, 4]);
  });

  it('skips non-finite points: NaN target stays NaN, non-finite origin jumps to target', () => {
    const from = f32(NaN, 0, 0, 0, Infinity, 1, 0, 0);
    const to = f32(4, 4, NaN, 1, 2, 2, 1, -Infinity);
    const res = lerpPoints(from, to, 0.5);
    expect(Array.from(res.subarray(0, 2))).toEqual([4, 4]); // from NaN → jump
    expect(res[2]).toBeNaN(); // to NaN → skipped (both coords)
    expect(res[3]).toBeNaN();
    expect(Array.from(res.subarray(4, 6))).toEqual([2, 2]); // from Inf → jump
    expect(res[6]).toBeNaN(); // to -Inf
    expect(res[7]).toBeNaN();
    expect(countFinite(res)).toBe(2);
  });

  // Its speed (60 frames of 10k points) is measured in bench/timing.exp.ts, not asserted here.
  it('interpolates 10k points in place, every point', () => {
    const n = 10_000;
    const a = new Float32Array(2 * n).map((_, i) => Math.sin(i));
    const b = new Float32Array(2 * n).map((_, i) => Math.cos(i));
    const out = new Float32Array(2 * n);
    lerpPoints(a, b, 0.25, out);
    let worst = 0;
    for (let i = 0; i < 2 * n; i++) worst = Math.max(worst, Math.abs(out[i] - (a[i] + 0.25 * (b[i] - a[i]))));
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('countFinite', () => {
  it('counts points with both coordinates finite', () => {
    expect(countFinite(f32(1, 2, NaN, 3, 4, Infinity, 5, 6))).toBe(2);
    expect(countFinite(null)).toBe(0);
    expect(countFinite(f32(1))).toBe(0);
  });
});

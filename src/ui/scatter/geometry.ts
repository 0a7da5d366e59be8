/**
 * Pure geometry for the embedding scatter plot: domain fitting, aspect matching, domain
 * hysteresis and point interpolation. No DOM, no d3 — unit-tested in Node (tests/scatter.test.ts).
 *
 * Point arrays are row-major [N×2] Float32Arrays (x0, y0, x1, y1, …). A point is "finite" when
 * both of its coordinates are finite; non-finite points are skipped everywhere, never thrown on.
 */

export type Extent = [number, number];
export interface Domain { x: Extent; y: Extent }

export interface FitOptions {
  /**
   * Centre an axis on 0. `'auto'` (default) does so for an axis whose data straddles 0 (the
   * usual case for radial 2-D embeddings), and fits that axis tightly otherwise.
   */
  symmetric?: boolean | 'auto';
  /** More [M×2] points that must also be in view (e.g. class centers). */
  extra?: Float32Array | null;
}

/** Domain used when there is nothing finite to fit. */
export function defaultDomain(): Domain {
  return { x: [-1, 1], y: [-1, 1] };
}

/** Number of points whose x and y are both finite. */
export function countFinite(points: Float32Array | null | undefined): number {
  if (!points) return 0;
  let n = 0;
  for (let i = 0; i + 1 < points.length; i += 2) {
    if (Number.isFinite(points[i]) && Number.isFinite(points[i + 1])) n++;
  }
  return n;
}

function fitAxis(min: number, max: number, pad: number, symmetric: boolean | 'auto'): Extent {
  if (!(min <= max)) return [-1, 1]; // nothing finite
  const sym = symmetric === true || (symmetric === 'auto' && min <= 0 && max >= 0);
  if (sym) {
    const m = Math.max(Math.abs(min), Math.abs(max));
    if (!(m > 0)) return [-1, 1];
    const h = m * (1 + pad);
    return Number.isFinite(h) ? [-h, h] : [-m, m];
  }
  const span = max - min;
  if (!(span > 0)) {
    // A single value (or all points equal): give it a visible window around itself.
    const c = min;
    const h = Math.abs(c) > 0 ? Math.abs(c) * 0.1 : 1;
    return [c - h, c + h];
  }
  const lo = min - span * pad;
  const hi = max + span * pad;
  return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : [min, max];
}

/**
 * The domain that fits every finite point (and `opts.extra`), padded by `pad` (fraction of the
 * data extent per side; of the largest |value| for an axis centred on 0). Non-finite points are
 * ignored; with no finite points the result is [-1, 1]².
 */
export function fitDomain(points: Float32Array | null, pad = 0.08, opts: FitOptions = {}): Domain {
  const symmetric = opts.symmetric ?? 'auto';
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  const scan = (a: Float32Array | null | undefined) => {
    if (!a) return;
    for (let i = 0; i + 1 < a.length; i += 2) {
      const x = a[i], y = a[i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  };
  scan(points);
  scan(opts.extra);
  return { x: fitAxis(x0, x1, pad, symmetric), y: fitAxis(y0, y1, pad, symmetric) };
}

/**
 * Widen one axis of `d` (about its centre) so one data unit spans the same number of pixels on
 * both axes in a `width`×`height` plot — circles stay circles, angles stay angles. Returns `d`
 * unchanged when the size is not known yet.
 */
export function matchAspect(d: Domain, width: number, height: number): Domain {
  if (!(width > 0) || !(height > 0)) return { x: [d.x[0], d.x[1]], y: [d.y[0], d.y[1]] };
  const sx = (d.x[1] - d.x[0]) / width;
  const sy = (d.y[1] - d.y[0]) / height;
  const s = Math.max(sx, sy);
  const widen = (e: Extent, px: number): Extent => {
    const c = (e[0] + e[1]) / 2;
    const h = (s * px) / 2;
    return [c - h, c + h];
  };
  return { x: sx < s ? widen(d.x, width) : [d.x[0], d.x[1]], y: sy < s ? widen(d.y, height) : [d.y[0], d.y[1]] };
}

/**
 * Hysteresis for auto-fit: keep `current` while `fit` lies inside it and is not much smaller
 * (each axis span ≥ `shrink` × the current span); otherwise move to `fit`. Keeps the axes still
 * under small jitter, and refits when the data escapes or collapses.
 */
export function nextDomain(current: Domain | null, fit: Domain, shrink = 0.8): Domain {
  if (!current) return fit;
  const inside = (c: Extent, f: Extent) => f[0] >= c[0] && f[1] <= c[1];
  const bigEnough = (c: Extent, f: Extent) => f[1] - f[0] >= shrink * (c[1] - c[0]);
  if (inside(current.x, fit.x) && inside(current.y, fit.y) && bigEnough(current.x, fit.x) && bigEnough(current.y, fit.y)) {
    return current;
  }
  return fit;
}

function interpolateExtent(a: Extent, b: Extent, t: number): Extent {
  // Interpolate the *mapping* v ↦ (v − lo) / (hi − lo) rather than the end points, so every data
  // value's screen position moves linearly in t. That is exactly how d3-axis tick transitions move
  // (translate interpolation), so canvas points and SVG ticks stay in step mid-transition.
  const sa = a[1] - a[0], sb = b[1] - b[0];
  if (!(Math.abs(sa) > 0) || !(Math.abs(sb) > 0)) return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
  const k = 1 / sa + (1 / sb - 1 / sa) * t;
  const c = a[0] / sa + (b[0] / sb - a[0] / sa) * t;
  return [c / k, (1 + c) / k];
}

/** Domain between `a` (t = 0) and `b` (t = 1), screen-linear (see interpolateExtent). */
export function interpolateDomain(a: Domain, b: Domain, t: number): Domain {
  if (t <= 0) return { x: [a.x[0], a.x[1]], y: [a.y[0], a.y[1]] };
  if (t >= 1) return { x: [b.x[0], b.x[1]], y: [b.y[0], b.y[1]] };
  return { x: interpolateExtent(a.x, b.x, t), y: interpolateExtent(a.y, b.y, t) };
}

/**
 * Interpolate point sets: out = from + (to − from)·t, per point, with t clamped to [0, 1].
 * The result always has `to`'s length (`out` is reused when it has that length, else a new array
 * is returned; `out` may be `from` for in-place use, never `to` unless you mean to overwrite it).
 * - points beyond `from`'s length (the set grew) start at their target;
 * - a point non-finite in `from` jumps to its target;
 * - a point non-finite in `to` is NaN (skipped by the renderer).
 */
export function lerpPoints(from: Float32Array | null, to: Float32Array, t: number, out?: Float32Array): Float32Array {
  const res = out && out.length === to.length ? out : new Float32Array(to.length);
  const tt = t > 0 ? (t < 1 ? t : 1) : 0; // NaN → 0
  const n = to.length;
  const m = from ? Math.min(from.length, n) : 0;
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const bx = to[i], by = to[i + 1];
    if (!Number.isFinite(bx) || !Number.isFinite(by)) {
      res[i] = NaN;
      res[i + 1] = NaN;
      continue;
    }
    const ax = from![i], ay = from![i + 1];
    if (!Number.isFinite(ax) || !Number.isFinite(ay)) {
      res[i] = bx;
      res[i + 1] = by;
      continue;
    }
    res[i] = ax + (bx - ax) * tt;
    res[i + 1] = ay + (by - ay) * tt;
  }
  for (; i + 1 < n; i += 2) {
    const bx = to[i], by = to[i + 1];
    const ok = Number.isFinite(bx) && Number.isFinite(by);
    res[i] = ok ? bx : NaN;
    res[i + 1] = ok ? by : NaN;
  }
  if (i < n) res[i] = to[i]; // odd trailing value: copied as is
  return res;
}

/** Padding the plot uses around its data (fraction per side). */
export const FIT_PAD = 0.08;

/** The domain the plot auto-fits for one run: its points and class centers, padded. */
export function fitEmbedding(points: Float32Array | null, centers: Float32Array | null): Domain | null {
  return points || centers ? fitDomain(points, FIT_PAD, { extra: centers }) : null;
}

/** The smallest domain containing every given domain (nulls skipped); null when there is none. */
export function unionDomain(domains: readonly (Domain | null | undefined)[]): Domain | null {
  let out: Domain | null = null;
  for (const d of domains) {
    if (!d) continue;
    out = out
      ? { x: [Math.min(out.x[0], d.x[0]), Math.max(out.x[1], d.x[1])], y: [Math.min(out.y[0], d.y[0]), Math.max(out.y[1], d.y[1])] }
      : { x: [d.x[0], d.x[1]], y: [d.y[0], d.y[1]] };
  }
  return out;
}

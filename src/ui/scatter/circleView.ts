/**
 * The unit-circle view of a cosine head's embedding. A cosine head (NormFace, CosFace, ArcFace)
 * sees a feature only through its direction x/‖x‖, so this view puts every point on the unit
 * circle. Points at the same angle would hide each other there, so each point sits in a thin band
 * around the circle at a radius given by the rank of its norm ‖x‖ among the finite points: the
 * smallest norm on the inner edge (1 − CIRCLE_BAND), the largest on the outer (1 + CIRCLE_BAND).
 * Deterministic (no random jitter, so frames do not flicker), and it keeps the one thing the
 * normalisation drops, the order of the norms, readable as "further out = larger ‖x‖".
 * Pure: no DOM.
 */
import type { Domain } from './geometry';
import type { GeometryView, LossGeometry } from './geometryLayer';

export type { GeometryView };

/** Half-width of the band around the unit circle the points are spread over (by norm rank). */
export const CIRCLE_BAND = 0.06;
/** The circle view always shows this domain (the unit circle, its band and the spokes' tips). */
export const CIRCLE_EXTENT = 1.3;

export function circleDomain(): Domain {
  return { x: [-CIRCLE_EXTENT, CIRCLE_EXTENT], y: [-CIRCLE_EXTENT, CIRCLE_EXTENT] };
}

/**
 * [N×2] points → their directions on the unit circle, spread over the band by norm rank (see the
 * file comment; `band` = 0 gives exactly x/‖x‖). A point with a zero or non-finite norm has no
 * direction and becomes NaN (skipped by the layers). Equal norms share a rank (their mean rank).
 */
export function toUnitCircle(points: Float32Array, band = CIRCLE_BAND): Float32Array {
  const n = points.length >> 1;
  const norm = new Float64Array(n);
  const finite: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = points[2 * i], y = points[2 * i + 1];
    const r = Math.hypot(x, y);
    norm[i] = r;
    if (Number.isFinite(r) && r > 0) finite.push(i);
  }
  finite.sort((a, b) => norm[a] - norm[b]);
  const radius = new Float64Array(n);
  const last = finite.length - 1;
  for (let s = 0; s <= last;) {
    let e = s;
    while (e < last && norm[finite[e + 1]] === norm[finite[s]]) e++;
    const rank = (s + e) / 2;
    const r = last > 0 ? 1 + band * ((2 * rank) / last - 1) : 1;
    for (let k = s; k <= e; k++) radius[finite[k]] = r;
    s = e + 1;
  }
  const out = new Float32Array(points.length).fill(NaN);
  for (const i of finite) {
    const k = radius[i] / norm[i];
    out[2 * i] = points[2 * i] * k;
    out[2 * i + 1] = points[2 * i + 1] * k;
  }
  return out;
}

/**
 * The points and centers a view draws. The plane shows the points as they are, and the class
 * centers for the losses that have them (center loss, contrastive-center; a run without geometry
 * is a center-loss run); the circle view shows the points on the unit circle and no centers (the
 * spokes stand for the classes there).
 */
export function viewLayers(
  view: GeometryView,
  points: Float32Array | null,
  centers: Float32Array | null,
  geometry: LossGeometry | null,
): { points: Float32Array | null; centers: Float32Array | null } {
  if (view === 'circle') return { points: points && toUnitCircle(points), centers: null };
  const hasCenters = !geometry || geometry.loss === 'center' || geometry.loss === 'contrastive-center';
  return { points, centers: hasCenters ? centers : null };
}

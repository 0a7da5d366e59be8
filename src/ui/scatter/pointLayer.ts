/**
 * The point layer: every probe point as a dot in its class colour, the highlighted class opaque
 * on top and the others faded. One layout for the screen canvas, the PNG export and the figure
 * SVG: `layoutPoints` decides the batches (class, colour, opacity, radius) and the dots in them;
 * a sink turns them into canvas calls or SVG paths. No DOM.
 */
import { POINT_ACTIVE, POINT_ALPHA, POINT_FADED, pointRadius } from './style';

/** Data → plot-area pixels: px = ax·x + bx, py = ay·y + by. */
export interface Mapping {
  ax: number;
  bx: number;
  ay: number;
  by: number;
}

/** Bucket of points without a label (drawn in the foreground colour). */
export const UNLABELED = 256;
/** The screen draws each class in this many interleaved chunks, so no class always sits on top. */
export const INTERLEAVE = 4;

/** Point indices sorted by class: class c owns order[starts[c] .. starts[c + 1]). */
export interface ClassGroups {
  order: Uint32Array;
  starts: Int32Array;
}

/** Counting sort of the `n` point indices by label (bucket UNLABELED for points without one). */
export function groupByClass(labels: Uint8Array | null, n: number): ClassGroups {
  const counts = new Int32Array(UNLABELED + 2);
  const cls = (i: number) => (labels && i < labels.length ? labels[i] : UNLABELED);
  for (let i = 0; i < n; i++) counts[cls(i) + 1]++;
  for (let c = 1; c < counts.length; c++) counts[c] += counts[c - 1];
  const starts = counts.slice();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[counts[cls(i)]++] = i;
  return { order, starts };
}

export interface PointLayerProps {
  /** [N×2] positions, row-major. Non-finite points are skipped. */
  points: Float32Array;
  groups: ClassGroups;
  colors: readonly string[];
  /** Colour of unlabeled points. */
  fg: string;
  highlight: number | null;
  map: Mapping;
  /** Chunks per class (INTERLEAVE on canvas; 1 gives one batch per class, as a vector file wants). */
  chunks: number;
}

/** Receives the batches in drawing order (bottom first). */
export interface DotSink {
  begin(cls: number, color: string, alpha: number, radius: number): void;
  dot(x: number, y: number): void;
  end(): void;
}

/** Lays the points out into `sink`; returns the number of dots. */
export function layoutPoints(sink: DotSink, p: PointLayerProps): number {
  const { points: pts, groups: { order, starts }, map: { ax, bx, ay, by } } = p;
  if (!Number.isFinite(ax) || !Number.isFinite(ay)) return 0;
  const r = pointRadius(pts.length >> 1);
  const hl = p.highlight != null && p.highlight >= 0 && p.highlight < UNLABELED ? p.highlight : null;
  const colorOf = (cls: number) => (cls < UNLABELED ? p.colors[cls % p.colors.length] : p.fg);
  let drawn = 0;
  const batch = (cls: number, alpha: number, s: number, e: number) => {
    sink.begin(cls, colorOf(cls), alpha, r);
    for (let k = s; k < e; k++) {
      const i = order[k] << 1;
      const vx = pts[i], vy = pts[i + 1];
      if (!Number.isFinite(vx) || !Number.isFinite(vy)) continue;
      sink.dot(ax * vx + bx, ay * vy + by);
      drawn++;
    }
    sink.end();
  };
  const chunks = Math.max(1, Math.floor(p.chunks));
  const base = hl == null ? POINT_ALPHA : POINT_FADED;
  for (let c = 0; c < chunks; c++) {
    for (let cls = 0; cls <= UNLABELED; cls++) {
      if (cls === hl) continue;
      const s0 = starts[cls], len = starts[cls + 1] - s0;
      const s = s0 + Math.floor((len * c) / chunks), e = s0 + Math.floor((len * (c + 1)) / chunks);
      if (e > s) batch(cls, base, s, e);
    }
  }
  if (hl != null && starts[hl + 1] > starts[hl]) batch(hl, POINT_ACTIVE, starts[hl], starts[hl + 1]);
  return drawn;
}

/** The part of a 2-D canvas context the layers draw with (a recording fake in tests). */
export type DotCanvas = Pick<CanvasRenderingContext2D, 'beginPath' | 'moveTo' | 'arc' | 'fill'> & {
  fillStyle: CanvasRenderingContext2D['fillStyle'];
  globalAlpha: number;
};

const TAU = Math.PI * 2;

/** Draws the point layer into a canvas context (screen and PNG export); returns the dots drawn. */
export function drawPoints(ctx: DotCanvas, p: PointLayerProps): number {
  let r = 0;
  const n = layoutPoints({
    begin(_cls, color, alpha, radius) {
      r = radius;
      ctx.globalAlpha = alpha;
      ctx.fillStyle = color;
      ctx.beginPath();
    },
    dot(x, y) {
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, TAU);
    },
    end() {
      ctx.fill();
    },
  }, p);
  ctx.globalAlpha = 1;
  return n;
}

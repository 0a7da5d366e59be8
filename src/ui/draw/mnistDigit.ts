/**
 * Turns pen strokes into a 28×28 digit the way MNIST's digits were made (LeCun et al.): the ink's
 * bounding box scaled to fit a 20×20 box keeping its aspect ratio, anti-aliased (grey levels from
 * the pen's coverage of each pixel), then placed so that its centre of mass sits at the centre of
 * the 28×28 image. Pure: no DOM, no TensorFlow.
 *
 * Output: 784 row-major ink intensities in 0..1 (0 = background, 1 = full ink), i.e. MNIST's
 * bytes / 255; the worker normalises them as it does every image, (v − MNIST_MEAN) / MNIST_STD.
 * Coordinates are continuous: pixel (row r, column c) covers [c, c+1) × [r, r+1), so the image
 * centre is (14, 14) and the centre of mass, Σ v·(c + ½) / Σ v, lands there.
 */

export interface StrokePoint { x: number; y: number }
/** One stroke: the points of one press of the pen, in pad pixels. */
export type Stroke = readonly StrokePoint[];

export const DIGIT_SIDE = 28;
/** The box the ink's bounding box is scaled to fit (MNIST: 20×20). */
export const DIGIT_BOX = 20;
/** Sub-samples per pixel side for the anti-aliasing (4 → 16 samples per pixel, 17 grey levels). */
const SUPER = 4;

interface Segment { ax: number; ay: number; bx: number; by: number }

/** Squared distance from (px, py) to the segment a→b (a point when a = b). */
function dist2(px: number, py: number, s: Segment): number {
  const dx = s.bx - s.ax, dy = s.by - s.ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - s.ax) * dx + (py - s.ay) * dy) / len2)) : 0;
  const ex = px - (s.ax + t * dx), ey = py - (s.ay + t * dy);
  return ex * ex + ey * ey;
}

/** Coverage of every pixel by round-capped segments of radius `r` (all in output pixels). */
function rasterize(segs: Segment[], r: number): Float32Array {
  const out = new Float32Array(DIGIT_SIDE * DIGIT_SIDE);
  const r2 = r * r;
  for (const s of segs) {
    const c0 = Math.max(0, Math.floor(Math.min(s.ax, s.bx) - r)), c1 = Math.min(DIGIT_SIDE - 1, Math.floor(Math.max(s.ax, s.bx) + r));
    const r0 = Math.max(0, Math.floor(Math.min(s.ay, s.by) - r)), r1 = Math.min(DIGIT_SIDE - 1, Math.floor(Math.max(s.ay, s.by) + r));
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const i = row * DIGIT_SIDE + col;
        if (out[i] === 1) continue;
        // Coverage by this segment; a pixel's value is the largest coverage by any one segment, close
        // enough to the union for strokes that overlap along their length.
        let hits = 0;
        for (let sy = 0; sy < SUPER; sy++) {
          for (let sx = 0; sx < SUPER; sx++) {
            if (dist2(col + (sx + 0.5) / SUPER, row + (sy + 0.5) / SUPER, s) <= r2) hits++;
          }
        }
        const v = hits / (SUPER * SUPER);
        if (v > out[i]) out[i] = v;
      }
    }
  }
  return out;
}

/** Centre of mass (continuous coordinates) of a 28×28 image, or null when it is blank. */
export function centreOfMass(img: ArrayLike<number>): { x: number; y: number } | null {
  let m = 0, mx = 0, my = 0;
  for (let row = 0; row < DIGIT_SIDE; row++) {
    for (let col = 0; col < DIGIT_SIDE; col++) {
      const v = img[row * DIGIT_SIDE + col];
      m += v;
      mx += v * (col + 0.5);
      my += v * (row + 0.5);
    }
  }
  return m > 0 ? { x: mx / m, y: my / m } : null;
}

/**
 * The 28×28 MNIST-style image of `strokes` drawn with a round pen `penWidth` pad pixels wide.
 * Returns null when there is no ink. A stroke of one point is a dot.
 */
export function mnistDigit(strokes: readonly Stroke[], penWidth: number): Float32Array | null {
  const pts = strokes.flat();
  if (!pts.length || !(penWidth > 0)) return null;
  const r = penWidth / 2;
  // The ink's bounding box: the pen's centre line grown by its radius.
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of pts) {
    x0 = Math.min(x0, p.x - r); x1 = Math.max(x1, p.x + r);
    y0 = Math.min(y0, p.y - r); y1 = Math.max(y1, p.y + r);
  }
  const scale = DIGIT_BOX / Math.max(x1 - x0, y1 - y0);
  const place = (dx: number, dy: number): Segment[] => strokes.flatMap((s) => {
    const map = (p: StrokePoint) => ({ x: (p.x - x0) * scale + dx, y: (p.y - y0) * scale + dy });
    if (s.length === 1) { const a = map(s[0]); return [{ ax: a.x, ay: a.y, bx: a.x, by: a.y }]; }
    return s.slice(1).map((p, i) => { const a = map(s[i]), b = map(p); return { ax: a.x, ay: a.y, bx: b.x, by: b.y }; });
  });
  // First the scaled ink centred by its box (so nothing is clipped), for its centre of mass; then the
  // same ink moved so that the centre of mass is the image centre. Coverage moves with the ink, so the
  // second centre of mass is (14, 14) up to the sampling (and to clipping, for very lopsided ink).
  const bx = (DIGIT_SIDE - (x1 - x0) * scale) / 2, by = (DIGIT_SIDE - (y1 - y0) * scale) / 2;
  const first = rasterize(place(bx, by), r * scale);
  const com = centreOfMass(first);
  if (!com) return null;
  return rasterize(place(bx + DIGIT_SIDE / 2 - com.x, by + DIGIT_SIDE / 2 - com.y), r * scale);
}

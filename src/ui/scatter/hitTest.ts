/** Nearest-point lookup for hover and tap: a quadtree over the finite points, built on first use. */
import { quadtree, type Quadtree } from 'd3';
import type { Scales } from './viewport';

export class PointIndex {
  private qt: Quadtree<number> | null = null;
  private pts: Float32Array | null = null;

  /** The points changed (the tree is rebuilt on the next lookup). */
  set(points: Float32Array | null): void {
    if (points !== this.pts) {
      this.pts = points;
      this.qt = null;
    }
  }

  /** Index of the nearest point within `radius` px of (px, py) in plot-area pixels, or null. */
  find(px: number, py: number, radius: number, s: Scales): number | null {
    const pts = this.pts;
    if (!pts) return null;
    if (!this.qt) {
      const idx: number[] = [];
      for (let i = 0; 2 * i + 1 < pts.length; i++) if (Number.isFinite(pts[2 * i]) && Number.isFinite(pts[2 * i + 1])) idx.push(i);
      this.qt = quadtree<number>().x((i) => pts[2 * i]).y((i) => pts[2 * i + 1]).addAll(idx);
    }
    const { x, y } = s;
    const kx = Math.abs(x(1) - x(0)), ky = Math.abs(y(1) - y(0));
    if (!(kx > 0 && ky > 0)) return null;
    const i = this.qt.find(x.invert(px), y.invert(py), radius / Math.min(kx, ky));
    if (i === undefined) return null;
    return Math.hypot(x(pts[2 * i]) - px, y(pts[2 * i + 1]) - py) <= radius ? i : null;
  }
}

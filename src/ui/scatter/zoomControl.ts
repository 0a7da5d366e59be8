/**
 * Pan and zoom: d3-zoom on the capture rect feeds the Viewport; keyboard pans and zooms go through
 * the same behaviour. The zoom is also a controlled value (the visible domain, null = auto-fit):
 * `control()` takes one from the owner, `onChange` reports the user's.
 */
import { zoom, zoomIdentity, type Selection, type ZoomBehavior, type ZoomTransform } from 'd3';
import type { Domain } from './geometry';
import type { Viewport } from './viewport';

type RectSel = Selection<SVGRectElement, unknown, null, undefined>;

export class ZoomControl {
  private readonly behavior: ZoomBehavior<SVGRectElement, unknown>;
  /** Reports the user's zoom (the visible domain) or a reset (null). */
  onChange: ((zoom: Domain | null) => void) | undefined;
  /** Controlled zoom: the last value passed in, and the last value reported. */
  private seen: Domain | null | undefined = undefined;
  private reported: Domain | null | undefined = undefined;
  private byUser = false;

  constructor(
    private readonly rect: RectSel,
    private readonly viewport: Viewport,
    private readonly now: () => number,
    /** The view changed: draw a frame. */
    private readonly changed: () => void,
  ) {
    this.behavior = zoom<SVGRectElement, unknown>()
      .scaleExtent([0.25, 64])
      .on('start', () => rect.classed('dragging', true))
      .on('end', () => rect.classed('dragging', false))
      .on('zoom', (e: { transform: ZoomTransform; sourceEvent: unknown }) => this.zoomed(e.transform, e.sourceEvent != null || this.byUser));
    rect.call(this.behavior).on('dblclick.zoom', null).on('dblclick', (e: Event) => {
      e.preventDefault();
      this.reset();
    });
  }

  /** The plot area is `w`×`h` px. */
  extent(w: number, h: number): void {
    this.behavior.extent([[0, 0], [Math.max(1, w), Math.max(1, h)]]);
  }

  /** Keyboard pan by (dx, dy) screen px. */
  pan(dx: number, dy: number): void {
    const k = this.viewport.zoomScale;
    this.asUser(() => this.behavior.translateBy(this.rect, dx / k, dy / k));
  }

  /** Keyboard zoom by `k` about the centre. */
  zoomBy(k: number): void {
    this.asUser(() => this.behavior.scaleBy(this.rect, k));
  }

  /** Back to the auto-fitted view (double-click, the 0 key, a switch of shared axes). */
  reset(): void {
    const wasZoomed = this.viewport.userZoomed;
    // Freeze the current view in base coordinates, drop the zoom, then animate to the fit.
    this.viewport.reset(this.now());
    this.rect.interrupt().call(this.behavior.transform, zoomIdentity);
    if (wasZoomed) this.report(null);
    this.changed();
  }

  /** A controlled value from the owner (undefined: uncontrolled, nothing to do). */
  control(z: Domain | null | undefined): void {
    if (z === undefined || z === this.seen) return;
    this.seen = z;
    if (z !== this.reported) this.apply(z);
  }

  /** The plot got its first size: apply a controlled zoom that had to wait for it. */
  sized(): void {
    if (this.seen && this.seen !== this.reported) this.apply(this.seen);
  }

  destroy(): void {
    this.rect.on('.zoom', null).on('dblclick', null);
    this.onChange = undefined;
  }

  private apply(z: Domain | null): void {
    if (z == null) {
      if (this.viewport.userZoomed) this.reset();
      return;
    }
    const t = this.viewport.transformFor(z);
    if (!t) return; // no size yet: sized() applies it
    this.viewport.markZoomed();
    this.rect.interrupt().call(this.behavior.transform, t);
  }

  private asUser(f: () => void): void {
    this.viewport.markZoomed();
    this.byUser = true;
    try { f(); } finally { this.byUser = false; }
  }

  private zoomed(t: ZoomTransform, fromUser: boolean): void {
    const now = this.now();
    this.viewport.zoomTo(t, fromUser, now);
    if (fromUser) this.report(this.viewport.visibleDomain(now));
    this.changed();
  }

  private report(z: Domain | null): void {
    this.reported = z;
    this.onChange?.(z);
  }
}

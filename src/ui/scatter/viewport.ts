/**
 * What part of the data the plot shows, with no DOM: the plot-area size, the auto-fitted base
 * domain (with hysteresis and an animated move to a new fit), and the user's pan/zoom on top of
 * it (a d3 ZoomTransform, which d3-zoom on the facade's capture rect reports here).
 */
import { easeCubicOut, scaleLinear, zoomIdentity, type ScaleLinear, type ZoomTransform } from 'd3';
import { defaultDomain, interpolateDomain, matchAspect, nextDomain, type Domain, type Extent } from './geometry';
import type { Mapping } from './pointLayer';
import type { Motion } from './motion';

export interface Scales {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
}

/** How the axes should follow the last frame: move with a transition, jump, or stay. */
export type AxesUpdate = 'animate' | 'jump' | null;

export class Viewport {
  width = 0;
  height = 0;
  /** The domain to fit (a shared one, or the plot's own data), or null before any data. */
  private fit: Domain | null = null;
  private base: Domain = defaultDomain();
  private fitted = false;
  private anim: { from: Domain; to: Domain; start: number } | null = null;
  private pending: { to: Domain; animate: boolean } | null = null;
  private transform: ZoomTransform = zoomIdentity;
  private zoomed = false;
  private axesDirty = true;

  constructor(private readonly motion: Motion) {}

  /** The user has panned or zoomed (auto-fit is off until reset). */
  get userZoomed(): boolean {
    return this.zoomed;
  }

  /** The zoom factor on top of the fit. */
  get zoomScale(): number {
    return this.transform.k;
  }

  get hasSize(): boolean {
    return this.width > 0 && this.height > 0;
  }

  /** Nothing is moving or waiting to move. */
  settled(now: number): boolean {
    return !this.pending && !this.animating(now);
  }

  animating(now: number): boolean {
    return this.anim != null && now - this.anim.start < this.motion.duration;
  }

  /** New plot-area size; returns false when it did not change. */
  resize(w: number, h: number): boolean {
    if (w === this.width && h === this.height) return false;
    const oldW = this.width, oldH = this.height;
    this.width = w;
    this.height = h;
    if (this.anim) {
      this.base = this.anim.to;
      this.anim = null;
    }
    if (this.hasSize) {
      if (this.zoomed && oldW > 0 && oldH > 0) {
        // Keep data units per pixel (and so the aspect) while the user is zoomed in.
        this.base = { x: scaleExtent(this.base.x, w / oldW), y: scaleExtent(this.base.y, h / oldH) };
      } else if (!this.zoomed) {
        this.base = matchAspect(this.fit ?? defaultDomain(), w, h);
        this.fitted = this.fit != null;
        this.pending = null;
      }
    }
    this.axesDirty = true;
    return true;
  }

  /**
   * Fit `fit` from now on. `refit`: drop the hysteresis and any zoom (the caller then resets the
   * zoom behaviour); otherwise queue an animated auto-fit, applied by the next frame().
   * Returns true when the caller must reset the zoom.
   */
  setFit(fit: Domain | null, refit: boolean): boolean {
    this.fit = fit;
    if (refit && this.fitted) return true;
    this.requestFit(true);
    return false;
  }

  /** The user's (or a reset's) zoom transform, as d3-zoom reports it. */
  zoomTo(t: ZoomTransform, fromUser: boolean, now: number): void {
    if (this.anim) {
      // Freeze an auto-fit transition where it is.
      this.base = this.displayedBase(now);
      this.anim = null;
    }
    if (fromUser) this.markZoomed();
    this.transform = t;
    this.axesDirty = true;
  }

  /** Auto-fit stops: the user pans or zooms. */
  markZoomed(): void {
    this.zoomed = true;
    this.pending = null;
  }

  /** Back to the auto-fit (the caller resets the zoom behaviour to the identity). */
  reset(now: number): void {
    this.base = this.visibleDomain(now);
    this.anim = null;
    this.zoomed = false;
    this.transform = zoomIdentity;
    this.axesDirty = true;
    if (this.hasSize) this.pending = { to: matchAspect(this.fit ?? defaultDomain(), this.width, this.height), animate: true };
  }

  /** The zoom transform that shows `d` (widened to the plot's aspect) over the current base. */
  transformFor(d: Domain): ZoomTransform | null {
    if (!this.hasSize) return null;
    const want = matchAspect(d, this.width, this.height);
    const span = want.x[1] - want.x[0];
    const k = (this.base.x[1] - this.base.x[0]) / span;
    if (!(k > 0) || !Number.isFinite(k)) return null;
    const b = scalesOf(this.base, this.width, this.height);
    return zoomIdentity.translate(-k * b.x(want.x[0]), -k * b.y(want.y[1])).scale(k);
  }

  /** Apply a queued fit (before drawing a frame); says how the axes should follow. */
  frame(now: number): AxesUpdate {
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      const from = this.visibleDomain(now);
      this.base = p.to;
      this.fitted = true;
      if (p.animate && this.motion.duration > 0 && this.hasSize) {
        this.anim = { from, to: p.to, start: now };
        this.axesDirty = false;
        return 'animate';
      }
      this.anim = null;
      this.axesDirty = true;
    }
    if (!this.axesDirty) return null;
    this.axesDirty = false;
    return 'jump';
  }

  /** Scales for the settled base domain (what the axes show at the end of a transition). */
  axisScales(): Scales {
    return this.scalesFor(this.base);
  }

  scales(now: number): Scales {
    return this.scalesFor(this.displayedBase(now));
  }

  mapping(now: number): Mapping {
    return mappingOf(this.scales(now));
  }

  /** The visible data domain at `now` (auto-fit, transition and zoom included). */
  visibleDomain(now: number): Domain {
    const base = this.displayedBase(now);
    if (!this.hasSize) return { x: [base.x[0], base.x[1]], y: [base.y[0], base.y[1]] };
    const { x, y } = this.scalesFor(base);
    const [x0, x1] = x.domain(), [y0, y1] = y.domain();
    return { x: [x0, x1], y: [y0, y1] };
  }

  /** The domain an image of the plot shows when it has no size yet: the fit. */
  fallbackDomain(): Domain {
    return this.fit ?? defaultDomain();
  }

  /** Queue an auto-fit of the base domain to the fit (with hysteresis), applied in frame(). */
  private requestFit(animate: boolean): void {
    if (!this.fit || this.zoomed || !this.hasSize) return;
    const cand = matchAspect(this.fit, this.width, this.height);
    const cur = this.pending?.to ?? (this.fitted ? this.base : null);
    const next = nextDomain(cur, cand);
    if (cur && next === cur) return;
    this.pending = { to: next, animate: animate && this.fitted && this.motion.duration > 0 };
  }

  private displayedBase(now: number): Domain {
    const a = this.anim;
    if (!a) return this.base;
    const t = this.motion.duration > 0 ? (now - a.start) / this.motion.duration : 1;
    if (t >= 1) {
      this.anim = null;
      return this.base;
    }
    return interpolateDomain(a.from, a.to, easeCubicOut(t > 0 ? t : 0));
  }

  private scalesFor(base: Domain): Scales {
    const b = scalesOf(base, this.width, this.height);
    return { x: this.transform.rescaleX(b.x), y: this.transform.rescaleY(b.y) };
  }
}

/** Scales that show `d` in a `width`×`height` plot area (y up). */
export function scalesOf(d: Domain, width: number, height: number): Scales {
  return { x: scaleLinear().domain(d.x).range([0, width]), y: scaleLinear().domain(d.y).range([height, 0]) };
}

/** The linear map of a pair of scales, for drawing many points fast. */
export function mappingOf({ x, y }: Scales): Mapping {
  const [dx0, dx1] = x.domain(), [rx0, rx1] = x.range();
  const [dy0, dy1] = y.domain(), [ry0, ry1] = y.range();
  const ax = (rx1 - rx0) / (dx1 - dx0), ay = (ry1 - ry0) / (dy1 - dy0);
  return { ax, bx: rx0 - ax * dx0, ay, by: ry0 - ay * dy0 };
}

function scaleExtent(e: Extent, k: number): Extent {
  const c = (e[0] + e[1]) / 2, h = ((e[1] - e[0]) / 2) * k;
  return [c - h, c + h];
}

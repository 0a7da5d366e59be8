/**
 * Imperative 2-D embedding scatter plot (the embedding-atlas pattern: construct → update(props)
 * → destroy). A facade over small parts: the Viewport (fit, zoom, resize; no DOM), the point and
 * center layers (shared with the image exports), PointerInput, Legend, PointTween and the
 * tooltip. D3 owns the scales, axes and zoom; the loss geometry and the points are drawn on a
 * <canvas>, centers, axes and grid in SVG, the legend in HTML. In the circle view (circleView.ts)
 * the points go through `viewLayers` first and the domain is fixed.
 *
 * Layers inside the plot box, bottom to top: grid SVG · canvas (geometry layer, then points) ·
 * front SVG (axes, zoom capture rect, class centers). Every redraw goes through one requestAnimationFrame
 * (`scheduleDraw`); `update()` only records state.
 */
import { now as d3now, select, timer, type Timer } from 'd3';
import { fitEmbedding, type Domain } from './geometry';
import type { ScatterOptions, ScatterProps, ScatterTestApi } from './props';
import { AxesSvg } from './axes';
import { centerMarks, CenterSvg } from './centerLayer';
import { circleDomain, viewLayers, type GeometryView } from './circleView';
import { drawGeometry, geometryMarks, type GeometryMarks, type LossGeometry } from './geometryLayer';
import { PointIndex } from './hitTest';
import { Legend } from './legend';
import { FrameBudget, TRANSITION_MS } from './motion';
import { PointerInput } from './pointer';
import { drawPoints, groupByClass, INTERLEAVE, UNLABELED, type ClassGroups } from './pointLayer';
import { renderPlotImage } from './render';
import { buildScatterDom, type ScatterDom } from './scatterDom';
import { CLASS_COLORS, MARGIN, readTheme } from './style';
import { pointInfo, PointTooltip } from './tooltip';
import { PointTween } from './tween';
import { Viewport } from './viewport';
import { ZoomControl } from './zoomControl';

export { CLASS_COLORS } from './style';
export type { ScatterOptions, ScatterProps, ScatterTestApi } from './props';

export class Scatter {
  private readonly colors = CLASS_COLORS;
  /** The transitions' length, read by the tweens, viewport and axes; set at each update (see FrameBudget). */
  private readonly motion: { duration: number };
  private readonly reducedMotion: boolean;
  private readonly budget = new FrameBudget();
  private title: string;
  private onLegendClick: ((cls: number | null) => void) | undefined;
  /** The e2e specs' view of this plot; null outside the e2e build. */
  readonly testApi: ScatterTestApi | null;

  private readonly dom: ScatterDom;
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly zoom: ZoomControl;
  private readonly axes: AxesSvg;
  private readonly centerSvg: CenterSvg;
  private readonly legend: Legend;
  private readonly tooltip: PointTooltip;
  private readonly pointer: PointerInput;
  private readonly viewport: Viewport;
  private readonly points: PointTween;
  private readonly centers: PointTween;
  private readonly index = new PointIndex();

  private destroyed = false;
  private rafId = 0;
  private timer: Timer | null = null;
  private ro: ResizeObserver | null = null;
  private readonly onWindowResize = () => this.measure();
  private dpr = 0;
  private sizeDirty = true;

  private labels: Uint8Array | null = null;
  private groups: ClassGroups | null = null;
  private highlight: number | null = null;
  private lastHighlightProp: number | null | undefined = undefined;
  private dark: boolean | undefined = undefined;
  private marker: readonly [number, number] | null = null;
  private predictions: Uint8Array | null = null;
  private images: Uint8Array | null = null;
  private hover: { index: number; pinned: boolean } | null = null;
  private ownFit: Domain | null = null;
  /** The points and centers as given (the tweens hold them as the view draws them). */
  private rawPoints: Float32Array | null = null;
  private rawCenters: Float32Array | null = null;
  private geometry: LossGeometry | null = null;
  private view: GeometryView = 'plane';
  private readonly circleFit = circleDomain();
  private geometryDrawn: GeometryMarks | null = null;
  private extDomain: Domain | null = null;
  private drawn = 0;

  constructor(container: HTMLElement, opts: ScatterOptions) {
    this.title = opts.title;
    this.reducedMotion = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.motion = { duration: this.reducedMotion ? 0 : TRANSITION_MS };
    this.viewport = new Viewport(this.motion);
    this.points = new PointTween(this.motion);
    this.centers = new PointTween(this.motion);

    const doc = container.ownerDocument;
    this.legend = new Legend(doc, this.colors, (cls) => this.legendClick(cls));
    this.tooltip = new PointTooltip(doc);
    const dom = (this.dom = buildScatterDom(doc, opts, this.legend.el, this.tooltip));
    this.ctx = dom.canvas.getContext('2d');
    this.axes = new AxesSvg(dom.axisX, dom.axisY, dom.gridX, dom.gridY, this.motion);
    this.centerSvg = new CenterSvg(dom.centers.node()!, this.colors);

    this.zoom = new ZoomControl(dom.zoomRect, this.viewport, d3now, () => this.scheduleDraw());
    this.pointer = new PointerInput(dom.zoomRect.node()!, dom.plot, {
      hovered: () => this.hover,
      hitTest: (x, y, r) => (this.viewport.hasSize ? this.index.find(x, y, r, this.viewport.scales(d3now())) : null),
      setHover: (i, pinned) => this.setHover(i, pinned),
      pan: (dx, dy) => this.zoom.pan(dx, dy),
      zoomBy: (k) => this.zoom.zoomBy(k),
      resetZoom: () => this.resetZoom(),
    });

    container.appendChild(dom.root);
    this.updateAria();
    if (typeof ResizeObserver !== 'undefined') {
      this.ro = new ResizeObserver((entries) => {
        const r = entries[entries.length - 1].contentRect;
        this.resize(r.width, r.height);
      });
      this.ro.observe(dom.plot);
    } else {
      doc.defaultView?.addEventListener('resize', this.onWindowResize);
      this.measure();
    }

    this.testApi = import.meta.env.MODE === 'e2e' ? {
      settled: () => !this.destroyed && !this.rafId && this.viewport.settled(d3now()) && !this.animating(d3now()),
      screenPosition: (i) => {
        const pts = this.points.target;
        if (this.destroyed || !pts || !(i >= 0 && 2 * i + 1 < pts.length) || !this.viewport.hasSize) return null;
        const { x, y } = this.viewport.scales(d3now());
        const r = dom.zoomRect.node()!.getBoundingClientRect();
        return { x: r.left + x(pts[2 * i]), y: r.top + y(pts[2 * i + 1]) };
      },
      getDomain: () => this.getDomain(),
      pointsDrawn: () => this.drawn,
      geometryDrawn: () => {
        const g = this.geometryDrawn;
        return { view: this.view, spokes: g?.spokes.length ?? 0, wedges: g?.wedges.length ?? 0, unitCircle: g?.unitCircle != null, ring: g?.ring?.label ?? null };
      },
    } : null;
  }

  // ---------------------------------------------------------------- public API

  update(p: ScatterProps): void {
    if (this.destroyed) return;
    const now = d3now();
    this.syncMotion(now);
    if (p.title !== undefined) this.setTitle(p.title);
    this.onLegendClick = p.onLegendClick;
    this.zoom.onChange = p.onZoomChange;
    if (p.dark !== this.dark) {
      this.dark = p.dark;
      this.dom.root.classList.toggle('dark', p.dark === true);
      this.dom.root.classList.toggle('light', p.dark === false);
    }
    let tooltipDirty = false;
    if (p.labels !== this.labels) {
      this.labels = p.labels;
      this.groups = null;
      tooltipDirty = true;
    }
    if ((p.predictions ?? null) !== this.predictions || (p.images ?? null) !== this.images) {
      this.predictions = p.predictions ?? null;
      this.images = p.images ?? null;
      tooltipDirty = true;
    }
    if (p.highlight !== this.lastHighlightProp) {
      this.lastHighlightProp = p.highlight;
      this.highlight = validClass(p.highlight);
    }
    this.marker = p.marker ?? null;
    const geometry = p.geometry ?? null;
    const lossChanged = geometry?.loss !== this.geometry?.loss;
    this.geometry = geometry;

    let dataChanged = false;
    const view = p.geometryView ?? 'plane';
    const viewChanged = view !== this.view;
    if (lossChanged || view !== this.view || p.points !== this.rawPoints || p.centers !== this.rawCenters) {
      this.view = view;
      this.rawPoints = p.points;
      this.rawCenters = p.centers;
      const shown = viewLayers(view, p.points, p.centers, geometry);
      if (shown.points !== this.points.target) {
        this.points.set(shown.points, now);
        dataChanged = true;
      }
      if (shown.centers !== this.centers.target) {
        this.centers.set(shown.centers, now);
        dataChanged = true;
      }
    }
    const ext = view === 'circle' ? this.circleFit : p.domain ?? null;
    // Shared ↔ own fit, or plane ↔ circle: refit at once.
    const modeChange = (ext == null) !== (this.extDomain == null) || viewChanged;
    const extChanged = ext !== this.extDomain;
    this.extDomain = ext;
    if (dataChanged) {
      this.ownFit = fitEmbedding(this.points.target, this.centers.target);
      this.index.set(this.points.target);
      if (!this.points.target) this.setHover(null);
      else tooltipDirty = true;
      if (this.animating(now)) this.ensureTimer();
    }
    if ((dataChanged || extChanged) && this.viewport.setFit(this.extDomain ?? this.ownFit, modeChange)) {
      this.resetZoom(); // shared ↔ own: refit now, no hysteresis
    }
    this.zoom.control(p.zoom);
    if (tooltipDirty && this.hover) this.showTooltip();
    this.updateAria();
    this.scheduleDraw();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.rafId) cancelAnimationFrame(this.rafId);
    this.rafId = 0;
    this.timer?.stop();
    this.timer = null;
    this.ro?.disconnect();
    this.ro = null;
    this.dom.root.ownerDocument.defaultView?.removeEventListener('resize', this.onWindowResize);
    select(this.dom.root).selectAll('*').interrupt();
    this.zoom.destroy();
    this.pointer.destroy();
    this.dom.root.remove();
    this.index.set(null);
    this.hover = null;
    this.points.set(null, 0);
    this.centers.set(null, 0);
    this.rawPoints = null;
    this.rawCenters = null;
    this.geometry = null;
    this.labels = null;
    this.groups = null;
    this.centerSvg.clear();
    this.onLegendClick = undefined;
  }

  /** Back to the auto-fitted view (what double-click and the 0 key do). */
  resetZoom(): void {
    if (!this.destroyed) this.zoom.reset();
  }

  /** The view drawn now: the feature plane or the unit circle. */
  get geometryView(): GeometryView {
    return this.view;
  }

  /** The visible data domain right now (auto-fit, transition and zoom included). */
  getDomain(): Domain {
    return this.viewport.visibleDomain(d3now());
  }

  /** The current view as a PNG-ready canvas, with `caption` drawn on top. */
  toImage(caption: string, scale = 2, animated = false): HTMLCanvasElement {
    const vp = this.viewport, now = d3now();
    return renderPlotImage(this.dom.root.ownerDocument, {
      width: vp.hasSize ? vp.width : 480,
      height: vp.hasSize ? vp.height : 480,
      domain: vp.hasSize ? vp.visibleDomain(now) : vp.fallbackDomain(),
      // A still shows where the points are going; a video frame shows them where they are now.
      points: animated ? this.points.valueAt(now) : this.points.target,
      labels: this.labels,
      centers: animated ? this.centers.valueAt(now) : this.centers.target,
      colors: this.colors,
      highlight: this.highlight,
      geometry: this.geometry,
      view: this.view,
      theme: readTheme(this.dom.root),
      caption,
      scale,
    });
  }

  // ---------------------------------------------------------------- state changes

  private setTitle(title: string): void {
    if (title === this.title) return;
    this.title = title;
    this.dom.title.textContent = title;
  }

  private legendClick(cls: number): void {
    if (this.destroyed) return;
    const next = this.highlight === cls ? null : cls;
    if (this.onLegendClick) this.onLegendClick(next);
    else {
      this.highlight = next;
      this.scheduleDraw();
    }
  }

  private measure(): void {
    const r = this.dom.plot.getBoundingClientRect();
    this.resize(r.width, r.height);
  }

  private resize(w: number, h: number): void {
    if (this.destroyed) return;
    const hadSize = this.viewport.hasSize;
    if (!this.viewport.resize(Math.max(0, w - MARGIN.left - MARGIN.right), Math.max(0, h - MARGIN.top - MARGIN.bottom))) return;
    this.sizeDirty = true;
    if (!hadSize) this.zoom.sized();
    this.scheduleDraw();
  }

  private updateAria(): void {
    const n = this.labels ? this.labels.length : this.points.target ? this.points.target.length >> 1 : 0;
    this.dom.plot.setAttribute('aria-label', `${this.title}: 2-D embeddings of ${n} probe digits`);
  }

  // ---------------------------------------------------------------- hover and tooltip

  private setHover(index: number | null, pinned = false): void {
    this.hover = index == null ? null : { index, pinned };
    if (index == null) {
      this.tooltip.hide();
      this.dom.plot.removeAttribute('aria-describedby');
    } else {
      this.showTooltip();
      this.dom.plot.setAttribute('aria-describedby', this.tooltip.el.id);
    }
    this.scheduleDraw();
  }

  /** Fill the tooltip for the hovered point (placed in draw(), where it follows the point). */
  private showTooltip(): void {
    const info = this.hover && pointInfo(this.hover.index, this.points.target, this.labels, this.centers.target, this.predictions, this.images);
    if (info) this.tooltip.show(info);
    else this.setHover(null);
  }

  // ---------------------------------------------------------------- animation plumbing

  private animating(now: number): boolean {
    return this.points.active(now) || this.centers.active(now) || this.viewport.animating(now);
  }

  /** d3.timer drives transitions: each tick asks for one (coalesced) frame until all settle. */
  private ensureTimer(): void {
    if (this.timer || this.destroyed) return;
    const t = timer(() => {
      if (this.destroyed || !this.animating(d3now())) {
        t.stop();
        if (this.timer === t) this.timer = null;
      }
      this.scheduleDraw();
    });
    this.timer = t;
  }

  private scheduleDraw(): void {
    if (this.destroyed || this.rafId) return;
    this.rafId = requestAnimationFrame(this.frame);
  }

  private readonly frame = (time: number): void => {
    this.rafId = 0;
    if (this.destroyed) return;
    const animating = this.animating(d3now());
    this.budget.frame(time, animating);
    this.syncMotion(time); // a tripped budget ends the running transitions at once
    this.draw();
    // While a transition runs, ask for the next frame here: relying on the d3 timer's tick alone skips a
    // frame whenever its tick finds this one still pending.
    if (animating) this.scheduleDraw();
  };

  /** Transitions last TRANSITION_MS, or 0 under reduced motion or while the frame budget is spent. */
  private syncMotion(now: number): void {
    this.motion.duration = this.reducedMotion || !this.budget.allows(now) ? 0 : TRANSITION_MS;
  }

  // ---------------------------------------------------------------- drawing

  private draw(): void {
    const now = d3now(), vp = this.viewport, dom = this.dom;
    const w = vp.width, h = vp.height;
    const dpr = (typeof window !== 'undefined' && window.devicePixelRatio) || 1;
    if (this.sizeDirty || dpr !== this.dpr) {
      this.sizeDirty = false;
      this.dpr = dpr;
      dom.sizeTo(w, h, dpr);
      this.zoom.extent(w, h);
      this.axes.resize(h);
    }

    const axes = vp.frame(now);
    if (axes && vp.hasSize) {
      const s = vp.axisScales();
      this.axes.render(s, w, h, axes === 'animate');
      if (import.meta.env.MODE === 'e2e') {
        dom.root.dataset.xDomain = s.x.domain().join(',');
        dom.root.dataset.yDomain = s.y.domain().join(',');
      }
    }
    const map = vp.mapping(now);

    // -- points
    const ctx = this.ctx, pts = this.points.valueAt(now);
    if (ctx) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, dom.canvas.width, dom.canvas.height);
    }
    this.drawn = 0;
    this.geometryDrawn = null;
    if (ctx && vp.hasSize) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      // -- the loss geometry, under the points
      const marks = geometryMarks(this.geometry, this.view, this.highlight, this.colors, map, w, h);
      if (marks) drawGeometry(ctx, marks, readTheme(dom.root));
      this.geometryDrawn = marks;
    }
    if (ctx && pts && vp.hasSize) {
      const n = pts.length >> 1;
      if (!this.groups || this.groups.order.length !== n) this.groups = groupByClass(this.labels, n);
      const groups = this.groups;
      const fg = groups.starts[UNLABELED + 1] > groups.starts[UNLABELED] ? readTheme(dom.root).fg : '';
      this.drawn = drawPoints(ctx, { points: pts, groups, colors: this.colors, fg, highlight: this.highlight, map, chunks: INTERLEAVE });
    }

    // -- centers
    const ctr = this.centers.valueAt(now), hl = this.highlight;
    this.centerSvg.update(centerMarks(ctr, hl, this.colors, map, w, h), ctr ? ctr.length >> 1 : 0);

    // -- the marked point (the drawn digit)
    const mk = this.marker;
    const mx = mk ? map.ax * mk[0] + map.bx : NaN, my = mk ? map.ay * mk[1] + map.by : NaN;
    dom.placeMarker(Number.isFinite(mx) && Number.isFinite(my) && vp.hasSize ? [mx, my] : null);

    // -- hover ring and tooltip follow the (animated) point
    const hv = this.hover;
    if (hv && pts && 2 * hv.index + 1 < pts.length) {
      const px = map.ax * pts[2 * hv.index] + map.bx, py = map.ay * pts[2 * hv.index + 1] + map.by;
      const inside = px >= 0 && px <= w && py >= 0 && py <= h;
      dom.placeHoverRing(inside ? [px, py] : null);
      if (inside) {
        this.tooltip.el.hidden = false;
        const ox = dom.plot.offsetLeft + MARGIN.left, oy = dom.plot.offsetTop + MARGIN.top;
        this.tooltip.place(ox + px, oy + py, dom.root.clientWidth, dom.plot.offsetTop + dom.plot.offsetHeight);
      } else this.tooltip.el.hidden = true;
    } else dom.placeHoverRing(null);

    // -- legend
    dom.root.classList.toggle('has-highlight', hl != null);
    this.legend.update(hl);

    if (this.animating(now)) this.ensureTimer();
  }
}

function validClass(c: number | null | undefined): number | null {
  return typeof c === 'number' && Number.isInteger(c) && c >= 0 && c < UNLABELED ? c : null;
}

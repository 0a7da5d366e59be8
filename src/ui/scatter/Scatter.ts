/**
 * Imperative 2-D embedding scatter plot (the embedding-atlas pattern: construct → update(props)
 * → destroy). D3 owns the scales, axes and zoom; points are drawn on a <canvas>, class centers,
 * axes and grid in SVG, the legend in HTML.
 *
 * Layers inside the plot box, bottom to top: grid SVG · points canvas · front SVG (axes, zoom
 * capture rect, class centers). Every redraw goes through one requestAnimationFrame
 * (`scheduleDraw`); `update()` only records state.
 */
import {
  axisBottom,
  axisLeft,
  easeCubicOut,
  now as d3now,
  quadtree,
  scaleLinear,
  select,
  timer,
  zoom,
  zoomIdentity,
  type Axis,
  type NumberValue,
  type Quadtree,
  type ScaleLinear,
  type Selection,
  type Timer,
  type ZoomBehavior,
  type ZoomTransform,
} from 'd3';
import {
  defaultDomain,
  fitEmbedding,
  interpolateDomain,
  lerpPoints,
  matchAspect,
  nextDomain,
  type Domain,
} from './geometry';
import { PointTooltip } from './tooltip';
import { renderPlotImage } from './render';

/**
 * 10-class categorical palette, index = digit. Tableau 10 (d3.schemeTableau10): better separated
 * for colour-vision deficiencies than d3.schemeCategory10. Shared with any external legend.
 */
export const CLASS_COLORS: readonly string[] = Object.freeze([
  '#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f',
  '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab',
]);

export interface ScatterProps {
  /** [N] probe labels (class per point), or null when not known yet. */
  labels: Uint8Array | null;
  /** [N×2] row-major embeddings, or null to clear. Never mutated (kept by reference). */
  points: Float32Array | null;
  /** [K×2] class centers, row k = class k, or null. */
  centers: Float32Array | null;
  /** Class drawn opaque on top (others faded), or null. */
  highlight: number | null;
  /** true → dark theme, false → light, undefined → follow prefers-color-scheme. */
  dark?: boolean;
  /** [N] predicted class per point, for the tooltip. */
  predictions?: Uint8Array | null;
  /** [N×side²] grey-level images (0–255) of the points, for the tooltip. */
  images?: Uint8Array | null;
  /**
   * Fit this domain instead of the plot's own data (e.g. one domain shared by several plots).
   * Switching between shared and own refits at once and drops any zoom.
   */
  domain?: Domain | null;
  /** A marked point (the digit drawn on the pad), drawn as a star over everything; null = none. */
  marker?: readonly [number, number] | null;
}

export interface ScatterOptions {
  title: string;
  colors?: readonly string[];
  /**
   * Legend click: receives the class clicked, or null when the highlighted class is clicked
   * again. When given, highlighting is controlled (the owner passes `highlight` back through
   * update()); when absent the plot toggles its own highlight.
   */
  onLegendClick?: (cls: number | null) => void;
  /** Show the title above the plot (default true; it is always part of the aria-label). */
  showTitle?: boolean;
  /** Transition length in ms (points, centers, axes). Default 400 (0 under prefers-reduced-motion). */
  duration?: number;
  /** Called when the point under the tooltip changes (index, or null when it hides). */
  onHover?: (index: number | null) => void;
}

const MARGIN = { top: 8, right: 12, bottom: 22, left: 42 } as const;
const ALPHA = 0.6;
const FADED = 0.08;
const CHUNKS = 4; // base layer is drawn class-interleaved in chunks so no class always sits on top
const UNLABELED = 256; // bucket for points without a label
const TAU = Math.PI * 2;
/** Hit radius around a point, in CSS px (touch gets a bigger target). */
const HIT_MOUSE = 8;
const HIT_TOUCH = 18;
/** A press that moves less than this (px) and lasts less than TAP_MS is a tap / click. */
const TAP_PX = 6;
const TAP_MS = 600;

let uid = 0;

type GSel = Selection<SVGGElement, unknown, null, undefined>;

/** Animated [N×2] point set: from → to over `duration` with cubic-out easing. */
class PointTween {
  private from: Float32Array | null = null;
  private to: Float32Array | null = null;
  private buf: Float32Array | null = null;
  private start = 0;
  private running = false;

  constructor(private readonly duration: number) {}

  get target(): Float32Array | null {
    return this.to;
  }

  active(now: number): boolean {
    return this.running && now - this.start < this.duration;
  }

  set(next: Float32Array | null, now: number): void {
    if (!next) {
      this.from = this.to = this.buf = null;
      this.running = false;
      return;
    }
    if (this.to && this.duration > 0) {
      // Start from wherever the points are now (mid-transition included).
      const cur = this.valueAt(now);
      if (cur === this.buf) this.buf = null; // `from` keeps that buffer; lerp into a fresh one
      this.from = cur;
      this.running = true;
    } else {
      this.from = null;
      this.running = false;
    }
    this.to = next;
    this.start = now;
  }

  /** Positions at time `now`; the target itself once settled (read-only for the caller). */
  valueAt(now: number): Float32Array | null {
    if (!this.to) return null;
    if (!this.running) return this.to;
    const t = (now - this.start) / this.duration;
    if (t >= 1) {
      this.running = false;
      this.from = null;
      return this.to;
    }
    this.buf = lerpPoints(this.from, this.to, easeCubicOut(t > 0 ? t : 0), this.buf ?? undefined);
    return this.buf;
  }
}

export class Scatter {
  private readonly colors: readonly string[];
  private readonly duration: number;
  private title: string;
  private onLegendClick: ((cls: number | null) => void) | undefined;

  // DOM (everything lives under `root`, which destroy() removes)
  private readonly root: HTMLDivElement;
  private readonly titleEl: HTMLDivElement;
  private readonly legendButtons: HTMLButtonElement[] = [];
  private readonly plot: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly gridInner: GSel;
  private readonly gGridX: GSel;
  private readonly gGridY: GSel;
  private readonly inner: GSel;
  private readonly gAxisX: GSel;
  private readonly gAxisY: GSel;
  private readonly gCenters: GSel;
  private readonly clipRect: Selection<SVGRectElement, unknown, null, undefined>;
  private readonly zoomRect: Selection<SVGRectElement, unknown, null, undefined>;
  private readonly zoomBehavior: ZoomBehavior<SVGRectElement, unknown>;
  private centerEls: { g: SVGGElement }[] = [];
  private readonly hoverRing: Selection<SVGCircleElement, unknown, null, undefined>;
  private readonly markerEl: SVGPathElement;
  private marker: readonly [number, number] | null = null;
  private readonly tooltip: PointTooltip;

  // lifecycle
  private destroyed = false;
  private rafId = 0;
  private timer: Timer | null = null;
  private ro: ResizeObserver | null = null;
  private readonly onWindowResize = () => this.measure();

  // size
  private width = 0;
  private height = 0;
  private innerW = 0;
  private innerH = 0;
  private dpr = 0;
  private sizeDirty = true;

  // data
  private labels: Uint8Array | null = null;
  private readonly points: PointTween;
  private readonly centers: PointTween;
  private order: Uint32Array = new Uint32Array(0);
  private starts: Int32Array = new Int32Array(UNLABELED + 2);
  private groupsN = -1;
  private groupsDirty = true;
  private highlight: number | null = null;
  private lastHighlightProp: number | null | undefined = undefined;
  private dark: boolean | undefined = undefined;
  private drawn = 0;

  // hover / tooltip
  private predictions: Uint8Array | null = null;
  private images: Uint8Array | null = null;
  private qt: Quadtree<number> | null = null;
  private hover: { index: number; pinned: boolean } | null = null;
  private press: { x: number; y: number; t: number; id: number } | null = null;
  private onHover: ((index: number | null) => void) | undefined;

  // domain / zoom
  private fit: Domain | null = null;
  private ownFit: Domain | null = null;
  private extDomain: Domain | null = null;
  private base: Domain = defaultDomain();
  private fitted = false;
  private domAnim: { from: Domain; to: Domain; start: number } | null = null;
  private pendingDomain: { to: Domain; animate: boolean } | null = null;
  private transform: ZoomTransform = zoomIdentity;
  private userZoomed = false;
  private axesDirty = true;

  constructor(container: HTMLElement, opts: ScatterOptions) {
    this.title = opts.title;
    this.colors = opts.colors && opts.colors.length > 0 ? opts.colors : CLASS_COLORS;
    const reducedMotion =
      typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.duration = Math.max(0, opts.duration ?? (reducedMotion ? 0 : 400));
    this.onLegendClick = opts.onLegendClick;
    this.onHover = opts.onHover;
    this.points = new PointTween(this.duration);
    this.centers = new PointTween(this.duration);
    const id = ++uid;

    const doc = container.ownerDocument;
    this.root = doc.createElement('div');
    this.root.className = 'scatter';

    const header = doc.createElement('div');
    header.className = 'scatter-header';
    this.titleEl = doc.createElement('div');
    this.titleEl.className = 'scatter-title';
    this.titleEl.textContent = this.title;
    if (opts.showTitle === false) this.titleEl.hidden = true;
    header.appendChild(this.titleEl);

    const legend = doc.createElement('div');
    legend.className = 'scatter-legend';
    legend.setAttribute('role', 'group');
    legend.setAttribute('aria-label', 'Highlight a digit class');
    this.colors.forEach((color, cls) => {
      const b = doc.createElement('button');
      b.type = 'button';
      b.className = 'scatter-legend-item';
      b.dataset.class = String(cls);
      b.setAttribute('aria-pressed', 'false');
      b.title = `Highlight digit ${cls} (click again to clear)`;
      const sw = doc.createElement('span');
      sw.className = 'scatter-swatch';
      sw.style.background = color;
      b.appendChild(sw);
      b.appendChild(doc.createTextNode(String(cls)));
      b.addEventListener('click', () => this.legendClick(cls));
      legend.appendChild(b);
      this.legendButtons.push(b);
    });
    header.appendChild(legend);
    this.root.appendChild(header);

    this.plot = doc.createElement('div');
    this.plot.className = 'scatter-plot';
    this.plot.setAttribute('role', 'img');
    this.plot.tabIndex = 0; // keyboard: arrows pan, + / − zoom, 0 resets, Esc hides the tooltip
    this.plot.setAttribute('aria-keyshortcuts', 'ArrowLeft ArrowRight ArrowUp ArrowDown + - 0 Escape');
    this.root.appendChild(this.plot);

    // Grid (under the points)
    const gridSvg = select(this.plot).append('svg').attr('class', 'scatter-svg scatter-svg-grid').attr('aria-hidden', 'true');
    this.gridInner = gridSvg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    this.gGridX = this.gridInner.append('g').attr('class', 'scatter-grid scatter-grid-x');
    this.gGridY = this.gridInner.append('g').attr('class', 'scatter-grid scatter-grid-y');

    // Points
    this.canvas = doc.createElement('canvas');
    this.canvas.className = 'scatter-canvas';
    this.canvas.setAttribute('aria-hidden', 'true');
    this.plot.appendChild(this.canvas);
    this.ctx = this.canvas.getContext('2d');

    // Axes, zoom capture, centers (over the points)
    const svg = select(this.plot).append('svg').attr('class', 'scatter-svg scatter-svg-front').attr('aria-hidden', 'true');
    const clipId = `scatter-clip-${id}`;
    this.clipRect = svg.append('defs').append('clipPath').attr('id', clipId).append('rect');
    this.inner = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    this.gAxisX = this.inner.append('g').attr('class', 'scatter-axis scatter-axis-x');
    this.gAxisY = this.inner.append('g').attr('class', 'scatter-axis scatter-axis-y');
    this.zoomRect = this.inner.append('rect').attr('class', 'scatter-zoom');
    this.gCenters = this.inner.append('g').attr('class', 'scatter-centers').attr('clip-path', `url(#${clipId})`);
    this.hoverRing = this.inner.append('circle').attr('class', 'scatter-hover').attr('r', 5).style('display', 'none');
    // In a clipped group: a clip-path on the moved path itself would move with it.
    this.markerEl = this.inner.append('g').attr('clip-path', `url(#${clipId})`).append('path').attr('class', 'scatter-marker')
      .attr('d', starPath(9, 4)).style('display', 'none').node()!;

    // Tooltip: a sibling of the plot (the plot is role="img", whose content is presentational).
    this.tooltip = new PointTooltip(doc, `scatter-tooltip-${id}`);
    this.root.appendChild(this.tooltip.el);

    this.zoomBehavior = zoom<SVGRectElement, unknown>()
      .scaleExtent([0.25, 64])
      .on('start', () => this.zoomRect.classed('dragging', true))
      .on('end', () => this.zoomRect.classed('dragging', false))
      .on('zoom', (e: { transform: ZoomTransform; sourceEvent: unknown }) => this.onZoom(e.transform, e.sourceEvent != null));
    this.zoomRect.call(this.zoomBehavior).on('dblclick.zoom', null).on('dblclick', (e: Event) => {
      e.preventDefault();
      this.resetZoom();
    });

    const rect = this.zoomRect.node()!;
    rect.addEventListener('pointermove', this.onPointerMove);
    rect.addEventListener('pointerdown', this.onPointerDown);
    rect.addEventListener('pointerup', this.onPointerUp);
    rect.addEventListener('pointerleave', this.onPointerLeave);
    this.plot.addEventListener('keydown', this.onKeyDown);

    container.appendChild(this.root);
    this.updateAria();

    if (typeof ResizeObserver !== 'undefined') {
      this.ro = new ResizeObserver((entries) => {
        const r = entries[entries.length - 1].contentRect;
        this.resize(r.width, r.height);
      });
      this.ro.observe(this.plot);
    } else {
      doc.defaultView?.addEventListener('resize', this.onWindowResize);
      this.measure();
    }
  }

  // ---------------------------------------------------------------- public API

  update(p: ScatterProps): void {
    if (this.destroyed) return;
    const now = d3now();

    if (p.dark !== this.dark) {
      this.dark = p.dark;
      this.root.classList.toggle('dark', p.dark === true);
      this.root.classList.toggle('light', p.dark === false);
    }
    let tooltipDirty = false;
    if (p.labels !== this.labels) {
      this.labels = p.labels;
      this.groupsDirty = true;
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
    let dataChanged = false;
    if (p.points !== this.points.target) {
      this.points.set(p.points, now);
      dataChanged = true;
    }
    if (p.centers !== this.centers.target) {
      this.centers.set(p.centers, now);
      dataChanged = true;
    }
    const ext = p.domain ?? null;
    const modeChange = (ext == null) !== (this.extDomain == null);
    const extChanged = ext !== this.extDomain;
    this.extDomain = ext;
    if (dataChanged) {
      this.ownFit = fitEmbedding(this.points.target, this.centers.target);
      this.qt = null; // rebuilt on the next hit test
      if (!this.points.target) this.setHover(null);
      else tooltipDirty = true;
      if (this.animating(now)) this.ensureTimer();
    }
    if (dataChanged || extChanged) {
      this.fit = this.extDomain ?? this.ownFit;
      if (modeChange && this.fitted) this.resetZoom(); // shared ↔ own: refit now, no hysteresis
      else this.requestFit(true);
    }
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
    this.root.ownerDocument.defaultView?.removeEventListener('resize', this.onWindowResize);
    select(this.root).selectAll('*').interrupt();
    this.zoomRect.on('.zoom', null).on('dblclick', null);
    const rect = this.zoomRect.node()!;
    rect.removeEventListener('pointermove', this.onPointerMove);
    rect.removeEventListener('pointerdown', this.onPointerDown);
    rect.removeEventListener('pointerup', this.onPointerUp);
    rect.removeEventListener('pointerleave', this.onPointerLeave);
    this.plot.removeEventListener('keydown', this.onKeyDown);
    this.root.remove();
    this.qt = null;
    this.hover = null;
    this.onHover = undefined;
    this.points.set(null, 0);
    this.centers.set(null, 0);
    this.labels = null;
    this.centerEls = [];
    this.onLegendClick = undefined;
  }

  setTitle(title: string): void {
    if (this.destroyed || title === this.title) return;
    this.title = title;
    this.titleEl.textContent = title;
    this.updateAria();
  }

  /** Replace the legend-click callback (undefined → the plot toggles its own highlight). */
  setLegendHandler(fn: ((cls: number | null) => void) | undefined): void {
    if (!this.destroyed) this.onLegendClick = fn;
  }

  /** Back to the auto-fitted view (what double-click does). */
  resetZoom(): void {
    if (this.destroyed) return;
    const now = d3now();
    // Freeze the current view in base coordinates, drop the zoom, then animate to the fit.
    this.base = this.visibleDomain(now);
    this.domAnim = null;
    this.userZoomed = false;
    this.zoomRect.interrupt().call(this.zoomBehavior.transform, zoomIdentity);
    this.transform = zoomIdentity;
    this.axesDirty = true;
    if (this.innerW > 0 && this.innerH > 0) {
      this.pendingDomain = { to: matchAspect(this.fit ?? defaultDomain(), this.innerW, this.innerH), animate: true };
    }
    this.scheduleDraw();
  }

  /** The visible data domain right now (auto-fit, transition and zoom included). */
  getDomain(): Domain {
    return this.visibleDomain(d3now());
  }

  /** Number of finite points drawn in the last frame. */
  pointsDrawn(): number {
    return this.drawn;
  }

  /** True when no transition is running or pending (what tests wait for before reading positions). */
  settled(): boolean {
    return !this.destroyed && !this.rafId && !this.pendingDomain && !this.animating(d3now());
  }

  /** Viewport (client) position of point i at its target location, or null. */
  screenPosition(i: number): { x: number; y: number } | null {
    const pts = this.points.target;
    if (this.destroyed || !pts || !(i >= 0 && 2 * i + 1 < pts.length) || !(this.innerW > 0)) return null;
    const { x, y } = this.scalesFor(this.displayedBase(d3now()));
    const r = this.zoomRect.node()!.getBoundingClientRect();
    return { x: r.left + x(pts[2 * i]), y: r.top + y(pts[2 * i + 1]) };
  }

  /** Index of the point with the tooltip, or null. */
  hoveredIndex(): number | null {
    return this.hover?.index ?? null;
  }

  /** Replace the hover callback. */
  setHoverHandler(fn: ((index: number | null) => void) | undefined): void {
    if (!this.destroyed) this.onHover = fn;
  }

  /** The current view as a PNG-ready canvas (settled positions), with `caption` drawn on top. */
  toImage(caption: string, scale = 2, animated = false): HTMLCanvasElement {
    const cs = getComputedStyle(this.root);
    const v = (name: string, dflt: string) => cs.getPropertyValue(name).trim() || dflt;
    const w = this.innerW > 0 ? this.innerW : 480, h = this.innerH > 0 ? this.innerH : 480;
    return renderPlotImage(this.root.ownerDocument, {
      width: w,
      height: h,
      domain: this.innerW > 0 ? this.visibleDomain(d3now()) : this.fit ?? defaultDomain(),
      // A still shows where the points are going; a video frame shows them where they are now.
      points: animated ? this.points.valueAt(d3now()) : this.points.target,
      labels: this.labels,
      centers: animated ? this.centers.valueAt(d3now()) : this.centers.target,
      colors: this.colors,
      highlight: this.highlight,
      theme: { fg: v('--scatter-fg', '#1f2328'), bg: v('--scatter-bg', '#ffffff'), grid: v('--scatter-grid', '#e3e6ea'), muted: v('--scatter-muted', '#5b6475') },
      caption,
      scale,
    });
  }

  // ---------------------------------------------------------------- hover, tap and keyboard

  /** Nearest point within `radius` px of (px, py) (plot-area coordinates): O(log n) via a quadtree. */
  private hitTest(px: number, py: number, radius: number): number | null {
    const pts = this.points.target;
    if (!pts || !(this.innerW > 0 && this.innerH > 0)) return null;
    if (!this.qt) {
      const idx: number[] = [];
      for (let i = 0; 2 * i + 1 < pts.length; i++) if (Number.isFinite(pts[2 * i]) && Number.isFinite(pts[2 * i + 1])) idx.push(i);
      this.qt = quadtree<number>().x((i) => pts[2 * i]).y((i) => pts[2 * i + 1]).addAll(idx);
    }
    const { x, y } = this.scalesFor(this.displayedBase(d3now()));
    const kx = Math.abs(x(1) - x(0)), ky = Math.abs(y(1) - y(0));
    if (!(kx > 0 && ky > 0)) return null;
    const i = this.qt.find(x.invert(px), y.invert(py), radius / Math.min(kx, ky));
    if (i === undefined) return null;
    return Math.hypot(x(pts[2 * i]) - px, y(pts[2 * i + 1]) - py) <= radius ? i : null;
  }

  private local(e: PointerEvent): { x: number; y: number } {
    const r = this.zoomRect.node()!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private readonly onPointerMove = (e: PointerEvent): void => {
    if (e.pointerType !== 'mouse' || this.hover?.pinned) return; // touch and pen use taps
    if (e.buttons) { this.setHover(null); return; } // panning
    const p = this.local(e);
    const i = this.hitTest(p.x, p.y, HIT_MOUSE);
    if (i !== (this.hover?.index ?? null)) this.setHover(i);
  };

  private readonly onPointerDown = (e: PointerEvent): void => {
    this.press = { ...this.local(e), t: e.timeStamp, id: e.pointerId };
  };

  /** A tap or click pins the tooltip to the point under it, or clears it on empty space. */
  private readonly onPointerUp = (e: PointerEvent): void => {
    const d = this.press;
    this.press = null;
    if (!d || d.id !== e.pointerId) return;
    const p = this.local(e);
    if (Math.hypot(p.x - d.x, p.y - d.y) > TAP_PX || e.timeStamp - d.t > TAP_MS) return;
    const i = this.hitTest(p.x, p.y, e.pointerType === 'mouse' ? HIT_MOUSE : HIT_TOUCH);
    this.setHover(i, i != null);
  };

  private readonly onPointerLeave = (e: PointerEvent): void => {
    if (e.pointerType === 'mouse' && !this.hover?.pinned) this.setHover(null);
  };

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    if (e.ctrlKey || e.metaKey || e.altKey || this.destroyed) return;
    const rect = this.zoomRect;
    const pan = (dx: number, dy: number) => {
      this.userZoomed = true;
      this.pendingDomain = null;
      this.zoomBehavior.translateBy(rect, dx / this.transform.k, dy / this.transform.k);
    };
    const zoomBy = (k: number) => {
      this.userZoomed = true;
      this.pendingDomain = null;
      this.zoomBehavior.scaleBy(rect, k);
    };
    switch (e.key) {
      case 'ArrowLeft': pan(40, 0); break;
      case 'ArrowRight': pan(-40, 0); break;
      case 'ArrowUp': pan(0, 40); break;
      case 'ArrowDown': pan(0, -40); break;
      case '+': case '=': zoomBy(1.25); break;
      case '-': case '_': zoomBy(0.8); break;
      case '0': this.resetZoom(); break;
      case 'Escape':
        if (!this.hover) return;
        this.setHover(null);
        break;
      default: return;
    }
    e.preventDefault();
  };

  private setHover(index: number | null, pinned = false): void {
    const prev = this.hover?.index ?? null;
    this.hover = index == null ? null : { index, pinned };
    if (index == null) {
      this.tooltip.hide();
      this.plot.removeAttribute('aria-describedby');
    } else {
      this.showTooltip();
      this.plot.setAttribute('aria-describedby', this.tooltip.el.id);
    }
    if (prev !== index) this.onHover?.(index);
    this.scheduleDraw();
  }

  /** Fill the tooltip for the hovered point (placed in draw(), where it follows the point). */
  private showTooltip(): void {
    const h = this.hover, pts = this.points.target;
    if (!h || !pts || 2 * h.index + 1 >= pts.length) { this.setHover(null); return; }
    const i = h.index;
    const label = this.labels && i < this.labels.length ? this.labels[i] : null;
    const ctr = this.centers.target;
    const distance = label != null && ctr && 2 * label + 1 < ctr.length
      ? Math.hypot(pts[2 * i] - ctr[2 * label], pts[2 * i + 1] - ctr[2 * label + 1])
      : NaN;
    const n = pts.length >> 1, imgs = this.images;
    const side = imgs && n > 0 ? Math.round(Math.sqrt(imgs.length / n)) : 0;
    this.tooltip.show({
      index: i,
      label,
      predicted: this.predictions && i < this.predictions.length ? this.predictions[i] : null,
      distance,
      image: imgs && side > 0 ? imgs.subarray(i * side * side, (i + 1) * side * side) : null,
      side,
    });
  }

  // ---------------------------------------------------------------- state changes

  private legendClick(cls: number): void {
    if (this.destroyed) return;
    const next = this.highlight === cls ? null : cls;
    if (this.onLegendClick) this.onLegendClick(next);
    else {
      this.highlight = next;
      this.scheduleDraw();
    }
  }

  private onZoom(t: ZoomTransform, fromUser: boolean): void {
    if (this.destroyed) return;
    if (this.domAnim) {
      // Freeze an auto-fit transition where it is.
      this.base = this.displayedBase(d3now());
      this.domAnim = null;
    }
    if (fromUser) {
      this.userZoomed = true;
      this.pendingDomain = null;
    }
    this.transform = t;
    this.axesDirty = true;
    this.scheduleDraw();
  }

  /** Queue an auto-fit of the base domain to `this.fit` (with hysteresis), applied in draw(). */
  private requestFit(animate: boolean): void {
    if (!this.fit || this.userZoomed || !(this.innerW > 0 && this.innerH > 0)) return;
    const cand = matchAspect(this.fit, this.innerW, this.innerH);
    const cur = this.pendingDomain?.to ?? (this.fitted ? this.base : null);
    const next = nextDomain(cur, cand);
    if (cur && next === cur) return;
    this.pendingDomain = { to: next, animate: animate && this.fitted && this.duration > 0 };
  }

  private measure(): void {
    const r = this.plot.getBoundingClientRect();
    this.resize(r.width, r.height);
  }

  private resize(w: number, h: number): void {
    if (this.destroyed || (w === this.width && h === this.height)) return;
    const oldW = this.innerW, oldH = this.innerH;
    this.width = w;
    this.height = h;
    this.innerW = Math.max(0, w - MARGIN.left - MARGIN.right);
    this.innerH = Math.max(0, h - MARGIN.top - MARGIN.bottom);
    this.sizeDirty = true;
    if (this.domAnim) {
      this.base = this.domAnim.to;
      this.domAnim = null;
    }
    if (this.innerW > 0 && this.innerH > 0) {
      if (this.userZoomed && oldW > 0 && oldH > 0) {
        // Keep data units per pixel (and so the aspect) while the user is zoomed in.
        this.base = {
          x: scaleExtent(this.base.x, this.innerW / oldW),
          y: scaleExtent(this.base.y, this.innerH / oldH),
        };
      } else if (!this.userZoomed) {
        this.base = matchAspect(this.fit ?? defaultDomain(), this.innerW, this.innerH);
        this.fitted = this.fit != null;
        this.pendingDomain = null;
      }
    }
    this.axesDirty = true;
    this.scheduleDraw();
  }

  private updateAria(): void {
    const n = this.labels ? this.labels.length : this.points.target ? this.points.target.length >> 1 : 0;
    this.plot.setAttribute('aria-label', `${this.title}: 2-D embeddings of ${n} probe digits`);
  }

  // ---------------------------------------------------------------- animation plumbing

  private animating(now: number): boolean {
    return (
      this.points.active(now) ||
      this.centers.active(now) ||
      (this.domAnim != null && now - this.domAnim.start < this.duration)
    );
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

  private readonly frame = (): void => {
    this.rafId = 0;
    if (!this.destroyed) this.draw();
  };

  // ---------------------------------------------------------------- scales

  private displayedBase(now: number): Domain {
    const a = this.domAnim;
    if (!a) return this.base;
    const t = (now - a.start) / this.duration;
    if (t >= 1) {
      this.domAnim = null;
      return this.base;
    }
    return interpolateDomain(a.from, a.to, easeCubicOut(t > 0 ? t : 0));
  }

  private scalesFor(base: Domain): { x: ScaleLinear<number, number>; y: ScaleLinear<number, number> } {
    const xb = scaleLinear().domain(base.x).range([0, this.innerW]);
    const yb = scaleLinear().domain(base.y).range([this.innerH, 0]);
    return { x: this.transform.rescaleX(xb), y: this.transform.rescaleY(yb) };
  }

  private visibleDomain(now: number): Domain {
    const base = this.displayedBase(now);
    if (!(this.innerW > 0 && this.innerH > 0)) return { x: [base.x[0], base.x[1]], y: [base.y[0], base.y[1]] };
    const { x, y } = this.scalesFor(base);
    const [x0, x1] = x.domain(), [y0, y1] = y.domain();
    return { x: [x0, x1], y: [y0, y1] };
  }

  private renderAxes(animate: boolean): void {
    if (!(this.innerW > 0 && this.innerH > 0)) return;
    const { x, y } = this.scalesFor(this.base);
    this.root.dataset.xDomain = x.domain().join(',');
    this.root.dataset.yDomain = y.domain().join(',');
    const nx = Math.max(2, Math.round(this.innerW / 80));
    const ny = Math.max(2, Math.round(this.innerH / 60));
    const axX = axisBottom(x).ticks(nx).tickSizeOuter(0);
    const axY = axisLeft(y).ticks(ny).tickSizeOuter(0);
    const grX = axisBottom(x).ticks(nx).tickSize(-this.innerH).tickFormat(() => '');
    const grY = axisLeft(y).ticks(ny).tickSize(-this.innerW).tickFormat(() => '');
    const groups: [GSel, Axis<NumberValue>][] = [
      [this.gAxisX, axX],
      [this.gAxisY, axY],
      [this.gGridX, grX],
      [this.gGridY, grY],
    ];
    for (const [g, ax] of groups) {
      if (animate) g.transition().duration(this.duration).ease(easeCubicOut).call(ax);
      else g.interrupt().call(ax);
    }
  }

  // ---------------------------------------------------------------- drawing

  private draw(): void {
    const now = d3now();
    const ctx = this.ctx;
    const w = this.innerW, h = this.innerH;
    const dpr = (typeof window !== 'undefined' && window.devicePixelRatio) || 1;

    if (this.sizeDirty || dpr !== this.dpr) {
      this.sizeDirty = false;
      this.dpr = dpr;
      const cs = this.canvas.style;
      cs.left = `${MARGIN.left}px`;
      cs.top = `${MARGIN.top}px`;
      cs.width = `${w}px`;
      cs.height = `${h}px`;
      this.canvas.width = Math.max(1, Math.round(w * dpr));
      this.canvas.height = Math.max(1, Math.round(h * dpr));
      this.clipRect.attr('width', w).attr('height', h);
      this.zoomRect.attr('width', w).attr('height', h);
      this.zoomBehavior.extent([[0, 0], [Math.max(1, w), Math.max(1, h)]]);
      this.gAxisX.attr('transform', `translate(0,${h})`);
      this.gGridX.attr('transform', `translate(0,${h})`);
    }

    if (this.pendingDomain) {
      const p = this.pendingDomain;
      this.pendingDomain = null;
      const from = this.visibleDomain(now);
      this.base = p.to;
      this.fitted = true;
      if (p.animate && w > 0 && h > 0) {
        this.domAnim = { from, to: p.to, start: now };
        this.renderAxes(true);
        this.axesDirty = false;
        this.ensureTimer();
      } else {
        this.domAnim = null;
        this.axesDirty = true;
      }
    }
    if (this.axesDirty) {
      this.axesDirty = false;
      this.renderAxes(false);
    }

    const { x, y } = this.scalesFor(this.displayedBase(now));
    const [dx0, dx1] = x.domain(), [rx0, rx1] = x.range();
    const [dy0, dy1] = y.domain(), [ry0, ry1] = y.range();
    const ax = (rx1 - rx0) / (dx1 - dx0), bx = rx0 - ax * dx0;
    const ay = (ry1 - ry0) / (dy1 - dy0), by = ry0 - ay * dy0;

    // -- points
    let drawn = 0;
    const pts = this.points.valueAt(now);
    if (ctx) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    }
    if (ctx && pts && w > 0 && h > 0 && Number.isFinite(ax) && Number.isFinite(ay)) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const n = pts.length >> 1;
      if (this.groupsDirty || n !== this.groupsN) this.buildGroups(n);
      const order = this.order, starts = this.starts;
      const r = n <= 3000 ? 2.2 : n <= 6000 ? 1.8 : 1.5;
      const hl = this.highlight;
      const hasHl = hl != null && hl < UNLABELED;
      let fg = '';
      const colorOf = (cls: number): string => {
        if (cls < UNLABELED) return this.colors[cls % this.colors.length];
        if (!fg) fg = getComputedStyle(this.root).getPropertyValue('--scatter-fg').trim() || '#888';
        return fg;
      };
      const drawRange = (s: number, e: number): void => {
        ctx.beginPath();
        for (let k = s; k < e; k++) {
          const i = order[k] << 1;
          const vx = pts[i], vy = pts[i + 1];
          if (!Number.isFinite(vx) || !Number.isFinite(vy)) continue;
          const px = ax * vx + bx, py = ay * vy + by;
          ctx.moveTo(px + r, py);
          ctx.arc(px, py, r, 0, TAU);
          drawn++;
        }
        ctx.fill();
      };
      ctx.globalAlpha = hasHl ? FADED : ALPHA;
      for (let c = 0; c < CHUNKS; c++) {
        for (let cls = 0; cls <= UNLABELED; cls++) {
          if (hasHl && cls === hl) continue;
          const s0 = starts[cls], len = starts[cls + 1] - s0;
          if (len === 0) continue;
          const s = s0 + Math.floor((len * c) / CHUNKS), e = s0 + Math.floor((len * (c + 1)) / CHUNKS);
          if (e <= s) continue;
          ctx.fillStyle = colorOf(cls);
          drawRange(s, e);
        }
      }
      if (hasHl) {
        const s = starts[hl], e = starts[hl + 1];
        if (e > s) {
          ctx.globalAlpha = 1;
          ctx.fillStyle = colorOf(hl);
          drawRange(s, e);
        }
      }
      ctx.globalAlpha = 1;
    }
    this.drawn = drawn;

    // -- centers
    const ctr = this.centers.valueAt(now);
    const k = ctr ? ctr.length >> 1 : 0;
    if (k !== this.centerEls.length) this.buildCenters(k);
    const hl = this.highlight;
    for (let i = 0; i < k; i++) {
      const g = this.centerEls[i].g;
      const vx = ctr![2 * i], vy = ctr![2 * i + 1];
      const px = ax * vx + bx, py = ay * vy + by;
      if (!Number.isFinite(px) || !Number.isFinite(py) || !(w > 0 && h > 0)) {
        g.style.display = 'none';
        continue;
      }
      g.style.display = '';
      g.setAttribute('transform', `translate(${px.toFixed(2)},${py.toFixed(2)})`);
      g.classList.toggle('faded', hl != null && hl !== i);
      g.classList.toggle('active', hl === i);
    }

    // -- the marked point (the drawn digit)
    const mk = this.marker;
    const mx = mk ? ax * mk[0] + bx : NaN, my = mk ? ay * mk[1] + by : NaN;
    if (Number.isFinite(mx) && Number.isFinite(my) && w > 0 && h > 0) {
      this.markerEl.style.display = '';
      this.markerEl.setAttribute('transform', `translate(${mx.toFixed(2)},${my.toFixed(2)})`);
    } else this.markerEl.style.display = 'none';

    // -- hover ring and tooltip follow the (animated) point
    const hv = this.hover;
    if (hv && pts && 2 * hv.index + 1 < pts.length) {
      const px = ax * pts[2 * hv.index] + bx, py = ay * pts[2 * hv.index + 1] + by;
      const inside = px >= 0 && px <= w && py >= 0 && py <= h;
      this.hoverRing.style('display', inside ? '' : 'none').attr('cx', px).attr('cy', py);
      if (inside) {
        this.tooltip.el.hidden = false;
        const ox = this.plot.offsetLeft + MARGIN.left, oy = this.plot.offsetTop + MARGIN.top;
        this.tooltip.place(ox + px, oy + py, this.root.clientWidth, this.plot.offsetTop + this.plot.offsetHeight);
      } else this.tooltip.el.hidden = true;
    } else this.hoverRing.style('display', 'none');

    // -- legend
    this.root.classList.toggle('has-highlight', hl != null);
    this.legendButtons.forEach((b, cls) => {
      const on = hl === cls;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      b.classList.toggle('active', on);
    });

    if (this.animating(now)) this.ensureTimer();
  }

  /** Counting sort of point indices by label (bucket UNLABELED for points without one). */
  private buildGroups(n: number): void {
    this.groupsDirty = false;
    this.groupsN = n;
    const labels = this.labels;
    const counts = new Int32Array(UNLABELED + 2);
    const cls = (i: number) => (labels && i < labels.length ? labels[i] : UNLABELED);
    for (let i = 0; i < n; i++) counts[cls(i) + 1]++;
    for (let c = 1; c < counts.length; c++) counts[c] += counts[c - 1];
    this.starts = counts.slice();
    const fill = counts; // reuse as write cursors
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[fill[cls(i)]++] = i;
    this.order = order;
  }

  private buildCenters(k: number): void {
    this.gCenters.selectAll('*').remove();
    this.centerEls = [];
    for (let i = 0; i < k; i++) {
      const color = this.colors[i % this.colors.length];
      const g = this.gCenters.append('g').attr('class', 'scatter-center').style('display', 'none');
      g.append('circle').attr('class', 'scatter-center-halo').attr('r', 6);
      g.append('circle').attr('class', 'scatter-center-ring').attr('r', 6).attr('stroke', color);
      g.append('text').attr('class', 'scatter-center-label').attr('x', 8).attr('y', -7).text(String(i));
      this.centerEls.push({ g: g.node()! });
    }
  }
}

/** A five-pointed star of outer radius `r` and inner radius `ri`, centred on the origin. */
function starPath(r: number, ri: number): string {
  const pts = Array.from({ length: 10 }, (_, i) => {
    const a = -Math.PI / 2 + (i * Math.PI) / 5, rr = i % 2 ? ri : r;
    return `${(rr * Math.cos(a)).toFixed(2)},${(rr * Math.sin(a)).toFixed(2)}`;
  });
  return `M${pts.join('L')}Z`;
}

function validClass(c: number | null | undefined): number | null {
  return typeof c === 'number' && Number.isInteger(c) && c >= 0 && c < UNLABELED ? c : null;
}

function scaleExtent(e: [number, number], k: number): [number, number] {
  const c = (e[0] + e[1]) / 2, h = ((e[1] - e[0]) / 2) * k;
  return [c - h, c + h];
}

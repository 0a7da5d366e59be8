/**
 * Imperative metric line chart (same pattern as Scatter: construct → update(props) → destroy).
 * update() feeds it the entries of a step log it has not seen yet (a new `generation` clears it
 * and replays the log); each entry is appended once and never re-sent. Past `maxPoints` the chart
 * keeps every other point and from then on samples new points at that stride (the newest point is
 * always shown, as a "tail"). A cursor (the timeline's displayed step) draws a vertical line there and
 * reads the values out at that step. All redraws are coalesced into one requestAnimationFrame.
 *
 * The SVG uses a fixed viewBox stretched to the box (preserveAspectRatio="none", strokes with
 * vector-effect: non-scaling-stroke), so the chart needs no measuring and no resize handling.
 */
import { line, scaleLinear } from 'd3';

export interface SparkSeries {
  /** Shown in the value read-out's tooltip. */
  label: string;
}

/** An append-only log of entries with a step (RunHistory, ContrastLog): `generation` changes when it is rewritten. */
export interface StepLog<E extends { step: number }> {
  readonly entries: readonly E[];
  readonly generation: number;
}

/** What update() takes. */
export interface SparklineProps<E extends { step: number }> {
  history: StepLog<E>;
  /** The log's revision: changes whenever entries were added (the log itself is mutated in place). */
  rev: number;
  /** Shared x domain [0, xMax] (the max step seen across panels). */
  xMax: number;
  /** The step the page shows, marked with a line (its values are read out); null or absent: live. */
  cursor?: number | null;
}

export interface SparklineOptions {
  label: string;
  /** Longer explanation (the title tooltip of the chart). */
  title?: string;
  /** One or more series sharing the y scale; the first is drawn solid, the others dashed. */
  series: readonly SparkSeries[];
  format?: (v: number) => string;
  /** 'zero' (default): [min(0, lo), hi]; 'extent': [lo, hi]; or a fixed domain. */
  y?: 'zero' | 'extent' | readonly [number, number];
  /** Decimate beyond this many kept points (default 500). */
  maxPoints?: number;
}

const W = 240;
const H = 48;
const SVG_NS = 'http://www.w3.org/2000/svg';

const defaultFormat = (v: number) => (Math.abs(v) >= 1000 ? v.toExponential(2) : Number(v.toPrecision(3)).toString());

export class Sparkline<E extends { step: number }> {
  private readonly opts: Required<Omit<SparklineOptions, 'title'>> & { title?: string };
  private readonly root: HTMLElement;
  private readonly paths: SVGPathElement[] = [];
  private readonly values: HTMLSpanElement[] = [];
  private readonly maxEl: HTMLSpanElement;
  private readonly minEl: HTMLSpanElement;
  private readonly svg: SVGSVGElement;
  private readonly cursorEl: SVGLineElement;

  // data: kept points (stride-sampled) plus the newest point when it was not kept
  private xs: number[] = [];
  private ys: number[][];
  private tail: { x: number; v: number[] } | null = null;
  private stride = 1;
  private seen = 0;
  private xMax = 0;
  private cursor: number | null = null;

  /** How far into which generation of the log update() has read. */
  private synced = { gen: -1, len: 0 };

  private rafId = 0;
  private destroyed = false;

  /** `pick`: the values (one per series) of an entry. */
  constructor(container: HTMLElement, options: SparklineOptions, private readonly pick: (e: E) => readonly number[]) {
    this.opts = { format: defaultFormat, y: 'zero', maxPoints: 500, ...options };
    this.ys = this.opts.series.map(() => []);
    const doc = container.ownerDocument;

    this.root = doc.createElement('figure');
    this.root.className = 'spark';
    if (options.title) this.root.title = options.title;
    const head = doc.createElement('figcaption');
    head.className = 'spark-head';
    const label = doc.createElement('span');
    label.className = 'spark-label';
    label.textContent = options.label;
    head.appendChild(label);
    const vals = doc.createElement('span');
    vals.className = 'spark-values';
    this.opts.series.forEach((s, i) => {
      const v = doc.createElement('span');
      v.className = `spark-v spark-s${i}`;
      v.title = s.label;
      v.textContent = '–';
      vals.appendChild(v);
      this.values.push(v);
    });
    head.appendChild(vals);
    this.root.appendChild(head);

    const box = doc.createElement('div');
    box.className = 'spark-box';
    this.svg = doc.createElementNS(SVG_NS, 'svg');
    this.svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.svg.setAttribute('preserveAspectRatio', 'none');
    this.svg.setAttribute('aria-hidden', 'true');
    this.opts.series.forEach((_, i) => {
      const p = doc.createElementNS(SVG_NS, 'path');
      p.setAttribute('class', `spark-line spark-s${i}`);
      this.svg.appendChild(p);
      this.paths.push(p);
    });
    this.cursorEl = doc.createElementNS(SVG_NS, 'line');
    this.cursorEl.setAttribute('class', 'spark-cursor');
    this.cursorEl.setAttribute('y1', '0');
    this.cursorEl.setAttribute('y2', String(H));
    this.svg.appendChild(this.cursorEl);
    box.appendChild(this.svg);
    this.maxEl = doc.createElement('span');
    this.maxEl.className = 'spark-max';
    this.minEl = doc.createElement('span');
    this.minEl.className = 'spark-min';
    box.append(this.maxEl, this.minEl);
    this.root.appendChild(box);
    container.appendChild(this.root);
    this.draw();
  }

  /** Append the log entries not seen yet (all of them after a rewrite) and set the x domain. */
  update(p: SparklineProps<E>): void {
    if (this.destroyed) return;
    const { entries, generation } = p.history;
    if (this.synced.gen !== generation || this.synced.len > entries.length) {
      this.clear();
      this.synced = { gen: generation, len: 0 };
    }
    for (let i = this.synced.len; i < entries.length; i++) this.append(entries[i].step, this.pick(entries[i]));
    this.synced.len = entries.length;
    this.setXMax(p.xMax);
    this.setCursor(p.cursor ?? null);
  }

  /** Mark `step` (null: no cursor, the values are the latest). */
  setCursor(step: number | null): void {
    if (this.destroyed || step === this.cursor) return;
    this.cursor = step;
    this.schedule();
  }

  /** Add the values (one per series) at `step`. */
  append(step: number, values: readonly number[]): void {
    if (this.destroyed) return;
    const v = this.opts.series.map((_, i) => values[i] ?? NaN);
    if (this.seen++ % this.stride === 0) {
      this.xs.push(step);
      v.forEach((y, i) => this.ys[i].push(y));
      this.tail = null;
      if (this.xs.length > this.opts.maxPoints) this.decimate();
    } else {
      this.tail = { x: step, v };
    }
    this.schedule();
  }

  /** The shared x domain is [0, max]. */
  setXMax(max: number): void {
    if (this.destroyed || max === this.xMax) return;
    this.xMax = max;
    this.schedule();
  }

  clear(): void {
    if (this.destroyed) return;
    this.xs = [];
    this.ys = this.opts.series.map(() => []);
    this.tail = null;
    this.stride = 1;
    this.seen = 0;
    this.schedule();
  }

  /** Points currently drawn (kept + tail). */
  count(): number {
    return this.xs.length + (this.tail ? 1 : 0);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.rafId) cancelAnimationFrame(this.rafId);
    this.root.remove();
  }

  private decimate(): void {
    const keep = (a: number[]) => a.filter((_, i) => i % 2 === 0);
    this.xs = keep(this.xs);
    this.ys = this.ys.map(keep);
    this.stride *= 2;
  }

  private schedule(): void {
    if (!this.rafId && !this.destroyed) {
      this.rafId = requestAnimationFrame(() => {
        this.rafId = 0;
        if (!this.destroyed) this.draw();
      });
    }
  }

  private draw(): void {
    const xs = this.tail ? [...this.xs, this.tail.x] : this.xs;
    const ys = this.tail ? this.ys.map((a, i) => [...a, this.tail!.v[i]]) : this.ys;
    const n = xs.length;
    const { format } = this.opts;

    let lo = Infinity, hi = -Infinity;
    for (const a of ys) for (const v of a) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    let dom: [number, number];
    if (Array.isArray(this.opts.y)) dom = [this.opts.y[0], this.opts.y[1]];
    else if (!(lo <= hi)) dom = [0, 1];
    else dom = [this.opts.y === 'zero' ? Math.min(0, lo) : lo, hi];
    if (!(dom[1] > dom[0])) dom = [dom[0] - 0.5, dom[0] + 0.5];

    const x = scaleLinear().domain([0, Math.max(this.xMax, xs[n - 1] ?? 0, 1)]).range([0, W]);
    const y = scaleLinear().domain(dom).range([H - 1.5, 1.5]);
    ys.forEach((a, s) => {
      const gen = line<number>().defined((i) => Number.isFinite(a[i])).x((i) => x(xs[i])).y((i) => y(a[i]));
      const idx = Array.from({ length: n }, (_, i) => i);
      // A single point still shows as a dot (zero-length segment with round caps).
      this.paths[s].setAttribute('d', n === 1 && Number.isFinite(a[0]) ? `M${x(xs[0])},${y(a[0])}h0.01` : gen(idx) ?? '');
    });

    // Read out the latest values, or with a cursor the last ones at or before it.
    let at = n - 1;
    if (this.cursor !== null) while (at >= 0 && xs[at] > this.cursor) at--;
    ys.forEach((a, s) => { this.values[s].textContent = at >= 0 && Number.isFinite(a[at]) ? format(a[at]) : '–'; });
    const cx = this.cursor === null ? null : String(x(this.cursor));
    this.cursorEl.style.display = cx === null ? 'none' : '';
    if (cx !== null) { this.cursorEl.setAttribute('x1', cx); this.cursorEl.setAttribute('x2', cx); }
    const fixed = Array.isArray(this.opts.y);
    this.maxEl.textContent = n && (fixed || lo <= hi) ? format(dom[1]) : '';
    this.minEl.textContent = n && (fixed || lo <= hi) ? format(dom[0]) : '';
    this.root.dataset.count = String(n);
    this.root.dataset.xMax = String(x.domain()[1]);
    if (this.cursor === null) delete this.root.dataset.cursor;
    else this.root.dataset.cursor = String(this.cursor);
  }
}

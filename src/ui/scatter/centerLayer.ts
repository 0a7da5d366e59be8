/**
 * The center layer: each class center as a ring in its class colour with its digit, the others
 * faded while a class is highlighted. `centerMarks` decides where and how each center shows;
 * painters draw the marks on a canvas (PNG export) or keep SVG elements in step (screen). Both
 * take their sizes from CENTER (style.ts).
 */
import type { Mapping } from './pointLayer';
import { CENTER, FONT, type PlotTheme } from './style';

export interface CenterMark {
  /** Class (row of the centers array). */
  k: number;
  /** Position in plot-area px. */
  x: number;
  y: number;
  color: string;
  /** Another class is highlighted. */
  faded: boolean;
  /** This class is highlighted. */
  active: boolean;
}

/** The visible centers (finite position, plot area not empty), in class order. */
export function centerMarks(
  centers: Float32Array | null,
  highlight: number | null,
  colors: readonly string[],
  map: Mapping,
  width: number,
  height: number,
): CenterMark[] {
  const out: CenterMark[] = [];
  if (!centers || !(width > 0 && height > 0)) return out;
  for (let k = 0; 2 * k + 1 < centers.length; k++) {
    const x = map.ax * centers[2 * k] + map.bx, y = map.ay * centers[2 * k + 1] + map.by;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    out.push({ k, x, y, color: colors[k % colors.length], faded: highlight != null && highlight !== k, active: highlight === k });
  }
  return out;
}

export type CenterCanvas = Pick<
  CanvasRenderingContext2D,
  'beginPath' | 'arc' | 'stroke' | 'strokeText' | 'fillText' | 'save' | 'restore'
> & {
  globalAlpha: number;
  strokeStyle: CanvasRenderingContext2D['strokeStyle'];
  fillStyle: CanvasRenderingContext2D['fillStyle'];
  lineWidth: number;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
};

/** Draws the marks into a canvas context, the way the screen's SVG and CSS show them. */
export function drawCenters(ctx: CenterCanvas, marks: readonly CenterMark[], theme: PlotTheme): void {
  ctx.save();
  ctx.font = `${CENTER.fontWeight} ${CENTER.fontSize}px ${FONT}`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  for (const m of marks) {
    ctx.globalAlpha = m.faded ? CENTER.fadedOpacity : 1;
    ctx.beginPath();
    ctx.arc(m.x, m.y, CENTER.radius, 0, Math.PI * 2);
    ctx.strokeStyle = theme.outline;
    ctx.lineWidth = CENTER.haloWidth;
    ctx.stroke();
    ctx.strokeStyle = m.color;
    ctx.lineWidth = CENTER.ringWidth;
    ctx.stroke();
    const lx = m.x + CENTER.labelDx, ly = m.y + CENTER.labelDy;
    ctx.lineWidth = CENTER.labelEdge;
    ctx.strokeStyle = theme.bg;
    ctx.strokeText(String(m.k), lx, ly);
    ctx.fillStyle = theme.fg;
    ctx.fillText(String(m.k), lx, ly);
  }
  ctx.restore();
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The screen's centers: one <g> per class under `parent`, moved each frame (colours from scatter.css). */
export class CenterSvg {
  private els: SVGGElement[] = [];

  constructor(private readonly parent: SVGGElement, private readonly colors: readonly string[]) {}

  /** Show `marks` out of `count` centers (the others are hidden). */
  update(marks: readonly CenterMark[], count: number): void {
    if (count !== this.els.length) this.build(count);
    const shown = new Set<number>();
    for (const m of marks) {
      const g = this.els[m.k];
      if (!g) continue;
      shown.add(m.k);
      g.style.display = '';
      g.style.opacity = m.faded ? String(CENTER.fadedOpacity) : '';
      g.setAttribute('transform', `translate(${m.x.toFixed(2)},${m.y.toFixed(2)})`);
      g.classList.toggle('faded', m.faded);
      g.classList.toggle('active', m.active);
    }
    this.els.forEach((g, k) => { if (!shown.has(k)) g.style.display = 'none'; });
  }

  clear(): void {
    this.parent.replaceChildren();
    this.els = [];
  }

  private build(count: number): void {
    this.clear();
    const doc = this.parent.ownerDocument;
    const el = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>) => {
      const e = doc.createElementNS(SVG_NS, tag);
      for (const [a, v] of Object.entries(attrs)) e.setAttribute(a, String(v));
      return e;
    };
    for (let k = 0; k < count; k++) {
      const g = el('g', { class: 'scatter-center' });
      g.style.display = 'none';
      const text = el('text', {
        class: 'scatter-center-label', x: CENTER.labelDx, y: CENTER.labelDy,
        'stroke-width': CENTER.labelEdge, 'font-size': CENTER.fontSize, 'font-weight': CENTER.fontWeight,
      });
      text.textContent = String(k);
      g.append(
        el('circle', { class: 'scatter-center-halo', r: CENTER.radius, 'stroke-width': CENTER.haloWidth }),
        el('circle', { class: 'scatter-center-ring', r: CENTER.radius, 'stroke-width': CENTER.ringWidth, stroke: this.colors[k % this.colors.length] }),
        text,
      );
      this.parent.appendChild(g);
      this.els.push(g);
    }
  }
}

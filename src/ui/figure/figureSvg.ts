/**
 * "Save figure" as SVG: the panels in one row of equal square plots, the way the paper's figure
 * shows them, with vector points (one compact path per class: a zero-length segment with a round
 * cap per point), the class centers as circles, the loss geometry (spokes, margin wedges, the ring
 * radius, the unit circle of the circle view), light axes, one legend and one caption. Points,
 * centers, geometry and ticks come from the screen's layers and tick rule. Pure: data in, SVG text out.
 */
import { matchAspect, type Domain } from '../scatter/geometry';
import { plotTicks } from '../scatter/axes';
import { centerMarks, type CenterMark } from '../scatter/centerLayer';
import { groupByClass, layoutPoints, UNLABELED, type DotSink, type Mapping } from '../scatter/pointLayer';
import { CENTER, GEOMETRY, LIGHT_THEME, type PlotTheme } from '../scatter/style';
import { geometryMarks, type GeometryMarks, type LossGeometry } from '../scatter/geometryLayer';
import { viewLayers, type GeometryView } from '../scatter/circleView';
import { mappingOf, scalesOf } from '../scatter/viewport';

export interface FigurePanel {
  title: string;
  /** [N×2] embeddings, [N] labels, [K×2] centers (row k = class k). */
  points: Float32Array | null;
  labels: Uint8Array | null;
  centers: Float32Array | null;
  /** The data domain to show (the on-screen view); widened to the square plot's aspect. */
  domain: Domain;
  /** Class shown opaque with the others faded, as on screen (default none). */
  highlight?: number | null;
  /** The run's loss geometry (spokes, margin wedges, ring radius), or none. */
  geometry?: LossGeometry | null;
  /** The panel's view: the feature plane (default) or the unit circle (points and centers as the screen shows them). */
  view?: GeometryView;
}

export interface FigureOptions {
  caption: string;
  colors: readonly string[];
  /** Side of each square plot, in px (default 300). */
  size?: number;
  /** Tick labels and a frame (default true). */
  axes?: boolean;
}

const M = { top: 24, right: 12, bottom: 22, left: 40 };
const FOOT = 52;
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';
/** The figure is always light, as printed. */
const THEME: PlotTheme = { ...LIGHT_THEME, fg: '#1d2330', outline: '#111' };

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The point layer as SVG: one compact path per batch (one per class: chunks = 1), a zero-length
 * segment with a round cap per point, with the screen's colour, opacity and radius.
 */
function pointPaths(p: FigurePanel, map: Mapping, colors: readonly string[]): string[] {
  const out: string[] = [];
  if (!p.points) return out;
  let batch = { cls: 0, color: '', alpha: 1, radius: 0 }, parts: string[] = [];
  const sink: DotSink = {
    begin(cls, color, alpha, radius) {
      batch = { cls: cls >= UNLABELED ? -1 : cls, color, alpha, radius };
      parts = [];
    },
    dot(x, y) {
      parts.push(`M${x.toFixed(1)} ${y.toFixed(1)}h0`);
    },
    end() {
      if (!parts.length) return;
      const b = batch;
      out.push(`<path class="points" data-class="${b.cls}" data-points="${parts.length}" d="${parts.join('')}" fill="none" stroke="${b.color}" stroke-opacity="${b.alpha}" stroke-width="${2 * b.radius}" stroke-linecap="round"/>`);
    },
  };
  const groups = groupByClass(p.labels, p.points.length >> 1);
  layoutPoints(sink, { points: p.points, groups, colors, fg: THEME.fg, highlight: p.highlight ?? null, map, chunks: 1 });
  return out;
}

/** The center layer as SVG, sized by CENTER like the screen's. */
function centerSvg(m: CenterMark): string {
  const cx = m.x.toFixed(1), cy = m.y.toFixed(1);
  const faded = m.faded ? ` opacity="${CENTER.fadedOpacity}"` : '';
  return `<g${faded}><circle class="center" data-class="${m.k}" cx="${cx}" cy="${cy}" r="${CENTER.radius}" fill="none" stroke="${THEME.outline}" stroke-width="${CENTER.haloWidth}"/>` +
    `<circle cx="${cx}" cy="${cy}" r="${CENTER.radius}" fill="none" stroke="${m.color}" stroke-width="${CENTER.ringWidth}"/>` +
    `<text x="${(m.x + CENTER.labelDx).toFixed(1)}" y="${(m.y + CENTER.labelDy).toFixed(1)}" font-size="${CENTER.fontSize}" font-weight="${CENTER.fontWeight}" stroke="${THEME.bg}" stroke-width="${CENTER.labelEdge}" paint-order="stroke">${m.k}</text></g>`;
}

/** The geometry layer as SVG, in the canvas painter's order and style (drawGeometry). */
function geometrySvg(marks: GeometryMarks | null): string {
  if (!marks) return '';
  const { cx, cy } = marks;
  const f = (v: number) => v.toFixed(1);
  const out: string[] = ['<g class="geometry">'];
  for (const w of marks.wedges) {
    const x0 = cx + w.r * Math.cos(w.start), y0 = cy + w.r * Math.sin(w.start);
    const x1 = cx + w.r * Math.cos(w.end), y1 = cy + w.r * Math.sin(w.end);
    const large = w.end - w.start > Math.PI ? 1 : 0;
    out.push(`<path class="margin-wedge" data-between="${w.between.join(',')}" d="M${f(cx)} ${f(cy)}L${f(x0)} ${f(y0)}A${f(w.r)} ${f(w.r)} 0 ${large} 1 ${f(x1)} ${f(y1)}Z" fill="${THEME.muted}" fill-opacity="${GEOMETRY.wedgeOpacity}" stroke="none"/>`);
  }
  if (marks.unitCircle != null) {
    out.push(`<circle class="unit-circle" cx="${f(cx)}" cy="${f(cy)}" r="${f(marks.unitCircle)}" fill="none" stroke="${THEME.muted}" stroke-width="${GEOMETRY.unitWidth}" stroke-dasharray="${GEOMETRY.unitDash.join(' ')}"/>`);
  }
  if (marks.ring) {
    out.push(`<circle class="ring-radius" cx="${f(cx)}" cy="${f(cy)}" r="${f(marks.ring.r)}" fill="none" stroke="${THEME.fg}" stroke-width="${GEOMETRY.ringWidth}" stroke-dasharray="${GEOMETRY.ringDash.join(' ')}"/>`);
  }
  for (const s of marks.spokes) {
    const faded = s.faded ? ` stroke-opacity="${GEOMETRY.fadedOpacity}"` : '';
    out.push(`<line class="spoke" data-class="${s.k}" x1="${f(cx)}" y1="${f(cy)}" x2="${f(s.x)}" y2="${f(s.y)}" stroke="${s.color}" stroke-width="${GEOMETRY.spokeWidth}" stroke-linecap="round"${faded}/>`);
  }
  if (marks.ring) {
    out.push(`<text class="ring-label" x="${f(marks.ring.x)}" y="${f(marks.ring.y)}" font-size="${GEOMETRY.fontSize}" font-weight="${GEOMETRY.fontWeight}" fill="${THEME.fg}" stroke="${THEME.bg}" stroke-width="${GEOMETRY.labelEdge}" paint-order="stroke">${escapeXml(marks.ring.label)}</text>`);
  }
  out.push('</g>');
  return out.join('');
}

function panelSvg(panel: FigurePanel, k: number, left: number, size: number, o: Required<FigureOptions>): string {
  const view = panel.view ?? 'plane';
  const p: FigurePanel = { ...panel, ...viewLayers(view, panel.points, panel.centers, panel.geometry ?? null) };
  const scales = scalesOf(matchAspect(p.domain, size, size), size, size);
  const { x, y } = scales;
  const out: string[] = [`<g class="figure-panel" transform="translate(${left + M.left},${M.top})">`];
  out.push(`<text x="${size / 2}" y="-8" text-anchor="middle" font-weight="600" font-size="13">${escapeXml(p.title)}</text>`);
  out.push(`<clipPath id="figure-clip-${k}"><rect width="${size}" height="${size}"/></clipPath>`);
  if (o.axes) {
    const t = plotTicks(scales, size, size);
    out.push(`<rect width="${size}" height="${size}" fill="none" stroke="#8a93a3"/>`);
    out.push(`<g font-size="10" fill="${THEME.muted}">`);
    for (const v of t.x.values) out.push(`<text x="${x(v).toFixed(1)}" y="${size + 14}" text-anchor="middle">${escapeXml(t.x.format(v))}</text>`);
    for (const v of t.y.values) out.push(`<text x="-4" y="${(y(v) + 3).toFixed(1)}" text-anchor="end">${escapeXml(t.y.format(v))}</text>`);
    out.push('</g>');
  }
  out.push(`<g clip-path="url(#figure-clip-${k})">`);
  const map = mappingOf(scales);
  out.push(geometrySvg(geometryMarks(p.geometry ?? null, view, p.highlight ?? null, o.colors, map, size, size)));
  out.push(...pointPaths(p, map, o.colors));
  for (const m of centerMarks(p.centers, p.highlight ?? null, o.colors, map, size, size)) out.push(centerSvg(m));
  out.push('</g></g>');
  return out.join('');
}

export function figureSvg(panels: readonly FigurePanel[], opts: FigureOptions): string {
  const o: Required<FigureOptions> = { size: 300, axes: true, ...opts };
  const cell = M.left + o.size + M.right;
  const W = Math.max(1, panels.length) * cell, H = M.top + o.size + M.bottom + FOOT;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}" fill="${THEME.fg}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
  ];
  panels.forEach((p, k) => out.push(panelSvg(p, k, k * cell, o.size, o)));
  const ly = M.top + o.size + M.bottom + 16;
  out.push(`<g class="legend" font-size="11">`);
  o.colors.forEach((c, k) => {
    const lx = M.left + k * 30;
    out.push(`<circle cx="${lx + 5}" cy="${ly}" r="5" fill="${c}"/><text x="${lx + 13}" y="${ly + 4}">${k}</text>`);
  });
  out.push('</g>');
  out.push(`<text class="caption" x="${M.left}" y="${ly + 26}" font-size="12">${escapeXml(o.caption)}</text>`);
  out.push('</svg>');
  return out.join('');
}

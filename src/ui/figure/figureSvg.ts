/**
 * "Save figure" as SVG: the panels in one row of equal square plots, the way the paper's figure
 * shows them, with vector points (one compact path per class: a zero-length segment with a round
 * cap per point), the class centers as circles, light axes, one legend and one caption.
 * Pure: data in, SVG text out.
 */
import { scaleLinear } from 'd3';
import { matchAspect, type Domain } from '../scatter/geometry';

export interface FigurePanel {
  title: string;
  /** [N×2] embeddings, [N] labels, [K×2] centers (row k = class k). */
  points: Float32Array | null;
  labels: Uint8Array | null;
  centers: Float32Array | null;
  /** The data domain to show (the on-screen view); widened to the square plot's aspect. */
  domain: Domain;
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
const R = 2.2;
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Path data with one dot per finite point of `cls` (class −1: unlabeled), and how many. */
function dots(p: FigurePanel, cls: number, x: (v: number) => number, y: (v: number) => number): { d: string; n: number } {
  const pts = p.points;
  if (!pts) return { d: '', n: 0 };
  const parts: string[] = [];
  for (let i = 0; 2 * i + 1 < pts.length; i++) {
    const c = p.labels && i < p.labels.length ? p.labels[i] : -1;
    if (c !== cls) continue;
    const vx = pts[2 * i], vy = pts[2 * i + 1];
    if (!Number.isFinite(vx) || !Number.isFinite(vy)) continue;
    parts.push(`M${x(vx).toFixed(1)} ${y(vy).toFixed(1)}h0`);
  }
  return { d: parts.join(''), n: parts.length };
}

function panelSvg(p: FigurePanel, k: number, left: number, size: number, o: Required<FigureOptions>): string {
  const d = matchAspect(p.domain, size, size);
  const x = scaleLinear().domain(d.x).range([0, size]);
  const y = scaleLinear().domain(d.y).range([size, 0]);
  const out: string[] = [`<g class="figure-panel" transform="translate(${left + M.left},${M.top})">`];
  out.push(`<text x="${size / 2}" y="-8" text-anchor="middle" font-weight="600" font-size="13">${escapeXml(p.title)}</text>`);
  out.push(`<clipPath id="figure-clip-${k}"><rect width="${size}" height="${size}"/></clipPath>`);
  if (o.axes) {
    const xt = x.ticks(4), yt = y.ticks(4);
    const fx = x.tickFormat(4), fy = y.tickFormat(4);
    out.push(`<rect width="${size}" height="${size}" fill="none" stroke="#8a93a3"/>`);
    out.push(`<g font-size="10" fill="#5b6475">`);
    for (const t of xt) out.push(`<text x="${x(t).toFixed(1)}" y="${size + 14}" text-anchor="middle">${escapeXml(fx(t))}</text>`);
    for (const t of yt) out.push(`<text x="-4" y="${(y(t) + 3).toFixed(1)}" text-anchor="end">${escapeXml(fy(t))}</text>`);
    out.push('</g>');
  }
  out.push(`<g clip-path="url(#figure-clip-${k})">`);
  const classes = [-1, ...o.colors.map((_, c) => c)];
  for (const c of classes) {
    const { d: path, n } = dots(p, c, x, y);
    if (!n) continue;
    const color = c < 0 ? '#1d2330' : o.colors[c % o.colors.length];
    out.push(`<path class="points" data-class="${c}" data-points="${n}" d="${path}" fill="none" stroke="${color}" stroke-opacity="0.6" stroke-width="${2 * R}" stroke-linecap="round"/>`);
  }
  const ctr = p.centers;
  for (let c = 0; ctr && 2 * c + 1 < ctr.length; c++) {
    const cx = x(ctr[2 * c]), cy = y(ctr[2 * c + 1]);
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    const color = o.colors[c % o.colors.length];
    out.push(`<circle class="center" data-class="${c}" cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="6" fill="none" stroke="#111" stroke-width="5"/>`);
    out.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="6" fill="none" stroke="${color}" stroke-width="2.5"/>`);
    out.push(`<text x="${(cx + 8).toFixed(1)}" y="${(cy - 7).toFixed(1)}" font-size="11" font-weight="700" stroke="#fff" stroke-width="3" paint-order="stroke">${c}</text>`);
  }
  out.push('</g></g>');
  return out.join('');
}

export function figureSvg(panels: readonly FigurePanel[], opts: FigureOptions): string {
  const o: Required<FigureOptions> = { size: 300, axes: true, ...opts };
  const cell = M.left + o.size + M.right;
  const W = Math.max(1, panels.length) * cell, H = M.top + o.size + M.bottom + FOOT;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}" fill="#1d2330">`,
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

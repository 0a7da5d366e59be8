/**
 * Draws a plot into an offscreen canvas for "Save image": caption line, grid, axes with ticks,
 * points, class centers and a colour legend — the same picture as on screen, as one PNG.
 */
import { scaleLinear } from 'd3';
import type { Domain } from './geometry';

export interface PlotImage {
  /** Plot area size in CSS px. */
  width: number;
  height: number;
  domain: Domain;
  points: Float32Array | null;
  labels: Uint8Array | null;
  centers: Float32Array | null;
  colors: readonly string[];
  highlight: number | null;
  theme: { fg: string; bg: string; grid: string; muted: string };
  caption: string;
  /** Pixel ratio of the image (default 2). */
  scale?: number;
}

const M = { top: 34, right: 16, bottom: 46, left: 48 };

export function renderPlotImage(doc: Document, p: PlotImage): HTMLCanvasElement {
  const s = p.scale ?? 2;
  const W = M.left + p.width + M.right, H = M.top + p.height + M.bottom;
  const canvas = doc.createElement('canvas');
  canvas.width = Math.round(W * s);
  canvas.height = Math.round(H * s);
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  ctx.scale(s, s);
  ctx.fillStyle = p.theme.bg;
  ctx.fillRect(0, 0, W, H);
  const font = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

  // Caption
  ctx.fillStyle = p.theme.fg;
  ctx.font = `600 13px ${font}`;
  ctx.textBaseline = 'middle';
  ctx.fillText(p.caption, M.left, M.top / 2, W - M.left - M.right);

  const x = scaleLinear().domain(p.domain.x).range([M.left, M.left + p.width]);
  const y = scaleLinear().domain(p.domain.y).range([M.top + p.height, M.top]);
  const xt = x.ticks(Math.max(2, Math.round(p.width / 80))), yt = y.ticks(Math.max(2, Math.round(p.height / 60)));

  // Grid, axes, tick labels
  ctx.strokeStyle = p.theme.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const t of xt) { ctx.moveTo(x(t), M.top); ctx.lineTo(x(t), M.top + p.height); }
  for (const t of yt) { ctx.moveTo(M.left, y(t)); ctx.lineTo(M.left + p.width, y(t)); }
  ctx.stroke();
  ctx.strokeStyle = p.theme.muted;
  ctx.strokeRect(M.left, M.top, p.width, p.height);
  ctx.fillStyle = p.theme.muted;
  ctx.font = `10px ${font}`;
  const fx = x.tickFormat(xt.length), fy = y.tickFormat(yt.length);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of xt) ctx.fillText(fx(t), x(t), M.top + p.height + 4);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yt) ctx.fillText(fy(t), M.left - 4, y(t));

  // Points (clipped to the plot area), highlighted class on top
  ctx.save();
  ctx.beginPath();
  ctx.rect(M.left, M.top, p.width, p.height);
  ctx.clip();
  const pts = p.points, labels = p.labels;
  if (pts) {
    const n = pts.length >> 1, hl = p.highlight;
    const pass = (top: boolean) => {
      for (let i = 0; i < n; i++) {
        const c = labels && i < labels.length ? labels[i] : -1;
        if ((hl != null && c === hl) !== top) continue;
        const vx = pts[2 * i], vy = pts[2 * i + 1];
        if (!Number.isFinite(vx) || !Number.isFinite(vy)) continue;
        ctx.globalAlpha = hl == null ? 0.6 : top ? 1 : 0.08;
        ctx.fillStyle = c >= 0 ? p.colors[c % p.colors.length] : p.theme.fg;
        ctx.beginPath();
        ctx.arc(x(vx), y(vy), 2.2, 0, Math.PI * 2);
        ctx.fill();
      }
    };
    pass(false);
    if (hl != null) pass(true);
    ctx.globalAlpha = 1;
  }
  const ctr = p.centers;
  if (ctr) {
    ctx.font = `700 11px ${font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    for (let k = 0; k < ctr.length >> 1; k++) {
      const cx = x(ctr[2 * k]), cy = y(ctr[2 * k + 1]);
      if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
      ctx.beginPath();
      ctx.arc(cx, cy, 6, 0, Math.PI * 2);
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 5;
      ctx.stroke();
      ctx.strokeStyle = p.colors[k % p.colors.length];
      ctx.lineWidth = 2.5;
      ctx.stroke();
      ctx.lineWidth = 3;
      ctx.strokeStyle = p.theme.bg;
      ctx.strokeText(String(k), cx + 8, cy - 7);
      ctx.fillStyle = p.theme.fg;
      ctx.fillText(String(k), cx + 8, cy - 7);
    }
  }
  ctx.restore();

  // Legend under the x axis
  ctx.font = `11px ${font}`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  let lx = M.left;
  const ly = M.top + p.height + 30;
  p.colors.forEach((c, k) => {
    ctx.fillStyle = c;
    ctx.beginPath();
    ctx.arc(lx + 5, ly, 5, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = p.theme.fg;
    ctx.fillText(String(k), lx + 13, ly);
    lx += 30;
  });
  return canvas;
}

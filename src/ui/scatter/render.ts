/**
 * Draws a plot into an offscreen canvas for "Save image", "Save all panels", the PNG figure and
 * the video: caption line, grid, axes with ticks, points, class centers and a colour legend.
 * Points and centers come from the same layers as the screen (pointLayer, centerLayer), the ticks
 * from the same rule (axes.ts), so the image is the picture on screen.
 */
import type { Domain } from './geometry';
import { plotTicks } from './axes';
import { centerMarks, drawCenters } from './centerLayer';
import type { GeometryView } from './circleView';
import { drawGeometry, geometryMarks, type LossGeometry } from './geometryLayer';
import { drawPoints, groupByClass, INTERLEAVE } from './pointLayer';
import { FONT, type PlotTheme } from './style';
import { mappingOf, scalesOf } from './viewport';

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
  /** The run's loss geometry and the panel's view (points are passed as that view draws them). */
  geometry?: LossGeometry | null;
  view?: GeometryView;
  theme: PlotTheme;
  caption: string;
  /** Pixel ratio of the image (default 2). */
  scale?: number;
}

/** Space around the plot area in an image (caption above, legend below). */
export const IMAGE_MARGIN = { top: 34, right: 16, bottom: 46, left: 48 } as const;

export function renderPlotImage(doc: Document, p: PlotImage): HTMLCanvasElement {
  const M = IMAGE_MARGIN;
  const s = p.scale ?? 2;
  const W = M.left + p.width + M.right, H = M.top + p.height + M.bottom;
  const canvas = doc.createElement('canvas');
  canvas.width = Math.round(W * s);
  canvas.height = Math.round(H * s);
  const ctx = canvas.getContext('2d');
  if (ctx) drawPlotImage(ctx, p);
  return canvas;
}

/** Everything renderPlotImage draws, into `ctx` (a recording fake in tests). */
export function drawPlotImage(ctx: CanvasRenderingContext2D, p: PlotImage): void {
  const M = IMAGE_MARGIN;
  const W = M.left + p.width + M.right, H = M.top + p.height + M.bottom;
  ctx.scale(p.scale ?? 2, p.scale ?? 2);
  ctx.fillStyle = p.theme.bg;
  ctx.fillRect(0, 0, W, H);

  // Caption
  ctx.fillStyle = p.theme.fg;
  ctx.font = `600 13px ${FONT}`;
  ctx.textBaseline = 'middle';
  ctx.fillText(p.caption, M.left, M.top / 2, W - M.left - M.right);

  // From here on, plot-area coordinates (as on the screen's canvas).
  ctx.translate(M.left, M.top);
  const scales = scalesOf(p.domain, p.width, p.height);
  const { x, y } = scales;
  const ticks = plotTicks(scales, p.width, p.height);

  // Grid, frame, tick labels
  ctx.strokeStyle = p.theme.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const t of ticks.x.values) { ctx.moveTo(x(t), 0); ctx.lineTo(x(t), p.height); }
  for (const t of ticks.y.values) { ctx.moveTo(0, y(t)); ctx.lineTo(p.width, y(t)); }
  ctx.stroke();
  ctx.strokeStyle = p.theme.muted;
  ctx.strokeRect(0, 0, p.width, p.height);
  ctx.fillStyle = p.theme.muted;
  ctx.font = `10px ${FONT}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of ticks.x.values) ctx.fillText(ticks.x.format(t), x(t), p.height + 4);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of ticks.y.values) ctx.fillText(ticks.y.format(t), -4, y(t));

  // Geometry, points and centers, clipped to the plot area
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, p.width, p.height);
  ctx.clip();
  const map = mappingOf(scales);
  drawGeometry(ctx, geometryMarks(p.geometry ?? null, p.view ?? 'plane', p.highlight, p.colors, map, p.width, p.height), p.theme);
  if (p.points) {
    const groups = groupByClass(p.labels, p.points.length >> 1);
    drawPoints(ctx, { points: p.points, groups, colors: p.colors, fg: p.theme.fg, highlight: p.highlight, map, chunks: INTERLEAVE });
  }
  drawCenters(ctx, centerMarks(p.centers, p.highlight, p.colors, map, p.width, p.height), p.theme);
  ctx.restore();

  // Legend under the x axis
  ctx.font = `11px ${FONT}`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const ly = p.height + 30;
  p.colors.forEach((c, k) => {
    const lx = k * 30;
    ctx.fillStyle = c;
    ctx.beginPath();
    ctx.arc(lx + 5, ly, 5, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = p.theme.fg;
    ctx.fillText(String(k), lx + 13, ly);
  });
}

/**
 * The scatter's DOM: header (title, legend), the plot box with its three layers (grid SVG, points
 * canvas, front SVG with axes, zoom capture rect, centers, hover ring and marker) and the tooltip.
 * Everything lives under `root`, which the facade removes on destroy.
 */
import { select, type Selection } from 'd3';
import { MARGIN } from './style';
import type { PointTooltip } from './tooltip';

type GSel = Selection<SVGGElement, unknown, null, undefined>;

export interface ScatterDom {
  root: HTMLDivElement;
  title: HTMLDivElement;
  plot: HTMLDivElement;
  canvas: HTMLCanvasElement;
  gridX: GSel;
  gridY: GSel;
  axisX: GSel;
  axisY: GSel;
  centers: GSel;
  zoomRect: Selection<SVGRectElement, unknown, null, undefined>;
  /** Size the canvas, clip and capture rect to a `w`×`h` plot area at pixel ratio `dpr`. */
  sizeTo(w: number, h: number, dpr: number): void;
  /** Show the ring around the hovered point at (x, y) in plot-area px, or hide it. */
  placeHoverRing(at: readonly [number, number] | null): void;
  /** Show the star of the marked point at (x, y), or hide it. */
  placeMarker(at: readonly [number, number] | null): void;
}

export function buildScatterDom(doc: Document, opts: { title: string; showTitle?: boolean }, legend: HTMLElement, tooltip: PointTooltip): ScatterDom {
  const id = Math.random().toString(36).slice(2, 10); // unique clip-path and tooltip ids in the page
  const root = doc.createElement('div');
  root.className = 'scatter';

  const header = doc.createElement('div');
  header.className = 'scatter-header';
  const title = doc.createElement('div');
  title.className = 'scatter-title';
  title.textContent = opts.title;
  if (opts.showTitle === false) title.hidden = true;
  header.append(title, legend);
  root.appendChild(header);

  const plot = doc.createElement('div');
  plot.className = 'scatter-plot';
  plot.setAttribute('role', 'img');
  plot.tabIndex = 0; // keyboard: arrows pan, + / − zoom, 0 resets, Esc hides the tooltip
  plot.setAttribute('aria-keyshortcuts', 'ArrowLeft ArrowRight ArrowUp ArrowDown + - 0 Escape');
  root.appendChild(plot);
  const shift = `translate(${MARGIN.left},${MARGIN.top})`;

  // Grid (under the points)
  const gridSvg = select(plot).append('svg').attr('class', 'scatter-svg scatter-svg-grid').attr('aria-hidden', 'true');
  const gridInner = gridSvg.append('g').attr('transform', shift);
  const gridX = gridInner.append('g').attr('class', 'scatter-grid scatter-grid-x');
  const gridY = gridInner.append('g').attr('class', 'scatter-grid scatter-grid-y');

  // Points
  const canvas = doc.createElement('canvas');
  canvas.className = 'scatter-canvas';
  canvas.setAttribute('aria-hidden', 'true');
  plot.appendChild(canvas);

  // Axes, zoom capture, centers (over the points)
  const svg = select(plot).append('svg').attr('class', 'scatter-svg scatter-svg-front').attr('aria-hidden', 'true');
  const clipId = `scatter-clip-${id}`;
  const clipRect = svg.append('defs').append('clipPath').attr('id', clipId).append('rect');
  const inner = svg.append('g').attr('transform', shift);
  const axisX = inner.append('g').attr('class', 'scatter-axis scatter-axis-x');
  const axisY = inner.append('g').attr('class', 'scatter-axis scatter-axis-y');
  const zoomRect = inner.append('rect').attr('class', 'scatter-zoom');
  const centers = inner.append('g').attr('class', 'scatter-centers').attr('clip-path', `url(#${clipId})`);
  const hoverRing = inner.append('circle').attr('class', 'scatter-hover').attr('r', 5).style('display', 'none').node()!;
  // In a clipped group: a clip-path on the moved path itself would move with it.
  const marker = inner.append('g').attr('clip-path', `url(#${clipId})`).append('path').attr('class', 'scatter-marker')
    .attr('d', starPath(9, 4)).style('display', 'none').node()!;

  // Tooltip: a sibling of the plot (the plot is role="img", whose content is presentational).
  tooltip.el.id = `scatter-tooltip-${id}`;
  root.appendChild(tooltip.el);

  return {
    root, title, plot, canvas, gridX, gridY, axisX, axisY, centers, zoomRect,
    sizeTo(w, h, dpr) {
      const cs = canvas.style;
      cs.left = `${MARGIN.left}px`;
      cs.top = `${MARGIN.top}px`;
      cs.width = `${w}px`;
      cs.height = `${h}px`;
      canvas.width = Math.max(1, Math.round(w * dpr));
      canvas.height = Math.max(1, Math.round(h * dpr));
      clipRect.attr('width', w).attr('height', h);
      zoomRect.attr('width', w).attr('height', h);
    },
    placeHoverRing(at) {
      hoverRing.style.display = at ? '' : 'none';
      if (at) {
        hoverRing.setAttribute('cx', String(at[0]));
        hoverRing.setAttribute('cy', String(at[1]));
      }
    },
    placeMarker(at) {
      marker.style.display = at ? '' : 'none';
      if (at) marker.setAttribute('transform', `translate(${at[0].toFixed(2)},${at[1].toFixed(2)})`);
    },
  };
}

/** A five-pointed star of outer radius `r` and inner radius `ri`, centred on the origin. */
function starPath(r: number, ri: number): string {
  const pts = Array.from({ length: 10 }, (_, i) => {
    const a = -Math.PI / 2 + (i * Math.PI) / 5, rr = i % 2 ? ri : r;
    return `${(rr * Math.cos(a)).toFixed(2)},${(rr * Math.sin(a)).toFixed(2)}`;
  });
  return `M${pts.join('L')}Z`;
}

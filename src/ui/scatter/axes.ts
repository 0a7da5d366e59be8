/**
 * Axes and grid. The tick rule (tickCounts in style.ts) and the tick labels (d3's tickFormat for
 * that count, as d3-axis uses) are shared by the screen's SVG axes and the exports.
 */
import { axisBottom, axisLeft, easeCubicOut, type Axis, type NumberValue, type ScaleLinear, type Selection } from 'd3';
import { tickCounts } from './style';
import type { Scales } from './viewport';
import type { Motion } from './motion';

export interface Ticks {
  values: number[];
  format: (v: number) => string;
}

/** The ticks an axis over `scale` shows when asked for `count` of them. */
export function axisTicks(scale: ScaleLinear<number, number>, count: number): Ticks {
  return { values: scale.ticks(count), format: scale.tickFormat(count) };
}

/** Ticks of both axes of a `width`×`height` plot area. */
export function plotTicks(s: Scales, width: number, height: number): { x: Ticks; y: Ticks } {
  const n = tickCounts(width, height);
  return { x: axisTicks(s.x, n.x), y: axisTicks(s.y, n.y) };
}

type GSel = Selection<SVGGElement, unknown, null, undefined>;

/** The screen's axes (front SVG) and grid lines (back SVG), drawn by d3-axis. */
export class AxesSvg {
  constructor(
    private readonly axisX: GSel,
    private readonly axisY: GSel,
    private readonly gridX: GSel,
    private readonly gridY: GSel,
    private readonly motion: Motion,
  ) {}

  /** The plot area is `height` px tall: the x axis and its grid sit at its bottom. */
  resize(height: number): void {
    this.axisX.attr('transform', `translate(0,${height})`);
    this.gridX.attr('transform', `translate(0,${height})`);
  }

  render(s: Scales, width: number, height: number, animate: boolean): void {
    const n = tickCounts(width, height);
    const groups: [GSel, Axis<NumberValue>][] = [
      [this.axisX, axisBottom(s.x).ticks(n.x).tickSizeOuter(0)],
      [this.axisY, axisLeft(s.y).ticks(n.y).tickSizeOuter(0)],
      [this.gridX, axisBottom(s.x).ticks(n.x).tickSize(-height).tickFormat(() => '')],
      [this.gridY, axisLeft(s.y).ticks(n.y).tickSize(-width).tickFormat(() => '')],
    ];
    for (const [g, ax] of groups) {
      if (animate) g.transition().duration(this.motion.duration).ease(easeCubicOut).call(ax);
      else g.interrupt().call(ax);
    }
  }
}

/**
 * The look of the scatter plot, written once for the screen and for every export (PNG, figure
 * SVG): palette, margins, point alpha and radius, the tick rule, the class-center mark.
 * Pure constants and functions: no DOM.
 */

/**
 * 10-class categorical palette, index = digit. Tableau 10 (d3.schemeTableau10): better separated
 * for colour-vision deficiencies than d3.schemeCategory10. Shared with any external legend.
 */
export const CLASS_COLORS: readonly string[] = Object.freeze([
  '#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f',
  '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab',
]);

/** Space around the plot area on screen (axes, tick labels), in CSS px. */
export const MARGIN = { top: 8, right: 12, bottom: 22, left: 42 } as const;

/** Opacity of a point: no highlight, not the highlighted class, the highlighted class. */
export const POINT_ALPHA = 0.6;
export const POINT_FADED = 0.08;
export const POINT_ACTIVE = 1;

/** Point radius (px) for `n` points: smaller dots for denser plots. */
export function pointRadius(n: number): number {
  return n <= 3000 ? 2.2 : n <= 6000 ? 1.8 : 1.5;
}

/** How many ticks each axis asks d3 for, in a plot area of `width`×`height` px. */
export function tickCounts(width: number, height: number): { x: number; y: number } {
  return { x: Math.max(2, Math.round(width / 80)), y: Math.max(2, Math.round(height / 60)) };
}

/** A class center: an outlined ring with its digit above right. */
export const CENTER = {
  radius: 6,
  /** Width of the dark outline under the coloured ring. */
  haloWidth: 5,
  ringWidth: 2.5,
  /** The label's offset from the center, and the width of its background-coloured edge. */
  labelDx: 8,
  labelDy: -7,
  labelEdge: 3,
  fontSize: 11,
  fontWeight: 700,
  /** Opacity of the other centers while a class is highlighted. */
  fadedOpacity: 0.25,
} as const;

/**
 * The loss geometry (geometryLayer.ts): class-direction spokes, margin wedges, the ring radius R
 * and the unit circle of the circle view.
 */
export const GEOMETRY = {
  spokeWidth: 1.5,
  /** Opacity of the other spokes while a class is highlighted. */
  fadedOpacity: 0.25,
  /** Fill opacity of a margin wedge (in the muted colour). */
  wedgeOpacity: 0.16,
  /** Ring loss's circle of radius R (foreground colour, dashed), and its label. */
  ringWidth: 1.5,
  ringDash: [6, 4] as readonly number[],
  labelDx: 4,
  labelDy: -4,
  labelEdge: 3,
  fontSize: 11,
  fontWeight: 600,
  /** The unit circle of the circle view (muted colour, dotted). */
  unitWidth: 1,
  unitDash: [2, 3] as readonly number[],
  /** Length of a spoke (and radius of a wedge) in the circle view, in data units. */
  circleSpoke: 1.22,
} as const;

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** Colours a drawing needs (the resolved --scatter-* custom properties on screen). */
export interface PlotTheme {
  fg: string;
  bg: string;
  grid: string;
  muted: string;
  /** Outline under the class-center rings. */
  outline: string;
}

export const LIGHT_THEME: Readonly<PlotTheme> = Object.freeze({
  fg: '#1f2328', bg: '#ffffff', grid: '#e3e6ea', muted: '#5b6475', outline: '#111111',
});

/** The theme of the plot under `el`, from its --scatter-* custom properties (defaults: light). */
export function readTheme(el: Element): PlotTheme {
  const cs = getComputedStyle(el);
  const v = (name: string, dflt: string) => cs.getPropertyValue(name).trim() || dflt;
  return {
    fg: v('--scatter-fg', LIGHT_THEME.fg),
    bg: v('--scatter-bg', LIGHT_THEME.bg),
    grid: v('--scatter-grid', LIGHT_THEME.grid),
    muted: v('--scatter-muted', LIGHT_THEME.muted),
    outline: v('--scatter-center-outline', LIGHT_THEME.outline),
  };
}

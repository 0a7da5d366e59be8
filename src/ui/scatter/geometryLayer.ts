/**
 * The geometry layer: what a run's loss draws besides its points, under the points.
 *  - ring loss: the learned radius R as a dashed circle about the origin, labelled "R = 3.2";
 *  - cosine heads (NormFace, CosFace, ArcFace): one spoke from the origin along each class weight
 *    direction ŵ_j, in the class colour, and the margin as wedges (below);
 *  - the circle view (circleView.ts): the unit circle the points were projected onto.
 *
 * The margin wedges. A cosine head decides by angle alone, and its margin moves the decision
 * boundary between two classes whose directions are Δ apart, so the faithful picture is a band
 * about the bisector of each pair of neighbouring spokes (the nearest competitor of any direction
 * between two neighbouring spokes is one of those two): a sample of either class that falls inside
 * the band is classified right but does not yet meet the margin. Writing θ for the angle from one
 * spoke, so Δ − θ is the angle from the other:
 *  - ArcFace, logit s·cos(θ + m): a sample of the first class meets the margin while θ + m < Δ − θ,
 *    i.e. θ < (Δ − m)/2, so the band is the bisector ± m/2 (angular width m);
 *  - CosFace, logit s·(cos θ − m): it meets it while cos θ − cos(Δ − θ) > m, and
 *    cos θ − cos(Δ − θ) = 2 sin(Δ/2) sin(Δ/2 − θ), so the band is the bisector
 *    ± arcsin(m / (2 sin(Δ/2))): wider between close spokes, and the whole gap once m ≥ 1 − cos Δ
 *    (then even a sample on its own spoke misses the margin: the bound m < 1 − cos 36°);
 *  - NormFace (m = 0): no band, no wedge.
 * The band is capped at the gap between the two spokes (ArcFace's θ + m > π fallback never applies
 * inside a gap, as θ ≤ Δ/2 there).
 *
 * `geometryMarks` lays the layer out in plot-area pixels; `drawGeometry` paints it on a canvas (the
 * screen and the PNG export) and figureSvg.ts writes the same marks as SVG (the figure). Sizes and colours come
 * from GEOMETRY (style.ts). No DOM.
 */
import { isCosineHead, type LossId } from '../../train/losses/ids';
import type { Mapping } from './pointLayer';
import { FONT, GEOMETRY, type PlotTheme } from './style';

/** Which picture a panel draws: the raw feature plane, or the unit-circle (angle only) view. */
export type GeometryView = 'plane' | 'circle';

/** What the geometry layer reads of a run's loss (the snapshot's `geometry`). */
export interface LossGeometry {
  loss: LossId;
  /** Ring loss's learned radius R, else null. */
  radius: number | null;
  /** [K×2] unit class-weight directions ŵ_j, row-major. */
  classDirections: Float32Array | null;
  /** Cosine heads: the scale s and margin m (CosFace: cosine margin; ArcFace: radians), else null. */
  s: number | null;
  m: number | null;
}

export interface Spoke {
  k: number;
  /** The spoke's far end in plot-area px (it starts at the origin). */
  x: number;
  y: number;
  color: string;
  faded: boolean;
}

/** A sector about the origin, in canvas angles (clockwise on screen from +x), start < end. */
export interface Wedge {
  /** The two classes whose spokes it lies between. */
  between: [number, number];
  start: number;
  end: number;
  r: number;
}

export interface GeometryMarks {
  /** The data origin in plot-area px. */
  cx: number;
  cy: number;
  wedges: Wedge[];
  spokes: Spoke[];
  /** Radius (px) of the unit circle (circle view), or null. */
  unitCircle: number | null;
  ring: { r: number; label: string; x: number; y: number } | null;
}

const TAU = Math.PI * 2;

/**
 * Half-width (radians) of the margin band about the bisector of two class directions `delta`
 * radians apart (see the file comment), capped at delta/2; 0 for no margin.
 */
export function marginHalfWidth(loss: LossId, m: number | null, delta: number): number {
  if (!(m != null && m > 0) || !(delta > 0)) return 0;
  const gap = delta / 2;
  if (loss === 'arcface') return Math.min(m / 2, gap);
  if (loss === 'cosface') {
    const arg = m / (2 * Math.sin(gap));
    return arg >= Math.sin(gap) ? gap : Math.asin(arg);
  }
  return 0;
}

/** The finite, non-zero class directions as (class, angle), sorted by angle. */
export function directionAngles(dirs: Float32Array | null): { k: number; angle: number }[] {
  const out: { k: number; angle: number }[] = [];
  if (!dirs) return out;
  for (let k = 0; 2 * k + 1 < dirs.length; k++) {
    const x = dirs[2 * k], y = dirs[2 * k + 1];
    if (Number.isFinite(x) && Number.isFinite(y) && (x !== 0 || y !== 0)) out.push({ k, angle: Math.atan2(y, x) });
  }
  return out.sort((a, b) => a.angle - b.angle);
}

/** The margin bands as data-angle intervals [from, to] (counter-clockwise), one per gap between neighbouring spokes. */
export function marginBands(g: LossGeometry): { between: [number, number]; from: number; to: number }[] {
  const dirs = directionAngles(g.classDirections);
  const out: { between: [number, number]; from: number; to: number }[] = [];
  if (dirs.length < 2) return out;
  for (let i = 0; i < dirs.length; i++) {
    const a = dirs[i], b = dirs[(i + 1) % dirs.length];
    let delta = b.angle - a.angle;
    if (delta <= 0) delta += TAU;
    const h = marginHalfWidth(g.loss, g.m, delta);
    if (!(h > 0)) continue;
    const mid = a.angle + delta / 2;
    out.push({ between: [a.k, b.k], from: mid - h, to: mid + h });
  }
  return out;
}

/** "R = 3.2": two significant digits below 10, one decimal above. */
export function radiusLabel(r: number): string {
  return `R = ${Math.abs(r) >= 10 ? r.toFixed(1) : r.toPrecision(2)}`;
}

/** The largest distance (data units) from the origin to a corner of the plot area. */
function reach(map: Mapping, width: number, height: number): number {
  let best = 0;
  for (const px of [0, width]) {
    for (const py of [0, height]) best = Math.max(best, Math.hypot((px - map.bx) / map.ax, (py - map.by) / map.ay));
  }
  return best;
}

/**
 * The geometry layer of `g` in plot-area px, or null when there is nothing to draw (no geometry
 * and not the circle view, or an empty plot area). Spokes and wedges reach GEOMETRY.circleSpoke in
 * the circle view and the plot's far corner otherwise (the clip cuts them at its edge).
 */
export function geometryMarks(
  g: LossGeometry | null,
  view: GeometryView,
  highlight: number | null,
  colors: readonly string[],
  map: Mapping,
  width: number,
  height: number,
): GeometryMarks | null {
  if (!(width > 0 && height > 0) || !Number.isFinite(map.ax) || !Number.isFinite(map.ay) || map.ax === 0 || map.ay === 0) return null;
  const circle = view === 'circle';
  if (!g && !circle) return null;
  const cx = map.bx, cy = map.by, unit = Math.abs(map.ax);
  const length = circle ? GEOMETRY.circleSpoke : reach(map, width, height);
  const at = (r: number, angle: number): [number, number] => [map.ax * r * Math.cos(angle) + cx, map.ay * r * Math.sin(angle) + cy];
  const canvasAngle = (angle: number) => Math.atan2(map.ay * Math.sin(angle), map.ax * Math.cos(angle));
  const flipped = map.ax * map.ay < 0; // y up on screen: counter-clockwise in data is anticlockwise on the canvas

  const marks: GeometryMarks = { cx, cy, wedges: [], spokes: [], unitCircle: circle ? unit : null, ring: null };
  if (g && isCosineHead(g.loss)) {
    for (const { k, angle } of directionAngles(g.classDirections).sort((a, b) => a.k - b.k)) {
      const [x, y] = at(length, angle);
      marks.spokes.push({ k, x, y, color: colors[k % colors.length], faded: highlight != null && highlight !== k });
    }
    for (const band of marginBands(g)) {
      const a = canvasAngle(band.from), b = canvasAngle(band.to);
      const start = flipped ? b : a;
      let end = flipped ? a : b;
      while (end <= start) end += TAU;
      marks.wedges.push({ between: band.between, start, end, r: length * unit });
    }
  }
  const R = g?.loss === 'ring' ? g.radius : null;
  if (R != null && Number.isFinite(R) && R > 0) {
    const [x, y] = at(R, Math.PI / 4);
    marks.ring = { r: R * unit, label: radiusLabel(R), x: x + GEOMETRY.labelDx, y: y + GEOMETRY.labelDy };
  }
  return marks;
}

/** The part of a 2-D canvas context the geometry layer draws with (a recording fake in tests). */
export type GeometryCanvas = Pick<
  CanvasRenderingContext2D,
  'save' | 'restore' | 'beginPath' | 'moveTo' | 'lineTo' | 'arc' | 'closePath' | 'fill' | 'stroke' | 'setLineDash' | 'strokeText' | 'fillText'
> & {
  globalAlpha: number;
  strokeStyle: CanvasRenderingContext2D['strokeStyle'];
  fillStyle: CanvasRenderingContext2D['fillStyle'];
  lineWidth: number;
  lineCap: CanvasLineCap;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
};

/** Paints the layer into a canvas context in plot-area px (nothing at all for null). */
export function drawGeometry(ctx: GeometryCanvas, marks: GeometryMarks | null, theme: PlotTheme): void {
  if (!marks) return;
  const { cx, cy } = marks;
  ctx.save();
  ctx.fillStyle = theme.muted;
  ctx.globalAlpha = GEOMETRY.wedgeOpacity;
  for (const w of marks.wedges) {
    ctx.beginPath();
    ctx.moveTo(cx, cy);
    ctx.arc(cx, cy, w.r, w.start, w.end, false);
    ctx.closePath();
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  if (marks.unitCircle != null) {
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = GEOMETRY.unitWidth;
    ctx.setLineDash([...GEOMETRY.unitDash]);
    ctx.beginPath();
    ctx.arc(cx, cy, marks.unitCircle, 0, TAU);
    ctx.stroke();
  }
  if (marks.ring) {
    ctx.strokeStyle = theme.fg;
    ctx.lineWidth = GEOMETRY.ringWidth;
    ctx.setLineDash([...GEOMETRY.ringDash]);
    ctx.beginPath();
    ctx.arc(cx, cy, marks.ring.r, 0, TAU);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.lineWidth = GEOMETRY.spokeWidth;
  ctx.lineCap = 'round';
  for (const s of marks.spokes) {
    ctx.globalAlpha = s.faded ? GEOMETRY.fadedOpacity : 1;
    ctx.strokeStyle = s.color;
    ctx.beginPath();
    ctx.moveTo(cx, cy);
    ctx.lineTo(s.x, s.y);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  if (marks.ring) {
    ctx.font = `${GEOMETRY.fontWeight} ${GEOMETRY.fontSize}px ${FONT}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.lineWidth = GEOMETRY.labelEdge;
    ctx.strokeStyle = theme.bg;
    ctx.strokeText(marks.ring.label, marks.ring.x, marks.ring.y);
    ctx.fillStyle = theme.fg;
    ctx.fillText(marks.ring.label, marks.ring.x, marks.ring.y);
  }
  ctx.restore();
}
